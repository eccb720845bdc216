"""The records an execution picture is made of (`picture.ExecutionPicture`): a run of a state
(`Visit`), its failures, a Map's iterations, the note the live store writes per event, and the
event types that start, fail or end an attempt."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Thread = tuple[tuple[str, int], ...]  # the chain of (Map state name, iteration index) an event ran in

# Statuses, in the order the summary of several runs of one state prefers them.
NOT_RUN, RUNNING, SUCCEEDED, RETRIED, CAUGHT, FAILED = (
    "not run",
    "running",
    "succeeded",
    "retried",
    "caught",
    "failed",
)
PRECEDENCE = {NOT_RUN: 0, SUCCEEDED: 1, RETRIED: 2, CAUGHT: 3, FAILED: 4, RUNNING: 5}

ATTEMPT_STARTS = frozenset(
    (
        "TaskScheduled",
        "LambdaFunctionScheduled",
        "ActivityScheduled",
        "MapStateStarted",
        "ParallelStateStarted",
    )
)
FAILURE_EVENTS = frozenset(
    (
        "TaskFailed",
        "TaskTimedOut",
        "TaskStartFailed",
        "TaskSubmitFailed",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "ActivityFailed",
        "ActivityTimedOut",
        "ActivityScheduleFailed",
        "MapStateFailed",
        "ParallelStateFailed",
        "EvaluationFailed",
        "MapRunFailed",
    )
)
RESULT_EVENTS = frozenset(("TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded"))
EXECUTION_ENDS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}
_UNSET: Any = object()


@dataclass(frozen=True, slots=True)
class EventNote:
    """Where an event was written: the visit (its StateEntered id) and the iteration chain."""

    visit: int | None
    thread: Thread = ()


def details_of(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def parse_json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def state_name_of(event: dict[str, Any]) -> str | None:
    kind = event.get("type", "")
    if kind.endswith("StateEntered") or kind.endswith("StateExited"):
        name = details_of(event).get("name")
        return name if isinstance(name, str) else None
    return None


@dataclass
class Failure:
    event_id: int
    kind: str  # the event type
    error: str | None
    cause: str | None
    retried: bool = False  # another attempt followed


@dataclass
class Visit:
    """One run of one state: from its StateEntered event to its StateExited (or the end)."""

    entered_id: int
    name: str
    path: str | None
    state_type: str
    thread: Thread
    input: Any
    previous: int | None = None  # the visit before this one in the same scope and iteration
    output: Any = _UNSET
    exited_id: int | None = None
    attempts: int = 0
    failures: list[Failure] = field(default_factory=list)
    result: Any = _UNSET  # the task's raw result (TaskSucceeded output), when there was one
    assigned: dict[str, Any] = field(default_factory=dict)
    events: list[int] = field(default_factory=list)
    attempt_ids: list[int] = field(default_factory=list)  # the event starting each attempt
    result_id: int | None = None  # the event carrying the task's result
    entered_time: Any = None
    ended: bool = False  # the execution ended while this state was running

    @property
    def has_output(self) -> bool:
        return self.output is not _UNSET

    @property
    def has_result(self) -> bool:
        return self.result is not _UNSET

    @property
    def retries(self) -> int:
        return sum(1 for f in self.failures if f.retried)

    @property
    def final_failure(self) -> Failure | None:
        last = self.failures[-1] if self.failures else None
        return last if last is not None and not last.retried else None

    @property
    def status(self) -> str:
        if self.exited_id is not None:
            if self.final_failure is not None:
                return CAUGHT
            return RETRIED if self.retries else SUCCEEDED
        if self.final_failure is not None or self.state_type == "Fail" or self.ended:
            return FAILED
        return RUNNING

    @property
    def scope(self) -> str:
        if self.path is None:
            return ""
        return self.path.rsplit("/States/", 1)[0]


@dataclass
class MapRun:
    """A Map state's iterations in one visit of the Map."""

    visit: int
    name: str
    length: int | None = None
    iterations: dict[int, str] = field(default_factory=dict)  # index -> running/succeeded/failed/aborted

    @property
    def done(self) -> int:
        return sum(1 for s in self.iterations.values() if s != RUNNING)
