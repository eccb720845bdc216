"""The executions that clients of File > Serve Locally start, seen as a run of the designer.

The server's project runtime writes every execution through a `LiveStore`, the same store a
designer run writes through, so the canvas overlay, the Events table, State Data and the
timeline read a served execution's history exactly as they read a run's. Every execution gets a
`Debugger` of its own as its gate (idle, it costs a method call per state): it pauses where the
designer says (breakpoints, Break on Error, Break on Caught Error), the client's DescribeExecution
answers RUNNING meanwhile, and F5/F10 move it on. Breakpoints and those settings changed while
executions run reach them too (`debugging_changed`), as they reach a designer run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

from designer.debug.session import RunSession
from engine.asl import StateAddress
from engine.runtime import Debugger, Pause


class ServedSession(RunSession):
    """A RunSession over the served runtime: it starts nothing itself; clients do."""

    def __init__(
        self,
        context: Any,
        breakpoints: Callable[[], dict[str, dict[str, str | None]]],
        parent: QObject | None = None,
        flags: Callable[[], tuple[bool, bool, bool]] | None = None,
    ) -> None:
        QObject.__init__(self, parent)  # the runtime is the server's, not one of our own
        self.context = context
        self.breakpoints = breakpoints  # () -> {machine: {state path: condition}}, as the designer has them
        # () -> (break on error, break on caught error, non-stop), as the Run menu has them
        self.flags = flags or (lambda: (False, False, False))
        self.gates: list[tuple[str, Debugger]] = []  # (machine, gate) of the executions that may run
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
        self.runtime.stepfunctions.gate_for = self.gate_for  # those a rule, a queue or a state starts

    def gate_for(self, machine: str) -> Debugger:
        """The debugger of a new execution of `machine`, set as the designer's Run menu is now."""
        self._forget_finished()
        debugger = Debugger(non_stop=self.flags()[2])  # non-stop, as for a designer run, from the start
        self._configure(machine, debugger)
        debugger.on_pause.append(lambda pause: self._paused_by(debugger, pause))
        self.gates.append((machine, debugger))
        return debugger

    def debugging_changed(self, machine: str | None = None) -> None:
        """The designer's breakpoints on `machine` (None: its break-on-error settings) changed:
        executions already running follow them from their next state on."""
        self._forget_finished()
        for owner, debugger in self.gates:
            if machine is None or owner == machine:
                self._configure(owner, debugger)

    def _configure(self, machine: str, debugger: Debugger) -> None:
        debugger.break_on_error, debugger.break_on_caught, _ = self.flags()
        wanted = {
            StateAddress.parse(machine, path).name: condition
            for path, condition in (self.breakpoints().get(machine) or {}).items()
        }
        for name in [n for n in debugger.breakpoints if n not in wanted]:
            debugger.clear_breakpoint(name)
        for name, condition in wanted.items():
            known = debugger.breakpoints.get(name)
            if known is None or known.condition != (condition or None):
                debugger.set_breakpoint(name, condition or None)

    def _forget_finished(self) -> None:
        """Drop the gates of executions that ended (a gate not yet given to its execution stays)."""
        executions = self.runtime.stepfunctions.executions.values()
        running = {id(r.gate): r for r in executions if r.gate is not None}
        self.gates = [
            (machine, gate)
            for machine, gate in self.gates
            if id(gate) not in running or not running[id(gate)].task.done()
        ]

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
            debugger = self.debugger
            self.gates = [(m, g) for m, g in self.gates if g is not debugger]
            debugger.breakpoints.clear()
            debugger.break_on_error = debugger.break_on_caught = False
            debugger.resume()

    def close(self) -> None:
        """The server stopped: nothing more will come."""
        self.done = True
        if self.context.gate_for == self.gate_for:
            self.context.gate_for = None
        if self.runtime.stepfunctions.gate_for == self.gate_for:
            self.runtime.stepfunctions.gate_for = None
        if self._on_served_event in self.store.listeners:
            self.store.listeners.remove(self._on_served_event)
        self._emit_if_valid(self.finished)
