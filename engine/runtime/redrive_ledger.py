"""What a redrive needs that the history does not say: how each branch or iteration of a failed
Parallel or Map state ended.

A redriven Parallel runs again only the branches that did not succeed, a redriven Map only the
iterations (or a distributed Map's child executions) that did not, and each of those continues
from the state it stopped in; the outputs of the successful ones are kept. The history cannot
tell these apart: iterations run at once and write their events interleaved, and
MapIterationSucceeded carries no output. So when a Parallel or Map state ends unsuccessfully
(failed, or cut short because the execution was stopped or timed out) it writes its children's
outcomes into the execution record's metadata, keyed by where the state is (its scope's path and
its name); a redrive reads them back and each state takes its own as it is entered again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.runtime.env import Frame

if TYPE_CHECKING:  # a run without a store never loads engine.store
    from engine.store import ExecutionStore

LEDGER_KEY = "redriveLedger"


@dataclass
class ResumePoint:
    """Where one scope (the machine, a branch, an iteration) picks up: its state, input and variables."""

    state: str
    input_text: str
    variables: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "input": self.input_text, "variables": self.variables}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResumePoint:
        return cls(str(data["state"]), str(data.get("input") or "{}"), dict(data.get("variables") or {}))

    def scope(self, scope: dict[str, Any]) -> dict[str, Any]:
        """`scope` (a branch, an item processor, the machine) starting at this point's state."""
        return dict(scope, StartAt=self.state)

    def frame(self, fresh: Frame) -> Frame:
        """`fresh` (the child frame the state made) with the variables the scope had here."""
        fresh.variables = dict(self.variables)
        return fresh

    def data(self) -> Any:
        return json.loads(self.input_text)


@dataclass
class ChildPlan:
    """What a Parallel or Map state's last attempt left: outputs of the children that succeeded,
    where the others stopped (a child with neither never started and runs from its start), and
    for a distributed Map its map run (ARN and redrive count)."""

    succeeded: dict[int, Any] = field(default_factory=dict)
    points: dict[int, ResumePoint] = field(default_factory=dict)
    map_run: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "succeeded": {str(i): v for i, v in self.succeeded.items()},
            "points": {str(i): p.to_json() for i, p in self.points.items()},
        }
        if self.map_run is not None:
            out["mapRun"] = self.map_run
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChildPlan:
        return cls(
            {int(i): v for i, v in (data.get("succeeded") or {}).items()},
            {int(i): ResumePoint.from_json(p) for i, p in (data.get("points") or {}).items()},
            data.get("mapRun"),
        )


def point_of(frame: Frame) -> ResumePoint | None:
    """Where the scope run in `frame` stopped: the state it entered last, with the variables it
    had then (the state never exited, so nothing it assigned is in them)."""
    if frame.point is None:
        return None
    state, input_text = frame.point
    return ResumePoint(state, input_text, dict(frame.variables))


class RedriveLedger:
    """One execution's ledger: what its Parallel and Map states left, for its next redrive."""

    def __init__(
        self, store: ExecutionStore | None, execution_arn: str, plan: dict[str, Any] | None = None
    ) -> None:
        self.store = store
        self.execution_arn = execution_arn
        self._plan = dict(plan or {})  # the last attempt's, taken by the states as they are redriven
        self._book: dict[str, Any] = dict(self._plan)  # what the store holds for the next redrive

    @staticmethod
    def key(frame: Frame, state: str) -> str:
        return "/".join((*frame.path, state))

    def take(self, frame: Frame, state: str) -> ChildPlan | None:
        """The plan the last attempt left for `state` in `frame`, once: a later entry (a retry, a
        loop) runs every child again."""
        data = self._plan.pop(self.key(frame, state), None)
        return None if data is None else ChildPlan.from_json(data)

    def record(
        self,
        frame: Frame,
        state: str,
        succeeded: dict[int, Any],
        unfinished: Iterable[tuple[int, Frame | None]],
        previous: ChildPlan | None = None,
        map_run: dict[str, Any] | None = None,
    ) -> None:
        """`state` ended unsuccessfully: keep its children's outcomes. `unfinished` are the children
        that did not succeed, with their frames (None: never started); one that did not run in this
        attempt keeps the point the previous attempt (`previous`) left it."""
        plan = ChildPlan(dict(succeeded), map_run=map_run)
        for index, child in unfinished:
            point = point_of(child) if child is not None else None
            if point is None and previous is not None:
                point = previous.points.get(index)
            if point is not None:
                plan.points[index] = point
        self._book[self.key(frame, state)] = plan.to_json()
        if self.store is not None:
            # here, not at the top: a run without a store never loads engine.store (and its SQLite)
            from engine.store import StoreError

            try:
                self.store.update_metadata(self.execution_arn, {LEDGER_KEY: self._book})
            except (NotImplementedError, StoreError):
                # a store that cannot keep it, or one closing under a stopping server: a redrive
                # runs these children again from their start
                self.store = None
