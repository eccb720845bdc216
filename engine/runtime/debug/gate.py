"""The debug gate: where a debugger or tracer meets the interpreter.

The interpreter calls the gate's hooks only when one is attached (`env.gate is not None`), so
an execution without a debugger pays one attribute check per state and nothing more.
A gate may pause inside a hook (awaiting its front end) and may replace a state's input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class StatePoint:
    """A state about to run (input) or just finished (output)."""

    name: str
    state: dict[str, Any]
    data: Any
    frame: Any
    env: Any

    @property
    def path(self) -> tuple[str, ...]:
        return self.frame.path

    @property
    def variables(self) -> dict[str, Any]:
        return self.frame.variables


@dataclass
class RetryPoint:
    name: str
    failure: Any
    attempt: int


@dataclass
class ChildPoint:
    """A Parallel branch or a Map iteration about to start or just ended."""

    state_name: str
    kind: str  # "branch" or "iteration"
    index: int
    data: Any
    frame: Any


class Gate(Protocol):
    async def before_state(self, point: StatePoint) -> Any: ...

    async def after_state(self, point: StatePoint) -> None: ...

    async def before_retry(self, point: RetryPoint) -> None: ...

    async def before_child(self, point: ChildPoint) -> None: ...

    async def after_child(self, point: ChildPoint) -> None: ...

    async def on_error(self, point: StatePoint, failure: Any, caught: bool) -> None: ...


class Tracer:
    """A gate that never pauses: subclass and override what you want to watch.

    Two cheap, synchronous questions let the interpreter skip the hooks when a gate has nothing
    to do (an attached debugger with no breakpoint and no step pending): `wants_state(name)` is
    asked before each state, and `after_state` is awaited only when `watches_exit` is true.
    """

    watches_exit = True

    def wants_state(self, name: str) -> bool:
        return True

    async def before_state(self, point: StatePoint) -> Any:
        return point.data

    async def after_state(self, point: StatePoint) -> None:
        return None

    async def before_retry(self, point: RetryPoint) -> None:
        return None

    async def before_child(self, point: ChildPoint) -> None:
        return None

    async def after_child(self, point: ChildPoint) -> None:
        return None

    async def on_error(self, point: StatePoint, failure: Any, caught: bool) -> None:
        return None
