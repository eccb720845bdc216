"""A debugger on the debug gate: breakpoints, stepping, pausing, editing a state's input.

Front ends (the designer, `statecanvas debug`) drive it with commands and learn of pauses
through `next_pause()` or `on_pause` listeners. Everything runs on the execution's event loop.

Each Parallel branch and Map iteration is a thread (engine.runtime.debug.threads), the
execution's top level too. Steps follow the selected thread: `step` pauses at its next state (or
its parent's, once it is done), `into` at the very next state inside it or after it (entering a
branch or an iteration), `out` at the next state of its parent. A thread held only because
another paused (all-stop) shows the reason "halt"; "switch" means the stepped thread ended while
its parent still waited for a held one, and the step stopped in that one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from engine.runtime.debug.conditions import BreakCondition, scope_at
from engine.runtime.debug.gate import ChildPoint, RetryPoint, StatePoint, Tracer
from engine.runtime.debug.threads import PAUSED, RUNNING, UNSET, DebugThread, ThreadTable
from engine.runtime.errors import ExecutionAborted


@dataclass
class Breakpoint:
    state: str
    condition: str | None = None  # in the grammar of engine.runtime.debug.conditions; None: always

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
    reason: str  # "breakpoint", "step", "pause", "error", "run-to"; "halt" or "switch": see below
    error: Any = None
    context: dict[str, Any] = field(default_factory=dict)
    thread: int = 1  # the number of the thread that paused (1: the execution's top level)
    label: str = "Execution"  # that thread for people: "Parallel Fan/branch 2", "Map Items/iteration 3"


class Debugger(Tracer):
    """Breakpoints, stepping and pausing for one execution, its branches and its iterations.

    All-stop (the default): when one thread (the top level, a Parallel branch, a Map iteration)
    pauses, every other thread of the execution stops at its next state boundary and virtual
    time stands still, so the user can pick any of them (`select`) and step it. While the
    selected thread steps, the others stay where they are; `resume` lets them all go.
    Non-stop (`non_stop=True`): only the thread that paused stops; the others run on.
    """

    def __init__(
        self, *, break_on_error: bool = False, break_on_caught: bool = False, non_stop: bool = False
    ) -> None:
        self.breakpoints: dict[str, Breakpoint] = {}
        self.break_on_error = break_on_error
        self.break_on_caught = break_on_caught
        self.non_stop = non_stop
        self.on_pause: list[Callable[[Pause], None]] = []
        self.on_condition_error: list[Callable[[str, str], None]] = []  # (state, message), once each
        self.on_threads: list[Callable[[], None]] = []  # a thread started, ended, was held or went on
        self.threads = ThreadTable(self._threads_changed)
        self._mode = "run"  # run, step, into, out, pause
        self._anchor: DebugThread | None = None  # the thread a step runs
        self._ended: tuple[str, ...] | None = None  # the stepped thread ended: its parent's path
        self._halted = False  # all-stop: a pause was reported, every other thread holds at its next state
        self._selected: DebugThread | None = None
        self._run_to: str | None = None
        self._pauses: asyncio.Queue[Pause] | None = None
        self._clock: Any = None  # the execution's clock, whose time stands still while halted
        self._still: Any = None  # the clock while its time is paused by this debugger
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
        """Let every held thread go on. A thread that stopped at a breakpoint (or an error) while
        the others were held, and was never reported, is reported first instead, as an IDE's
        all-stop debugger reports another thread's breakpoint at the next continue."""
        pending = self._pending_stop()
        if pending is not None:
            self._report(pending)
            return
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
        """Replace the selected thread's paused state's input before it runs."""
        thread = self._selected
        if thread is not None and thread.pause is not None:
            thread.edited = value

    def select(self, number: int) -> Pause:
        """Make thread `number` (held at a state) the one that steps, is printed and is edited."""
        thread = self.threads.numbered(number)
        if thread is None:
            raise LookupError(f"no thread {number}")
        if thread.pause is None:
            raise LookupError(f"thread {number} ({thread.label}) is not paused: {thread.describe()}")
        self._selected = thread
        thread.reported = True
        self._threads_changed()
        return thread.pause

    @property
    def current(self) -> Pause | None:
        """The selected thread's pause: what step, into, out and set_input act on."""
        thread = self._selected
        return thread.pause if thread is not None else None

    @property
    def selected(self) -> DebugThread | None:
        return self._selected

    def thread_list(self) -> list[DebugThread]:
        """The execution's live threads, the top level first, then in the order they started."""
        return self.threads.live()

    async def settle(self, rounds: int = 200) -> None:
        """After a pause, let the other threads reach their next state boundary (all-stop), so that
        a list of them is complete; one inside a Task or a Wait stays running meanwhile."""
        for _ in range(0 if self.non_stop else rounds):
            if all(t.status != RUNNING for t in self.threads.live()):
                return
            await asyncio.sleep(0)

    async def next_pause(self, timeout: float | None = None) -> Pause:
        """The next pause reported (one whose thread has gone on meanwhile is skipped)."""
        queue = self._queue()
        while True:
            pause = await asyncio.wait_for(queue.get(), timeout) if timeout else await queue.get()
            thread = self.threads.numbered(pause.thread)
            if thread is not None and thread.pause is pause:
                return pause

    @property
    def stepping(self) -> bool:
        """Whether the front end asked to stop again soon (a step or Pause) rather than to run on:
        the choreography a stepped state sets off then pauses at its first hop (engine.project.hops)."""
        return self._mode != "run"

    # Gate hooks ---------------------------------------------------------------------------

    watches_exit = False  # nothing to do after a state: the interpreter need not await it

    def wants_state(self, name: str) -> bool:
        """Whether `before_state` could pause (or stop) before `name`. When it cannot, the state
        runs without awaiting the gate: an idle debugger costs one method call per state."""
        return (
            self._mode != "run"
            or self._halted
            or self.stopped
            or self._run_to is not None
            or name in self.breakpoints
        )

    async def before_state(self, point: StatePoint) -> Any:
        if self.stopped:
            raise ExecutionAborted()
        thread = self.threads.at(point.frame)
        self.threads.resumed(thread)
        thread.state = point.name
        return await self._at_boundary(point, thread, self._reason(point, thread))

    async def before_retry(self, point: RetryPoint) -> None:
        return None

    async def before_child(self, point: ChildPoint) -> None:
        self.threads.started(point.frame)

    async def after_child(self, point: ChildPoint) -> None:
        thread = self.threads.at(point.frame)
        self.threads.ended(thread)
        anchor = self._anchor
        if anchor is None or not thread.contains(anchor):
            return
        # The stepped thread is done. Its parent goes on only when its other branches or
        # iterations are done too: while one of them is held, the step stops there instead.
        self._ended = thread.path[:-2]
        held = [t for t in self.threads.paused() if self._blocks_parent(t)]
        if held and not self.non_stop:
            self._report(held[0], "switch")

    async def on_error(self, point: StatePoint, failure: Any, caught: bool) -> None:
        if (caught and self.break_on_caught) or (not caught and self.break_on_error):
            await self._at_boundary(point, self.threads.at(point.frame), "error", failure)

    # Internals ----------------------------------------------------------------------------

    def _reason(self, point: StatePoint, thread: DebugThread) -> str | None:
        if self._run_to is not None and point.name == self._run_to:
            self._run_to = None
            return "run-to"
        breakpoint_ = self.breakpoints.get(point.name)
        if breakpoint_ is not None and breakpoint_.holds(point, self.on_condition_error):
            return "breakpoint"
        mode, anchor = self._mode, self._anchor
        if mode == "run":
            return None
        if mode == "pause" or anchor is None:
            return "pause" if mode == "pause" else "step"
        path, here = anchor.path, thread.path
        above = path[: len(here)] == here  # the stepped thread itself, or one it runs in
        if mode == "into":  # the very next state of the stepped thread, inside it or after it
            return "step" if above or here[: len(path)] == path else None
        if mode == "step":  # the stepped thread's next state, or its parent's once it is done
            return "step" if above else None
        return "step" if above and len(here) < len(path) else None  # out

    def _moving(self, thread: DebugThread) -> bool:
        """Whether `thread` runs during the current step (all-stop holds the others): the stepped
        thread with what runs inside it (for `out`, its parent's), and the threads it runs in."""
        anchor = self._anchor
        if anchor is None:
            return False
        scope = anchor.path[:-2] if self._mode == "out" else anchor.path
        here = thread.path
        return here[: len(scope)] == scope or anchor.path[: len(here)] == here

    def _blocks_parent(self, thread: DebugThread) -> bool:
        """`thread` is held inside the parent of the stepped thread that has ended."""
        parent = self._ended
        return parent is not None and thread.path[: len(parent)] == parent

    async def _at_boundary(
        self, point: StatePoint, thread: DebugThread, reason: str | None, error: Any = None
    ) -> Any:
        if self._halted and not self._moving(thread):  # all-stop: another thread has paused
            if self._blocks_parent(thread):
                return await self._hold(point, thread, reason or "switch", error, report=True)
            return await self._hold(point, thread, reason or "halt", error, report=False)
        if reason is None:
            return point.data
        return await self._hold(point, thread, reason, error, report=True)

    async def _hold(
        self, point: StatePoint, thread: DebugThread, reason: str, error: Any, *, report: bool
    ) -> Any:
        pause = Pause(
            point.name,
            point.state.get("Type", ""),
            point.data,
            dict(point.variables),
            point.path,
            len(point.path) // 2,
            reason,
            error,
            scope_at(point).context,
            thread.number,
            thread.label,
        )
        thread.pause, thread.status, thread.edited, thread.reported = pause, PAUSED, UNSET, False
        resume = thread.resume = asyncio.Event()
        self._clock = point.env.clock
        if report:
            self._report(thread)
        else:
            self._threads_changed()
        try:
            await resume.wait()
        finally:
            if thread.resume is resume:  # cancelled while held (a sibling failed)
                thread.pause, thread.resume, thread.status = None, None, RUNNING
        if self.stopped:
            raise ExecutionAborted()
        return point.data if thread.edited is UNSET else thread.edited

    def _report(self, thread: DebugThread, reason: str | None = None) -> None:
        """Tell the front ends `thread` paused; it becomes the selected thread. All-stop: every
        other thread holds at its next boundary, and virtual time stands still."""
        kept = ("breakpoint", "error", "run-to")  # a stop of its own: it says more than "switch"
        if reason is not None and thread.pause is not None and thread.pause.reason not in kept:
            thread.pause = replace(thread.pause, reason=reason)
        pause = thread.pause
        thread.reported = True
        self._mode, self._anchor, self._ended = "run", None, None
        self._selected = thread
        if not self.non_stop:
            self._halted = True
            if self._still is None and hasattr(self._clock, "pause_time"):
                self._clock.pause_time()
                self._still = self._clock
        self._queue().put_nowait(pause)
        for listener in list(self.on_pause):
            listener(pause)
        self._threads_changed()

    def _pending_stop(self) -> DebugThread | None:
        """A held thread that stopped for a reason that still stands and was never reported."""
        if self.non_stop or not self._halted or self.stopped:
            return None
        for thread in self.threads.paused():
            reason = thread.pause.reason if not thread.reported and thread.pause is not None else None
            if reason == "breakpoint" and thread.state in self.breakpoints:
                return thread
            if reason == "error" and (self.break_on_error or self.break_on_caught):
                return thread
        return None

    def _go(self, mode: str) -> None:
        """Run the selected thread in `mode` (all-stop: with what runs inside it; the rest stay
        held), or with "run" let every thread go."""
        selected = self._selected if self._selected is not None and self._selected.pause else None
        if self._still is not None:  # time flows while anything runs
            self._still.resume_time()
            self._still = None
        self._mode, self._ended = mode, None
        if mode == "run" or selected is None:
            self._anchor, self._halted = None, False
            released = self.threads.paused()
        else:
            self._anchor = selected
            scope = selected.path[:-2] if mode == "out" else selected.path
            released = [
                t
                for t in self.threads.paused()
                if t is selected or (not self.non_stop and t.path[: len(scope)] == scope)
            ]
        for thread in released:
            resume = thread.resume
            thread.pause, thread.resume, thread.status = None, None, RUNNING
            if resume is not None:
                resume.set()
        if released:
            self._threads_changed()

    def _threads_changed(self) -> None:
        for listener in list(self.on_threads):
            listener()

    def _queue(self) -> asyncio.Queue[Pause]:
        if self._pauses is None:
            self._pauses = asyncio.Queue()
        return self._pauses
