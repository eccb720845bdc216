"""Distributed Map runs: child executions' histories and the worker pool that runs them."""

from __future__ import annotations

from typing import Any

from engine.runtime.api import run_async
from engine.store import MemoryStore


def distributed(processor_states: dict[str, Any], **fields: Any) -> dict[str, Any]:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": next(iter(processor_states)),
        "States": processor_states,
    }
    state = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, "End": True, **fields}
    return {"StartAt": "Map", "States": {"Map": state}}


def children(store: MemoryStore, parent: str) -> list[Any]:
    found = store.list_executions(parent_arn=parent, limit=None)
    return sorted(found, key=lambda record: int(record.execution_arn.rsplit("/", 1)[-1]))


async def test_each_child_history_is_an_execution_history() -> None:
    definition = distributed(
        {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Boom"}],
                "Default": "Done",
            },
            "Boom": {"Type": "Fail", "Error": "Bad", "Cause": "one"},
            "Done": {"Type": "Pass", "End": True},
        },
        ToleratedFailureCount=1,
    )
    store = MemoryStore()
    execution = await run_async(definition, {"items": [0, 1]}, store=store)
    assert execution.status == "SUCCEEDED"
    assert execution.output == [0, {"Error": "Bad", "Cause": "one"}]
    ok, failed = children(store, execution.execution_arn)
    ok_events = list(store.iter_history(ok.execution_arn))
    assert [e["type"] for e in ok_events] == [
        "ExecutionStarted",
        "ChoiceStateEntered",
        "ChoiceStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert ok_events[0]["previousEventId"] == 0
    assert ok_events[0]["executionStartedEventDetails"]["input"] == "0"
    succeeded = ok_events[-1]["executionSucceededEventDetails"]
    assert succeeded == {"output": "0", "outputDetails": {"truncated": False}}
    failed_events = list(store.iter_history(failed.execution_arn))
    assert failed_events[-1]["type"] == "ExecutionFailed"
    assert failed_events[-1]["executionFailedEventDetails"] == {"cause": "one", "error": "Bad"}
    assert (ok.status, failed.status, failed.error) == ("SUCCEEDED", "FAILED", "Bad")


async def test_max_concurrency_bounds_the_children_running_at_once() -> None:
    definition = distributed({"Nap": {"Type": "Wait", "Seconds": 10, "End": True}}, MaxConcurrency=2)
    store = MemoryStore()
    execution = await run_async(definition, {"items": list(range(5))}, store=store)
    assert execution.status == "SUCCEEDED"
    assert execution.output == list(range(5))
    started = [
        next(store.iter_history(child.execution_arn))["timestamp"]
        for child in children(store, execution.execution_arn)
    ]
    offsets = [round((moment - started[0]).total_seconds()) for moment in started]
    assert offsets == [0, 0, 10, 10, 20]  # two at a time, each slot taking the next item as it frees
