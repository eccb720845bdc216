"""The threads of a debugged execution: its top level, each Parallel branch, each Map iteration.

An all-stop debugger stops every branch and iteration when one of them pauses, so the user can
look at any of them and step it. For that it must know, for each scope of states that is
running, who it is (a number and a label people can read), where it is and whether it is held.
A thread is known by its frame's path (`("Fan", "1")` for the Parallel Fan's second branch).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PAUSED = "paused"  # held at a state boundary
RUNNING = "running"  # inside a state (a Task, a Wait), or not yet at its next boundary
WAITING = "waiting"  # in a Parallel or Map state whose branches or iterations run


@dataclass(eq=False)
class DebugThread:
    number: int
    path: tuple[str, ...]
    label: str  # "Execution", "Parallel Fan/branch 2", "Map Items/iteration 3", nested with "/"
    kind: str  # "execution", "branch" or "iteration"
    state: str | None = None
    status: str = RUNNING
    pause: Any = None  # the debugger's Pause while held
    resume: asyncio.Event | None = None
    edited: Any = None  # an input the user set for the held state (`UNSET`: none)
    reported: bool = False  # the front end was told of this pause

    def contains(self, other: DebugThread) -> bool:
        """`other` is this thread or runs inside it (one of its branches or iterations, at any depth)."""
        return other.path[: len(self.path)] == self.path

    def describe(self) -> str:
        if self.status == PAUSED and self.pause is not None:
            reason = self.pause.reason
            return f"paused at {self.state}" + ("" if reason == "halt" else f" ({reason})")
        if self.status == WAITING:
            return f"waiting in {self.state}"
        return f"running {self.state}" if self.state else "running"


UNSET: Any = object()


class ThreadTable:
    """The threads alive in one execution, by path; numbered in the order they start (1: the top)."""

    def __init__(self, changed: Callable[[], None]) -> None:
        self._by_path: dict[tuple[str, ...], DebugThread] = {}
        self._numbers = itertools.count(1)
        self._changed = changed

    def live(self) -> list[DebugThread]:
        return sorted(self._by_path.values(), key=lambda t: t.number)

    def paused(self) -> list[DebugThread]:
        return [t for t in self.live() if t.status == PAUSED]

    def numbered(self, number: int) -> DebugThread | None:
        return next((t for t in self._by_path.values() if t.number == number), None)

    def at(self, frame: Any) -> DebugThread:
        """The thread running `frame`'s states, made (with its parents) when first seen."""
        thread = self._by_path.get(frame.path)
        return thread if thread is not None else self._add(frame.path, frame)

    def started(self, frame: Any) -> DebugThread:
        """A branch or an iteration starts: its parent now waits in the Map or Parallel for it."""
        old = self._by_path.get(frame.path)
        if old is not None:  # a loop ran the container again: the new run is a new thread
            self.ended(old)
        thread = self._add(frame.path, frame)
        task = asyncio.current_task()
        if task is not None:  # a branch or iteration that fails or is cancelled ends with its task
            task.add_done_callback(lambda _task: self.ended(thread))
        return thread

    def ended(self, thread: DebugThread) -> None:
        if self._by_path.get(thread.path) is thread:
            del self._by_path[thread.path]
            self._changed()

    def resumed(self, thread: DebugThread) -> None:
        """`thread` runs a state of its own again: whatever ran inside it is over."""
        if thread.status == WAITING:
            for other in list(self._by_path.values()):
                if other is not thread and thread.contains(other):
                    self.ended(other)
        thread.status = RUNNING

    def _add(self, path: tuple[str, ...], frame: Any) -> DebugThread:
        if not path:
            thread = DebugThread(next(self._numbers), path, "Execution", "execution")
        else:
            # A distributed Map's child execution has no parent frame: its parent is found by path.
            above = frame.parent if frame is not None and frame.parent is not None else None
            parent = self._by_path.get(path[:-2])
            if parent is None:
                known = above is not None and above.path == path[:-2]
                parent = self._add(path[:-2], above if known else None)
            name, index = path[-2], path[-1]
            parent.status, parent.state = WAITING, name  # in the Map or Parallel state `name`
            if frame is not None and frame.kind == "branch":
                own, kind = f"Parallel {name}/branch {int(index) + 1}", "branch"
            else:  # an inline iteration, or a child execution of a distributed Map
                own, kind = f"Map {name}/iteration {index}", "iteration"
            prefix = f"{parent.label}/" if parent.path else ""
            thread = DebugThread(next(self._numbers), path, prefix + own, kind)
        self._by_path[path] = thread
        self._changed()
        return thread
