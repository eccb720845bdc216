"""The attempts of one state run, read from its history: when each started and ended, how it
ended, and the back-off before the next one. The Retries table and the timeline's attempt
markers show these.

Times are seconds since the execution started, read from the events' timestamps: on the virtual
clock a back-off takes no real time, but its events carry the time it would have taken, so the
back-off shown is the one the Retry rule asked for (with its jitter), as AWS would record it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.runtime.history_view.picture import ExecutionPicture
from engine.runtime.history_view.records import Visit

SUCCEEDED, RETRIED, FAILED, RUNNING = "succeeded", "retried", "failed", "running"


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int  # 1 for the first
    started_id: int
    ended_id: int | None
    outcome: str  # succeeded, retried, failed or running
    error: str | None
    cause: str | None
    started: float | None  # seconds since the execution started
    ended: float | None
    backoff: float | None  # seconds from this attempt's failure to the next attempt's start


def moment(value: Any) -> float | None:
    """A timestamp (datetime, ISO text or epoch seconds) as epoch seconds, or None."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def seconds_at(picture: ExecutionPicture, event_id: int | None) -> float | None:
    """Seconds from the execution's first event to event `event_id` (None when unknown)."""
    events = picture.events
    if event_id is None or not events or not 0 < event_id <= len(events):
        return None
    event = events[event_id - 1]
    if event.get("id") != event_id:  # ids are 1, 2, 3...; a pasted history may differ
        event = next((e for e in events if e.get("id") == event_id), {})
    first, here = moment(events[0].get("timestamp")), moment(event.get("timestamp"))
    return here - first if first is not None and here is not None else None


def attempts_of(picture: ExecutionPicture, visit: Visit) -> list[Attempt]:
    """Each attempt of a Task (or Map, Parallel) run, in order."""
    out: list[Attempt] = []
    starts = visit.attempt_ids
    for k, start in enumerate(starts):
        following = starts[k + 1] if k + 1 < len(starts) else None
        failure = next(
            (
                f
                for f in visit.failures
                if f.event_id > start and (following is None or f.event_id < following)
            ),
            None,
        )
        if failure is not None:
            ended_id: int | None = failure.event_id
            outcome = RETRIED if failure.retried else FAILED
        elif following is None and (visit.result_id is not None or visit.exited_id is not None):
            ended_id = visit.result_id or visit.exited_id
            outcome = SUCCEEDED
        else:
            ended_id, outcome = None, RUNNING
        ended = seconds_at(picture, ended_id)
        backoff = None
        if outcome == RETRIED and following is not None:
            then = seconds_at(picture, following)
            backoff = max(then - ended, 0.0) if then is not None and ended is not None else None
        out.append(
            Attempt(
                k + 1,
                start,
                ended_id,
                outcome,
                failure.error if failure else None,
                failure.cause if failure else None,
                seconds_at(picture, start),
                ended,
                backoff,
            )
        )
    return out
