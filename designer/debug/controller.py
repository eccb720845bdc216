"""The designer's debugger: the Run menu and toolbar, the execution panels, and the canvas
decorations, wired to one `RunSession` at a time.

Every view is computed from the histories the session collects (`ExecutionPicture`); the
debugger's pause (which state, which iteration, what input) is the only other thing shown, and it
comes from the gate's public `Pause`. Views refresh on a short timer while events stream in, and
at once when the execution pauses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QScrollArea

from designer.canvas.items.state_item import StateItem
from designer.debug.breakpoint_editor import BreakpointEditor, condition_sample
from designer.debug.default_input import SetDefaultInputCommand, default_input
from designer.debug.entry_machine import entry_machine
from designer.debug.execution_views import ExecutionViews
from designer.debug.history_model import ExecutionPicture
from designer.debug.hop_view import HopView, PanelsHost
from designer.debug.overlay import STATUS_COLOURS, CanvasDecorator
from designer.debug.rerun import Rerunning
from designer.debug.run_menu import RunMenu
from designer.debug.session import RunSession
from designer.debug.shown import PictureCache, Shown
from designer.debug.threads import ThreadSwitching
from designer.debug.unserved import unserved_tasks
from designer.document.paths import StateAddress
from engine.runtime.debugger import Debugger, Pause

if TYPE_CHECKING:
    from designer.main_window import MainWindow

log = logging.getLogger("statecanvas.designer.debug")
REFRESH_MS = 40
AFTER_PAUSE_MS = 30  # the canvas paints the pause first; panels and selection follow
_UNSET: Any = object()


class DebugController(RunMenu, ExecutionViews, Rerunning, ThreadSwitching, QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.scene = window.scene
        self.session: RunSession | None = None
        self.debugger: Debugger | None = None
        self.pause: Pause | None = None
        self.picture: ExecutionPicture | None = None
        self.shown: Shown | None = None  # what every execution view shows (see designer.debug.shown)
        self.pictures = PictureCache()
        self.shown_arn: str | None = None
        self.cursor: int | None = None  # events shown (time travel); None: the live end
        self.focus: dict[str, int | None] = {}  # Map/Parallel state path -> iteration/branch shown
        self.breakpoints: dict[str, dict[str, str | None]] = {}  # machine -> {state path: condition}
        self.selected: tuple[str, str] | None = None  # (machine, state path)
        self.selected_visit: int | None = None
        self.editor: BreakpointEditor | None = None
        self.condition_notes: dict[str, str] = {}  # state name -> why its condition could not be decided
        # told when breakpoints (of a machine) or the break-on-error settings (None) change: the
        # executions of File > Serve Locally follow them while they run (designer.debug.served_session)
        self.debugging_listeners: list[Callable[[str | None], None]] = []
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
        self._build_threads()
        self._wire()
        self.hop_view = HopView(  # stepping through the choreography the debugged states set off
            PanelsHost(
                self.scene,
                window.view,
                self.choreography,
                self.docks["Choreography"],
                self._refresh_choreography,
                self._say,
            )
        )
        self.run_panel.status.linkActivated.connect(self._status_link)
        self._machines_changed()
        self._update_actions()
        self.decorator.refresh_breakpoints()

    # document ---------------------------------------------------------------------------------

    def _machines_changed(self) -> None:
        names = self.document.machine_names()
        current = self.run_panel.current_machine() or entry_machine(
            self.document.project, self.document.definitions, self.window.current_machine()
        )
        self.run_panel.set_machines(names, current)
        self._load_input(self.run_panel.current_machine())
        self.choreography.set_templates(self._event_templates())
        self._canvas_timer.start()

    def _resource_changed(self, kind: str, name: str) -> None:
        if kind in ("stateMachine", "function"):
            self._schedule()  # a Task the run found unserved may be served now: its hint goes
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
        self.shown = None
        self.pictures.clear()
        self._clear_panels()
        self.run_panel.set_machines([], None)  # the new document's own machine is chosen afresh
        self._machines_changed()
        self._update_actions()

    def _clear_panels(self) -> None:
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

    def _after_canvas_change(self) -> None:
        """The scene rebuilt items: put the decorations back on the new ones."""
        self.decorator.refresh_breakpoints()
        self.hop_view.show_breakpoints()
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
        """A realistic event per rule, from the project's own producers and consumers."""
        from designer.debug.event_templates import event_templates

        return event_templates(self.document.project, self.document.definitions)

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
        self.emulated_view.release(self.session)
        debugger = None
        if debug:
            debugger = Debugger(
                break_on_error=self.break_error_action.isChecked(),
                break_on_caught=self.break_caught_action.isChecked(),
                non_stop=self.non_stop_action.isChecked(),
            )
            for path, condition in self.breakpoints.get(machine, {}).items():
                debugger.set_breakpoint(StateAddress.parse(machine, path).name, condition or None)
            self.condition_notes = {}
            debugger.on_condition_error.append(self._condition_error)
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
            self._watch_threads(session, debugger)
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
        self.shown = None
        self.pictures.clear()
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
        self.hop_view.adopt(session)
        session.hop_paused.connect(lambda _hop: self._update_actions())
        session.hop_resumed.connect(self._update_actions)

    def show_served(self, session: RunSession, arn: str | None, pause: Pause | None = None) -> None:
        """Show an execution a client of File > Serve Locally started (a `ServedSession`) as a
        run of the designer's; `pause` when it paused before the views followed that session."""
        if self.session is not session:
            if self.session is not None and not self.session.done:
                self.session.stop()
            session.paused.connect(lambda _pause: setattr(self, "debugger", session.debugger))
            self._adopt(session, session.debugger)
        self.debugger = session.debugger
        self.shown_arn, self.cursor = arn, None
        if pause is not None:
            self._on_pause(pause)
        self.docks["Run"].raise_()
        self._update_actions()
        self.refresh()

    def put_events(self, entries: list[dict[str, Any]]) -> None:
        """Put events on the buses: into the current run if there is one, else a new one."""
        if self.session is None or self.session.stopped:
            try:
                session = RunSession(
                    self.document,
                    clock="real" if self.real_clock_action.isChecked() else "virtual",
                    parent=self,
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
        self.emulated_view.show_run(self.session)
        self._tell_unserved()

    def _tell_unserved(self) -> None:
        """A run stopped by a Task nothing serves: say how to serve it where the eye is (the
        status bar), and bring the Run panel's status, which links to the remedy, into view."""
        session, picture = self.session, self.picture
        if session is None or picture is None or picture.execution_arn != session.main_arn:
            return
        machine = session.machine_of(picture.execution_arn)
        hints = unserved_tasks(
            picture, self.document.project, machine, self.document.definitions.get(machine)
        )
        if not hints:
            return
        self._say(next(iter(hints.values())))
        status = self.run_panel.status
        parent = status.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(status)

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
        if self.hop_view.command(command):  # paused at a hop: the command moves the event on
            self._update_actions()
            self._schedule()
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
            if self.session is not None and self.session.hops is not None:
                self.session.hops.pause()  # or at the next hop of any story, whichever comes first

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
        """The canvas shows the pause at once; the panels and the selection follow a moment later
        (selecting runs the inspector, which must not stand between the pause and the canvas)."""
        self.pause = pause
        self.cursor = None
        session = self.session
        if session is not None and session.main_arn:
            self.shown_arn = session.main_arn
        self._focus_on_pause(pause)
        self.refresh(canvas_only=True)
        machine = session.main_machine if session is not None else None
        path = self._pause_path(pause)
        item = self.scene.state_item(machine, path) if machine and path else None
        if item is not None:
            self.window.view.ensureVisible(item, 60, 60)
        QTimer.singleShot(AFTER_PAUSE_MS, lambda: self._after_pause(pause, item))

    def _after_pause(self, pause: Pause, item: StateItem | None) -> None:
        if self.pause is not pause or not shiboken6.isValid(self.window):
            return
        self._update_actions()
        if item is not None and shiboken6.isValid(item):
            self.window.editor.select_item(item)  # refreshes the panels through the selection
        self.refresh()

    def _pause_thread(self, pause: Pause) -> tuple[tuple[str, int], ...]:
        pairs = list(zip(pause.path[0::2], pause.path[1::2], strict=False))
        picture = self.picture
        types = {}
        if picture is not None:
            for path, kind in picture.state_types().items():
                types[path.rsplit("/States/", 1)[-1]] = kind
        return tuple(
            (name, int(index)) for name, index in pairs if types.get(name, "Map") == "Map" and index.isdigit()
        )

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
        if not items and self.hop_view.toggle_selected():  # on a bus, rule, queue or topic
            return
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
        for listener in list(self.debugging_listeners):
            listener(machine)

    def clear_breakpoints(self) -> None:
        for machine in list(self.breakpoints):
            for path in list(self.breakpoints[machine]):
                self.set_breakpoint(machine, path, None, enabled=False)

    def edit_condition(self, item: StateItem | None = None) -> BreakpointEditor | None:
        item = item or self._selected_item()
        if item is None:
            self._say("Select a state to put a conditional breakpoint on.")
            return None
        machine, path, name = item.address.machine, item.address.path, item.address.name
        visits = self.picture.visits_of(path) if self.picture is not None else []
        pause = self.pause if self.session is not None and self.session.main_machine == machine else None
        last = visits[-1].input if visits else None
        sample = condition_sample(
            path, name, pause, last, default_input(self.document, machine), has_last=bool(visits)
        )
        condition = self.breakpoints.get(machine, {}).get(path)
        editor = BreakpointEditor(
            machine, path, name, condition, sample, self.window, last_problem=self.condition_notes.get(name)
        )
        editor.chosen.connect(lambda m, p, c: self.set_breakpoint(m, p, c or None))
        editor.open()
        self.editor = editor
        return editor

    def _condition_error(self, state: str, message: str) -> None:
        """A breakpoint condition could not be decided in this run (said once per error): it did
        not pause there. The status bar says so now, the condition dialog says it again later."""
        self.condition_notes[state] = message
        self.window.statusBar().showMessage(message[:1].upper() + message[1:], 20000)

    def _break_flags(self) -> None:
        if self.debugger is not None:
            self.debugger.break_on_error = self.break_error_action.isChecked()
            self.debugger.break_on_caught = self.break_caught_action.isChecked()
        for listener in list(self.debugging_listeners):
            listener(None)

    def break_flags(self) -> tuple[bool, bool, bool]:
        """Break on Error, Break on Caught Error and Non-Stop Debugging, as the Run menu has them."""
        return (
            self.break_error_action.isChecked(),
            self.break_caught_action.isChecked(),
            self.non_stop_action.isChecked(),
        )

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
        self.step_out_enabled = self.step_out_enabled or self.hop_view.paused  # out of a story's hops
        self.out_action.setEnabled(self.step_out_enabled)
        self.stop_action.setEnabled(running)

    def _status_link(self, link: str) -> None:
        """The Run panel's "Inspector > Local behaviour" link: select that Task and show how to serve it."""
        from designer.debug.execution_views import SERVE_LINK
        from designer.panels.inspector.local_behaviour import reveal_local_behaviour

        if not link.startswith(SERVE_LINK) or self.session is None:
            return
        arn = self.shown_arn or self.session.main_arn
        item = self.scene.state_item(self.session.machine_of(arn), link[len(SERVE_LINK) :]) if arn else None
        if item is None:
            self._say("That state is no longer on the canvas.")
            return
        self.window.editor.select_item(item)
        self.window.view.reveal(item)
        reveal_local_behaviour(self.window)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)


__all__ = ["STATUS_COLOURS", "DebugController"]
