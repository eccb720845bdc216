"""The designer's debugger: the Run menu and toolbar, the execution panels, and the canvas
decorations, wired to one `RunSession` at a time.

Every view is computed from the histories the session collects (`ExecutionPicture`); the
debugger's pause (which state, which iteration, what input) is the only other thing shown, and it
comes from the gate's public `Pause`. Views refresh on a short timer while events stream in, and
at once when the execution pauses.
"""

from __future__ import annotations

import asyncio
import copy
import html
import json
import logging
from typing import TYPE_CHECKING, Any

import shiboken6

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QToolBar

from designer.canvas.items.state_item import StateItem
from designer.debug.breakpoint_editor import BreakpointEditor
from designer.debug.dataflow import mock_for, pipeline_for, steps_from
from designer.debug.default_input import SetDefaultInputCommand, default_input
from designer.debug.history_model import FAILED, ExecutionPicture, Visit
from designer.debug.overlay import STATUS_COLOURS, CanvasDecorator
from designer.debug.session import RunSession
from designer.document.paths import StateAddress, get_in
from designer.panels.execution_callbacks import CallbacksPanel
from designer.panels.execution_events import EventTablePanel
from designer.panels.execution_run import ExecutionRunPanel
from designer.panels.execution_state import StateDataPanel
from designer.panels.execution_test_state import TestStatePanel
from designer.panels.execution_timeline import Bar, TimelinePanel
from designer.panels.trace_choreography import ChoreographyPanel
from engine.runtime.debugger import Debugger, Pause
from engine.runtime.test_state import test_state_async

if TYPE_CHECKING:
    from designer.main_window import MainWindow

log = logging.getLogger("statecanvas.designer.debug")
REFRESH_MS = 40
_UNSET: Any = object()
STATUS_MARKS = {"RUNNING": "▶", "PAUSED": "⏸", "SUCCEEDED": "✓", "FAILED": "✗", "ABORTED": "■", "TIMED_OUT": "⧗"}
STATUS_TEXT_COLOURS = {"RUNNING": "#0072B2", "PAUSED": "#0072B2", "SUCCEEDED": "#007A5A", "FAILED": "#C24E00"}


