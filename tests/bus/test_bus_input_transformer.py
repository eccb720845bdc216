"""Input, InputPath and InputTransformer: what targets receive, and what PutTargets refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.bus.api_errors import ValidationException
from engine.bus.input_transformer import InputTransformer, apply_input_path, check_input, check_json_path
from engine.bus.rules import Target

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "count": 3, "tags": {"env": "prod"}},
}
CONTEXT = {
    "rule_arn": "arn:aws:events:us-east-1:123456789012:rule/ec2",
    "rule_name": "ec2",
    "ingestion_time": "2015-11-11T21:29:55Z",
}
PATHS = {
    "instance": "$.detail.instance-id",
    "state": "$.detail.state",
    "count": "$.detail.count",
    "tags": "$.detail.tags",
}


def render(template: str, paths: dict[str, str] | None = None) -> str:
    transformer = InputTransformer(template, PATHS if paths is None else paths)
    transformer.validate("t1")
    return transformer.render(EVENT, **CONTEXT)


def test_json_template_inserts_json_outside_quotes() -> None:
    out = render(
        '{"instance": <instance>, "state": [9, <state>, true], "count": <count>, "Transformed": "Yes"}'
    )
    assert json.loads(out) == {
        "instance": "i-0123456789",
        "state": [9, "RUNNING", True],
        "count": 3,
        "Transformed": "Yes",
    }


def test_json_template_inserts_text_inside_quotes() -> None:
    out = render('{"message": "<instance> is in state <state> (x<count>)"}')
    assert json.loads(out) == {"message": "i-0123456789 is in state RUNNING (x3)"}


def test_object_inside_a_string_loses_its_quotes() -> None:
    assert json.loads(render('{"m": "tags: <tags>"}')) == {"m": "tags: {env:prod}"}


def test_object_outside_quotes_stays_json() -> None:
    assert json.loads(render('{"tags": <tags>}')) == {"tags": {"env": "prod"}}


def test_string_template_is_plain_text() -> None:
    assert render("<instance> is in state <state>") == "i-0123456789 is in state RUNNING"


def test_quoted_string_template_keeps_quotes() -> None:
    assert render('"<instance> is in state \\"<state>\\""') == '"i-0123456789 is in state \\"RUNNING\\""'


def test_inserted_text_is_not_escaped() -> None:
    event = {**EVENT, "detail": {"quote": 'say "hi"'}}
    transformer = InputTransformer('{"m": "<q>"}', {"q": "$.detail.quote"})
    assert transformer.render(event, **CONTEXT) == '{"m": "say "hi""}'


def test_reserved_variables() -> None:
    out = json.loads(
        render(
            '{"arn": "<aws.events.rule-arn>", "name": <aws.events.rule-name>, '
            '"at": "<aws.events.event.ingestion-time>", "full": <aws.events.event.json>, '
            '"envelope": <aws.events.event>}',
            {},
        )
    )
    assert out["arn"] == CONTEXT["rule_arn"]
    assert out["name"] == "ec2"
    assert out["at"] == "2015-11-11T21:29:55Z"
    assert out["full"] == EVENT
    assert "detail" not in out["envelope"] and out["envelope"]["id"] == EVENT["id"]


def test_missing_path_gives_null_or_nothing() -> None:
    paths = {"gone": "$.detail.missing"}
    assert json.loads(render('{"a": <gone>, "b": "x<gone>y"}', paths)) == {"a": None, "b": "xy"}


def test_wildcard_path_gives_a_list() -> None:
    event = {**EVENT, "detail": {"items": [{"id": 1}, {"id": 2}]}}
    transformer = InputTransformer('{"ids": <ids>}', {"ids": "$.detail.items[*].id"})
    assert json.loads(transformer.render(event, **CONTEXT)) == {"ids": [1, 2]}


def test_unknown_angle_brackets_are_left_alone() -> None:
    assert render("<b>bold</b> <state>") == "<b>bold</b> RUNNING"


def test_more_than_100_paths_refused() -> None:
    paths = {f"v{i}": "$.detail" for i in range(101)}
    with pytest.raises(ValidationException, match="less than or equal to 100"):
        InputTransformer("<v1>", paths).validate("t1")
    InputTransformer("<v1>", dict(list(paths.items())[:100])).validate("t1")


@pytest.mark.parametrize("key", ["aws.events.rule-name", "aws.events.event", "aws.events.event.json"])
def test_reserved_names_cannot_be_keys(key: str) -> None:
    with pytest.raises(ValidationException, match="reserved"):
        InputTransformer("x", {key: "$.detail"}).validate("t1")


@pytest.mark.parametrize("key", ["with space", "a.b", "", "AWSthing"])
def test_bad_keys_refused(key: str) -> None:
    with pytest.raises(ValidationException):
        InputTransformer("x", {key: "$.detail"}).validate("t1")


@pytest.mark.parametrize(
    "path",
    ["detail", "$.", "$..id", "$.detail[?(@.a)]", "$.items[0:2]", "$$.x", "$['detail']", "$.a.length()"],
)
def test_invalid_json_paths_refused(path: str) -> None:
    with pytest.raises(ValidationException, match="not a valid JSON path"):
        InputTransformer("x", {"v": path}).validate("t1")


@pytest.mark.parametrize("path", ["$", "$.detail", "$.detail-type", "$.resources[0]", "$.detail.items[*].id"])
def test_valid_json_paths(path: str) -> None:
    check_json_path(path, "p")


@pytest.mark.parametrize(
    "template",
    [
        '{"a": <state>,}',  # not JSON once filled
        "{<state>: 1}",  # placeholder as a bare key
        '{"<state>": 1}',  # placeholder inside a key
        '{"a": <undefined>}',  # unknown placeholder stays literal: not JSON
    ],
)
def test_invalid_json_templates_refused(template: str) -> None:
    with pytest.raises(ValidationException, match="Invalid InputTemplate for target t1"):
        InputTransformer(template, PATHS).validate("t1")


def test_template_length_limit() -> None:
    with pytest.raises(ValidationException):
        InputTransformer("", {}).validate("t1")
    with pytest.raises(ValidationException):
        InputTransformer("x" * 8193, {}).validate("t1")


def test_constant_input_must_be_json() -> None:
    check_input('{"a": 1}', "t1")
    check_input("42", "t1")
    with pytest.raises(ValidationException) as caught:
        check_input("{oops", "t1")
    assert caught.value.message == "Input for target t1 is not a valid JSON text."


def test_input_path_selects_part_of_the_event() -> None:
    assert json.loads(apply_input_path(EVENT, "$.detail")) == EVENT["detail"]
    assert apply_input_path(EVENT, "$.detail.state") == '"RUNNING"'


def test_target_shapes_by_kind() -> None:
    whole = Target("t", "queue:q").shape(EVENT, **CONTEXT)
    assert json.loads(whole) == EVENT
    assert Target("t", "queue:q", input='{"k": 1}').shape(EVENT, **CONTEXT) == '{"k": 1}'
    assert Target("t", "queue:q", input_path="$.detail.count").shape(EVENT, **CONTEXT) == "3"


def test_only_one_input_option_per_target() -> None:
    with pytest.raises(ValidationException, match="only one of Input, InputPath and InputTransformer"):
        Target("t", "queue:q", input="{}", input_path="$.detail").validate()


def test_target_from_aws_json() -> None:
    target = Target.from_aws(
        {
            "Id": "t1",
            "Arn": "arn:aws:sqs:us-east-1:123456789012:orders.fifo",
            "InputTransformer": {"InputPathsMap": {"s": "$.detail.state"}, "InputTemplate": '"<s>"'},
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 120},
            "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
            "SqsParameters": {"MessageGroupId": "g1"},
        }
    )
    target.validate()
    assert target.retry_policy.maximum_retry_attempts == 4
    assert target.message_group_id == "g1"
    assert target.shape(EVENT, **CONTEXT) == '"RUNNING"'
