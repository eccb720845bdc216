"""The local Step Functions service: callbacks with task tokens and nested executions."""

from __future__ import annotations

import asyncio

from engine.runtime.service import LocalStepFunctions

CALLBACK = {
    "StartAt": "AskApproval",
    "States": {
        "AskApproval": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token", "order.$": "$"}},
            "HeartbeatSeconds": 60,
            "End": True,
        }
    },
}


async def test_wait_for_task_token_completes_when_the_token_is_sent() -> None:
    received: list[dict] = []
    service = LocalStepFunctions(clock="real")  # the token comes from outside: time must be real
    service.services.functions.register("notify", lambda event, context: received.append(event) or {})
    arn = service.create_state_machine("Approval", CALLBACK)
    running = service.start_execution(arn, {"id": 1})
    for _ in range(200):
        if received and service.pending_tasks():
            break
        await asyncio.sleep(0.01)
    assert received and received[0]["order"] == {"id": 1}
    service.send_task_heartbeat(received[0]["token"])
    service.send_task_success(received[0]["token"], {"approved": True})
    execution = await asyncio.wait_for(running.task, 5)
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"approved": True}
    types = [e["type"] for e in execution.history]
    assert types[:5] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
    ]
    assert "TaskSucceeded" in types


async def test_send_task_failure_fails_the_task() -> None:
    tokens: list[str] = []
    service = LocalStepFunctions(clock="real")
    service.services.functions.register("notify", lambda event, context: tokens.append(event["token"]) or {})
    running = service.start_execution(service.create_state_machine("Approval", CALLBACK), {})
    for _ in range(200):
        if tokens and service.pending_tasks():
            break
        await asyncio.sleep(0.01)
    service.send_task_failure(tokens[0], "Rejected", "no budget")
    execution = await asyncio.wait_for(running.task, 5)
    assert (execution.status, execution.error, execution.cause) == ("FAILED", "Rejected", "no budget")


async def test_nested_start_execution_sync_returns_the_child_output() -> None:
    service = LocalStepFunctions()
    child = service.create_state_machine(
        "Child",
        {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "Result": {"done": True}, "End": True}}},
    )
    parent = service.create_state_machine(
        "Parent",
        {
            "StartAt": "Run",
            "States": {
                "Run": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": child, "Input": {"x": 1}},
                    "OutputPath": "$.Output",
                    "End": True,
                }
            },
        },
    )
    execution = await asyncio.wait_for(service.start_execution(parent, {}).task, 5)
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"done": True}
    assert "TaskSubmitted" in [e["type"] for e in execution.history]
