"""One run of the document: a `ProjectRuntime` on the Qt event loop (qasync), its executions,
its trace and its queues, with the debugger attached to the execution the user started.

Everything is a coroutine on the running loop; nothing here blocks or spins a loop of its own,
so the window keeps drawing while an execution runs, waits for a callback or sits paused.
Executions reach the session through the engine's store interface (`LiveStore`), event by
event; the views read those histories, never the interpreter.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from designer.debug.live_store import LiveStore
from designer.document.project_document import ProjectDocument
from engine.project import HopGate
from engine.runtime import Debugger, Pause
from engine.runtime.history_view import EventNote

log = logging.getLogger("statecanvas.designer.debug")


class RunSession(QObject):
    """A project runtime for one Run, Debug or Put event, and what it did."""

    execution_started = Signal(str)  # execution ARN
    event_added = Signal(str, object)  # execution ARN, event
    execution_finished = Signal(str)
    paused = Signal(object)  # engine.runtime.debug.Pause
    hop_paused = Signal(object)  # engine.project.hops.Hop: choreography paused at a bus, queue, ...
    hop_resumed = Signal()
    resumed = Signal()
    queue_changed = Signal(str)  # queue name
    trace_changed = Signal()
    finished = Signal()  # the session has nothing more to do

    def __init__(
        self,
        document: ProjectDocument,
        *,
        clock: str = "virtual",
        debugger: Debugger | None = None,
        definitions: dict[str, dict[str, Any]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        from engine.project import ProjectRuntime  # the runtime loads on the first run, for start-up time

        super().__init__(parent)
        self.store = LiveStore()
        self.loaded = document.loaded_project()
        if definitions:
            self.loaded.definitions.update(copy.deepcopy(definitions))
        self.debugger = debugger
        self.clock_kind = clock
        self.runtime = ProjectRuntime(self.loaded, clock=clock, store=self.store)
        self.store.listeners.append(self._on_event)
        self.store.started.append(lambda record: self.execution_started.emit(record.execution_arn))
        self.queue_samples: dict[
            str, list[tuple[int, int, int]]
        ] = {}  # queue -> [(visible, in flight, delayed)]
        self.runtime.sqs.subscribe(self._on_queue)
        self._trace_seen = 0
        self.main_arn: str | None = None
        self.main_machine: str | None = None
        self.main: Any = None  # the RunningExecution the user started
        self.task: asyncio.Task[None] | None = None
        self.stopped = False
        self.done = False
        self.hops: HopGate | None = None  # steps through the choreography the debugged states set off
        if debugger is not None:
            debugger.on_pause.append(self._on_pause)
            self.hops = HopGate(debugger)
            self.hops.attach(self.runtime)
            self.hops.on_pause.append(lambda hop: self._emit_if_valid(self.hop_paused, hop))
            self.hops.on_resume.append(lambda: self._emit_if_valid(self.hop_resumed))

    # starting ---------------------------------------------------------------------------------

    def start_execution(self, machine: str, data: Any) -> str:
        """Start `machine` (with the debugger as its gate, if any) and drive the project around it."""
        stepfunctions = self.runtime.stepfunctions
        arn = self.runtime.machine_arns[machine]
        running = stepfunctions.start_execution(arn, data, gate=self.debugger)
        if self.hops is not None:
            self.hops.debugged.add(running.arn)
        trace = self.runtime.trace
        trace.execution_started(machine, running.arn, "started from the designer")
        running.task.add_done_callback(lambda task: trace.execution_finished(machine, running.arn, task))
        self.main, self.main_arn, self.main_machine = running, running.arn, machine
        self.task = asyncio.ensure_future(self._drive())
        return running.arn

    def put_events(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Put events on the project's buses and follow what they trigger."""
        response = self.runtime.put_events(copy.deepcopy(entries))
        self._emit_trace()
        if self.task is None or self.task.done():
            self.done = False
            self.task = asyncio.ensure_future(self._drive())
        return response

    async def _drive(self) -> None:
        try:
            while not self.stopped:
                await self.runtime.settle()
                self._emit_trace()
                if self.main is None or self.main.task.done():
                    break
                await self._wait_outside()
            if not self.stopped:
                await self.runtime.settle()  # what the execution set off downstream
        except Exception:  # a crash in the engine must not take the window down
            log.exception("the run stopped unexpectedly")
        finally:
            self.done = True
            if shiboken6.isValid(self):  # the window may have closed while the run wound down
                self._emit_trace()
                self.finished.emit()

    async def _wait_outside(self) -> None:
        """The execution waits for someone outside (a callback from the UI, or the user while
        paused): virtual time flows at real speed meanwhile (the clock's hold), so a heartbeat or a
        timeout does not expire the moment nothing else is ready."""
        hold = getattr(self.runtime.clock, "hold", None)
        release = getattr(self.runtime.clock, "release", None)
        if hold is not None:
            hold()
        try:
            await asyncio.sleep(0.05)
        finally:
            if release is not None:
                release()

    async def wait(self) -> None:
        if self.task is not None:
            await asyncio.shield(self.task)

    # stopping ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """End the run: the debugged execution ends ABORTED; everything else is cancelled."""
        self.stopped = True
        if self.hops is not None:
            self.hops.stop()
        if self.debugger is not None:
            self.debugger.stop()
        for running in list(self.runtime.stepfunctions.executions.values()):
            if not running.task.done() and running.gate is None:
                running.task.cancel()
        for pending in self.runtime.stepfunctions.pending_tasks():
            with contextlib.suppress(Exception):
                self.runtime.stepfunctions.send_task_failure(pending.token, "States.Aborted", "stopped")

    # callbacks --------------------------------------------------------------------------------

    def pending_tasks(self) -> list[Any]:
        return self.runtime.stepfunctions.pending_tasks()

    def send_success(self, token: str, output: Any) -> None:
        self.runtime.stepfunctions.send_task_success(token, output)

    def send_failure(self, token: str, error: str | None, cause: str | None) -> None:
        self.runtime.stepfunctions.send_task_failure(token, error, cause)

    def send_heartbeat(self, token: str) -> None:
        self.runtime.stepfunctions.send_task_heartbeat(token)

    # what happened ----------------------------------------------------------------------------

    def history(self, arn: str | None = None) -> list[dict[str, Any]]:
        return self.store.histories.get(arn or self.main_arn or "", [])

    def notes(self, arn: str | None = None) -> dict[int, EventNote]:
        return self.store.notes.get(arn or self.main_arn or "", {})

    def machine_of(self, arn: str) -> str:
        record = self.store.records.get(arn)
        return record.state_machine_arn.rsplit(":", 1)[-1] if record is not None else arn.split(":")[6]

    def definition_of(self, arn: str) -> dict[str, Any]:
        return self.loaded.definitions.get(self.machine_of(arn), {})

    @property
    def running(self) -> bool:
        return not self.done

    # listeners --------------------------------------------------------------------------------

    def _on_event(self, arn: str, event: dict[str, Any] | None) -> None:
        if not shiboken6.isValid(self):
            return
        if event is None:
            self.execution_finished.emit(arn)
        else:
            self.event_added.emit(arn, event)

    def _emit_if_valid(self, signal: Any, *args: Any) -> None:
        if shiboken6.isValid(self):
            signal.emit(*args)

    def _on_pause(self, pause: Pause) -> None:
        if shiboken6.isValid(self):
            self.paused.emit(pause)

    def _on_queue(self, event: Any) -> None:
        if not shiboken6.isValid(self):
            return
        depth = event.depth
        samples = self.queue_samples.setdefault(event.queue_name, [])
        samples.append((depth.visible, depth.in_flight, depth.delayed))
        del samples[:-120]
        self.queue_changed.emit(event.queue_name)
        self._emit_trace()

    def _emit_trace(self) -> None:
        count = len(self.runtime.trace.entries)
        if count != self._trace_seen:
            self._trace_seen = count
            self.trace_changed.emit()

    def queue_depth(self, name: str) -> Any:
        return self.runtime.sqs.depth(name)
