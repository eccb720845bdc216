"""The Run menu, the run toolbar and the execution docks of the debugger (a part DebugController
owns): built on the main window it is given, the actions calling the controller's commands
(`RunCommands`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
    QToolBar,
    QToolButton,
    QWidget,
)

from designer.debug.emulated_view import EmulatedAwsView
from designer.debug.host import RunCommands
from designer.document.project_document import ProjectDocument
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
    """The docks and panels of a run, and the actions, menu and toolbar that drive it."""

    def __init__(
        self,
        window: QMainWindow,
        first_dock: QDockWidget,
        panels_menu: QMenu | None,
        document: ProjectDocument,
        commands: RunCommands,
    ) -> None:
        """`first_dock`: the bottom dock the execution docks join as tabs; `panels_menu`: the
        View menu's list of panels, which gets every execution dock."""
        self.window = window
        self._build_panels(first_dock, document)
        self._build_actions(commands)
        if panels_menu is not None:
            for dock in self.docks.values():
                panels_menu.addAction(dock.toggleViewAction())

    def _build_panels(self, first_dock: QDockWidget, document: ProjectDocument) -> None:
        w = self.window
        self.run_panel = ExecutionRunPanel()
        self.events_panel = EventTablePanel()
        self.state_panel = StateDataPanel()
        self.timeline = TimelinePanel()
        self.callbacks = CallbacksPanel()
        self.choreography = ChoreographyPanel()
        self.test_panel = TestStatePanel()
        self.emulated_panel = EmulatedAwsPanel()
        self.emulated_view = EmulatedAwsView(self.emulated_panel, document)
        area = Qt.DockWidgetArea.BottomDockWidgetArea
        self.docks: dict[str, QDockWidget] = {}
        previous = first_dock
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
        first_dock.raise_()

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self, c: RunCommands) -> None:
        a = self._action
        self.run_action = a("&Run", c.run, "Ctrl+F5", "Run the state machine to the end, no debugger")
        self.debug_action = a(
            "&Debug", c.debug, "Ctrl+Shift+F5", "Run with the debugger: pause at breakpoints"
        )
        self.continue_action = a(
            "&Continue", c.resume, "F5", "Continue to the next breakpoint (starts debugging when idle)"
        )
        self.pause_action = a("&Pause", c.pause_now, "F6", "Pause at the next state")
        self.step_action = a("Step &Over", c.step, "F10", "Run the paused state, pause at the next one")
        self.into_action = a(
            "Step &Into", c.step_into, "F11", "Pause at the very next state, inside a branch or iteration"
        )
        self.out_action = a(
            "Step O&ut", c.step_out, "Shift+F11", "Pause when the current branch or iteration is done"
        )
        self.run_to_action = a(
            "Run &to Selected State", c.run_to_selected, "Ctrl+F10", "Run until the selected state"
        )
        self.stop_action = a("&Stop", c.stop, "Shift+F5", "End the run (the execution is aborted)")
        self.breakpoint_action = a(
            "Toggle &Breakpoint",
            c.toggle_breakpoint,
            "F9",
            "Set or clear a breakpoint on the selected state",
        )
        self.condition_action = a(
            "Breakpoint &Condition…",
            c.edit_condition,
            "Ctrl+Shift+F9",
            'Pause only when a condition holds: $.total > 100 && $.country == "BR", {% JSONata %}',
        )
        self.clear_breakpoints_action = a("Clear All Breakpoints", c.clear_breakpoints)
        self.break_error_action = a("Break on &Error", c.break_flags_changed)
        self.break_error_action.setCheckable(True)
        self.break_caught_action = a("Break on Ca&ught Error", c.break_flags_changed)
        self.break_caught_action.setCheckable(True)
        self.real_clock_action = a(
            "Real &Clock",
            lambda: None,
            None,
            "Real time (for callbacks you answer by hand); off: virtual time, Waits take no time",
        )
        self.real_clock_action.setCheckable(True)
        self.non_stop_action = a(
            "&Non-Stop Debugging",
            lambda: None,
            None,
            "A pause stops only its own branch or iteration; the others run on (from the next run)",
        )
        self.non_stop_action.setCheckable(True)
        self.next_thread_action = a(
            "Next Paused &Thread",
            c.next_thread,
            "Ctrl+F11",
            "Switch to the next paused branch or iteration: the one the steps act on",
        )
        self.next_thread_action.setEnabled(False)
        self.test_state_action = a(
            "&Test State…",
            c.test_selected_state,
            "Ctrl+Shift+T",
            "Run the selected state alone (TestState)",
        )
        self.put_event_action = a(
            "Put &Event…", c.show_choreography, None, "Put an event on a bus and follow it"
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
                self.next_thread_action,
                self.run_to_action,
            ]
        )
        menu.addSeparator()
        menu.addActions([self.breakpoint_action, self.condition_action, self.clear_breakpoints_action])
        menu.addActions([self.break_error_action, self.break_caught_action, self.non_stop_action])
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

    def clear_panels(self) -> None:
        """Every execution panel forgets the previous document's runs, states and events."""
        self.test_panel.clear()
        self.choreography.clear()
        self.state_panel.clear()
        self.callbacks.set_tasks([])
        self.events_panel.set_executions([], None)
        self.events_panel.set_events([], [])
        self.timeline.canvas.set_bars([], 0, None)
        self.run_panel.set_status("")
        self.run_panel.set_progress(None)
        self.run_panel.set_history_length(0, True)
        self.run_panel.set_containers([])
