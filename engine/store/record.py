"""The execution record: what a store keeps about one execution besides its event history.

It mirrors the fields of AWS ``DescribeExecution`` that matter offline, plus ``definition`` (the
exact ASL the execution ran, even if the state machine has since been edited) and a free
``metadata`` dict for the engine's own bookkeeping (redrive count, map run ids, test-case labels,
...). An execution whose process died is not resumed: the next process that opens the store marks
it ABORTED with the reason (see ``engine.store.ownership``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.store.timestamps import utc_now


class ExecutionStatus(StrEnum):
    """AWS execution statuses. A ``StrEnum``, so plain strings compare and serialize equal."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"


#: Statuses ``finish_execution`` accepts: everything but RUNNING.
FINISHED_STATUSES = frozenset(s for s in ExecutionStatus if s is not ExecutionStatus.RUNNING)


@dataclass(slots=True)
class ExecutionRecord:
    """One execution as a store holds it.

    Dates are timezone-aware UTC ``datetime`` objects with millisecond precision once they have been
    through a store (naive datetimes given in are taken to be UTC). ``input`` and ``output`` are JSON
    text, exactly as the execution received / produced it, so a store never re-serializes payloads.
    ``parent_arn`` links child executions (distributed Map runs, nested ``states:startExecution``)
    to the execution that started them.
    """

    execution_arn: str
    state_machine_arn: str
    name: str
    status: str = ExecutionStatus.RUNNING
    start_date: datetime = field(default_factory=utc_now)
    stop_date: datetime | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    parent_arn: str | None = None
    definition: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def check_status(status: str, *, finished: bool) -> ExecutionStatus:
    """Return ``status`` as an :class:`ExecutionStatus`, raising ``ValueError`` for unknown names.

    With ``finished=True`` RUNNING is refused too: finishing an execution must say how it ended.
    """
    try:
        value = ExecutionStatus(status)
    except ValueError:
        raise ValueError(f"unknown execution status {status!r}") from None
    if finished and value not in FINISHED_STATUSES:
        raise ValueError(f"an execution cannot finish with status {value}")
    return value


def reopened(record: ExecutionRecord, metadata: dict[str, Any]) -> ExecutionRecord:
    """A finished execution RUNNING again, as a redrive leaves it: its end cleared, `metadata` merged
    into its own, its history untouched (the in-memory stores share this; SQLite does it in SQL).
    ``ValueError`` for one still running: it cannot be redriven."""
    if record.status == ExecutionStatus.RUNNING:
        raise ValueError(f"execution {record.execution_arn} is still RUNNING")
    return replace(
        record,
        status=ExecutionStatus.RUNNING,
        output=None,
        error=None,
        cause=None,
        stop_date=None,
        metadata={**record.metadata, **metadata},
    )
