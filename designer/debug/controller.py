"""The designer's debugger: the Run menu and toolbar, the execution panels, and the canvas
decorations, wired to one `RunSession` at a time.

The controller owns its parts and wires them (`designer.debug.host` says what each needs of it):
`RunMenu` (docks, actions, menu, toolbar), `ExecutionViews` (every view of the run shown),
`Rerunning` (TestState, Run from here), `ThreadSwitching` (the paused threads), the canvas
`CanvasDecorator`, the choreography's `HopView` and the `Breakpoints`. What they share is the
`RunState`: the run, its pause, and where the user is looking.

Every view is computed from the histories the session collects (`ExecutionPicture`); the
debugger's pause (which state, which iteration, what input) is the only other thing shown, and it
comes from the gate's public `Pause`. Views refresh on a short timer while events stream in, and
at once when the execution pauses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu

from designer.canvas.items.state_item import StateItem
from designer.debug.breakpoint_editor import BreakpointEditor
from designer.debug.breakpoints import Breakpoints
from designer.debug.canvas_decorator import CanvasDecorator
from designer.debug.execution_views import SERVE_LINK, ExecutionViews
from designer.debug.hop_view import HopView, PanelsHost
from designer.debug.rerun import Rerunning
from designer.debug.run_inputs import RunInputs
from designer.debug.run_menu import RunMenu
from designer.debug.run_state import RunState
from designer.debug.session import RunSession
from designer.debug.shown import Shown
from designer.debug.stepping import Stepping
from designer.debug.threads import ThreadSwitching
from designer.panels.inspector.local_behaviour import reveal_local_behaviour
from engine.runtime import Debugger, Pause
from engine.runtime.history_view import ExecutionPicture, Thread

if TYPE_CHECKING:
    from designer.app.main_window import MainWindow

log = logging.getLogger("statecanvas.designer.debug")
_UNSET: Any = object()


class DebugController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.scene = window.scene
        self.run_state = RunState()
        self.tasks: set[asyncio.Task[Any]] = set()
        # told when breakpoints (of a machine) or the break-on-error settings (None) change: the
        # executions of File > Serve Locally follow them while they run (designer.debug.served_session)
        self.debugging_listeners: list[Callable[[str | None], None]] = []
        self.ui = RunMenu(window, window.problems_dock, window.actions_.panels_menu, self.document, self)
        self.decorator = CanvasDecorator(self.scene, self.toggle_breakpoint_item)
        self.views = ExecutionViews(
            self.run_state, self.ui, self.decorator, self.document, self.scene, self, self
        )
        self.rerun = Rerunning(
            self.run_state, self.document, self.ui.test_panel, self.ui.docks["Test State"], self
        )
        self.threads = ThreadSwitching(self.run_state, self.ui, self, self)
        self.hop_view = HopView(  # stepping through the choreography the debugged states set off
            PanelsHost(
                self.scene,
                window.view,
                self.ui.choreography,
                self.ui.docks["Choreography"],
                self.views.refresh_choreography,
                self.say,
            )
        )
        self.stepping = Stepping(
            self.run_state, self.scene, window.view, self.ui.run_panel, self.hop_view, self, self
        )
        self.inputs = RunInputs(
            self.document, self.ui.run_panel, self.ui.choreography, window.statusBar(), window.current_machine
        )
        self.breaks = Breakpoints(
            self.run_state,
            self.document,
            self.scene,
            self.decorator,
            self.hop_view,
            window.statusBar(),
            window,
            self.debugging_listeners,
        )
        self._canvas_timer = QTimer(self)
        self._canvas_timer.setSingleShot(True)
        self._canvas_timer.setInterval(0)
        self._canvas_timer.timeout.connect(self._after_canvas_change)
        self._wire()
        self.ui.run_panel.status.linkActivated.connect(self._status_link)
        self._machines_changed()
        self.update_actions()
        self.decorator.refresh_breakpoints()

    def _wire(self) -> None:
        doc, ui, views, rerun = self.document, self.ui, self.views, self.rerun
        for signal in (doc.state_added, doc.state_removed, doc.state_changed, doc.transition_changed):
            signal.connect(lambda _m, _p: self._canvas_timer.start())
        doc.definition_replaced.connect(lambda _m: self._canvas_timer.start())
        doc.resource_added.connect(lambda _k, _n: self._machines_changed())
        doc.resource_removed.connect(lambda _k, _n: self._machines_changed())
        doc.resource_changed.connect(self._resource_changed)
        doc.document_reset.connect(self._document_reset)
        self.scene.selectionChanged.connect(views.state_data.selection_changed)
        p = ui.run_panel
        p.machine_changed.connect(self.inputs.machine_chosen)
        p.save_input_requested.connect(self.inputs.save_default_input)
        p.cursor_changed.connect(views.travel_to)
        p.focus_changed.connect(views.set_focus)
        ui.events_panel.execution_chosen.connect(views.show_execution)
        ui.events_panel.event_activated.connect(lambda eid: views.travel_to(eid))
        ui.timeline.canvas.bar_clicked.connect(views.state_data.timeline_clicked)
        s = ui.state_panel
        s.visit_chosen.connect(views.state_data.visit_chosen)
        s.test_requested.connect(rerun.test_with_input)
        s.run_from_requested.connect(rerun.run_from_selected)
        s.apply_input_requested.connect(self.stepping.apply_input)
        c = ui.callbacks
        c.success_requested.connect(lambda token, output: self._callback("success", token, output))
        c.failure_requested.connect(
            lambda token, error, cause: self._callback("failure", token, error, cause)
        )
        c.heartbeat_requested.connect(lambda token: self._callback("heartbeat", token))
        ui.choreography.put_requested.connect(self.put_events)
        ui.choreography.entry_activated.connect(self.select_key)
        ui.test_panel.run_requested.connect(rerun.run_test_state)

    # the run shown, for the window and its panels -------------------------------------------------

    @property
    def session(self) -> RunSession | None:
        return self.run_state.session

    @property
    def debugger(self) -> Debugger | None:
        return self.run_state.debugger

    @property
    def pause(self) -> Pause | None:
        return self.run_state.pause

    @property
    def picture(self) -> ExecutionPicture | None:
        return self.run_state.picture

    @property
    def shown(self) -> Shown | None:
        return self.run_state.shown

    @property
    def cursor(self) -> int | None:
        return self.run_state.cursor

    @property
    def shown_arn(self) -> str | None:
        return self.run_state.shown_arn

    @property
    def focus(self) -> dict[str, int | None]:
        return self.run_state.focus

    def refresh(self, canvas_only: bool = False) -> None:
        self.views.refresh(canvas_only)

    # document ---------------------------------------------------------------------------------

    def _machines_changed(self) -> None:
        self.inputs.machines_changed()
        self._canvas_timer.start()

    def _resource_changed(self, kind: str, name: str) -> None:
        if kind in ("stateMachine", "function"):
            self.views.schedule()  # a Task the run found unserved may be served now: its hint goes
        self.inputs.resource_changed(kind, name)

    def _document_reset(self) -> None:
        run = self.run_state
        if run.session is not None:
            self.stop()
        run.session = None
        self.breaks.forget()
        run.forget_shown()
        run.selected = None
        self.ui.clear_panels()
        self.ui.run_panel.set_machines([], None)  # the new document's own machine is chosen afresh
        self._machines_changed()
        self.update_actions()

    def _after_canvas_change(self) -> None:
        """The scene rebuilt items: put the decorations back on the new ones."""
        self.decorator.refresh_breakpoints()
        self.hop_view.show_breakpoints()
        self.refresh()

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
        ui = self.ui
        machine = machine or ui.run_panel.current_machine()
        if not machine or machine not in self.document.definitions:
            self.say("Choose a state machine to run.")
            return None
        if data is _UNSET:
            try:
                data = ui.run_panel.input_value()
            except ValueError:
                ui.docks["Run"].raise_()
                return None
        if self.run_state.session is not None and self.run_state.session.running:
            self.stop()
        ui.emulated_view.release(self.run_state.session)
        debugger = None
        if debug:
            debugger = Debugger(
                break_on_error=ui.break_error_action.isChecked(),
                break_on_caught=ui.break_caught_action.isChecked(),
                non_stop=ui.non_stop_action.isChecked(),
            )
            self.breaks.arm(debugger, machine)
            if first == "pause":
                debugger.pause()
            elif first:
                debugger.run_to(first)
        try:
            session = RunSession(
                self.document,
                clock="real" if ui.real_clock_action.isChecked() else "virtual",
                debugger=debugger,
                definitions=definitions,
                parent=self,
            )
            self._adopt(session, debugger)
            self.threads.watch(session, debugger)
            session.start_execution(machine, data)
        except RuntimeError as exc:  # no running asyncio loop: the app was not started through qasync
            self.say(f"Cannot run: {exc}")
            return None
        except Exception as exc:
            log.exception("cannot start the run")
            self.say(f"Cannot run {machine}: {exc}")
            return None
        self.run_state.shown_arn = session.main_arn
        ui.docks["Run"].raise_()
        self.update_actions()
        self.refresh()
        return session

    def _adopt(self, session: RunSession, debugger: Debugger | None) -> None:
        run = self.run_state
        run.session, run.debugger = session, debugger
        run.forget_shown()
        run.focus = {}
        self.views.state_data.forget_pipeline()
        self.decorator.clear()
        self.decorator.clear_queues()
        schedule = self.views.schedule
        session.event_added.connect(lambda _arn, _event: schedule())
        session.execution_started.connect(lambda _arn: schedule())
        session.execution_finished.connect(lambda _arn: schedule())
        session.queue_changed.connect(lambda _name: schedule())
        session.trace_changed.connect(schedule)
        session.paused.connect(self.on_pause)
        session.finished.connect(self._on_finished)
        self.hop_view.adopt(session)
        session.hop_paused.connect(lambda _hop: self.update_actions())
        session.hop_resumed.connect(self.update_actions)

    def show_served(self, session: RunSession, arn: str | None, pause: Pause | None = None) -> None:
        """Show an execution a client of File > Serve Locally started (a `ServedSession`) as a
        run of the designer's; `pause` when it paused before the views followed that session."""
        run = self.run_state
        if run.session is not session:
            if run.session is not None and not run.session.done:
                run.session.stop()
            session.paused.connect(lambda _pause: setattr(run, "debugger", session.debugger))
            self._adopt(session, session.debugger)
        run.debugger = session.debugger
        run.shown_arn, run.cursor = arn, None
        if pause is not None:
            self.on_pause(pause)
        self.ui.docks["Run"].raise_()
        self.update_actions()
        self.refresh()

    def put_events(self, entries: list[dict[str, Any]]) -> None:
        """Put events on the buses: into the current run if there is one, else a new one."""
        session = self.run_state.session
        if session is None or session.stopped:
            try:
                session = RunSession(
                    self.document,
                    clock="real" if self.ui.real_clock_action.isChecked() else "virtual",
                    parent=self,
                )
                self._adopt(session, None)
            except Exception as exc:
                self.say(f"Cannot run the project: {exc}")
                return
        try:
            response = session.put_events(entries)
        except RuntimeError as exc:
            self.say(f"Cannot run: {exc}")
            return
        failed = response.get("FailedEntryCount", 0)
        self.say(f"Put {len(entries)} event(s)" + (f", {failed} refused" if failed else ""))
        self.ui.docks["Choreography"].raise_()
        self.update_actions()
        self.views.schedule()

    def stop(self) -> None:
        if self.run_state.session is not None:
            self.run_state.session.stop()
        self.run_state.pause = None
        self.update_actions()
        self.views.schedule()

    def _on_finished(self) -> None:
        self.run_state.pause = None
        self.update_actions()
        self.refresh()
        self.ui.emulated_view.show_run(self.run_state.session)
        self.views.tell_unserved(self.say)

    # debugger commands (the Run menu's slots) ---------------------------------------------------

    def resume(self) -> None:
        self.stepping.resume()

    def step(self) -> None:
        self.stepping.step()

    def step_into(self) -> None:
        self.stepping.step_into()

    def step_out(self) -> None:
        self.stepping.step_out()

    def pause_now(self) -> None:
        self.stepping.pause_now()

    def next_thread(self) -> None:
        self.threads.next_thread()

    def run_to_selected(self) -> None:
        self.stepping.run_to_selected()

    def on_pause(self, pause: Pause) -> None:
        self.stepping.on_pause(pause)

    def pause_thread(self, pause: Pause) -> Thread:
        return self.stepping.pause_thread(pause)

    def pause_path(self, pause: Pause) -> str | None:
        return self.stepping.pause_path(pause)

    # breakpoints, TestState and the canvas's menu ---------------------------------------------

    @property
    def breakpoints(self) -> dict[str, dict[str, str | None]]:
        """machine -> {state path: condition or None}"""
        return self.breaks.marks

    def toggle_breakpoint(self) -> None:
        self.breaks.toggle_selected()

    def toggle_breakpoint_item(self, item: StateItem) -> None:
        self.breaks.toggle(item)

    def set_breakpoint(self, machine: str, path: str, condition: str | None, *, enabled: bool = True) -> None:
        self.breaks.set(machine, path, condition, enabled=enabled)

    def clear_breakpoints(self) -> None:
        self.breaks.clear()

    def edit_condition(self, item: StateItem | None = None) -> BreakpointEditor | None:
        return self.breaks.edit_condition(item or self.selected_item())

    def break_flags_changed(self) -> None:
        debugger = self.run_state.debugger
        if debugger is not None:
            debugger.break_on_error = self.ui.break_error_action.isChecked()
            debugger.break_on_caught = self.ui.break_caught_action.isChecked()
        for listener in list(self.debugging_listeners):
            listener(None)

    def break_flags(self) -> tuple[bool, bool, bool]:
        """Break on Error, Break on Caught Error and Non-Stop Debugging, as the Run menu has them."""
        ui = self.ui
        return (
            ui.break_error_action.isChecked(),
            ui.break_caught_action.isChecked(),
            ui.non_stop_action.isChecked(),
        )

    def test_selected_state(self) -> None:
        self.rerun.test_selected_state()

    def context_actions(self, menu: QMenu, item: StateItem) -> None:
        """The run actions that apply to a state, for the canvas's right-click menu."""
        ui = self.ui
        menu.addSeparator()
        menu.addActions([ui.breakpoint_action, ui.condition_action, ui.run_to_action, ui.test_state_action])
        self.threads.thread_actions(menu, item)  # "Switch to ..." where another branch or iteration is held

    # callbacks --------------------------------------------------------------------------------

    def _callback(self, kind: str, token: str, *args: Any) -> None:
        session = self.run_state.session
        if session is None:
            return
        try:
            if kind == "success":
                session.send_success(token, args[0])
            elif kind == "failure":
                session.send_failure(token, args[0] or None, args[1] or None)
            else:
                session.send_heartbeat(token)
        except Exception as exc:
            self.ui.callbacks.message.setText(str(exc))
            return
        self.ui.callbacks.message.setText(f"Sent {kind}.")
        self.views.schedule()

    # choreography -----------------------------------------------------------------------------

    def show_choreography(self) -> None:
        dock = self.ui.docks["Choreography"]
        dock.show()
        dock.raise_()
        self.ui.choreography.entries.setFocus()

    def select_key(self, key: str) -> None:
        item = self.scene.item_for_key(key)
        if item is not None:
            self.window.editor.select_item(item)
            self.window.view.reveal(item)

    # what the parts ask of the controller -------------------------------------------------------

    def update_actions(self) -> None:
        run, ui = self.run_state, self.ui
        live = run.live
        paused = live and run.pause is not None
        running = run.session is not None and not run.session.done
        ui.pause_action.setEnabled(live and not paused)
        step_out = paused and run.pause is not None and run.pause.depth > 0
        ui.out_action.setEnabled(step_out or self.hop_view.paused)  # or out of a story's hops
        ui.stop_action.setEnabled(running)

    def schedule(self) -> None:
        self.views.schedule()

    def select_item(self, item: StateItem) -> None:
        self.window.editor.select_item(item)

    def selected_item(self) -> StateItem | None:
        return self.views.state_data.selected_item()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
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

    def _status_link(self, link: str) -> None:
        """The Run panel's "Inspector > Local behaviour" link: select that Task and show how to serve it."""
        session = self.run_state.session
        if not link.startswith(SERVE_LINK) or session is None:
            return
        arn = self.run_state.shown_arn or session.main_arn
        item = self.scene.state_item(session.machine_of(arn), link[len(SERVE_LINK) :]) if arn else None
        if item is None:
            self.say("That state is no longer on the canvas.")
            return
        self.window.editor.select_item(item)
        self.window.view.reveal(item)
        reveal_local_behaviour(self.window)

    def say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)


__all__ = ["DebugController"]
