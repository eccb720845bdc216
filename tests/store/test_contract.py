"""The ExecutionStore contract, held against the in-memory and the SQLite store alike."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from engine.store import (
    DuplicateEvent,
    ExecutionAlreadyExists,
    ExecutionNotFound,
    ExecutionRecord,
    ExecutionStatus,
    ExecutionStore,
    StoreClosed,
)

ARN = "arn:aws:states:us-east-1:123456789012:execution:Machine:run-1"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:Machine"
OTHER_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:Other"
T0 = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)

MakeRecord = Callable[..., ExecutionRecord]
MakeEvents = Callable[..., list[dict[str, Any]]]


def test_create_and_get(store: ExecutionStore, make_record: MakeRecord) -> None:
    original = make_record(
        ARN,
        definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
        metadata={"redriveCount": 0, "labels": ["smoke", "é"], "nested": {"a": [1, 2.5, None, True]}},
    )
    store.create_execution(original)
    got = store.get_execution(ARN)
    assert got == original
    assert got is not original
    assert got.status is ExecutionStatus.RUNNING
    assert got.start_date.tzinfo is UTC
    assert store.get_execution(ARN + "-nope") is None
    assert store.history_length(ARN) == 0
    assert list(store.iter_history(ARN)) == []


def test_create_twice_is_refused(store: ExecutionStore, make_record: MakeRecord) -> None:
    store.create_execution(make_record(ARN))
    with pytest.raises(ExecutionAlreadyExists):
        store.create_execution(make_record(ARN))


def test_returned_objects_are_copies(
    store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    store.create_execution(make_record(ARN, metadata={"k": [1]}))
    store.append_events(ARN, make_events(2))
    got = store.get_execution(ARN)
    assert got is not None
    got.metadata["k"].append(2)
    assert store.get_execution(ARN).metadata == {"k": [1]}
    first = next(store.iter_history(ARN))
    first["executionStartedEventDetails"]["input"] = "changed"
    assert next(store.iter_history(ARN))["executionStartedEventDetails"]["input"] == '{"n": 1}'


def test_record_dates_normalised(store: ExecutionStore, make_record: MakeRecord) -> None:
    paris = timezone(timedelta(hours=2))
    store.create_execution(make_record(ARN, start_date=datetime(2024, 5, 1, 14, 0, 0, 123456, tzinfo=paris)))
    got = store.get_execution(ARN)
    assert got.start_date == datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)
    assert got.start_date.tzinfo is UTC


def test_append_and_iterate(store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents) -> None:
    store.create_execution(make_record(ARN))
    events = make_events(30)
    store.append_event(ARN, events[0])
    store.append_events(ARN, events[1:])
    assert store.history_length(ARN) == 30
    assert list(store.iter_history(ARN)) == events
    assert list(store.iter_history(ARN, reverse=True)) == events[::-1]


@pytest.mark.parametrize(
    ("reverse", "after_id", "expected_ids"),
    [
        (False, 0, list(range(1, 31))),
        (False, 7, list(range(8, 31))),
        (False, 14, list(range(15, 31))),
        (False, 30, []),
        (False, 99, []),
        (True, 0, list(range(30, 0, -1))),
        (True, 8, list(range(7, 0, -1))),
        (True, 1, []),
        (True, 99, list(range(30, 0, -1))),
    ],
)
def test_iterate_after_id(
    store: ExecutionStore,
    make_record: MakeRecord,
    make_events: MakeEvents,
    reverse: bool,
    after_id: int,
    expected_ids: list[int],
) -> None:
    store.create_execution(make_record(ARN))
    store.append_events(ARN, make_events(30))
    assert [e["id"] for e in store.iter_history(ARN, reverse=reverse, after_id=after_id)] == expected_ids


def test_iter_history_pages_like_next_token(
    store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    """A reader can resume from the last id it saw, in either direction."""
    store.create_execution(make_record(ARN))
    store.append_events(ARN, make_events(25))
    for reverse in (False, True):
        seen: list[int] = []
        cursor = 0
        while True:
            reader = store.iter_history(ARN, reverse=reverse, after_id=cursor)
            page = [e["id"] for e in itertools.islice(reader, 4)]
            if not page:
                break
            seen += page
            cursor = page[-1]
        assert seen == sorted(range(1, 26), reverse=reverse)


def test_out_of_order_appends_are_read_in_id_order(
    store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    store.create_execution(make_record(ARN))
    events = make_events(10)
    store.append_events(ARN, events[5:])
    store.append_events(ARN, events[:5])
    assert list(store.iter_history(ARN)) == events


def test_unknown_execution(store: ExecutionStore, make_events: MakeEvents) -> None:
    with pytest.raises(ExecutionNotFound):
        store.append_event(ARN, make_events(1)[0])
    with pytest.raises(ExecutionNotFound):
        store.append_events(ARN, make_events(3))
    with pytest.raises(ExecutionNotFound):
        store.iter_history(ARN)  # raised at call time, before iteration
    with pytest.raises(ExecutionNotFound):
        store.finish_execution(ARN, status="SUCCEEDED")
    assert store.history_length(ARN) == 0
    store.delete_execution(ARN)  # no-op


def test_duplicate_event_ids(store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents) -> None:
    store.create_execution(make_record(ARN))
    events = make_events(5)
    store.append_events(ARN, events[:3])
    with pytest.raises(DuplicateEvent):
        store.append_event(ARN, events[2])
    with pytest.raises(DuplicateEvent):  # the batch is atomic: event 4 is not stored either
        store.append_events(ARN, [events[3], events[0]])
    with pytest.raises(DuplicateEvent):
        store.append_events(ARN, [events[3], events[3]])
    assert [e["id"] for e in store.iter_history(ARN)] == [1, 2, 3]
    store.append_events(ARN, events[3:])
    assert store.history_length(ARN) == 5


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "PassStateEntered"},
        {"id": 0, "type": "PassStateEntered"},
        {"id": "3", "type": "PassStateEntered"},
        {"id": True, "type": "PassStateEntered"},
        {"id": 3},
        {"id": 3, "type": "X", "previousEventId": "2"},
        {"id": 3, "type": "X", "timestamp": object()},
    ],
)
def test_malformed_events_are_refused(store: ExecutionStore, make_record: MakeRecord, bad: dict) -> None:
    store.create_execution(make_record(ARN))
    with pytest.raises((ValueError, TypeError)):
        store.append_event(ARN, bad)
    assert store.history_length(ARN) == 0


def test_event_round_trip(store: ExecutionStore, make_record: MakeRecord) -> None:
    big = "x" * 300_000 + "ü€😀"
    events = [
        {
            "timestamp": T0,
            "type": "TaskScheduled",
            "id": 1,
            "previousEventId": 0,
            "taskScheduledEventDetails": {
                "resourceType": "lambda",
                "resource": "invoke",
                "region": "us-east-1",
                "parameters": '{"FunctionName":"f","Payload":{"name":"Zoë","emoji":"🚀","cjk":"状态"}}',
                "timeoutInSeconds": 60,
                "heartbeatInSeconds": None,
                "taskCredentials": {"roleArn": "arn:aws:iam::1:role/r"},
                "nested": {"list": [1, -2, 3.25, 1e300, True, False, None, {"deep": ["é", {"x": []}]}]},
                "empty": {},
            },
        },
        {
            "timestamp": "2024-05-01T14:00:00.456+02:00",
            "type": "TaskSucceeded",
            "id": 2,
            "previousEventId": 1,
            "taskSucceededEventDetails": {"resourceType": "lambda", "resource": "invoke", "output": big},
        },
        {
            "type": "ExecutionSucceeded",
            "id": 3,
            "executionSucceededEventDetails": {"output": "{}"},
            "extra": 1,
        },
    ]
    store.create_execution(make_record(ARN))
    store.append_events(ARN, events)
    got = list(store.iter_history(ARN))
    assert got[0] == events[0]
    assert got[1]["timestamp"] == datetime(2024, 5, 1, 12, 0, 0, 456000, tzinfo=UTC)
    assert got[1]["timestamp"].tzinfo is UTC
    assert got[1]["taskSucceededEventDetails"]["output"] == big
    assert {k: v for k, v in got[1].items() if k != "timestamp"} == {
        k: v for k, v in events[1].items() if k != "timestamp"
    }
    assert got[2] == events[2]  # no timestamp, no previousEventId: still absent
    assert "timestamp" not in got[2] and "previousEventId" not in got[2]
    assert list(got[0]) == ["timestamp", "type", "id", "previousEventId", "taskScheduledEventDetails"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            datetime(2024, 5, 1, 12, 0, 0, 999999, tzinfo=UTC),
            datetime(2024, 5, 1, 12, 0, 0, 999000, tzinfo=UTC),
        ),
        (datetime(2024, 5, 1, 12, 0, 0), datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)),  # naive means UTC
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)),
        ("2024-05-01T05:00:00.5-07:00", datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        (
            1714564800.25,
            datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC),
        ),  # epoch seconds, as the CLI prints
    ],
)
def test_event_timestamps(
    store: ExecutionStore, make_record: MakeRecord, given: Any, expected: datetime
) -> None:
    store.create_execution(make_record(ARN))
    store.append_event(ARN, {"id": 1, "type": "ExecutionStarted", "timestamp": given})
    (event,) = store.iter_history(ARN)
    assert event["timestamp"] == expected
    assert event["timestamp"].tzinfo is UTC


def test_nested_datetimes_become_iso_text(store: ExecutionStore, make_record: MakeRecord) -> None:
    store.create_execution(make_record(ARN))
    store.append_event(ARN, {"id": 1, "type": "X", "xDetails": {"at": T0}})
    (event,) = store.iter_history(ARN)
    assert event["xDetails"]["at"] == "2024-05-01T12:00:00.123Z"


def test_finish(store: ExecutionStore, make_record: MakeRecord) -> None:
    store.create_execution(make_record(ARN))
    stop = T0 + timedelta(seconds=3)
    store.finish_execution(ARN, status="FAILED", error="States.TaskFailed", cause="boom ☠", stop_date=stop)
    got = store.get_execution(ARN)
    assert (got.status, got.error, got.cause, got.output, got.stop_date) == (
        ExecutionStatus.FAILED,
        "States.TaskFailed",
        "boom ☠",
        None,
        stop,
    )
    store.finish_execution(ARN, status=ExecutionStatus.SUCCEEDED, output='{"ok": true}')
    got = store.get_execution(ARN)
    assert got.status == "SUCCEEDED" and got.output == '{"ok": true}' and got.error is None
    assert got.stop_date.tzinfo is UTC and got.stop_date > stop


def test_finish_validates_status(store: ExecutionStore, make_record: MakeRecord) -> None:
    store.create_execution(make_record(ARN))
    for bad in ("RUNNING", "DONE", "succeeded"):
        with pytest.raises(ValueError):
            store.finish_execution(ARN, status=bad)
    with pytest.raises(ValueError):
        store.create_execution(make_record(ARN + "-2", status="NOPE"))
    for status in ("TIMED_OUT", "ABORTED", "PENDING_REDRIVE"):
        store.finish_execution(ARN, status=status)
        assert store.get_execution(ARN).status == status


def test_list_executions(store: ExecutionStore, make_record: MakeRecord) -> None:
    def arn(i: int) -> str:
        return f"{ARN[:-6]}:run-{i}"

    for i in range(6):
        machine = MACHINE if i % 2 == 0 else OTHER_MACHINE
        parent = arn(0) if i in (4, 5) else None
        store.create_execution(
            make_record(
                arn(i), state_machine_arn=machine, start_date=T0 + timedelta(minutes=i), parent_arn=parent
            )
        )
    store.finish_execution(arn(1), status="SUCCEEDED")
    store.finish_execution(arn(2), status="FAILED")
    store.finish_execution(arn(3), status="SUCCEEDED")

    def names(records: list[ExecutionRecord]) -> list[str]:
        return [r.name for r in records]

    assert names(store.list_executions()) == ["run-5", "run-4", "run-3", "run-2", "run-1", "run-0"]
    assert names(store.list_executions(limit=2)) == ["run-5", "run-4"]
    assert names(store.list_executions(limit=0)) == []
    assert names(store.list_executions(limit=None)) == names(store.list_executions())
    assert names(store.list_executions(state_machine_arn=MACHINE)) == ["run-4", "run-2", "run-0"]
    assert names(store.list_executions(status="SUCCEEDED")) == ["run-3", "run-1"]
    assert names(store.list_executions(state_machine_arn=OTHER_MACHINE, status="SUCCEEDED")) == [
        "run-3",
        "run-1",
    ]
    assert names(store.list_executions(state_machine_arn=OTHER_MACHINE, status="RUNNING")) == ["run-5"]
    assert names(store.list_executions(status=ExecutionStatus.FAILED)) == ["run-2"]
    assert names(store.list_executions(state_machine_arn="arn:nope")) == []
    assert names(store.list_executions(parent_arn=arn(0))) == ["run-5", "run-4"]
    with pytest.raises(ValueError):
        store.list_executions(status="BOGUS")


def test_list_ties_break_by_creation_order(store: ExecutionStore, make_record: MakeRecord) -> None:
    for i in range(3):
        store.create_execution(make_record(f"{ARN}-{i}"))  # same start date
    assert [r.execution_arn[-1] for r in store.list_executions()] == ["2", "1", "0"]


def test_delete(store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents) -> None:
    store.create_execution(make_record(ARN))
    store.create_execution(make_record(ARN + "-child", parent_arn=ARN))
    store.append_events(ARN, make_events(20))
    store.append_events(ARN + "-child", make_events(3))
    store.delete_execution(ARN)
    assert store.get_execution(ARN) is None
    assert store.history_length(ARN) == 0
    with pytest.raises(ExecutionNotFound):
        store.iter_history(ARN)
    assert store.history_length(ARN + "-child") == 3  # children are kept
    store.create_execution(make_record(ARN))  # the ARN can be reused, with an empty history
    assert list(store.iter_history(ARN)) == []


def test_delete_while_reading_ends_the_history(
    store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    store.create_execution(make_record(ARN))
    store.append_events(ARN, make_events(20))
    reader = store.iter_history(ARN)
    assert next(reader)["id"] == 1
    store.delete_execution(ARN)
    assert len(list(reader)) < 19


def test_append_while_reading(
    store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    """The reader holds no lock between events: the engine can keep appending."""
    store.create_execution(make_record(ARN))
    events = make_events(40)
    store.append_events(ARN, events[:20])
    seen = []
    for event in store.iter_history(ARN):
        seen.append(event["id"])
        if event["id"] == 3:
            store.append_events(ARN, events[20:])
    assert seen == list(range(1, 41))


def test_closed_store(store: ExecutionStore, make_record: MakeRecord) -> None:
    store.create_execution(make_record(ARN))
    reader = store.iter_history(ARN)
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreClosed):
        store.get_execution(ARN)
    with pytest.raises(StoreClosed):
        store.create_execution(make_record(ARN + "-2"))
    with pytest.raises(StoreClosed):
        list(reader)


def test_context_manager(store: ExecutionStore, make_record: MakeRecord) -> None:
    with store as same:
        assert same is store
        store.create_execution(make_record(ARN))
    with pytest.raises(StoreClosed):
        store.list_executions()


def test_flush_is_always_available(
    store: ExecutionStore, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    store.create_execution(make_record(ARN))
    store.append_events(ARN, make_events(3))
    store.flush()
    assert store.history_length(ARN) == 3
