"""Local Lambda handlers: what a raising, hanging or misbehaving handler does to a task."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import engine

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:charge"


def machine(resource: str, **extra: object) -> dict:
    task = {"Type": "Task", "Resource": resource, "End": True, **extra}
    if resource.endswith("lambda:invoke"):
        task["Parameters"] = {"FunctionName": "charge", "Payload.$": "$"}
    return {"StartAt": "Charge", "States": {"Charge": task}}


def declined(event: dict, context: object) -> dict:
    raise ValueError("card declined")


def not_json(event: dict, context: object) -> object:
    return {"when": object()}


def test_a_raising_handler_fails_the_task_with_its_exception_name() -> None:
    execution = engine.run(machine(LAMBDA_ARN), {"amount": 5}, handlers={"charge": declined})
    assert (execution.status, execution.error) == ("FAILED", "ValueError")
    cause = json.loads(execution.cause)
    assert cause["errorMessage"] == "card declined" and cause["errorType"] == "ValueError"
    assert all("engine" not in line for line in cause["stackTrace"])
    types = [e["type"] for e in execution.history]
    assert types == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "ExecutionFailed",
    ]
    failed = execution.history[4]["lambdaFunctionFailedEventDetails"]
    assert failed["error"] == "ValueError"


def test_a_handler_that_hangs_past_the_timeout_times_out() -> None:
    """The handler hangs until the run has recorded its timeout: no real wait beyond TimeoutSeconds.

    A thread cannot be stopped, so the run's end waits for the handler's thread; letting the
    handler go when TaskTimedOut is recorded keeps that wait at zero.
    """
    timed_out = threading.Event()

    def hangs(event: dict, context: object) -> dict:
        released = timed_out.wait(timeout=30)
        assert released, "the task never timed out"
        return {}

    def sink(event: dict[str, Any]) -> None:
        if event["type"] == "TaskTimedOut":
            timed_out.set()

    started = time.perf_counter()
    execution = engine.run(
        machine("arn:aws:states:::lambda:invoke", TimeoutSeconds=1),
        {},
        handlers={"charge": hangs},
        history_sinks=[sink],
    )
    assert time.perf_counter() - started < 10
    assert timed_out.is_set()
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")
    assert "TaskTimedOut" in [e["type"] for e in execution.history]


def test_a_handler_returning_non_json_fails_as_lambda_would() -> None:
    execution = engine.run(machine("arn:aws:states:::lambda:invoke"), {}, handlers={"charge": not_json})
    assert (execution.status, execution.error) == ("FAILED", "Runtime.MarshalError")
    assert "TaskFailed" in [e["type"] for e in execution.history]


def test_a_failure_can_be_retried_and_caught() -> None:
    definition = machine(
        LAMBDA_ARN,
        Retry=[{"ErrorEquals": ["ValueError"], "MaxAttempts": 2}],
        Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Declined"}],
    )
    definition["States"]["Charge"].pop("End")
    definition["States"]["Charge"]["Next"] = "Paid"
    definition["States"]["Paid"] = {"Type": "Succeed"}
    definition["States"]["Declined"] = {"Type": "Fail", "Error": "Declined"}
    execution = engine.run(definition, {"amount": 5}, handlers={"charge": declined})
    types = [e["type"] for e in execution.history]
    assert types.count("LambdaFunctionScheduled") == 3
    assert (execution.status, execution.error) == ("FAILED", "Declined")


def test_an_unregistered_function_fails_as_aws_would() -> None:
    execution = engine.run(machine("arn:aws:states:::lambda:invoke"), {})
    assert execution.error == "Lambda.ResourceNotFoundException"
    assert (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:charge:$LATEST" in execution.cause
    )


def test_virtual_waits_take_no_real_time_but_show_in_timestamps() -> None:
    definition = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    started = time.perf_counter()
    execution = engine.run(definition, {})
    assert time.perf_counter() - started < 2
    entered, exited = execution.history[1]["timestamp"], execution.history[2]["timestamp"]
    assert (exited - entered).total_seconds() >= 3600
