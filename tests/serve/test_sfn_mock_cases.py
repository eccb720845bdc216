"""Step Functions Local's mock config over the wire: `--mocks FILE` and `stateMachineArn#TestCase`.

The suite reads as one written for Step Functions Local: the same mock config, the same calls;
each test case's mocked responses answer the Task states of that execution alone.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

ROLE = "arn:aws:iam::123456789012:role/local"
ORDER = {
    "StartAt": "Charge",
    "QueryLanguage": "JSONata",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "charge", "Payload": "{% $states.input %}"},
            "Retry": [{"ErrorEquals": ["Card.Declined"], "MaxAttempts": 2, "IntervalSeconds": 1}],
            "Assign": {"charged": "{% $states.result.Payload.amount %}"},
            "Next": "Ship",
        },
        "Ship": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Arguments": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/ship",
                "MessageBody": "x",
            },
            "Output": "{% {'charged': $charged, 'message': $states.result.MessageId} %}",
            "End": True,
        },
    },
}
MOCKS = {
    "StateMachines": {
        "Orders": {
            "TestCases": {
                "HappyPath": {"Charge": "ChargeOk", "Ship": "Shipped"},
                "RetryPath": {"Charge": "DeclinedThenOk", "Ship": "Shipped"},
                "Failure": {"Charge": "AlwaysDeclined"},
                "RecoversOnRedrive": {"Charge": "DeclinedThriceThenOk", "Ship": "Shipped"},
            }
        }
    },
    "MockedResponses": {
        "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"amount": 42}}}},
        "DeclinedThenOk": {
            "0-1": {"Throw": {"Error": "Card.Declined", "Cause": "try again"}},
            "2": {"Return": {"StatusCode": 200, "Payload": {"amount": 7}}},
        },
        "AlwaysDeclined": {"0-2": {"Throw": {"Error": "Card.Declined", "Cause": "no funds"}}},
        "DeclinedThriceThenOk": {
            "0-2": {"Throw": {"Error": "Card.Declined", "Cause": "no funds"}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"amount": 99}}},
        },
        "Shipped": {"0": {"Return": {"MessageId": "msg-1"}}},
    },
}


def orders_server(serve_factory: Any, tmp_path: Any) -> tuple[Any, Any, str]:
    """A server with the mock config and the Orders machine: the server, a client, the machine's ARN."""
    path = tmp_path / "MockConfigFile.json"
    path.write_text(json.dumps(MOCKS))
    server = serve_factory(mocks_file=str(path), time_scale=50.0)
    sfn = server.client()
    arn = sfn.create_state_machine(name="Orders", definition=json.dumps(ORDER), roleArn=ROLE)[
        "stateMachineArn"
    ]
    return server, sfn, arn


@pytest.fixture
def orders(serve_factory: Any, tmp_path: Any) -> tuple[Any, str]:
    _, sfn, arn = orders_server(serve_factory, tmp_path)
    return sfn, arn


def run_case(sfn: Any, arn: str, case: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    execution = sfn.start_execution(stateMachineArn=f"{arn}#{case}", input='{"order": 1}')["executionArn"]
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return described, sfn.get_execution_history(executionArn=execution)["events"]


def test_happy_path(orders: tuple[Any, str]) -> None:
    described, events = run_case(*orders, "HappyPath")
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"charged": 42, "message": "msg-1"}
    assert described["stateMachineArn"] == orders[1]
    assert [e["type"] for e in events].count("TaskSucceeded") == 2


def test_retry_path(orders: tuple[Any, str]) -> None:
    described, events = run_case(*orders, "RetryPath")
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["charged"] == 7
    failures = [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"]
    assert failures == ["Card.Declined", "Card.Declined"]


def test_failure(orders: tuple[Any, str]) -> None:
    described, events = run_case(*orders, "Failure")
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "Card.Declined",
        "no funds",
    )
    assert events[-1]["type"] == "ExecutionFailed"


def test_each_execution_has_its_own_test_case(orders: tuple[Any, str]) -> None:
    sfn, arn = orders
    happy = sfn.start_execution(stateMachineArn=f"{arn}#HappyPath")["executionArn"]
    failing = sfn.start_execution(stateMachineArn=f"{arn}#Failure")["executionArn"]
    deadline = time.monotonic() + 10
    while {sfn.describe_execution(executionArn=a)["status"] for a in (happy, failing)} & {"RUNNING"}:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert sfn.describe_execution(executionArn=happy)["status"] == "SUCCEEDED"
    assert sfn.describe_execution(executionArn=failing)["status"] == "FAILED"


def test_an_unknown_test_case_is_refused(orders: tuple[Any, str]) -> None:
    sfn, arn = orders
    with pytest.raises(sfn.exceptions.ClientError, match="NoSuchCase"):
        sfn.start_execution(stateMachineArn=f"{arn}#NoSuchCase")


def test_test_cases_need_a_mock_config(sfn: Any) -> None:
    arn = sfn.create_state_machine(name="Orders", definition=json.dumps(ORDER), roleArn=ROLE)[
        "stateMachineArn"
    ]
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist, match="--mocks"):
        sfn.start_execution(stateMachineArn=f"{arn}#HappyPath")


def test_a_redriven_test_case_execution_keeps_its_mocked_responses(serve_factory: Any, tmp_path: Any) -> None:
    """The redrive continues the same execution: the test case's mocks answer again, from the
    invocation after the last one used, and the real local function is never called."""
    serve, sfn, arn = orders_server(serve_factory, tmp_path)
    real: list[Any] = []
    serve.context.runtime.registry.functions.register("charge", lambda event, context: real.append(event))
    described, _ = run_case(sfn, arn, "RecoversOnRedrive")
    assert (described["status"], described["error"]) == ("FAILED", "Card.Declined")
    execution = described["executionArn"]
    sfn.redrive_execution(executionArn=execution)
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"charged": 99, "message": "msg-1"}
    assert described["redriveCount"] == 1
    assert real == []
