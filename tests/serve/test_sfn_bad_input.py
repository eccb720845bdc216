"""Bad input never reaches a 500: every Step Functions operation in botocore's model, given missing
members, members of every wrong JSON type, and oversized strings, answers with an AWS error (400)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import botocore.session
import pytest

MODEL = botocore.session.get_session().get_service_model("stepfunctions")
WRONG_VALUES: list[Any] = [None, 0, -1, 1.5, True, "", "x" * 3000, [], [1], {}, {"a": {}}]


def post(url: str, operation: str, body: Any) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "X-Amz-Target": f"AWSStepFunctions.{operation}",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=70) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


SKIP = {"GetActivityTask"}  # a valid activity long-polls for a minute; its checks are tested elsewhere


@pytest.mark.parametrize("operation", [name for name in MODEL.operation_names if name not in SKIP])
def test_every_operation_refuses_bad_members_with_an_aws_error(serve: Any, operation: str) -> None:
    shape = MODEL.operation_model(operation).input_shape
    members = list(shape.members) if shape is not None else []
    status, body = post(serve.url, operation, {})
    assert status < 500, body
    for name in members:
        for value in WRONG_VALUES:
            status, body = post(serve.url, operation, {name: value})
            assert status < 500, (name, value, body)
            if status >= 400:
                assert body.get("__type") and isinstance(body.get("message"), str), body
    status, body = post(serve.url, operation, b"\xff\xfe garbage")
    assert status == 400 and body["__type"] == "SerializationException"


def test_tags_of_the_wrong_type_are_refused_before_anything_changes(serve: Any) -> None:
    arn = serve.client().create_state_machine(
        name="Tagged",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}),
        roleArn="arn:aws:iam::123456789012:role/local",
    )["stateMachineArn"]
    for operation, body in (
        ("TagResource", {"resourceArn": arn, "tags": [1]}),
        ("TagResource", {"resourceArn": arn, "tags": [{"key": 5, "value": "v"}]}),
        ("UntagResource", {"resourceArn": arn, "tagKeys": [1]}),
    ):
        status, answer = post(serve.url, operation, body)
        assert (status, answer["__type"]) == (400, "SerializationException"), (operation, body)
    status, answer = post(serve.url, "TagResource", {"resourceArn": arn, "tags": [{"value": "v"}]})
    assert (status, answer["__type"]) == (400, "ValidationException")
    assert post(serve.url, "ListTagsForResource", {"resourceArn": arn}) == (200, {"tags": []})


@pytest.mark.parametrize("body", [b'{"a":' * 100_000, b"[" * 100_000 + b"]" * 100_000])
def test_a_body_nested_past_the_parsers_stack_is_a_serialization_error(serve: Any, body: bytes) -> None:
    status, answer = post(serve.url, "ListStateMachines", body)
    assert status == 400 and answer["__type"] == "SerializationException", answer


TASK = {
    "Type": "Task",
    "QueryLanguage": "JSONata",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Arguments": {"FunctionName": "f"},
    "End": True,
}
NESTED = [
    ("mock", "errorOutput", "error"),
    ("mock", "errorOutput", "cause"),
    ("mock", "result"),
    ("mock", "fieldValidationMode"),
    ("stateConfiguration", "retrierRetryCount"),
    ("stateConfiguration", "mapIterationFailureCount"),
    ("stateConfiguration", "errorCausedByState"),
    ("stateConfiguration", "mapItemReaderData"),
]


@pytest.mark.parametrize("path", NESTED, ids=".".join)
def test_test_state_checks_the_types_of_nested_members(serve: Any, path: tuple[str, ...]) -> None:
    """A number where TestState takes the mocked error's name used to come back as the error."""
    integer = path[-1].endswith("Count")
    for value in ["3", 1.5, True, [1], {"a": 1}, 2**40] if integer else [5, True, [1], {"a": 1}]:
        body: dict[str, Any] = {"definition": json.dumps(TASK), "roleArn": "arn:aws:iam::1:role/r"}
        body["mock"] = {"errorOutput": {"error": "E", "cause": "c"}}
        node = body
        for key in path[:-1]:
            node = node.setdefault(key, {})
        if path[:2] == ("mock", "result"):
            body["mock"].pop("errorOutput")
        node[path[-1]] = value
        status, answer = post(serve.url, "TestState", body)
        assert status == 400, (path, value, answer)
        assert answer["__type"] in ("SerializationException", "ValidationException"), answer


def test_an_input_nested_deeper_than_aws_reads_is_refused_at_start_not_lost(serve: Any) -> None:
    """StartExecution used to answer 200 with an ARN that DescribeExecution then did not know."""
    definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    status, made = post(
        serve.url,
        "CreateStateMachine",
        {"name": "Deep", "definition": definition, "roleArn": "arn:aws:iam::123456789012:role/r"},
    )
    assert status == 200, made
    for levels in (1_000, 5_000):
        deep = '{"a":' * levels + "1" + "}" * levels
        start = {"stateMachineArn": made["stateMachineArn"], "input": deep}
        status, answer = post(serve.url, "StartExecution", start)
        assert status == 400 and answer["__type"] == "InvalidExecutionInput", answer
        assert "nesting depth" in answer["message"]
    status, listed = post(serve.url, "ListExecutions", {"stateMachineArn": made["stateMachineArn"]})
    assert status == 200 and listed["executions"] == []
