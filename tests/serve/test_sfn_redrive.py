"""RedriveExecution through boto3: a failed Standard execution continues from its failed state."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from engine.serve.sfn_redrive import redrive_refusal

ROLE = "arn:aws:iam::123456789012:role/local"
FLAKY = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"order": 7}, "ResultPath": "$.prepared", "Next": "Charge"},
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "flaky", "Payload.$": "$"},
            "ResultSelector": {"charged.$": "$.Payload", "redrives.$": "$$.Execution.RedriveCount"},
            "End": True,
        },
    },
}


def wait_for(sfn: Any, arn: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(0.02)


@pytest.fixture
def calls(serve: Any) -> list[Any]:
    """A local function that fails its first call and succeeds afterwards."""
    seen: list[Any] = []

    def flaky(event: Any, context: Any) -> Any:
        seen.append(event)
        if len(seen) == 1:
            raise RuntimeError("card declined")
        return {"ok": True, "order": event["prepared"]["order"]}

    serve.context.runtime.registry.functions.register("flaky", flaky)
    return seen


def machine(sfn: Any, name: str, definition: Any, machine_type: str = "STANDARD") -> str:
    return sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE, type=machine_type
    )["stateMachineArn"]


def test_redrive_continues_a_failed_task_under_the_same_arn(sfn: Any, calls: list[Any]) -> None:
    sm = machine(sfn, "Flaky", FLAKY)
    arn = sfn.start_execution(stateMachineArn=sm, name="first", input='{"customer": "c1"}')["executionArn"]
    failed = wait_for(sfn, arn)
    assert failed["status"] == "FAILED"
    assert (failed["redriveCount"], failed["redriveStatus"]) == (0, "REDRIVABLE")
    before = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]

    redriven = sfn.redrive_execution(executionArn=arn)
    assert "redriveDate" in redriven
    done = wait_for(sfn, arn)
    assert done["status"] == "SUCCEEDED", done
    assert done["executionArn"] == arn and done["startDate"] == failed["startDate"]
    assert done["redriveCount"] == 1 and "redriveDate" in done
    assert (done["redriveStatus"], done["redriveStatusReason"]) == (
        "NOT_REDRIVABLE",
        "Execution is SUCCEEDED and cannot be redriven",
    )
    assert json.loads(done["output"]) == {"charged": {"ok": True, "order": 7}, "redrives": 1}
    # the Task ran again with the input it had the first time; Prepare did not run again
    assert calls[1] == calls[0] == {"customer": "c1", "prepared": {"order": 7}}

    after = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    assert after[: len(before)] == before  # appended, not replaced
    new = after[len(before) :]
    assert new[0]["type"] == "ExecutionRedriven"
    assert new[0]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert new[0]["id"] == len(before) + 1
    assert [e["id"] for e in after] == list(range(1, len(after) + 1))
    types = [e["type"] for e in new]
    assert types[1] == "TaskStateEntered" and types[-1] == "ExecutionSucceeded"
    assert "PassStateEntered" not in types
    assert [e["type"] for e in before].count("ExecutionFailed") == 1

    listed = sfn.list_executions(stateMachineArn=sm, redriveFilter="REDRIVEN")["executions"]
    assert [(e["executionArn"], e["redriveCount"]) for e in listed] == [(arn, 1)]
    assert sfn.list_executions(stateMachineArn=sm, redriveFilter="NOT_REDRIVEN")["executions"] == []


def test_succeeded_and_running_executions_are_not_redrivable(sfn: Any) -> None:
    sm = machine(sfn, "Fine", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    arn = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    assert wait_for(sfn, arn)["status"] == "SUCCEEDED"
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable) as caught:
        sfn.redrive_execution(executionArn=arn)
    assert caught.value.response["Error"]["Message"] == "Execution is SUCCEEDED and cannot be redriven"
    waits = machine(
        sfn, "Waits", {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "End": True}}}
    )
    running = sfn.start_execution(stateMachineArn=waits)["executionArn"]
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable, match="RUNNING"):
        sfn.redrive_execution(executionArn=running)
    sfn.stop_execution(executionArn=running)


def test_express_executions_are_refused(sfn: Any) -> None:
    fails = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}
    sm = machine(sfn, "Quick", fails, "EXPRESS")
    arn = sfn.start_sync_execution(stateMachineArn=sm)["executionArn"]
    with pytest.raises(ClientError) as caught:
        sfn.redrive_execution(executionArn=arn)
    error = caught.value.response["Error"]
    assert error == {"Code": "ExecutionNotRedrivable", "Message": error["Message"]}
    assert "not supported by EXPRESS state machines" in error["Message"]


def test_a_failed_parallel_state_reruns_only_its_failed_branch(sfn: Any, serve: Any) -> None:
    seen: list[str] = []

    def record(name: str, fail_first: bool = False) -> Any:
        def handler(event: Any, context: Any) -> Any:
            seen.append(name)
            if fail_first and seen.count(name) == 1:
                raise RuntimeError("not yet")
            return name

        return handler

    for name, flaky in (("left", False), ("right", True)):
        serve.context.runtime.registry.functions.register(name, record(name, flaky))
    task = "arn:aws:lambda:us-east-1:123456789012:function:"
    branches = [
        {"StartAt": "L", "States": {"L": {"Type": "Task", "Resource": task + "left", "End": True}}},
        {
            "StartAt": "W",
            "States": {
                "W": {"Type": "Wait", "Seconds": 1, "Next": "R"},  # the other branch is done by then
                "R": {"Type": "Task", "Resource": task + "right", "End": True},
            },
        },
    ]
    sm = machine(
        sfn,
        "Branches",
        {"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "Branches": branches, "End": True}}},
    )
    arn = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    assert wait_for(sfn, arn)["status"] == "FAILED"
    assert sorted(seen) == ["left", "right"]
    before = len(sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"])
    sfn.redrive_execution(executionArn=arn)
    done = wait_for(sfn, arn)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == ["left", "right"]
    assert sorted(seen) == ["left", "right", "right"]  # the branch that succeeded did not run again
    new = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"][before:]
    assert [e["type"] for e in new][:4] == [
        "ExecutionRedriven",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "TaskStateEntered",
    ]


def test_an_execution_stopped_inside_a_map_goes_on_with_the_unfinished_iterations(serve_factory: Any) -> None:
    sfn = serve_factory(time_scale=20.0).client()
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Mark",
                    "States": {
                        "Mark": {"Type": "Pass", "Next": "Hold"},
                        "Hold": {"Type": "Wait", "SecondsPath": "$.wait", "End": True},
                    },
                },
                "End": True,
            }
        },
    }
    sm = machine(sfn, "Items", definition)
    items = [{"n": 1, "wait": 0}, {"n": 2, "wait": 20}]  # a second of real time
    arn = sfn.start_execution(stateMachineArn=sm, input=json.dumps(items))["executionArn"]
    deadline = time.monotonic() + 5
    while "MapIterationSucceeded" not in [
        e["type"] for e in sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    ]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    sfn.stop_execution(executionArn=arn, error="Manual")
    assert wait_for(sfn, arn)["status"] == "ABORTED"
    before = len(sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"])
    sfn.redrive_execution(executionArn=arn)
    done = wait_for(sfn, arn)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == items
    new = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"][before:]
    started = [
        e["mapIterationStartedEventDetails"]["index"] for e in new if e["type"] == "MapIterationStarted"
    ]
    assert started == [1]
    assert "PassStateEntered" not in [e["type"] for e in new]  # iteration 2 goes on in its Wait


def test_an_aborted_execution_continues_where_it_was_stopped(sfn: Any) -> None:
    definition = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "Done"}, "Done": {"Type": "Succeed"}},
    }
    sm = machine(sfn, "Stopped", definition)
    arn = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    sfn.stop_execution(executionArn=arn, error="Manual")
    assert wait_for(sfn, arn)["status"] == "ABORTED"
    sfn.redrive_execution(executionArn=arn)
    assert wait_for(sfn, arn)["status"] == "SUCCEEDED"
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.redrive_execution(executionArn=arn + "-missing")


def test_an_execution_cut_off_by_a_restart_is_redriven_from_the_state_file(
    serve_factory: Any, tmp_path: Any
) -> None:
    state = str(tmp_path / "state.sqlite3")
    definition = {
        "StartAt": "Mark",
        "States": {
            "Mark": {"Type": "Pass", "Result": 1, "ResultPath": "$.marked", "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 1, "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
    first = serve_factory(state_file=state)
    sfn = first.client()
    sm = machine(sfn, "Survives", definition)
    arn = sfn.start_execution(stateMachineArn=sm, input='{"k": "v"}')["executionArn"]
    time.sleep(0.1)
    first.stop()

    again = serve_factory(state_file=state).client()
    assert again.describe_execution(executionArn=arn)["status"] == "ABORTED"
    again.redrive_execution(executionArn=arn)
    done = wait_for(again, arn)
    assert done["status"] == "SUCCEEDED" and done["redriveCount"] == 1
    assert json.loads(done["output"]) == {"k": "v", "marked": 1}
    types = [e["type"] for e in again.get_execution_history(executionArn=arn)["events"]]
    assert types.count("PassStateEntered") == 1 and types.count("WaitStateEntered") == 2


def test_a_stopped_distributed_map_redrives_its_unfinished_child_executions(serve_factory: Any) -> None:
    sfn = serve_factory(time_scale=20.0).client()
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Hold",
                    "States": {"Hold": {"Type": "Wait", "SecondsPath": "$.wait", "End": True}},
                },
                "End": True,
            }
        },
    }
    sm = machine(sfn, "Children", definition)
    items = [{"n": 1, "wait": 0}, {"n": 2, "wait": 20}]
    arn = sfn.start_execution(stateMachineArn=sm, input=json.dumps(items))["executionArn"]
    deadline = time.monotonic() + 5
    while "MapRunStarted" not in [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.2)  # the first child is done, the second waits
    sfn.stop_execution(executionArn=arn)
    assert wait_for(sfn, arn)["status"] == "ABORTED"
    before = len(sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"])
    sfn.redrive_execution(executionArn=arn)
    done = wait_for(sfn, arn)
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == items
    new = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"][before:]
    redriven = [e["mapRunRedrivenEventDetails"] for e in new if e["type"] == "MapRunRedriven"]
    assert [d["redriveCount"] for d in redriven] == [1]
    map_run = redriven[0]["mapRunArn"]
    assert map_run.startswith(sm.replace(":stateMachine:", ":mapRun:") + "/Each:")
    # the map run's child executions: the one stopped was redriven, the one done before was not
    children = sfn.list_executions(mapRunArn=map_run)["executions"]
    assert sorted((c["name"], c["status"], c["redriveCount"]) for c in children) == [
        (f"{arn.rsplit(':', 1)[-1]}/0", "SUCCEEDED", 0),
        (f"{arn.rsplit(':', 1)[-1]}/1", "SUCCEEDED", 1),
    ]
    again = sfn.list_executions(mapRunArn=map_run, redriveFilter="REDRIVEN")["executions"]
    assert [c["name"] for c in again] == [f"{arn.rsplit(':', 1)[-1]}/1"]


def test_an_execution_past_a_year_is_not_redrivable(serve: Any) -> None:
    context = serve.context
    now = context.clock.now()
    old = SimpleNamespace(
        execution_arn="arn:aws:states:us-east-1:123456789012:execution:M:old",
        status="FAILED",
        start_date=now - timedelta(days=400),
        stop_date=now - timedelta(days=1),
    )
    assert redrive_refusal(context, old) == "Execution has exceeded the max execution time"
    stale = SimpleNamespace(
        **{**vars(old), "start_date": now - timedelta(days=20), "stop_date": now - timedelta(days=15)}
    )
    assert redrive_refusal(context, stale) == "Execution redrivable period exceeded"
