"""The engine's redrive: where a stopped execution picks up, and the variables it had there."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from engine.integrations import ServiceRegistry
from engine.runtime.api import run_async
from engine.runtime.clock import VirtualClock
from engine.runtime.redrive import NotRedrivable, redrive_async, redrive_info, redrive_point
from engine.store import MemoryStore

JSONATA = {
    "QueryLanguage": "JSONata",
    "StartAt": "Remember",
    "States": {
        "Remember": {"Type": "Pass", "Assign": {"who": "{% $states.input.who %}"}, "Next": "Call"},
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet",
            "Arguments": {"name": "{% $who %}"},
            "Output": "{% {'greeting': $states.result, 'count': $states.context.Execution.RedriveCount} %}",
            "End": True,
        },
    },
}


def test_a_redrive_keeps_the_variables_assigned_before_the_failed_state() -> None:
    calls: list[Any] = []

    def greet(event: Any, context: Any) -> Any:
        calls.append(event)
        if len(calls) == 1:
            raise ValueError("not yet")
        return f"hello {event['name']}"

    async def scenario() -> tuple[Any, list[dict[str, Any]]]:
        store = MemoryStore()
        clock = VirtualClock()
        first = await run_async(
            JSONATA, {"who": "ada"}, clock=clock, name="one", store=store, handlers={"greet": greet}
        )
        assert first.status == "FAILED"
        arn = first.execution_arn
        history = list(store.iter_history(arn))
        point = redrive_point(JSONATA, history)
        assert (point.state, point.variables) == ("Call", {"who": "ada"})
        record = store.get_execution(arn)
        store.reopen_execution(arn, metadata={"redriveCount": 1})
        info = redrive_info(record, account="123456789012", region="us-east-1", role_arn="r", redrive_count=1)
        second = await redrive_async(
            JSONATA,
            info,
            point,
            clock=clock,
            services=ServiceRegistry(handlers={"greet": greet}),
            store=store,
            last_event_id=len(history),
        )
        return second, list(store.iter_history(arn))

    second, history = asyncio.run(scenario())
    assert second.status == "SUCCEEDED"
    assert second.output == {"greeting": "hello ada", "count": 1}
    assert calls == [{"name": "ada"}, {"name": "ada"}]
    assert [e["id"] for e in history] == list(range(1, len(history) + 1))
    assert [e["type"] for e in history].count("ExecutionRedriven") == 1


def test_a_history_with_no_unfinished_state_has_nothing_to_redrive() -> None:
    events = [
        {"type": "ExecutionStarted"},
        {"type": "PassStateEntered", "stateEnteredEventDetails": {"name": "P", "input": "{}"}},
        {"type": "PassStateExited", "stateExitedEventDetails": {"name": "P", "output": "{}"}},
    ]
    machine = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    with pytest.raises(NotRedrivable, match="no unsuccessful state"):
        redrive_point(machine, events)
