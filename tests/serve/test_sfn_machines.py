"""State machines through boto3: create, describe, update, delete, list, validate, tags, TestState,
and the errors the SDK models."""

from __future__ import annotations

import io
import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from engine.cli import main as cli_main

ROLE = "arn:aws:iam::123456789012:role/local"
PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
BROKEN = {"StartAt": "Missing", "States": {"P": {"Type": "Pass", "Next": "Nowhere"}}}


def create(sfn: Any, name: str, definition: Any = PASS, **extra: Any) -> str:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return sfn.create_state_machine(name=name, definition=text, roleArn=ROLE, **extra)["stateMachineArn"]


def raw(url: str, target: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target is not None:
        headers["X-Amz-Target"] = target
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_create_describe_update_delete(sfn: Any) -> None:
    arn = create(sfn, "Orders", tags=[{"key": "team", "value": "shop"}])
    assert arn == "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"
    described = sfn.describe_state_machine(stateMachineArn=arn)
    assert described["name"] == "Orders" and described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD" and described["roleArn"] == ROLE
    assert json.loads(described["definition"]) == PASS
    changed = {"StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}
    updated = sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(changed))
    assert updated["revisionId"] != described["revisionId"]
    assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == changed
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "shop"}]
    sfn.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist, match="State Machine Does Not Exist"):
        sfn.describe_state_machine(stateMachineArn=arn)


def test_create_is_idempotent_and_refuses_a_different_machine_under_the_same_name(sfn: Any) -> None:
    first = sfn.create_state_machine(name="Same", definition=json.dumps(PASS), roleArn=ROLE)
    again = sfn.create_state_machine(name="Same", definition=json.dumps(PASS), roleArn=ROLE)
    assert again["stateMachineArn"] == first["stateMachineArn"]
    other = {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}
    with pytest.raises(sfn.exceptions.StateMachineAlreadyExists):
        create(sfn, "Same", other)


def test_invalid_definition_says_what_statecanvas_validate_says(sfn: Any, tmp_path: Any) -> None:
    with pytest.raises(sfn.exceptions.InvalidDefinition) as raised:
        create(sfn, "Broken", BROKEN)
    path = tmp_path / "broken.asl.json"
    path.write_text(json.dumps(BROKEN))
    out = io.StringIO()
    assert cli_main(["validate", str(path)], out=out, err=io.StringIO()) == 1
    message = raised.value.response["Error"]["Message"]
    assert message.startswith("Invalid State Machine Definition: '")
    assert out.getvalue().rstrip().splitlines()[-1] == message
    update_target = create(sfn, "Fine")
    with pytest.raises(sfn.exceptions.InvalidDefinition):
        sfn.update_state_machine(stateMachineArn=update_target, definition=json.dumps(BROKEN))


def test_names_arns_and_members_are_checked(sfn: Any, serve: Any) -> None:
    with pytest.raises(sfn.exceptions.InvalidName):
        create(sfn, "has space")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.create_state_machine(name="R", definition=json.dumps(PASS), roleArn="not-an-arn")
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.describe_state_machine(stateMachineArn="arn:aws:sqs:us-east-1:123456789012:queue")
    with pytest.raises(sfn.exceptions.MissingRequiredParameter):
        sfn.update_state_machine(stateMachineArn=create(sfn, "U"))
    status, body = raw(serve.url, "AWSStepFunctions.CreateStateMachine", b'{"name": "x", "roleArn": "r"}')
    assert status == 400 and body["__type"] == "ValidationException"
    assert "Value null at 'definition'" in body["message"]
    status, body = raw(serve.url, "AWSStepFunctions.DescribeStateMachine", b'{"stateMachineArn": 5}')
    assert (status, body["__type"]) == (400, "SerializationException")


def test_malformed_requests_get_aws_error_shapes(serve: Any) -> None:
    assert raw(serve.url, "AWSStepFunctions.NoSuchThing", b"{}")[1]["__type"] == "UnknownOperationException"
    assert raw(serve.url, "Nobody.ListThings", b"{}")[1]["__type"] == "UnknownOperationException"
    status, body = raw(serve.url, "AWSStepFunctions.ListStateMachines", b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body = raw(serve.url, "AWSStepFunctions.ListStateMachines", b"[1, 2]")
    assert (status, body["__type"]) == (400, "SerializationException")


def test_a_body_over_the_limit_is_refused_before_it_is_read(serve: Any) -> None:
    from engine.serve.server import MAX_BODY_BYTES

    status, body = raw(serve.url, "AWSStepFunctions.ListStateMachines", b" " * (MAX_BODY_BYTES + 1))
    assert status == 413 and body["message"] == "Request Entity Too Large"


def test_a_definition_over_the_length_limit_is_a_validation_error(sfn: Any) -> None:
    huge = json.dumps(
        {"StartAt": "P", "Comment": "x" * 1_048_576, "States": {"P": {"Type": "Pass", "End": True}}}
    )
    with pytest.raises(ClientError) as raised:
        create(sfn, "Huge", huge)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "less than or equal to 1048576" in raised.value.response["Error"]["Message"]


def test_list_state_machines_pages_with_next_token(sfn: Any) -> None:
    for i in range(7):
        create(sfn, f"M{i}")
    names, token, pages = [], None, 0
    while True:
        page = sfn.list_state_machines(maxResults=3, **({"nextToken": token} if token else {}))
        names += [m["name"] for m in page["stateMachines"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert names == [f"M{i}" for i in range(7)] and pages == 3
    paginated = sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 2})
    assert sum(len(p["stateMachines"]) for p in paginated) == 7
    with pytest.raises(ClientError, match="InvalidToken"):
        sfn.list_state_machines(nextToken="garbage")


def test_validate_state_machine_definition(sfn: Any) -> None:
    assert sfn.validate_state_machine_definition(definition=json.dumps(PASS))["result"] == "OK"
    answer = sfn.validate_state_machine_definition(definition=json.dumps(BROKEN))
    assert answer["result"] == "FAIL" and answer["truncated"] is False
    assert {d["code"] for d in answer["diagnostics"]} >= {"MISSING_TRANSITION_TARGET"}
    assert all(d["severity"] == "ERROR" for d in answer["diagnostics"])


def test_tags(sfn: Any) -> None:
    arn = create(sfn, "Tagged")
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
    sfn.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_tags_for_resource(resourceArn=arn.replace("Tagged", "Nope"))


def test_test_state(sfn: Any) -> None:
    state = {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}
    answer = sfn.test_state(definition=json.dumps(state), roleArn=ROLE, input='{"n": 21}')
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"doubled": 42}
    with pytest.raises(ClientError) as raised:
        sfn.test_state(definition='{"Type": "Nope"}', roleArn=ROLE)
    assert raised.value.response["Error"]["Code"] in ("InvalidDefinition", "ValidationException")
