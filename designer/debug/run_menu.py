"""The Run menu, the run toolbar and the execution docks of the debugger (a part of DebugController)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDockWidget,
    QFrame,
    QMenu,
    QScrollArea,
    QToolBar,
    QToolButton,
    QWidget,
)

from designer.canvas.items.state_item import StateItem
from designer.debug.emulated_view import EmulatedAwsView
from designer.panels.emulated_aws import EmulatedAwsPanel
from designer.panels.execution_callbacks import CallbacksPanel
from designer.panels.execution_events import EventTablePanel
from designer.panels.execution_run import ExecutionRunPanel
from designer.panels.execution_state import StateDataPanel
from designer.panels.execution_test_state import TestStatePanel
from designer.panels.execution_timeline import TimelinePanel
from designer.panels.trace_choreography import ChoreographyPanel


def shrinkable(panel: QWidget) -> QWidget:
    """The panel in a scroll area, so that its dock can be made as small as the user likes.

    A dock never gets smaller than its widget's minimum size: one tall form (Test State) in the
    tabbed bottom area would otherwise hold every bottom panel at that height, and the splitter
    above them could not be dragged down. Scrolled, the panel keeps its layout and the user
    decides how much of the window it gets.
    """
    if isinstance(panel, QAbstractScrollArea):
        return panel  # scrolls already
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


class RunMenu:
    """Builds the docks, the actions, the menu and the toolbar; the controller provides the slots."""

    window: Any
    docks: dict[str, QDockWidget]

    # building ---------------------------------------------------------------------------------

    def _build_panels(self) -> None:
        w = self.window
        self.run_panel = ExecutionRunPanel()
        self.events_panel = EventTablePanel()
        self.state_panel = StateDataPanel()
        self.timeline = TimelinePanel()
        self.callbacks = CallbacksPanel()
        self.choreography = ChoreographyPanel()
        self.test_panel = TestStatePanel()
        self.emulated_panel = EmulatedAwsPanel()
        self.emulated_view = EmulatedAwsView(self.emulated_panel, w.document)
        area = Qt.DockWidgetArea.BottomDockWidgetArea
        self.docks: dict[str, QDockWidget] = {}
        previous = w.problems_dock
        for title, widget in (
            ("Run", self.run_panel),
            ("Events", self.events_panel),
            ("State Data", self.state_panel),
            ("Timeline", self.timeline),
            ("Callbacks", self.callbacks),
            ("Choreography", self.choreography),
            ("Test State", self.test_panel),
            ("Emulated AWS", self.emulated_panel),
        ):
            dock = QDockWidget(title, w)
            dock.setObjectName(f"dock-debug-{title.lower().replace(' ', '-')}")
            dock.setWidget(shrinkable(widget))
            w.addDockWidget(area, dock)
            w.tabifyDockWidget(previous, dock)  # at once: side by side, eight docks would widen the window
            previous = dock
            self.docks[title] = dock
        w.problems_dock.raise_()

    def _action(self, text: str, slot: Any, shortcut: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.run_action = a("&Run", self.run, "Ctrl+F5", "Run the state machine to the end, no debugger")
        self.debug_action = a(
            "&Debug", self.debug, "Ctrl+Shift+F5", "Run with the debugger: pause at breakpoints"
        )
        self.continue_action = a(
            "&Continue", self.resume, "F5", "Continue to the next breakpoint (starts debugging when idle)"
        )
        self.pause_action = a("&Pause", self.pause_now, "F6", "Pause at the next state")
        self.step_action = a("Step &Over", self.step, "F10", "Run the paused state, pause at the next one")
        self.into_action = a(
            "Step &Into", self.step_into, "F11", "Pause at the very next state, inside a branch or iteration"
        )
        self.out_action = a(
            "Step O&ut", self.step_out, "Shift+F11", "Pause when the current branch or iteration is done"
        )
        self.run_to_action = a(
            "Run &to Selected State", self.run_to_selected, "Ctrl+F10", "Run until the selected state"
        )
        self.stop_action = a("&Stop", self.stop, "Shift+F5", "End the run (the execution is aborted)")
        self.breakpoint_action = a(
            "Toggle &Breakpoint",
            self.toggle_breakpoint,
            "F9",
            "Set or clear a breakpoint on the selected state",
        )
        self.condition_action = a(
            "Breakpoint &Condition…",
            self.edit_condition,
            "Ctrl+Shift+F9",
            'Pause only when a condition holds: $.total > 100 && $.country == "BR", {% JSONata %}',
        )
        self.clear_breakpoints_action = a("Clear All Breakpoints", self.clear_breakpoints)
        self.break_error_action = a("Break on &Error", self._break_flags)
        self.break_error_action.setCheckable(True)
        self.break_caught_action = a("Break on Ca&ught Error", self._break_flags)
        self.break_caught_action.setCheckable(True)
        self.real_clock_action = a(
            "Real &Clock",
            lambda: None,
            None,
            "Real time (for callbacks you answer by hand); off: virtual time, Waits take no time",
        )
        self.real_clock_action.setCheckable(True)
        self.test_state_action = a(
            "&Test State…",
            self.test_selected_state,
            "Ctrl+Shift+T",
            "Run the selected state alone (TestState)",
        )
        self.put_event_action = a(
            "Put &Event…", self.show_choreography, None, "Put an event on a bus and follow it"
        )
        bar = self.window.menuBar()
        menu = QMenu("&Run", self.window)
        menu.addActions([self.run_action, self.debug_action, self.stop_action])
        menu.addSeparator()
        menu.addActions(
            [
                self.continue_action,
                self.pause_action,
                self.step_action,
                self.into_action,
                self.out_action,
                self.run_to_action,
            ]
        )
        menu.addSeparator()
        menu.addActions([self.breakpoint_action, self.condition_action, self.clear_breakpoints_action])
        menu.addActions([self.break_error_action, self.break_caught_action])
        menu.addSeparator()
        menu.addActions([self.real_clock_action, self.test_state_action, self.put_event_action])
        actions = bar.actions()
        bar.insertMenu(actions[-1], menu) if actions else bar.addMenu(menu)
        self.menu = menu
        toolbar = QToolBar("Run", self.window)
        toolbar.setObjectName("toolbar-run")
        toolbar.addActions([self.run_action, self.debug_action, self.continue_action, self.pause_action])
        toolbar.addActions(
            [self.step_action, self.into_action, self.out_action, self.run_to_action, self.stop_action]
        )
        toolbar.addSeparator()
        toolbar.addActions([self.breakpoint_action, self.test_state_action])
        self.window.addToolBar(toolbar)
        self.toolbar = toolbar
        self.run_panel.clock_button.setDefaultAction(self.real_clock_action)
        for button, action in (
            ("Run", self.run_action),
            ("Debug", self.debug_action),
            ("Stop", self.stop_action),
        ):
            tool = QToolButton()
            tool.setDefaultAction(action)
            tool.setText(button)
            self.run_panel.buttons.addWidget(tool)
        panels = getattr(self.window.actions_, "panels_menu", None)
        if panels is not None:
            for dock in self.docks.values():
                panels.addAction(dock.toggleViewAction())

    def context_actions(self, menu: QMenu, item: StateItem) -> None:
        """The run actions that apply to a state, for the canvas's right-click menu."""
        menu.addSeparator()
        menu.addActions(
            [self.breakpoint_action, self.condition_action, self.run_to_action, self.test_state_action]
        )
        self.thread_actions(menu, item)  # "Switch to ..." where another branch or iteration is held

    def _wire(self) -> None:
        doc = self.document
        for signal in (doc.state_added, doc.state_removed, doc.state_changed, doc.transition_changed):
            signal.connect(lambda _m, _p: self._canvas_timer.start())
        doc.definition_replaced.connect(lambda _m: self._canvas_timer.start())
        doc.resource_added.connect(lambda _k, _n: self._machines_changed())
        doc.resource_removed.connect(lambda _k, _n: self._machines_changed())
        doc.resource_changed.connect(self._resource_changed)
        doc.document_reset.connect(self._document_reset)
        self.scene.selectionChanged.connect(self._selection_changed)
        p = self.run_panel
        p.machine_changed.connect(self._machine_chosen)
        p.save_input_requested.connect(self.save_default_input)
        p.cursor_changed.connect(self.travel_to)
        p.focus_changed.connect(self.set_focus)
        self.events_panel.execution_chosen.connect(self.show_execution)
        self.events_panel.event_activated.connect(lambda eid: self.travel_to(eid))
        self.timeline.canvas.bar_clicked.connect(self._timeline_clicked)
        s = self.state_panel
        s.visit_chosen.connect(self._visit_chosen)
        s.test_requested.connect(self._test_with_input)
        s.run_from_requested.connect(self.run_from_selected)
        s.apply_input_requested.connect(self._apply_input)
        c = self.callbacks
        c.success_requested.connect(lambda token, output: self._callback("success", token, output))
        c.failure_requested.connect(
            lambda token, error, cause: self._callback("failure", token, error, cause)
        )
        c.heartbeat_requested.connect(lambda token: self._callback("heartbeat", token))
        self.choreography.put_requested.connect(self.put_events)
        self.choreography.entry_activated.connect(self.select_key)
        self.test_panel.run_requested.connect(self._run_test_state)
