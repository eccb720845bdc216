"""The execution history: AWS-shaped events, numbered as they happen.

Events are the truth for everything downstream (the designer's colours, the event table,
time travel), so each one is handed to the store and to the listeners as soon as it exists.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from engine.runtime.clock import Clock
from engine.values import escape_lone_surrogates

# Largest payload Step Functions passes between states (bytes of UTF-8 JSON).
MAX_PAYLOAD_BYTES = 262_144
# Largest history an execution may write.
MAX_HISTORY_EVENTS = 25_000

DETAILS_KEY = {
    "ExecutionStarted": "executionStartedEventDetails",
    "ExecutionSucceeded": "executionSucceededEventDetails",
    "ExecutionFailed": "executionFailedEventDetails",
    "ExecutionAborted": "executionAbortedEventDetails",
    "ExecutionTimedOut": "executionTimedOutEventDetails",
    "ExecutionRedriven": "executionRedrivenEventDetails",
    "MapStateStarted": "mapStateStartedEventDetails",
    "MapIterationStarted": "mapIterationStartedEventDetails",
    "MapIterationSucceeded": "mapIterationSucceededEventDetails",
    "MapIterationFailed": "mapIterationFailedEventDetails",
    "MapIterationAborted": "mapIterationAbortedEventDetails",
    "MapRunStarted": "mapRunStartedEventDetails",
    "MapRunFailed": "mapRunFailedEventDetails",
    "MapRunRedriven": "mapRunRedrivenEventDetails",
    "TaskScheduled": "taskScheduledEventDetails",
    "TaskStarted": "taskStartedEventDetails",
    "TaskSubmitted": "taskSubmittedEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
    "TaskFailed": "taskFailedEventDetails",
    "TaskTimedOut": "taskTimedOutEventDetails",
    "TaskStartFailed": "taskStartFailedEventDetails",
    "TaskSubmitFailed": "taskSubmitFailedEventDetails",
    "LambdaFunctionScheduled": "lambdaFunctionScheduledEventDetails",
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "LambdaFunctionFailed": "lambdaFunctionFailedEventDetails",
    "LambdaFunctionTimedOut": "lambdaFunctionTimedOutEventDetails",
    "LambdaFunctionScheduleFailed": "lambdaFunctionScheduleFailedEventDetails",
    "LambdaFunctionStartFailed": "lambdaFunctionStartFailedEventDetails",
    "ActivityScheduled": "activityScheduledEventDetails",
    "ActivityStarted": "activityStartedEventDetails",
    "ActivitySucceeded": "activitySucceededEventDetails",
    "ActivityFailed": "activityFailedEventDetails",
    "ActivityTimedOut": "activityTimedOutEventDetails",
    "ActivityScheduleFailed": "activityScheduleFailedEventDetails",
    "EvaluationFailed": "evaluationFailedEventDetails",
}


class HistoryLimitExceeded(Exception):
    """The execution tried to write more than 25,000 events."""


# One encoder for every call: `json.dumps` with options builds a new one each time, which is a
# large part of serialising the small payloads most states pass on.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def to_json_text(value: Any) -> str:
    """JSON text as Step Functions writes it into histories and outputs: compact, UTF-8 kept."""
    return escape_lone_surrogates(_ENCODER.encode(value))


class History:
    """Numbers events, stamps them with the clock and hands them to the sinks."""

    def __init__(
        self,
        clock: Clock,
        sinks: list[Callable[[dict[str, Any]], None]] | None = None,
        limit: int = MAX_HISTORY_EVENTS,
        *,
        last_id: int = 0,
    ) -> None:
        """`last_id` continues a history already written (a redriven execution appends to its own)."""
        self.clock = clock
        self.events: list[dict[str, Any]] = []
        self.sinks = sinks or []
        self.limit = limit
        self._last_id = last_id

    @property
    def last_id(self) -> int:
        return self._last_id

    def add(
        self, event_type: str, details: dict[str, Any] | None = None, *, previous: int | None = None
    ) -> int:
        """Record an event; `previous` defaults to the last event written."""
        event_id = self._last_id + 1
        if event_id > self.limit:
            raise HistoryLimitExceeded()
        self._last_id = event_id
        event: dict[str, Any] = {
            "id": event_id,
            "previousEventId": event_id - 1 if previous is None else previous,
            "timestamp": self.clock.now(),
            "type": event_type,
        }
        if details is not None:
            key = _details_key(event_type)
            if key is not None:
                event[key] = details
        self.events.append(event)
        for sink in self.sinks:
            sink(event)
        return event_id


@functools.cache  # a handful of event types, looked up for every event
def _details_key(event_type: str) -> str | None:
    if event_type in DETAILS_KEY:
        return DETAILS_KEY[event_type]
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return None


def payload_details(value: Any) -> tuple[str, dict[str, bool]]:
    return to_json_text(value), {"truncated": False}


def started_details(input: Any, role_arn: str) -> dict[str, Any]:
    """ExecutionStarted's details: the input as JSON text and the execution's role."""
    details: dict[str, Any] = {}
    details["input"], details["inputDetails"] = payload_details(input)
    details["roleArn"] = role_arn
    return details


def failed_details(error: str | None, cause: Any) -> dict[str, Any]:
    """ExecutionFailed's details as AWS orders them, cause first; a cause that is not text becomes text."""
    details: dict[str, Any] = {}
    if cause is not None:
        details["cause"] = cause if isinstance(cause, str) else str(cause)
    if error is not None:
        details["error"] = error
    return details