class DebugController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.scene = window.scene
        self.session: RunSession | None = None
        self.debugger: Debugger | None = None
        self.pause: Pause | None = None
        self.picture: ExecutionPicture | None = None
        self.shown_arn: str | None = None
        self.cursor: int | None = None  # events shown (time travel); None: the live end
        self.focus: dict[str, int | None] = {}  # Map/Parallel state path -> iteration/branch shown
        self.breakpoints: dict[str, dict[str, str | None]] = {}  # machine -> {state path: condition}
        self.selected: tuple[str, str] | None = None  # (machine, state path)
        self.selected_visit: int | None = None
        self.editor: BreakpointEditor | None = None
        self.tasks: set[asyncio.Task[Any]] = set()
        self._pipeline_key: Any = None
        self.decorator = CanvasDecorator(self.scene, self.toggle_breakpoint_item)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._canvas_timer = QTimer(self)
        self._canvas_timer.setSingleShot(True)
        self._canvas_timer.setInterval(0)
        self._canvas_timer.timeout.connect(self._after_canvas_change)
        self._build_panels()
        self._build_actions()
        self._wire()
        self._machines_changed()
        self._update_actions()
        self.decorator.refresh_breakpoints()

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
        ):
            dock = QDockWidget(title, w)
            dock.setObjectName(f"dock-debug-{title.lower().replace(' ', '-')}")
            dock.setWidget(widget)
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
        self.debug_action = a("&Debug", self.debug, "Ctrl+Shift+F5", "Run with the debugger: pause at breakpoints")
        self.continue_action = a("&Continue", self.resume, "F5", "Continue to the next breakpoint (starts debugging when idle)")
        self.pause_action = a("&Pause", self.pause_now, "F6", "Pause at the next state")
        self.step_action = a("Step &Over", self.step, "F10", "Run the paused state, pause at the next one")
        self.into_action = a("Step &Into", self.step_into, "F11", "Pause at the very next state, inside a branch or iteration")
        self.out_action = a("Step O&ut", self.step_out, "Shift+F11", "Pause when the current branch or iteration is done")
        self.run_to_action = a("Run &to Selected State", self.run_to_selected, "Ctrl+F10", "Run until the selected state")
        self.stop_action = a("&Stop", self.stop, "Shift+F5", "End the run (the execution is aborted)")
        self.breakpoint_action = a("Toggle &Breakpoint", self.toggle_breakpoint, "F9", "Set or clear a breakpoint on the selected state")
        self.condition_action = a(
            "Breakpoint &Condition…", self.edit_condition, "Ctrl+Shift+F9", "Pause only when a JSONPath/JSONata predicate holds"
        )
        self.clear_breakpoints_action = a("Clear All Breakpoints", self.clear_breakpoints)
        self.break_error_action = a("Break on &Error", self._break_flags)
        self.break_error_action.setCheckable(True)
        self.break_caught_action = a("Break on Ca&ught Error", self._break_flags)
        self.break_caught_action.setCheckable(True)
        self.real_clock_action = a("Real &Clock", lambda: None, None, "Real time (for callbacks you answer by hand); off: virtual time, Waits take no time")
        self.real_clock_action.setCheckable(True)
        self.test_state_action = a("&Test State…", self.test_selected_state, "Ctrl+Shift+T", "Run the selected state alone (TestState)")
        self.put_event_action = a("Put &Event…", self.show_choreography, None, "Put an event on a bus and follow it")
        bar = self.window.menuBar()
        menu = QMenu("&Run", self.window)
        menu.addActions([self.run_action, self.debug_action, self.stop_action])
        menu.addSeparator()
        menu.addActions([self.continue_action, self.pause_action, self.step_action, self.into_action, self.out_action, self.run_to_action])
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
        toolbar.addActions([self.step_action, self.into_action, self.out_action, self.run_to_action, self.stop_action])
        toolbar.addSeparator()
        toolbar.addActions([self.breakpoint_action, self.test_state_action])
        self.window.addToolBar(toolbar)
        self.toolbar = toolbar
        self.run_panel.clock_button.setDefaultAction(self.real_clock_action)
        for button, action in (("Run", self.run_action), ("Debug", self.debug_action), ("Stop", self.stop_action)):
            from PySide6.QtWidgets import QToolButton

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
        menu.addActions([self.breakpoint_action, self.condition_action, self.run_to_action, self.test_state_action])

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
        c.failure_requested.connect(lambda token, error, cause: self._callback("failure", token, error, cause))
        c.heartbeat_requested.connect(lambda token: self._callback("heartbeat", token))
        self.choreography.put_requested.connect(self.put_events)
        self.choreography.entry_activated.connect(self.select_key)
        self.test_panel.run_requested.connect(self._run_test_state)

    # document ---------------------------------------------------------------------------------

    def _machines_changed(self) -> None:
        names = self.document.machine_names()
        current = self.run_panel.current_machine() or self.window.current_machine() or (names[0] if names else None)
        self.run_panel.set_machines(names, current)
        self._load_input(self.run_panel.current_machine())
        self.choreography.set_templates(self._event_templates())
        self._canvas_timer.start()

    def _resource_changed(self, kind: str, name: str) -> None:
        if kind == "stateMachine" and name == self.run_panel.current_machine():
            self._load_input(name)
        elif kind == "rule":
            self.choreography.set_templates(self._event_templates())

    def _document_reset(self) -> None:
        if self.session is not None:
            self.stop()
        self.session = None
        self.breakpoints = {}
        self.decorator.breakpoints = {}
        self.pause, self.picture, self.shown_arn, self.cursor, self.selected = None, None, None, None, None
        self.choreography.entries.setPlainText("")
        self._machines_changed()
        self._update_actions()

    def _after_canvas_change(self) -> None:
        """The scene rebuilt items: put the decorations back on the new ones."""
        self.decorator.refresh_breakpoints()
        self.refresh()

    def _machine_chosen(self, machine: str) -> None:
        if machine:
            self._load_input(machine)

    def _load_input(self, machine: str | None) -> None:
        if not machine or machine not in self.document.definitions:
            return
        value = default_input(self.document, machine)
        self.run_panel.input.set_value(value if value is not None else {})

    def save_default_input(self, machine: str, value: Any) -> None:
        if machine in self.document.project.state_machines:
            self.document.push(SetDefaultInputCommand(self.document, machine, value))
            self.window.statusBar().showMessage(f"Saved the default input of {machine}", 5000)

    def _event_templates(self) -> list[tuple[str, Any]]:
        out = []
        for name, rule in self.document.project.rules.items():
            pattern = rule.event_pattern or {}
            source = (pattern.get("source") or ["my.source"])[0]
            detail_type = (pattern.get("detail-type") or ["MyEvent"])[0]
            if not isinstance(source, str) or not isinstance(detail_type, str):
                continue
            entry = {"EventBusName": rule.bus, "Source": source, "DetailType": detail_type, "Detail": {}}
            out.append((f"{name} ({detail_type})", [entry]))
        return out

    # running ----------------------------------------------------------------------------------

    def run(self) -> None:
        self.start(debug=False)

    def debug(self) -> None:
        self.start(debug=True)

    def start(
        self,
        *,
        debug: bool,
        machine: str | None = None,
        data: Any = _UNSET,
        definitions: dict[str, dict[str, Any]] | None = None,
        first: str | None = None,
    ) -> RunSession | None:
        """Start a run of `machine` (the Run panel's) on `data` (the panel's input).

        `first`: "pause" to pause at the first state, or a state name to run to."""
        machine = machine or self.run_panel.current_machine()
        if not machine or machine not in self.document.definitions:
            self._say("Choose a state machine to run.")
            return None
        if data is _UNSET:
            try:
                data = self.run_panel.input_value()
            except ValueError:
                self.docks["Run"].raise_()
                return None
        if self.session is not None and self.session.running:
            self.stop()
        debugger = None
        if debug:
            debugger = Debugger(
                break_on_error=self.break_error_action.isChecked(),
                break_on_caught=self.break_caught_action.isChecked(),
            )
            for path, condition in self.breakpoints.get(machine, {}).items():
                debugger.set_breakpoint(StateAddress.parse(machine, path).name, condition or None)
            if first == "pause":
                debugger.pause()
            elif first:
                debugger.run_to(first)
        try:
            session = RunSession(
                self.document,
                clock="real" if self.real_clock_action.isChecked() else "virtual",
                debugger=debugger,
                definitions=definitions,
                parent=self,
            )
            self._adopt(session, debugger)
            session.start_execution(machine, data)
        except RuntimeError as exc:  # no running asyncio loop: the app was not started through qasync
            self._say(f"Cannot run: {exc}")
            return None
        except Exception as exc:
            log.exception("cannot start the run")
            self._say(f"Cannot run {machine}: {exc}")
            return None
        self.shown_arn = session.main_arn
        self.docks["Run"].raise_()
        self._update_actions()
        self.refresh()
        return session

    def _adopt(self, session: RunSession, debugger: Debugger | None) -> None:
        self.session, self.debugger = session, debugger
        self.pause, self.picture, self.cursor, self.shown_arn = None, None, None, None
        self.focus = {}
        self._pipeline_key = None
        self.decorator.clear()
        self.decorator.clear_queues()
        session.event_added.connect(lambda _arn, _event: self._schedule())
        session.execution_started.connect(lambda _arn: self._schedule())
        session.execution_finished.connect(lambda _arn: self._schedule())
        session.queue_changed.connect(lambda _name: self._schedule())
        session.trace_changed.connect(self._schedule)
        session.paused.connect(self._on_pause)
        session.finished.connect(self._on_finished)

    def put_events(self, entries: list[dict[str, Any]]) -> None:
        """Put events on the buses: into the current run if there is one, else a new one."""
        if self.session is None or self.session.stopped:
            try:
                session = RunSession(
                    self.document, clock="real" if self.real_clock_action.isChecked() else "virtual", parent=self
                )
                self._adopt(session, None)
            except Exception as exc:
                self._say(f"Cannot run the project: {exc}")
                return
        try:
            response = self.session.put_events(entries)  # type: ignore[union-attr]
        except RuntimeError as exc:
            self._say(f"Cannot run: {exc}")
            return
        failed = response.get("FailedEntryCount", 0)
        self._say(f"Put {len(entries)} event(s)" + (f", {failed} refused" if failed else ""))
        self.docks["Choreography"].raise_()
        self._update_actions()
        self._schedule()

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()
        self.pause = None
        self._update_actions()
        self._schedule()

    def _on_finished(self) -> None:
        self.pause = None
        self._update_actions()
        self.refresh()

    # debugger commands ------------------------------------------------------------------------

    def _paused(self) -> bool:
        return self.debugger is not None and self.pause is not None

    def _go(self, command: str) -> None:
        if self.debugger is None or self.session is None or self.session.done:
            if command in ("step", "into"):
                self.start(debug=True, first="pause")
            elif command == "run":
                self.start(debug=True)
            return
        self.pause = None
        getattr(self.debugger, command)()
        self._update_actions()
        self._schedule()

    def resume(self) -> None:
        self._go("resume" if self.session is not None and not self.session.done and self.debugger else "run")

    def step(self) -> None:
        self._go("step")

    def step_into(self) -> None:
        self._go("step_into" if self._live_debugger() else "into")

    def step_out(self) -> None:
        if self._live_debugger():
            self._go("step_out")

    def pause_now(self) -> None:
        if self._live_debugger():
            self.debugger.pause()  # type: ignore[union-attr]

    def _live_debugger(self) -> bool:
        return self.debugger is not None and self.session is not None and not self.session.done

    def run_to_selected(self) -> None:
        item = self._selected_item()
        if item is None:
            self._say("Select the state to run to.")
            return
        if self._live_debugger():
            self.pause = None
            self.debugger.run_to(item.address.name)  # type: ignore[union-attr]
            self._update_actions()
        else:
            self.start(debug=True, machine=item.address.machine, first=item.address.name)

    def _on_pause(self, pause: Pause) -> None:
        self.pause = pause
        self.cursor = None
        session = self.session
        if session is not None and session.main_arn:
            self.shown_arn = session.main_arn
        self._focus_on_pause(pause)
        self._update_actions()
        self.refresh()
        machine = session.main_machine if session is not None else None
        path = self._pause_path(pause)
        if machine and path:
            item = self.scene.state_item(machine, path)
            if item is not None:
                self.window.editor.select_item(item)
                self.window.view.ensureVisible(item, 60, 60)

    def _pause_thread(self, pause: Pause) -> tuple[tuple[str, int], ...]:
        pairs = list(zip(pause.path[0::2], pause.path[1::2], strict=False))
        picture = self.picture
        types = {}
        if picture is not None:
            for path, value in picture._state_values().items():
                types[path.rsplit("/States/", 1)[-1]] = value.get("Type")
        return tuple((name, int(index)) for name, index in pairs if types.get(name, "Map") == "Map" and index.isdigit())

    def _pause_path(self, pause: Pause) -> str | None:
        if self.session is None or self.session.main_machine is None:
            return None
        picture = ExecutionPicture([], self.session.definition_of(self.session.main_arn or ""))
        return picture.resolve(pause.state, self._pause_thread(pause))

    def _focus_on_pause(self, pause: Pause) -> None:
        if self.session is None:
            return
        picture = ExecutionPicture([], self.session.definition_of(self.session.main_arn or ""))
        for name, index in zip(pause.path[0::2], pause.path[1::2], strict=False):
            container = picture.resolve(name)
            if container is not None and index.isdigit():
                self.focus[container] = int(index)
                self.run_panel.select_focus(container, int(index))

    def _apply_input(self, value: Any) -> None:
        if self._paused():
            self.debugger.set_input(value)  # type: ignore[union-attr]
            self._say(f"{self.pause.state} will run on the edited input")  # type: ignore[union-attr]

    # breakpoints ------------------------------------------------------------------------------

    def toggle_breakpoint(self) -> None:
        items = self.scene.selected_states()
        if not items:
            self._say("Select a state to set a breakpoint on.")
        for item in items:
            self.toggle_breakpoint_item(item)

    def toggle_breakpoint_item(self, item: StateItem) -> None:
        machine, path = item.address.machine, item.address.path
        marks = self.breakpoints.setdefault(machine, {})
        if path in marks:
            self.set_breakpoint(machine, path, None, enabled=False)
        else:
            self.set_breakpoint(machine, path, None)

    def set_breakpoint(self, machine: str, path: str, condition: str | None, *, enabled: bool = True) -> None:
        marks = self.breakpoints.setdefault(machine, {})
        name = StateAddress.parse(machine, path).name
        if enabled:
            marks[path] = condition or None
        else:
            marks.pop(path, None)
        if self._live_debugger() and self.session is not None and self.session.main_machine == machine:
            if enabled:
                self.debugger.set_breakpoint(name, condition or None)  # type: ignore[union-attr]
            else:
                self.debugger.clear_breakpoint(name)  # type: ignore[union-attr]
        self.decorator.show_breakpoints(machine, marks)

    def clear_breakpoints(self) -> None:
        for machine in list(self.breakpoints):
            for path in list(self.breakpoints[machine]):
                self.set_breakpoint(machine, path, None, enabled=False)

    def edit_condition(self, item: StateItem | None = None) -> BreakpointEditor | None:
        item = item or self._selected_item()
        if item is None:
            self._say("Select a state to put a conditional breakpoint on.")
            return None
        machine, path = item.address.machine, item.address.path
        sample = None
        if self.picture is not None:
            visits = self.picture.visits_of(path)
            sample = visits[-1].input if visits else None
        editor = BreakpointEditor(
            machine, path, item.address.name, self.breakpoints.get(machine, {}).get(path), sample, self.window
        )
        editor.chosen.connect(lambda m, p, c: self.set_breakpoint(m, p, c or None))
        editor.open()
        self.editor = editor
        return editor

    def _break_flags(self) -> None:
        if self.debugger is not None:
            self.debugger.break_on_error = self.break_error_action.isChecked()
            self.debugger.break_on_caught = self.break_caught_action.isChecked()

    # callbacks --------------------------------------------------------------------------------

    def _callback(self, kind: str, token: str, *args: Any) -> None:
        if self.session is None:
            return
        try:
            if kind == "success":
                self.session.send_success(token, args[0])
            elif kind == "failure":
                self.session.send_failure(token, args[0] or None, args[1] or None)
            else:
                self.session.send_heartbeat(token)
        except Exception as exc:
            self.callbacks.message.setText(str(exc))
            return
        self.callbacks.message.setText(f"Sent {kind}.")
        self._schedule()

    # views ------------------------------------------------------------------------------------

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def show_execution(self, arn: str) -> None:
        self.shown_arn = arn
        self.cursor = None
        self.focus = {}
        self.refresh()

    def travel_to(self, event_count: int | None) -> None:
        """Show the execution as it was after its first `event_count` events (None: now)."""
        self.cursor = event_count
        self.refresh()

    def set_focus(self, container: str, index: int | None) -> None:
        self.focus[container] = index
        self.refresh()

    def _iterations(self, picture: ExecutionPicture) -> tuple[dict[str, int | None], set[str]]:
        iterations: dict[str, int | None] = {}
        dimmed: set[str] = set()
        types = {path: value.get("Type") for path, value in picture._state_values().items()}
        for container, index in self.focus.items():
            if index is None:
                continue
            if types.get(container) == "Map":
                iterations[container.rsplit("/States/", 1)[-1]] = index
            elif types.get(container) == "Parallel":
                keep = f"{container}/Branches[{index}]/"
                dimmed |= {p for p in types if p.startswith(f"{container}/Branches[") and not p.startswith(keep)}
        return iterations, dimmed

    def refresh(self) -> None:
        self._timer.stop()
        session = self.session
        if session is None:
            self._update_actions()
            return
        arn = self.shown_arn or session.main_arn
        if arn is None:
            arns = list(session.store.histories)
            arn = arns[-1] if arns else None
        if arn is None:
            self._refresh_choreography()
            return
        machine = session.machine_of(arn)
        events = session.history(arn)
        picture = ExecutionPicture(events, session.definition_of(arn), upto=self.cursor, notes=session.notes(arn))
        picture.execution_arn = arn
        self.picture = picture
        iterations, dimmed = self._iterations(picture)
        paused_path = None
        if self.cursor is None and self.pause is not None and machine == session.main_machine and arn == session.main_arn:
            thread = self._pause_thread(self.pause)
            if all(iterations.get(name) in (None, index) for name, index in thread):  # the iteration shown
                paused_path = picture.resolve(self.pause.state, thread)
        taken = picture.edges_taken(iterations)
        started = picture.started_scopes()
        if paused_path is not None:  # the transition into the paused state is taken already
            thread = self._pause_thread(self.pause)  # type: ignore[arg-type]
            scope = paused_path.rsplit("/States/", 1)[0]
            before = [v for v in picture.visits.values() if v.thread == thread and v.scope == scope and v.path]
            if before:
                last = max(before, key=lambda v: v.entered_id)
                taken.add((last.path, paused_path, last.final_failure is not None))  # type: ignore[arg-type]
            else:
                started.add(scope)
        self.decorator.show_statuses(machine, picture.statuses(iterations), paused=paused_path, dimmed=dimmed)
        self.decorator.show_edges(machine, taken, started)
        for other_machine, other_arn in self._latest_per_machine().items():
            if other_machine == machine:
                continue
            other = ExecutionPicture(session.history(other_arn), session.definition_of(other_arn), notes=session.notes(other_arn))
            self.decorator.show_statuses(other_machine, other.statuses())
            self.decorator.show_edges(other_machine, other.edges_taken(), other.started_scopes())
        self._refresh_run_panel(picture, events, machine, paused_path)
        self._refresh_events(picture, arn)
        self._refresh_timeline(picture)
        self.callbacks.set_tasks(session.pending_tasks())
        self._refresh_choreography()
        self._refresh_state_data()
        self._update_actions()

    def _latest_per_machine(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.session is not None:
            for arn in self.session.store.histories:
                out[self.session.machine_of(arn)] = arn
        return out

    def _refresh_run_panel(self, picture: ExecutionPicture, events: list[dict[str, Any]], machine: str, paused: str | None) -> None:
        status = "PAUSED" if paused else picture.status
        if self.cursor is not None:
            status = picture.status
        mark = STATUS_MARKS.get(status, "")
        colour = STATUS_TEXT_COLOURS.get(status, "#2F3A48")
        text = f"<span style='color:{colour}'><b>{mark} {status.replace('_', ' ').title()}</b></span> · {html.escape(machine)}"
        if paused and self.pause is not None:
            reason = {"run-to": "run to", "error": "on an error"}.get(self.pause.reason, self.pause.reason)
            text += f" · paused at <b>{html.escape(self.pause.state)}</b> ({reason})"
        elif self.cursor is not None:
            text += f" · as it was after event {self.cursor}"
        else:
            current = picture.current()
            if current and picture.status == "RUNNING":
                text += " · in " + ", ".join(html.escape(v.name) for v in current[:3])
        if picture.status == "FAILED" and picture.error:
            failing = next((v for v in reversed([picture.visits[i] for i in picture.order]) if v.status == FAILED), None)
            where = f" in <b>{html.escape(failing.name)}</b>" if failing else ""
            text += f"<br><span style='color:#C24E00'>{html.escape(picture.error)}{where}: {html.escape(str(picture.cause or ''))[:300]}</span>"
        if picture.status == "SUCCEEDED" and self.cursor is None:
            text += "<br>output: <code>" + html.escape(json.dumps(picture.output)[:200]) + "</code>"
        waiting = self.session.pending_tasks() if self.session is not None else []
        if waiting:
            text += f"<br>{len(waiting)} task(s) wait for a callback: answer them in Callbacks."
        self.run_panel.set_status(text)
        self.run_panel.set_progress(picture.progress())
        all_events = self.session.history(picture.execution_arn) if self.session is not None else events

        def describe(count: int) -> str:
            event = all_events[count - 1] if 0 < count <= len(all_events) else {}
            name = event.get("stateEnteredEventDetails", event.get("stateExitedEventDetails", {})).get("name")
            return f"{event.get('type', '')}{f' {name}' if name else ''}"

        self.run_panel.set_history_length(len(all_events), self.cursor is None, describe)
        self.run_panel.set_containers(self._containers(picture))

    def _containers(self, picture: ExecutionPicture) -> list[tuple[str, str, list[tuple[str, Any]]]]:
        out: list[tuple[str, str, list[tuple[str, Any]]]] = []
        seen: set[str] = set()
        marks = {"succeeded": "✓", "failed": "✗", "running": "▶", "aborted": "■"}
        for vid in picture.order:
            visit = picture.visits[vid]
            if visit.path is None or visit.path in seen or visit.state_type not in ("Map", "Parallel"):
                continue
            seen.add(visit.path)
            if visit.state_type == "Map":
                iterations: dict[int, str] = {}
                for run in picture.map_runs(visit.name):
                    iterations.update(run.iterations)
                choices: list[tuple[str, Any]] = [("All iterations", None)]
                choices += [(f"Iteration {i} {marks.get(s, '')}", i) for i, s in sorted(iterations.items())]
                out.append((visit.path, f"Map {visit.name}", choices))
            else:
                branches = get_in(picture.definition, _segments(visit.path) + ("Branches",)) or []
                choices = [("All branches", None)]
                for b, branch in enumerate(branches):
                    start = branch.get("StartAt", "") if isinstance(branch, dict) else ""
                    choices.append((f"Branch {b + 1}: {start}", b))
                out.append((visit.path, f"Parallel {visit.name}", choices))
        return out

    def _refresh_events(self, picture: ExecutionPicture, arn: str) -> None:
        session = self.session
        assert session is not None
        labels = []
        for other in session.store.histories:
            record = session.store.records.get(other)
            status = record.status if record is not None else ""
            labels.append((other, f"{session.machine_of(other)} · {other.rsplit(':', 1)[-1][:8]} · {status}"))
        self.events_panel.set_executions(labels, arn)
        owner: dict[int, str] = {}
        for visit in picture.visits.values():
            for eid in visit.events:
                owner[eid] = visit.name
        self.events_panel.set_events(picture.events, [owner.get(e.get("id", 0), "") for e in picture.events])

    def _refresh_timeline(self, picture: ExecutionPicture) -> None:
        bars = []
        last = picture.events[-1]["id"] if picture.events else 1
        for vid in picture.order[:400]:
            visit = picture.visits[vid]
            label = visit.name + (f" #{visit.thread[-1][1]}" if visit.thread else "")
            bars.append(Bar(label, visit.path, vid, visit.exited_id or last, visit.status))
        total = len(self.session.history(picture.execution_arn)) if self.session is not None else last
        self.timeline.canvas.set_bars(bars, total, self.cursor)

    def _refresh_choreography(self) -> None:
        session = self.session
        if session is None:
            return
        self.choreography.set_trace(session.runtime.trace.entries)
        rows = []
        dlq_of = {
            name: spec.redrive_policy.dead_letter_queue.split(":")[-1]
            for name, spec in self.document.project.queues.items()
            if spec.redrive_policy is not None
        }
        for name in sorted(self.document.project.queues):
            try:
                depth = session.queue_depth(name)
            except Exception:
                continue
            dlq_name = dlq_of.get(name)
            dlq = session.queue_depth(dlq_name).visible if dlq_name else None
            samples = [v + f for v, f, _d in session.queue_samples.get(name, [])]
            rows.append((name, depth.visible, depth.in_flight, dlq, samples))
            self.decorator.show_queue(name, depth.visible, depth.in_flight, dlq, samples)
        self.choreography.set_queues(rows)

    # the selected state -----------------------------------------------------------------------

    def _selected_item(self) -> StateItem | None:
        items = self.scene.selected_states()
        return items[0] if items else None

    def _selection_changed(self) -> None:
        try:
            item = self._selected_item()
        except RuntimeError:
            return
        if item is None:
            self.selected = None
            return
        machine = item.address.machine
        self.selected = (machine, item.address.path)
        self.selected_visit = None
        if self.session is not None and not (self.pause is not None and machine == self.session.main_machine):
            latest = self._latest_per_machine().get(machine)
            current = self.session.machine_of(self.shown_arn) if self.shown_arn else None
            if latest is not None and machine != current:
                self.shown_arn, self.cursor = latest, None
                self.refresh()
                return
        if self.run_panel.current_machine() != machine and (self.session is None or self.session.done):
            self.run_panel.machine.setCurrentText(machine)
        self._refresh_state_data()
        self.test_panel.set_target(machine, item.address.path, item.address.name)

    def _visit_chosen(self, vid: int) -> None:
        self.selected_visit = vid
        self._refresh_state_data()

    def _timeline_clicked(self, path: str | None) -> None:
        if path and self.picture is not None and self.session is not None:
            item = self.scene.state_item(self.session.machine_of(self.picture.execution_arn), path)
            if item is not None:
                self.window.editor.select_item(item)

    def _refresh_state_data(self) -> None:
        picture, selected = self.picture, self.selected
        panel = self.state_panel
        panel.apply_input.setEnabled(False)
        if selected is None or picture is None or self.session is None:
            return
        machine, path = selected
        if self.session.machine_of(picture.execution_arn) != machine:
            panel.clear(f"{StateAddress.parse(machine, path).name} has not run in this execution.")
            return
        name = StateAddress.parse(machine, path).name
        paused_here = (
            self.cursor is None
            and self.pause is not None
            and picture.execution_arn == self.session.main_arn
            and picture.resolve(self.pause.state, self._pause_thread(self.pause)) == path
        )
        iterations, _dimmed = self._iterations(picture)
        visits = picture.visits_of(path, iterations) or picture.visits_of(path)
        if paused_here and self.pause is not None:
            panel.set_visits(f"<b>{html.escape(name)}</b> · paused before it runs", [], None)
            context = {"State": {"Name": name}, "Execution": {"Id": picture.execution_arn, "Input": picture.input}}
            panel.show_paused(self.pause.input, self.pause.variables, context)
            panel.apply_input.setEnabled(True)
            self._show_pipeline(machine, path, None, self.pause.input, self.pause.variables, None, context)
            return
        if not visits:
            panel.clear(f"<b>{html.escape(name)}</b> has not run" + (" yet." if picture.status == "RUNNING" else "."))
            self._pipeline_key = None
            return
        chosen = next((v for v in visits if v.entered_id == self.selected_visit), visits[-1])
        labels = []
        for i, visit in enumerate(visits):
            where = f" · iteration {visit.thread[-1][1]}" if visit.thread else ""
            labels.append((visit.entered_id, f"run {i + 1} of {len(visits)}{where} · {visit.status}"))
        panel.set_visits(f"<b>{html.escape(name)}</b> · {chosen.status}", labels, chosen.entered_id)
        attempts = []
        for n, failure in enumerate(chosen.failures, start=1):
            attempts.append((str(n), failure.event_id, failure.error or "", (failure.cause or "")[:300], "retried" if failure.retried else "final"))
        variables = picture.variables_at(chosen)
        context = picture.context_at(chosen)
        panel.show_visit(
            input=chosen.input,
            output=chosen.output if chosen.has_output else None,
            has_output=chosen.has_output,
            variables=variables,
            context=context,
            attempts=attempts,
        )
        self._show_pipeline(machine, path, chosen, chosen.input, variables, mock_for(picture, chosen), context)

    def _show_pipeline(
        self,
        machine: str,
        path: str,
        visit: Visit | None,
        data: Any,
        variables: dict[str, Any],
        mock: dict[str, Any] | None,
        context: dict[str, Any],
    ) -> None:
        key = (machine, path, visit.entered_id if visit else "paused", visit.has_output if visit else None, json.dumps(data, default=str)[:2000])
        if key == self._pipeline_key:
            return
        self._pipeline_key = key
        definition = copy.deepcopy(self.session.definition_of(self.picture.execution_arn)) if self.session and self.picture else {}
        state = get_in(definition, _segments(path)) or {}
        name = StateAddress.parse(machine, path).name
        before_result = visit is None and state.get("Type") in ("Task", "Map", "Parallel")
        note = "Paused before it runs: the steps after the result appear once it has run." if before_result else ""
        if before_result:
            mock = {"result": "[]" if state.get("Type") != "Task" else "{}"}  # only to reach the steps before it

        async def compute() -> None:
            steps, _response = await pipeline_for(
                definition, name, state, data, variables=variables, mock=mock, context=context
            )
            if self._pipeline_key == key and shiboken6.isValid(self.state_panel):
                if before_result:
                    before = ("Input", "InputPath", "Parameters", "ItemsPath", "ItemSelector", "Arguments")
                    steps = [s for s in steps if s.label in before]
                self.state_panel.pipeline.set_steps(steps, note)

        self._spawn(compute())

    def _spawn(self, coroutine: Any) -> None:
        try:
            task = asyncio.ensure_future(coroutine)
        except RuntimeError:
            coroutine.close()
            return
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a debugger view failed", exc_info=task.exception())

    # re-running ---------------------------------------------------------------------------------

    def run_from_selected(self, data: Any) -> None:
        """A new execution starting at the selected state (a copy of the definition with StartAt moved)."""
        if self.selected is None:
            self._say("Select the state to start from.")
            return
        machine, path = self.selected
        address = StateAddress.parse(machine, path)
        if address.scope:
            self._say("Only a top-level state can start an execution; use Test state for one inside a Map or Parallel.")
            return
        definition = copy.deepcopy(self.document.definition(machine))
        definition["StartAt"] = address.name
        self.start(debug=True, machine=machine, data=data, definitions={machine: definition})

    def _test_with_input(self, data: Any) -> None:
        if self.selected is None:
            return
        machine, path = self.selected
        mock = None
        if self.picture is not None:
            visits = self.picture.visits_of(path)
            if visits:
                mock = mock_for(self.picture, visits[-1])
        self.test_state(machine, path, data=data, mock=mock, run=True)

    def test_selected_state(self) -> None:
        item = self._selected_item()
        if item is None:
            self._say("Select a state to test.")
            return
        self.test_state(item.address.machine, item.address.path)

    def test_state(
        self, machine: str, path: str, *, data: Any = _UNSET, mock: Any = _UNSET, run: bool = False
    ) -> None:
        """Open TestState on a state (the inspector's "Test state" calls this), filled from the last run."""
        name = StateAddress.parse(machine, path).name
        if data is _UNSET:
            data = {}
            visits = self.picture.visits_of(path) if self.picture is not None else []
            if visits:
                data = visits[-1].input
                if mock is _UNSET and self.picture is not None:
                    mock = mock_for(self.picture, visits[-1])
            elif self.document.definition(machine).get("StartAt") == name and not StateAddress.parse(machine, path).scope:
                data = default_input(self.document, machine) or {}
        self.test_panel.set_target(machine, path, name, data)
        if mock is not _UNSET and mock is not None and "result" in mock:
            self.test_panel.mock.set_value(json.loads(mock["result"]))
        elif mock is _UNSET or mock is None:
            self.test_panel.mock.setPlainText("")
        self.docks["Test State"].raise_()
        self.docks["Test State"].show()
        if run:
            self.test_panel._run()

    def _run_test_state(self, data: Any, variables: Any, mock: Any, level: str) -> None:
        machine, path = self.test_panel.machine, self.test_panel.path
        if machine is None or path is None:
            return
        definition = copy.deepcopy(self.document.definition(machine))
        state = get_in(definition, _segments(path)) or {}
        name = StateAddress.parse(machine, path).name
        request_mock = {"result": json.dumps(mock)} if mock is not None else None

        async def compute() -> None:
            try:
                response = await test_state_async(
                    definition,
                    data,
                    state_name=name,
                    inspection_level=level,
                    variables=json.dumps(variables) if variables else None,
                    mock=request_mock,
                    role_arn="arn:aws:iam::123456789012:role/StateCanvasTestState",
                    handlers=_handlers(self.document),
                )
            except Exception as exc:
                response = {"status": "FAILED", "error": type(exc).__name__, "cause": str(exc)}
            if shiboken6.isValid(self.test_panel):
                self.test_panel.show_response(response, steps_from(state, response))

        self._spawn(compute())

    # choreography -----------------------------------------------------------------------------

    def show_choreography(self) -> None:
        self.docks["Choreography"].show()
        self.docks["Choreography"].raise_()
        self.choreography.entries.setFocus()

    def select_key(self, key: str) -> None:
        item = self.scene.item_for_key(key)
        if item is None and key.startswith("stateMachine:"):
            item = self.scene.item_for_key(key)
        if item is not None:
            self.window.editor.select_item(item)
            self.window.view.reveal(item)

    # state of the actions ---------------------------------------------------------------------

    def _update_actions(self) -> None:
        live = self._live_debugger()
        paused = live and self.pause is not None
        running = self.session is not None and not self.session.done
        self.pause_action.setEnabled(live and not paused)
        self.step_out_enabled = paused and self.pause is not None and self.pause.depth > 0
        self.out_action.setEnabled(self.step_out_enabled)
        self.stop_action.setEnabled(running)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)


def _segments(path: str) -> tuple[Any, ...]:
    from engine.asl.diagnostics import parse_location

    return tuple(parse_location(path))


def _handlers(document: Any) -> dict[str, Any]:
    """The project's local functions, for TestState of an unmocked Lambda task."""
    from engine.integrations.handler_files import load_handler

    out = {}
    base = document.path.parent if document.path is not None else None
    for name, spec in document.project.functions.items():
        try:
            out[name] = load_handler(spec.handler, base) if base is not None else None
        except Exception:
            continue
    return {k: v for k, v in out.items() if v is not None}


__all__ = ["STATUS_COLOURS", "DebugController"]
