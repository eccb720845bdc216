"""Reopening a finished execution (a redrive): same record, same history, RUNNING again."""

from __future__ import annotations

from typing import Any

import pytest

from engine.store import ExecutionStore
from engine.store.errors import ExecutionNotFound


def test_reopen_keeps_the_history_and_clears_the_outcome(
    store: ExecutionStore, make_record: Any, make_events: Any
) -> None:
    rec = make_record(metadata={"label": "x"})
    store.create_execution(rec)
    store.append_events(rec.execution_arn, make_events(3))
    store.finish_execution(rec.execution_arn, status="FAILED", error="Boom", cause="why")
    store.reopen_execution(rec.execution_arn, metadata={"redriveCount": 1, "redriveDate": "2026-01-01"})
    got = store.get_execution(rec.execution_arn)
    assert got is not None
    assert (got.status, got.stop_date, got.error, got.cause) == ("RUNNING", None, None, None)
    assert got.output is None
    assert got.start_date == rec.start_date
    assert got.metadata == {"label": "x", "redriveCount": 1, "redriveDate": "2026-01-01"}
    assert store.history_length(rec.execution_arn) == 3
    store.append_events(rec.execution_arn, make_events(2, start=4))
    store.finish_execution(rec.execution_arn, status="SUCCEEDED", output="{}")
    assert [e["id"] for e in store.iter_history(rec.execution_arn)] == [1, 2, 3, 4, 5]
    assert [r.status for r in store.list_executions(status="SUCCEEDED")] == ["SUCCEEDED"]


def test_reopen_refuses_running_and_unknown_executions(store: ExecutionStore, make_record: Any) -> None:
    rec = make_record()
    store.create_execution(rec)
    with pytest.raises(ValueError, match="RUNNING"):
        store.reopen_execution(rec.execution_arn, metadata={})
    with pytest.raises(ExecutionNotFound):
        store.reopen_execution(rec.execution_arn + "-nope", metadata={})


def test_update_metadata_merges_whatever_the_status(store: ExecutionStore, make_record: Any) -> None:
    rec = make_record(metadata={"label": "x"})
    store.create_execution(rec)
    store.update_metadata(rec.execution_arn, {"redriveLedger": {"Par": {"succeeded": {"0": [1]}}}})
    store.finish_execution(rec.execution_arn, status="FAILED")
    store.update_metadata(rec.execution_arn, {"more": 1})
    got = store.get_execution(rec.execution_arn)
    assert got is not None and got.status == "FAILED"
    assert got.metadata == {"label": "x", "redriveLedger": {"Par": {"succeeded": {"0": [1]}}}, "more": 1}
    with pytest.raises(ExecutionNotFound):
        store.update_metadata(rec.execution_arn + "-nope", {})
