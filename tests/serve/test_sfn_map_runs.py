"""Distributed Map runs over the wire: DescribeMapRun, ListMapRuns and UpdateMapRun with boto3.

The run is watched as a client on AWS watches it: its settings, status and child counts while it
runs and after, the runs of an execution, and the concurrency and tolerated failures changed
while it runs (which the run then follows).
"""

from __future__ import annotations

import json
import time
from typing import Any
from unittest.mock import ANY

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/local"


def distributed(children: dict[str, Any], **settings: Any) -> str:
    return json.dumps(
        {
            "StartAt": "Each",
            "States": {
                "Each": {
                    "Type": "Map",
                    "Label": "Items",
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                        **children,
                    },
                    **settings,
                    "End": True,
                }
            },
        }
    )


HOLD = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "SecondsPath": "$.wait", "End": True}}}
HOLD_OR_FAIL = {
    "StartAt": "Hold",
    "States": {
        "Hold": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Fails?"},
        "Fails?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Fail"}],
            "Default": "Done",
        },
        "Fail": {"Type": "Fail", "Error": "Item.Bad"},
        "Done": {"Type": "Succeed"},
    },
}


def until(check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def map_run_of(sfn: Any, execution: str) -> str:
    runs = until(lambda: sfn.list_map_runs(executionArn=execution)["mapRuns"])
    return str(runs[0]["mapRunArn"])


def finished(sfn: Any, execution: str) -> dict[str, Any]:
    return until(lambda: (d := sfn.describe_execution(executionArn=execution))["status"] != "RUNNING" and d)


def test_a_running_map_run_is_described_listed_and_sped_up(serve_factory: Any) -> None:
    sfn = serve_factory(time_scale=10.0).client()
    machine = sfn.create_state_machine(
        name="Batches", definition=distributed(HOLD, MaxConcurrency=1), roleArn=ROLE
    )["stateMachineArn"]
    items = [{"wait": 20}, {"wait": 20}, {"wait": 20}]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    run = map_run_of(sfn, execution)
    assert run.startswith("arn:aws:states:us-east-1:123456789012:mapRun:Batches/Items:")
    listed = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert [(r["executionArn"], r["stateMachineArn"]) for r in listed] == [
        (execution, "arn:aws:states:us-east-1:123456789012:stateMachine:Batches/Items")
    ]
    assert "stopDate" not in listed[0]

    described = sfn.describe_map_run(mapRunArn=run)
    assert described["executionArn"] == execution
    assert described["status"] == "RUNNING"
    assert described["maxConcurrency"] == 1
    assert described["toleratedFailureCount"] == 0

    def run_counts() -> dict[str, int]:
        return dict(sfn.describe_map_run(mapRunArn=run)["executionCounts"])

    counts = until(lambda: (c := run_counts())["running"] and c)
    assert (counts["running"], counts["pending"], counts["total"]) == (1, 2, 3)

    sfn.update_map_run(mapRunArn=run, maxConcurrency=3)
    assert sfn.describe_map_run(mapRunArn=run)["maxConcurrency"] == 3
    # the two waiting items start at once instead of one after the other
    counts = until(lambda: (c := run_counts())["pending"] == 0 and c)
    assert counts["running"] == 3

    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    done = sfn.describe_map_run(mapRunArn=run)
    assert done["status"] == "SUCCEEDED"
    assert done["stopDate"] >= done["startDate"]
    assert done["itemCounts"]["succeeded"] == done["executionCounts"]["total"] == 3
    assert "stopDate" in sfn.list_map_runs(executionArn=execution)["mapRuns"][0]
    children = sfn.list_executions(mapRunArn=run)["executions"]
    assert len(children) == 3 and {c["status"] for c in children} == {"SUCCEEDED"}
    assert {c["mapRunArn"] for c in children} == {run}
    assert sfn.describe_execution(executionArn=children[0]["executionArn"])["mapRunArn"] == run
    assert "mapRunArn" not in sfn.describe_execution(executionArn=execution)
    processor = sfn.describe_state_machine_for_execution(executionArn=children[0]["executionArn"])
    assert (processor["name"], processor["label"], processor["mapRunArn"]) == ("Batches/Items", "Items", run)
    assert processor["stateMachineArn"] == machine + "/Items"
    assert json.loads(processor["definition"])["States"] == HOLD["States"]
    assert "label" not in sfn.describe_state_machine_for_execution(executionArn=execution)
    assert [e["executionArn"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]] == [
        execution
    ]

    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_map_run(mapRunArn=run, maxConcurrency=1)  # only a run in progress is updated


def test_tolerated_failures_raised_while_running_let_the_run_succeed(serve_factory: Any) -> None:
    sfn = serve_factory(time_scale=10.0).client()
    machine = sfn.create_state_machine(
        name="Tolerant", definition=distributed(HOLD_OR_FAIL, MaxConcurrency=1), roleArn=ROLE
    )["stateMachineArn"]
    items = [{"wait": 5, "fail": False}, {"wait": 0, "fail": True}, {"wait": 0, "fail": True}]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(items))["executionArn"]
    run = map_run_of(sfn, execution)
    sfn.update_map_run(mapRunArn=run, toleratedFailureCount=2, toleratedFailurePercentage=70.0)
    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    done = sfn.describe_map_run(mapRunArn=run)
    assert (done["status"], done["toleratedFailureCount"], done["toleratedFailurePercentage"]) == (
        "SUCCEEDED",
        2,
        70.0,
    )
    assert (done["executionCounts"]["succeeded"], done["executionCounts"]["failed"]) == (1, 2)


