"""The executions that clients of File > Serve Locally start, seen as a run of the designer.

The server's project runtime writes every execution through a `LiveStore`, the same store a
designer run writes through, so the canvas overlay, the Events table, State Data and the
timeline read a served execution's history exactly as they read a run's. An execution started
for a machine with breakpoints gets a `Debugger` of its own as its gate: it pauses where the
designer says, the client's DescribeExecution answers RUNNING meanwhile, and F5/F10 move it on.
"""

from __future__ import annotations

import json
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

from designer.debug.session import RunSession
from designer.document.paths import StateAddress
from engine.runtime.debugger import Debugger, Pause


class ServedSession(RunSession):
    """A RunSession over the served runtime: it starts nothing itself; clients do."""

    def __init__(self, context: Any, breakpoints: Any, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)  # the runtime is the server's, not one of our own
        self.context = context
        self.breakpoints = breakpoints  # () -> {machine: {state path: condition}}, as the designer has them
        self.store = context.store
        self.runtime = context.runtime
        self.loaded = self.runtime.loaded
        self.debugger: Debugger | None = None  # the gate of the execution paused last
        self.clock_kind = "real"
        self.queue_samples: dict[str, list[tuple[int, int, int]]] = {}
        self._trace_seen = 0
        self._definitions: dict[str, dict[str, Any]] = {}
        self.main_arn: str | None = None
        self.main_machine: str | None = None
        self.main: Any = None
        self.task = None
        self.stopped = False
        self.done = False
        self.hops = None
        self.store.listeners.append(self._on_served_event)
        self.store.started.append(
            lambda record: self._emit_if_valid(self.execution_started, record.execution_arn)
        )
        self.runtime.sqs.subscribe(self._on_queue)
        context.gate_for = self.gate_for

    def gate_for(self, machine: str) -> Debugger | None:
        """A debugger for an execution of `machine` when the designer has breakpoints on it."""
        marks = self.breakpoints().get(machine) or {}
        if not marks:
            return None
        debugger = Debugger()
        for path, condition in marks.items():
            debugger.set_breakpoint(StateAddress.parse(machine, path).name, condition)
        debugger.on_pause.append(lambda pause: self._paused_by(debugger, pause))
        return debugger

    def _paused_by(self, debugger: Debugger, pause: Pause) -> None:
        """The paused execution becomes the one the debugger commands go to."""
        for running in self.runtime.stepfunctions.executions.values():
            if running.gate is debugger:
                self.main, self.main_arn = running, running.arn
                self.main_machine = self.machine_of(running.arn)
                break
        self.debugger = debugger
        self._on_pause(pause)

    def _on_served_event(self, arn: str, event: dict[str, Any] | None) -> None:
        self._on_event(arn, event)
        if shiboken6.isValid(self):
            self._emit_trace()

    def definition_of(self, arn: str) -> dict[str, Any]:
        """The definition the execution ran (a client may have updated the machine since)."""
        known = self._definitions.get(arn)
        if known is not None:
            return known
        record = self.store.records.get(arn)
        try:
            definition = json.loads(record.definition) if record is not None and record.definition else {}
        except ValueError:
            definition = {}
        definition = definition or self.loaded.definitions.get(self.machine_of(arn), {})
        self._definitions[arn] = definition  # one object per execution: pictures grow instead of rebuilding
        return definition

    def stop(self) -> None:
        """Run > Stop ends the paused execution's debugging: it runs on to its end, as it would
        without the designer; the server and the other executions are the client's."""
        if self.debugger is not None:
            self.debugger.breakpoints.clear()
            self.debugger.resume()

    def close(self) -> None:
        """The server stopped: nothing more will come."""
        self.done = True
        if self.context.gate_for == self.gate_for:
            self.context.gate_for = None
        if self._on_served_event in self.store.listeners:
            self.store.listeners.remove(self._on_served_event)
        self._emit_if_valid(self.finished)
