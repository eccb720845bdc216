"""Bad input never reaches a 500 on the EventBridge, SQS and SNS endpoints: every operation served,
given each member of botocore's model as every wrong JSON type (and, for the query protocols,
odd form members), answers with an AWS error shape. `serve` is the server of conftest.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

botocore_session = pytest.importorskip("botocore.session")
pytest.importorskip("aiohttp")

from engine.serve import events, events_archives, sns, sns_publish, sqs  # noqa: E402

SESSION = botocore_session.get_session()
WRONG_VALUES: list[Any] = [
    None,
    0,
    -1,
    True,
    "",
    "x",
    [],
    [1],
    [{"Id": 5}],
    {},
    {"a": 1},
    {"a": {"DataType": 5}},
]
# Enough of a valid request that the wrong member is the one judged.
BASE = {"QueueUrl": "bad-input", "Name": "bad-input", "Rule": "bad-input", "WaitTimeSeconds": 0}


def post_json(url: str, target: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def post_form(url: str, form: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


JSON_CASES = [("sqs", "AmazonSQS", name) for name in sqs.OPERATIONS] + [
    ("events", "AWSEvents", name) for name in {**events.OPERATIONS, **events_archives.OPERATIONS}
]


@pytest.mark.parametrize(("service", "prefix", "operation"), JSON_CASES)
def test_json_operations_refuse_bad_members_with_an_aws_error(
    serve: Any, service: str, prefix: str, operation: str
) -> None:
    post_json(serve.url, "AmazonSQS.CreateQueue", {"QueueName": "bad-input"})
    post_json(serve.url, "AWSEvents.PutRule", {"Name": "bad-input", "EventPattern": '{"source": ["x"]}'})
    shape = SESSION.get_service_model(service).operation_model(operation).input_shape
    for member in list(shape.members) if shape is not None else []:
        for value in WRONG_VALUES:
            status, body = post_json(serve.url, f"{prefix}.{operation}", {**BASE, member: value})
            assert status < 500, (member, value, body)
            if status >= 400:
                assert body.get("__type") and isinstance(body.get("message"), str), body


QUERY_ODDITIES: list[dict[str, str]] = [
    {},
    {"{m}": ""},
    {"{m}": "x"},
    {"{m}.1": "x"},
    {"{m}.entry.1.Name": "a"},
    {"{m}.entry.1.key": "FilterPolicy", "{m}.entry.1.value": "{"},
    {"{m}.member.1.Id": "a"},
    {"{m}.member.1.Message": "x"},
    {"{m}.1.Name": "a", "{m}.1.Value.DataType": "Binary"},
]


@pytest.mark.parametrize(
    ("version", "operation"),
    [("2010-03-31", name) for name in {**sns.OPERATIONS, **sns_publish.OPERATIONS}]
    + [("2012-11-05", name) for name in sqs.OPERATIONS],
)
def test_query_operations_refuse_odd_forms_with_an_aws_error(
    serve: Any, version: str, operation: str
) -> None:
    service = "sns" if version == "2010-03-31" else "sqs"
    shape = SESSION.get_service_model(service).operation_model(operation).input_shape
    base = {"Action": operation, "Version": version, "TopicArn": "arn:aws:sns:us-east-1:123456789012:none"}
    for member in list(shape.members) if shape is not None else []:
        for oddity in QUERY_ODDITIES:
            form = {**base, **{key.format(m=member): value for key, value in oddity.items()}}
            status, body = post_form(serve.url, form)
            assert status < 500, (form, body)
            if status >= 400:
                assert b"<ErrorResponse" in body and b"<Code>" in body, body


DEEP = '{"a":' * 5_000 + '["x"]' + "}" * 5_000


def test_patterns_policies_and_messages_nested_too_deeply_are_refused_with_aws_errors(serve: Any) -> None:
    status, body = post_json(serve.url, "AWSEvents.PutRule", {"Name": "deep", "EventPattern": DEEP})
    assert status == 400 and body["__type"] == "InvalidEventPatternException", body
    assert "Document nesting depth" in body["message"]
    topic = "arn:aws:sns:us-east-1:123456789012:deep"
    post_form(serve.url, {"Action": "CreateTopic", "Name": "deep", "Version": "2010-03-31"})
    post_json(serve.url, "AmazonSQS.CreateQueue", {"QueueName": "deep"})
    subscribe = {
        "Action": "Subscribe",
        "Version": "2010-03-31",
        "TopicArn": topic,
        "Protocol": "sqs",
        "Endpoint": "arn:aws:sqs:us-east-1:123456789012:deep",
        "Attributes.entry.1.key": "FilterPolicy",
        "Attributes.entry.1.value": DEEP,
    }
    status, answer = post_form(serve.url, subscribe)
    assert status == 400 and b"<Code>InvalidParameter</Code>" in answer, answer
    publish = {
        "Action": "Publish",
        "Version": "2010-03-31",
        "TopicArn": topic,
        "MessageStructure": "json",
        "Message": "[" * 100_000,
    }
    status, answer = post_form(serve.url, publish)
    assert status == 400 and b"<Code>InvalidParameter</Code>" in answer, answer
