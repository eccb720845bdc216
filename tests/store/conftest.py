"""Fixtures for the execution store tests: both backends, and AWS-shaped histories to put in them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.store import ExecutionRecord, ExecutionStore, MemoryStore, SqliteStore

MakeEvents = Callable[..., list[dict[str, Any]]]
T0 = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)


def aws_event(event_id: int, *, payload: str = "", when: datetime | None = None) -> dict[str, Any]:
    """One event shaped like GetExecutionHistory output."""
    moment = when or T0 + timedelta(milliseconds=event_id)
    if event_id == 1:
        return {
            "timestamp": moment,
            "type": "ExecutionStarted",
            "id": 1,
            "previousEventId": 0,
            "executionStartedEventDetails": {
                "input": '{"n": 1}',
                "inputDetails": {"truncated": False},
                "roleArn": "arn:aws:iam::123456789012:role/sfn",
            },
        }
    return {
        "timestamp": moment,
        "type": "PassStateExited",
        "id": event_id,
        "previousEventId": event_id - 1,
        "stateExitedEventDetails": {
            "name": f"Step{event_id}",
            "output": '{"payload": "' + payload + '"}',
            "outputDetails": {"truncated": False},
        },
    }


@pytest.fixture
def make_events() -> MakeEvents:
    def make(count: int, *, start: int = 1, payload: str = "") -> list[dict[str, Any]]:
        return [aws_event(i, payload=payload) for i in range(start, start + count)]

    return make


def record(
    arn: str = "arn:aws:states:us-east-1:123456789012:execution:Machine:run-1", **fields: Any
) -> ExecutionRecord:
    machine = fields.pop("state_machine_arn", "arn:aws:states:us-east-1:123456789012:stateMachine:Machine")
    fields.setdefault("start_date", T0)
    return ExecutionRecord(
        execution_arn=arn, state_machine_arn=machine, name=arn.rsplit(":", 1)[-1], input='{"n": 1}', **fields
    )


@pytest.fixture
def make_record() -> Callable[..., ExecutionRecord]:
    return record


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ExecutionStore]:
    """Each contract test runs against both backends (small pages, to exercise paging)."""
    if request.param == "memory":
        opened: ExecutionStore = MemoryStore(page_size=7)
    else:
        opened = SqliteStore(tmp_path / "store.sqlite3", page_size=7)
    with opened:
        yield opened