def test_a_failed_and_a_stopped_map_run_report_their_status(serve_factory: Any) -> None:
    sfn = serve_factory(time_scale=10.0).client()
    machine = sfn.create_state_machine(name="Strict", definition=distributed(HOLD_OR_FAIL), roleArn=ROLE)[
        "stateMachineArn"
    ]
    failing = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"wait": 0, "fail": True}]))
    assert finished(sfn, failing["executionArn"])["status"] == "FAILED"
    run = map_run_of(sfn, failing["executionArn"])
    assert sfn.describe_map_run(mapRunArn=run)["status"] == "FAILED"

    holding = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"wait": 100, "fail": False}]))
    run = map_run_of(sfn, holding["executionArn"])
    sfn.stop_execution(executionArn=holding["executionArn"])
    stopped = until(lambda: (d := sfn.describe_map_run(mapRunArn=run))["status"] != "RUNNING" and d)
    assert stopped["status"] == "ABORTED" and "stopDate" in stopped


def test_map_run_requests_with_bad_arns_get_aws_errors(sfn: Any) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:mapRun:Nope/Items:0b4f6d2e"
    for call in (sfn.describe_map_run, sfn.update_map_run):
        arguments = {"mapRunArn": missing} | ({"maxConcurrency": 2} if call == sfn.update_map_run else {})
        with pytest.raises(sfn.exceptions.ResourceNotFound):
            call(**arguments)
        with pytest.raises(sfn.exceptions.InvalidArn):
            call(**(arguments | {"mapRunArn": "arn:aws:states:us-east-1:123456789012:execution:M:e"}))
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_map_run(mapRunArn=missing)  # nothing to change
    with pytest.raises(sfn.exceptions.ExecutionDoesNotExist):
        sfn.list_map_runs(executionArn="arn:aws:states:us-east-1:123456789012:execution:Nope:e")
    with pytest.raises(ClientError) as excinfo:
        sfn.list_map_runs(executionArn="arn:aws:states:us-east-1:123456789012:execution:N:e", nextToken="x")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_map_run_is_described_after_a_restart(serve_factory: Any, tmp_path: Any) -> None:
    state = str(tmp_path / "state.db")
    first = serve_factory(state_file=state)
    sfn = first.client()
    machine = sfn.create_state_machine(name="Kept", definition=distributed(HOLD), roleArn=ROLE)[
        "stateMachineArn"
    ]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps([{"wait": 0}]))["executionArn"]
    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    run = map_run_of(sfn, execution)
    before = sfn.describe_map_run(mapRunArn=run)
    first.stop()

    again = serve_factory(state_file=state).client()
    assert again.describe_map_run(mapRunArn=run) == before | {"ResponseMetadata": ANY}
    assert [r["mapRunArn"] for r in again.list_map_runs(executionArn=execution)["mapRuns"]] == [run]


def test_a_map_run_without_items_is_listed_with_no_children(sfn: Any) -> None:
    machine = sfn.create_state_machine(name="Empty", definition=distributed(HOLD), roleArn=ROLE)[
        "stateMachineArn"
    ]
    execution = sfn.start_execution(stateMachineArn=machine, input="[]")["executionArn"]
    assert finished(sfn, execution)["status"] == "SUCCEEDED"
    run = map_run_of(sfn, execution)
    assert sfn.list_executions(mapRunArn=run)["executions"] == []
    counts = sfn.describe_map_run(mapRunArn=run)["executionCounts"]
    assert (counts["total"], counts["succeeded"]) == (0, 0)
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_executions(mapRunArn=run[:-4] + "0000")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.list_executions(mapRunArn=execution)
