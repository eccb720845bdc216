"""A debugger on the debug gate: breakpoints, stepping, pausing, editing a state's input.

Front ends (the designer, `statecanvas debug`) drive it with commands and learn of pauses
through `next_pause()` or `on_pause` listeners. Everything runs on the execution's event loop.

Depth is how far inside Parallel branches and Map iterations a state runs (0 at the top):
`step` pauses at the next state at the same depth or shallower, `into` at the very next state
(entering a branch or an iteration), `out` at the next state shallower than the current one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.runtime.debug_conditions import BreakCondition, scope_at
from engine.runtime.debug_gate import ChildPoint, RetryPoint, StatePoint, Tracer


@dataclass
class Breakpoint:
    state: str
    condition: str | None = None  # in the grammar of engine.runtime.debug_conditions; None: always

    def __post_init__(self) -> None:
        # parsed here, so a condition that does not parse is refused (ConditionSyntaxError) where it is set
        text = (self.condition or "").strip()
        self.check = BreakCondition.parse(self.state, text) if text else None

    def holds(self, point: StatePoint, report: list[Callable[[str, str], None]]) -> bool:
        """Whether to pause at `point`; a condition that cannot be decided there does not pause and
        tells `report`'s listeners once."""
        return self.check is None or self.check.holds_at(point, report)


@dataclass
class Pause:
    """Where the execution stopped: the state about to run and what it will see."""

    state: str
    state_type: str
    input: Any
    variables: dict[str, Any]
    path: tuple[str, ...]
    depth: int
    reason: str  # "breakpoint", "step", "pause", "error", "run-to"
    error: Any = None
    context: dict[str, Any] = field(default_factory=dict)


class Debugger(Tracer):
    def __init__(self, *, break_on_error: bool = False, break_on_caught: bool = False) -> None:
        self.breakpoints: dict[str, Breakpoint] = {}
        self.break_on_error = break_on_error
        self.break_on_caught = break_on_caught
        self.on_pause: list[Callable[[Pause], None]] = []
        self.on_condition_error: list[Callable[[str, str], None]] = []  # (state, message), once each
        self._mode = "run"  # run, step, into, out, pause
        self._anchor_depth = 0
        self._run_to: str | None = None
        self._resume: asyncio.Event | None = None
        self._pauses: asyncio.Queue[Pause] | None = None
        self._edited_input: Any = _UNSET
        self.current: Pause | None = None
        self.stopped = False

    # Commands -----------------------------------------------------------------------------

    def set_breakpoint(self, state: str, condition: str | None = None) -> None:
        self.breakpoints[state] = Breakpoint(state, condition)

    def clear_breakpoint(self, state: str) -> None:
        self.breakpoints.pop(state, None)

    def toggle_breakpoint(self, state: str) -> bool:
        if state in self.breakpoints:
            self.clear_breakpoint(state)
            return False
        self.set_breakpoint(state)
        return True

    def step(self) -> None:
        self._go("step")

    def step_into(self) -> None:
        self._go("into")

    def step_out(self) -> None:
        self._go("out")

    def resume(self) -> None:
        self._go("run")

    def run_to(self, state: str) -> None:
        self._run_to = state
        self._go("run")

    def pause(self) -> None:
        """Pause at the next state that starts, wherever it is."""
        self._mode = "pause"

    def stop(self) -> None:
        """End the execution (it finishes ABORTED)."""
        self.stopped = True
        self._go("run")

    def set_input(self, value: Any) -> None:
        """Replace the paused state's input before it runs."""
        self._edited_input = value

    async def next_pause(self, timeout: float | None = None) -> Pause:
        queue = self._queue()
        return await asyncio.wait_for(queue.get(), timeout) if timeout else await queue.get()

    # Gate hooks ---------------------------------------------------------------------------

    watches_exit = False  # nothing to do after a state: the interpreter need not await it

    def wants_state(self, name: str) -> bool:
        """Whether `before_state` could pause (or stop) before `name`. When it cannot, the state
        runs without awaiting the gate: an idle debugger costs one method call per state."""
        return self._mode != "run" or self.stopped or self._run_to is not None or name in self.breakpoints

    async def before_state(self, point: StatePoint) -> Any:
        if self.stopped:
            from engine.runtime.errors import ExecutionAborted

            raise ExecutionAborted()
        depth = len(point.path) // 2
        reason = self._reason(point, depth)
        if reason is None:
            return point.data
        return await self._pause(point, depth, reason)

    async def before_retry(self, point: RetryPoint) -> None:
        return None

    async def before_child(self, point: ChildPoint) -> None:
        return None

    async def on_error(self, point: StatePoint, failure: Any, caught: bool) -> None:
        if (caught and self.break_on_caught) or (not caught and self.break_on_error):
            await self._pause(point, len(point.path) // 2, "error", error=failure)

    # Internals ----------------------------------------------------------------------------

    def _reason(self, point: StatePoint, depth: int) -> str | None:
        if self._run_to is not None and point.name == self._run_to:
            self._run_to = None
            return "run-to"
        breakpoint_ = self.breakpoints.get(point.name)
        if breakpoint_ is not None and breakpoint_.holds(point, self.on_condition_error):
            return "breakpoint"
        if self._mode == "pause" or self._mode == "into":
            return "pause" if self._mode == "pause" else "step"
        if self._mode == "step" and depth <= self._anchor_depth:
            return "step"
        if self._mode == "out" and depth < self._anchor_depth:
            return "step"
        return None

    async def _pause(self, point: StatePoint, depth: int, reason: str, error: Any = None) -> Any:
        pause = Pause(
            point.name,
            point.state.get("Type", ""),
            point.data,
            dict(point.variables),
            point.path,
            depth,
            reason,
            error,
            scope_at(point).context,
        )
        self.current = pause
        self._anchor_depth = depth
        self._mode = "run"
        self._edited_input = _UNSET
        resume = self._resume = asyncio.Event()
        self._queue().put_nowait(pause)
        for listener in list(self.on_pause):
            listener(pause)
        await resume.wait()
        self.current = None
        if self.stopped:
            from engine.runtime.errors import ExecutionAborted

            raise ExecutionAborted()
        return point.data if self._edited_input is _UNSET else self._edited_input

    def _go(self, mode: str) -> None:
        self._mode = mode
        if self._resume is not None:
            self._resume.set()
            self._resume = None

    def _queue(self) -> asyncio.Queue[Pause]:
        if self._pauses is None:
            self._pauses = asyncio.Queue()
        return self._pauses


_UNSET = object()
