"""Executions through boto3: start, describe, list, history pages, stop, sync, callbacks, activities."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/local"
STEPS = {
    "StartAt": "S0",
    "States": {
        **{f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(9)},
        "S9": {"Type": "Pass", "Result": {"done": True}, "End": True},
    },
}
WAITS = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "End": True}}}
FAILS = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "on purpose"}}}


def machine(sfn: Any, name: str, definition: Any, machine_type: str = "STANDARD") -> str:
    return sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE, type=machine_type
    )["stateMachineArn"]


def wait_for(sfn: Any, arn: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.02)


def test_start_describe_and_list(sfn: Any) -> None:
    arn = machine(sfn, "Steps", STEPS)
    started = sfn.start_execution(stateMachineArn=arn, name="first", input='{"n": 1}')
    assert started["executionArn"] == "arn:aws:states:us-east-1:123456789012:execution:Steps:first"
    assert started["startDate"] is not None
    done = wait_for(sfn, started["executionArn"])
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"done": True}
    assert json.loads(done["input"]) == {"n": 1} and done["stopDate"] >= done["startDate"]
    failed = wait_for(sfn, sfn.start_execution(stateMachineArn=machine(sfn, "Fails", FAILS))["executionArn"])
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Boom", "on purpose")
    for _ in range(4):
        wait_for(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"])
    listed = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=arn, PaginationConfig={"PageSize": 2}
    )
    names = [e["name"] for page in listed for e in page["executions"]]
    assert len(names) == 5 and "first" in names
    only_failed = sfn.list_executions(stateMachineArn=arn, statusFilter="FAILED")["executions"]
    assert only_failed == []
    for_execution = sfn.describe_state_machine_for_execution(executionArn=started["executionArn"])
    assert json.loads(for_execution["definition"]) == STEPS and for_execution["name"] == "Steps"


def test_start_errors(sfn: Any) -> None:
    arn = machine(sfn, "Errs", STEPS)
    sfn.start_execution(stateMachineArn=arn, name="once")
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="once")
    with pytest.raises(sfn.exceptions.InvalidExecutionInput):
        sfn.start_execution(stateMachineArn=arn, input="{oops")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=arn.replace("Errs", "Ghost"))
    with pytest.raises(sfn.exceptions.InvalidName):
        sfn.start_execution(stateMachineArn=arn, name="a/b")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:stateMachine:Errs")
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.describe_execution(executionArn="arn:aws:states:us-east-1:123456789012:execution:Errs:nope")
    with pytest.raises(ClientError) as raised:
        sfn.start_execution(stateMachineArn=arn, input=json.dumps({"x": "y" * 262_144}))
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as raised:
        sfn.list_executions()
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_history_pages_forwards_and_backwards(sfn: Any) -> None:
    arn = machine(sfn, "History", STEPS)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    wait_for(sfn, execution)
    events, token = [], None
    while True:
        page = sfn.get_execution_history(
            executionArn=execution, maxResults=7, **({"nextToken": token} if token else {})
        )
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            break
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["type"] == "ExecutionStarted" and events[-1]["type"] == "ExecutionSucceeded"
    assert events[1]["type"] == "PassStateEntered" and events[1]["stateEnteredEventDetails"]["name"] == "S0"
    assert len(events) == 22
    backwards = [
        e["id"]
        for page in sfn.get_paginator("get_execution_history").paginate(
            executionArn=execution, reverseOrder=True, PaginationConfig={"PageSize": 5}
        )
        for e in page["events"]
    ]
    assert backwards == list(range(22, 0, -1))
    bare = sfn.get_execution_history(executionArn=execution, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]


def test_starting_a_running_execution_again_is_idempotent(sfn: Any) -> None:
    arn = machine(sfn, "Idem", WAITS)
    first = sfn.start_execution(stateMachineArn=arn, name="same", input='{"a": 1}')
    again = sfn.start_execution(stateMachineArn=arn, name="same", input='{"a":1}')
    assert again["executionArn"] == first["executionArn"] and again["startDate"] == first["startDate"]
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="same", input='{"a": 2}')
    sfn.stop_execution(executionArn=first["executionArn"])
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(stateMachineArn=arn, name="same", input='{"a": 1}')


def test_stop_a_waiting_execution(sfn: Any) -> None:
    arn = machine(sfn, "Waits", WAITS)
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    stopped = sfn.stop_execution(executionArn=execution, error="Halt", cause="enough")
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "ABORTED" and described["stopDate"] == stopped["stopDate"]
    last = sfn.get_execution_history(executionArn=execution, reverseOrder=True, maxResults=1)["events"][0]
    assert last["type"] == "ExecutionAborted"
    assert last["executionAbortedEventDetails"] == {"error": "Halt", "cause": "enough"}


def test_time_scale_speeds_waits_up(serve_factory: Any) -> None:
    server = serve_factory(time_scale=100.0)
    sfn = server.client()
    arn = machine(sfn, "Waits", WAITS)
    began = time.monotonic()
    done = wait_for(sfn, sfn.start_execution(stateMachineArn=arn)["executionArn"])
    assert done["status"] == "SUCCEEDED" and time.monotonic() - began < 5
    assert (done["stopDate"] - done["startDate"]).total_seconds() >= 30


def test_start_sync_execution_for_express_machines(sfn: Any) -> None:
    express = machine(sfn, "Quick", STEPS, "EXPRESS")
    answer = sfn.start_sync_execution(stateMachineArn=express, input="{}")
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"done": True}
    assert answer["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:express:Quick:")
    assert answer["billingDetails"]["billedDurationInMilliseconds"] >= 100
    failed = sfn.start_sync_execution(stateMachineArn=machine(sfn, "QuickFail", FAILS, "EXPRESS"))
    assert (failed["status"], failed["error"]) == ("FAILED", "Boom")
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.start_sync_execution(stateMachineArn=machine(sfn, "Slow", STEPS))
    with pytest.raises(sfn.exceptions.StateMachineTypeNotSupported):
        sfn.list_executions(stateMachineArn=express)


def test_callbacks_with_task_tokens(sfn: Any, serve: Any) -> None:
    definition = {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                "HeartbeatSeconds": 60,
                "End": True,
            }
        },
    }
    arn = machine(sfn, "Callback", definition)
    service = serve.context.runtime.stepfunctions

    async def capture(request: Any) -> Any:
        return {"MessageId": "m"}

    serve.call(_register(serve.context.runtime.registry, "sqs", capture))
    answered = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    failed = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    tokens = _tokens(service, 2)
    sfn.send_task_heartbeat(taskToken=tokens[answered])
    sfn.send_task_success(taskToken=tokens[answered], output='{"ok": true}')
    sfn.send_task_failure(taskToken=tokens[failed], error="No", cause="refused")
    assert json.loads(wait_for(sfn, answered)["output"]) == {"ok": True}
    assert wait_for(sfn, failed)["error"] == "No"
    with pytest.raises(sfn.exceptions.InvalidToken):
        sfn.send_task_success(taskToken=tokens[answered], output="{}")
    with pytest.raises(sfn.exceptions.InvalidOutput):
        sfn.send_task_success(taskToken="whatever", output="{not json")


async def _register(registry: Any, name: str, invoker: Any) -> None:
    registry.register_service(name, invoker)


def _tokens(service: Any, count: int) -> dict[str, str]:
    deadline = time.monotonic() + 10
    while len(service.pending_tasks()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return {task.execution_arn: task.token for task in service.pending_tasks()}


def test_activities_long_poll_and_answer(sfn: Any) -> None:
    activity = sfn.create_activity(name="Approve")["activityArn"]
    assert sfn.create_activity(name="Approve")["activityArn"] == activity
    assert sfn.describe_activity(activityArn=activity)["name"] == "Approve"
    assert [a["name"] for a in sfn.list_activities()["activities"]] == ["Approve"]
    definition = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": activity, "End": True}}}
    arn = machine(sfn, "Approval", definition)
    polled: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: polled.update(sfn.get_activity_task(activityArn=activity)))
    worker.start()
    time.sleep(0.2)  # the worker is waiting before any work exists: the long poll answers it
    execution = sfn.start_execution(stateMachineArn=arn, input='{"amount": 5}')["executionArn"]
    worker.join(10)
    assert json.loads(polled["input"]) == {"amount": 5}
    sfn.send_task_success(taskToken=polled["taskToken"], output='{"approved": true}')
    assert json.loads(wait_for(sfn, execution)["output"]) == {"approved": True}
    types = [e["type"] for e in sfn.get_execution_history(executionArn=execution)["events"]]
    assert "ActivityScheduled" in types and "ActivitySucceeded" in types
    with pytest.raises(sfn.exceptions.ActivityDoesNotExist):
        sfn.get_activity_task(activityArn=activity.replace("Approve", "Ghost"))
    sfn.delete_activity(activityArn=activity)
    assert sfn.list_activities()["activities"] == []


def test_sync_with_host_prefixes_turned_off_by_the_environment(serve: Any, monkeypatch: Any) -> None:
    import boto3

    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=serve.url,
        region_name="us-east-1",
        aws_access_key_id="any",
        aws_secret_access_key="any",
    )
    express = machine(sfn, "Env", STEPS, "EXPRESS")
    assert sfn.start_sync_execution(stateMachineArn=express)["status"] == "SUCCEEDED"
