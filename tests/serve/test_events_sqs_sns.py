"""EventBridge, SQS and SNS through `statecanvas serve`, driven by unchanged boto3 clients.

The server runs in a thread on a random loopback port, on one project runtime, as a user's
application would meet it; the SQS query protocol is also spoken directly, as older SDKs do.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from botocore.config import Config  # noqa: E402

from engine.project.loader import project_from_value  # noqa: E402
from engine.serve.context import build_context  # noqa: E402
from engine.serve.server import ServeApp  # noqa: E402

MODULES = ["engine.serve.events", "engine.serve.sqs", "engine.serve.sns"]
ACCOUNT = "123456789012"


class ServerThread:
    """A server on its own event loop in a thread, so blocking boto3 calls can be made at it."""

    def __init__(self, project: Any = None, **options: Any) -> None:
        self.project = project
        self.options = options  # build_context's: state_file, time_scale...
        self.context: Any = None
        self.port = 0
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __enter__(self) -> ServerThread:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(20), "the server did not start"
        if self._error is not None:
            raise self._error
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                self.context = build_context(self.project, **self.options)
                app = ServeApp(self.context, MODULES)
                self.port = await app.start("127.0.0.1", 0)
            except BaseException as exc:  # reported to the test, not swallowed
                self._error = exc
                self._ready.set()
                return
            self._ready.set()
            await self._stop.wait()
            await app.stop()

        asyncio.run(main())

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}),
        )


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread() as running:
        yield running


@pytest.fixture(scope="module")
def events(server: ServerThread) -> Any:
    return server.client("events")


@pytest.fixture(scope="module")
def sqs(server: ServerThread) -> Any:
    return server.client("sqs")


@pytest.fixture(scope="module")
def sns(server: ServerThread) -> Any:
    return server.client("sns")


def queue_arn(sqs: Any, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def receive_all(sqs: Any, url: str, want: int, *, wait: float = 5.0, **options: Any) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + wait
    while len(got) < want and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **options)
        got.extend(answer.get("Messages", []))
    return got


def error_code(excinfo: pytest.ExceptionInfo[Any]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


# EventBridge -------------------------------------------------------------------------------------


def test_event_buses_are_created_described_listed_and_deleted(events: Any) -> None:
    arn = events.create_event_bus(Name="payments")["EventBusArn"]
    assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/payments"
    assert events.describe_event_bus(Name="payments")["Arn"] == arn
    names = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    assert {"default", "payments"} <= set(names)
    first = events.list_event_buses(Limit=1)
    assert len(first["EventBuses"]) == 1 and first["NextToken"]
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name="payments")
    events.delete_event_bus(Name="payments")
    with pytest.raises(events.exceptions.ResourceNotFoundException) as info:
        events.describe_event_bus(Name="payments")
    assert "Event bus payments does not exist." in str(info.value)
    with pytest.raises(events.exceptions.ClientError) as refused:
        events.delete_event_bus(Name="default")
    assert error_code(refused) == "ValidationException"


def test_rules_and_targets_round_trip_with_aws_errors(events: Any, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="rule-targets")["QueueUrl"]
    pattern = json.dumps({"source": ["shop"], "detail-type": ["OrderPlaced"]})
    rule_arn = events.put_rule(Name="orders-rule", EventPattern=pattern, Description="orders")["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders-rule"
    described = events.describe_rule(Name="orders-rule")
    assert described["State"] == "ENABLED" and json.loads(described["EventPattern"]) == json.loads(pattern)
    events.put_targets(Rule="orders-rule", Targets=[{"Id": "q", "Arn": queue_arn(sqs, url)}])
    targets = events.list_targets_by_rule(Rule="orders-rule")["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [("q", queue_arn(sqs, url))]
    assert [r["Name"] for r in events.list_rules(NamePrefix="orders-")["Rules"]] == ["orders-rule"]
    events.disable_rule(Name="orders-rule")
    assert events.describe_rule(Name="orders-rule")["State"] == "DISABLED"
    events.enable_rule(Name="orders-rule")
    with pytest.raises(events.exceptions.ClientError) as has_targets:
        events.delete_rule(Name="orders-rule")
    assert error_code(has_targets) == "ValidationException"
    removed = events.remove_targets(Rule="orders-rule", Ids=["q", "missing"])
    assert removed["FailedEntryCount"] == 1 and removed["FailedEntries"][0]["TargetId"] == "missing"
    events.delete_rule(Name="orders-rule")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_rule(Name="orders-rule")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.put_targets(Rule="no-such-rule", Targets=[{"Id": "q", "Arn": queue_arn(sqs, url)}])
    with pytest.raises(events.exceptions.InvalidEventPatternException) as bad:
        events.put_rule(Name="bad", EventPattern=json.dumps({"source": "shop"}))
    assert "Event pattern is not valid." in bad.value.response["Error"]["Message"]
    with pytest.raises(events.exceptions.ClientError) as bad_target:
        events.put_targets(Rule="bad", Targets=[{"Id": "has space", "Arn": queue_arn(sqs, url)}])
    assert error_code(bad_target) in ("ValidationException", "ResourceNotFoundException")


def test_an_event_put_on_a_bus_reaches_a_queue_through_a_rule(events: Any, sqs: Any) -> None:
    events.create_event_bus(Name="shop")
    url = sqs.create_queue(QueueName="placed-orders")["QueueUrl"]
    events.put_rule(
        Name="placed",
        EventBusName="shop",
        EventPattern=json.dumps({"detail": {"total": [{"numeric": [">", 10]}]}}),
    )
    events.put_targets(
        Rule="placed", EventBusName="shop", Targets=[{"Id": "queue", "Arn": queue_arn(sqs, url)}]
    )
    answer = events.put_events(
        Entries=[
            {"EventBusName": "shop", "Source": "shop", "DetailType": "Placed", "Detail": '{"total": 25}'},
            {"EventBusName": "shop", "Source": "shop", "DetailType": "Placed", "Detail": '{"total": 5}'},
            {"EventBusName": "nowhere", "Source": "shop", "DetailType": "Placed", "Detail": "{}"},
            {"EventBusName": "shop", "Source": "shop", "DetailType": "Placed", "Detail": "not json"},
        ]
    )
    assert answer["FailedEntryCount"] == 2
    assert answer["Entries"][2]["ErrorCode"] == "ResourceNotFoundException"
    assert answer["Entries"][3]["ErrorCode"] == "MalformedDetail"
    messages = receive_all(sqs, url, 1)
    assert len(messages) == 1
    event = json.loads(messages[0]["Body"])
    assert event["detail"] == {"total": 25} and event["id"] == answer["Entries"][0]["EventId"]
    assert event["account"] == ACCOUNT and event["source"] == "shop"
    assert not receive_all(sqs, url, 1, wait=1.0)  # the event under 10 matched nothing


def test_put_events_refuses_a_request_aws_would_not_read(events: Any) -> None:
    entry = {"Source": "s", "DetailType": "d", "Detail": "{}"}
    with pytest.raises(events.exceptions.ClientError) as many:
        events.put_events(Entries=[entry] * 11)
    assert error_code(many) == "ValidationException"
    assert many.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_test_event_pattern_answers_and_refuses_as_aws(events: Any) -> None:
    event = json.dumps(
        {
            "id": "1",
            "account": ACCOUNT,
            "source": "shop",
            "time": "2026-01-01T00:00:00Z",
            "region": "us-east-1",
            "detail-type": "Placed",
            "resources": [],
            "detail": {"total": 30},
        }
    )
    assert events.test_event_pattern(EventPattern='{"source": ["shop"]}', Event=event)["Result"] is True
    assert events.test_event_pattern(EventPattern='{"source": ["bank"]}', Event=event)["Result"] is False
    with pytest.raises(events.exceptions.InvalidEventPatternException) as bad:
        events.test_event_pattern(EventPattern='{"source": "shop"}', Event=event)
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(events.exceptions.ClientError) as no_envelope:
        events.test_event_pattern(EventPattern='{"source": ["shop"]}', Event='{"source": "shop"}')
    assert error_code(no_envelope) == "ValidationException"


def test_an_archive_keeps_events_and_a_replay_sends_them_again(events: Any, sqs: Any) -> None:
    bus_arn = events.create_event_bus(Name="audit")["EventBusArn"]
    url = sqs.create_queue(QueueName="audit-copy")["QueueUrl"]
    events.put_rule(Name="all", EventBusName="audit", EventPattern='{"source": ["audit"]}')
    events.put_targets(Rule="all", EventBusName="audit", Targets=[{"Id": "q", "Arn": queue_arn(sqs, url)}])
    created = events.create_archive(ArchiveName="audit-archive", EventSourceArn=bus_arn)
    assert created["State"] == "ENABLED"
    start = datetime.now(UTC) - timedelta(minutes=1)
    events.put_events(
        Entries=[{"EventBusName": "audit", "Source": "audit", "DetailType": "x", "Detail": "{}"}]
    )
    assert len(receive_all(sqs, url, 1, VisibilityTimeout=0)) >= 1
    sqs.purge_queue(QueueUrl=url)
    assert events.describe_archive(ArchiveName="audit-archive")["EventCount"] == 1
    assert [a["ArchiveName"] for a in events.list_archives()["Archives"]] == ["audit-archive"]
    time.sleep(1.1)  # the window ends in the past, as AWS requires
    events.start_replay(
        ReplayName="again",
        EventSourceArn=created["ArchiveArn"],
        EventStartTime=start,
        EventEndTime=datetime.now(UTC) - timedelta(seconds=1),
        Destination={"Arn": bus_arn},
    )
    replayed = receive_all(sqs, url, 1)
    assert json.loads(replayed[0]["Body"])["replay-name"] == "again"
    assert events.describe_replay(ReplayName="again")["State"] == "COMPLETED"
    assert [r["ReplayName"] for r in events.list_replays()["Replays"]] == ["again"]
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_archive(ArchiveName="nothing")
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException):
        events.create_archive(ArchiveName="audit-archive", EventSourceArn=bus_arn)
    events.delete_archive(ArchiveName="audit-archive")


def test_tags_on_rules(events: Any) -> None:
    arn = events.put_rule(Name="tagged", ScheduleExpression="rate(1 hour)", State="DISABLED")["RuleArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "shop"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "shop"}]
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.list_tags_for_resource(ResourceARN=arn + "-gone")


# SQS ---------------------------------------------------------------------------------------------


def test_queues_are_created_found_configured_listed_and_deleted(sqs: Any, server: ServerThread) -> None:
    url = sqs.create_queue(QueueName="lifecycle", Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    assert url == f"{server.url}/{ACCOUNT}/lifecycle"
    assert sqs.get_queue_url(QueueName="lifecycle")["QueueUrl"] == url
    assert sqs.create_queue(QueueName="lifecycle", Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    with pytest.raises(sqs.exceptions.QueueNameExists):
        sqs.create_queue(QueueName="lifecycle", Attributes={"VisibilityTimeout": "46"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "45"
    assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:lifecycle"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "2"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"] == {
        "DelaySeconds": "2"
    }
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Colour"])
    assert url in sqs.list_queues(QueueNamePrefix="life")["QueueUrls"]
    page = sqs.list_queues(MaxResults=1)
    assert len(page["QueueUrls"]) == 1 and page["NextToken"]
    sqs.tag_queue(QueueUrl=url, Tags={"team": "shop"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "shop"}
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as gone:
        sqs.get_queue_url(QueueName="lifecycle")
    assert gone.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url, MessageBody="x")


def test_messages_are_sent_received_hidden_and_deleted(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "greeting"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    assert sent["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"])["Messages"]
    assert got[0]["Body"] == "hello" and got[0]["MessageId"] == sent["MessageId"]
    assert got[0]["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01"
    assert got[0]["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert got[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # in flight now
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    with pytest.raises(sqs.exceptions.ClientError) as bad_wait:
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21)
    assert error_code(bad_wait) == "InvalidParameterValue"
    sqs.send_message(QueueUrl=url, MessageBody="to purge")
    sqs.purge_queue(QueueUrl=url)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress):
        sqs.purge_queue(QueueUrl=url)


def test_long_polling_wakes_when_a_message_arrives(sqs: Any, server: ServerThread) -> None:
    url = sqs.create_queue(QueueName="waiting")["QueueUrl"]
    sender = server.client("sqs")
    timer = threading.Timer(0.5, lambda: sender.send_message(QueueUrl=url, MessageBody="late"))
    started = time.monotonic()
    timer.start()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
    timer.join()
    assert got["Messages"][0]["Body"] == "late"
    assert time.monotonic() - started < 5


def test_batches_report_failed_entries_beside_successful_ones(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="batches")["QueueUrl"]
    sent = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "two", "DelaySeconds": 901},
        ],
    )
    assert [e["Id"] for e in sent["Successful"]] == ["a"]
    assert sent["Failed"][0]["Id"] == "b" and sent["Failed"][0]["SenderFault"] is True
    with pytest.raises(sqs.exceptions.BatchEntryIdsNotDistinct):
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}]
        )
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": "x"} for i in range(11)])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    changed = sqs.change_message_visibility_batch(
        QueueUrl=url, Entries=[{"Id": "c", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 60}]
    )
    assert [e["Id"] for e in changed["Successful"]] == ["c"]
    deleted = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "ReceiptHandle": got[0]["ReceiptHandle"]},
            {"Id": "bad", "ReceiptHandle": "nope"},
        ],
    )
    assert [e["Id"] for e in deleted["Successful"]] == ["ok"]
    assert deleted["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"


def test_fifo_queues_keep_order_and_drop_duplicates(sqs: Any) -> None:
    url = sqs.create_queue(
        QueueName="ledger.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    first = sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g")
    again = sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]
    sqs.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="g")
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == ["1", "2"]
    with pytest.raises(sqs.exceptions.ClientError) as no_group:
        sqs.send_message(QueueUrl=url, MessageBody="3")
    assert error_code(no_group) == "MissingParameter"


def test_a_message_received_too_often_moves_to_the_dead_letter_queue(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="poison")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": queue_arn(sqs, dlq), "maxReceiveCount": 1})
    url = sqs.create_queue(QueueName="fragile", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="boom")
    assert sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["Body"] == "boom"
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"][0]
    assert moved["Body"] == "boom"
    assert moved["Attributes"]["DeadLetterQueueSourceArn"] == queue_arn(sqs, url)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [url]
    sqs.change_message_visibility(QueueUrl=dlq, ReceiptHandle=moved["ReceiptHandle"], VisibilityTimeout=0)
    task = sqs.start_message_move_task(SourceArn=queue_arn(sqs, dlq))["TaskHandle"]
    assert task
    assert receive_all(sqs, url, 1)[0]["Body"] == "boom"


def _query(server: ServerThread, form: dict[str, str], path: str = "/") -> tuple[int, ET.Element]:
    body = urllib.parse.urlencode({**form, "Version": "2012-11-05"}).encode()
    request = urllib.request.Request(
        server.url + path, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, ET.fromstring(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, ET.fromstring(error.read())


def _find(root: ET.Element, tag: str) -> list[str]:
    return [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == tag]


def test_the_sqs_query_protocol_is_answered_in_xml(server: ServerThread, sqs: Any) -> None:
    status, created = _query(
        server,
        {
            "Action": "CreateQueue",
            "QueueName": "legacy",
            "Attribute.1.Name": "DelaySeconds",
            "Attribute.1.Value": "0",
        },
    )
    assert status == 200 and created.tag.endswith("CreateQueueResponse")
    url = _find(created, "QueueUrl")[0]
    status, sent = _query(
        server,
        {
            "Action": "SendMessage",
            "QueueUrl": url,
            "MessageBody": "<order id='1'/>",
            "MessageAttribute.1.Name": "kind",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "order",
        },
    )
    assert status == 200 and _find(sent, "MD5OfMessageBody")
    path = urllib.parse.urlparse(url).path  # older SDKs post to the queue's own URL
    status, received = _query(
        server,
        {"Action": "ReceiveMessage", "MessageAttributeName.1": "All", "AttributeName.1": "All"},
        path,
    )
    assert status == 200
    assert _find(received, "Body") == ["<order id='1'/>"]
    assert "order" in _find(received, "StringValue")
    assert "ApproximateReceiveCount" in _find(received, "Name")
    status, batch = _query(
        server,
        {
            "Action": "SendMessageBatch",
            "QueueUrl": url,
            "SendMessageBatchRequestEntry.1.Id": "a",
            "SendMessageBatchRequestEntry.1.MessageBody": "x",
            "SendMessageBatchRequestEntry.2.Id": "b",
            "SendMessageBatchRequestEntry.2.MessageBody": "y",
        },
    )
    assert status == 200 and _find(batch, "Id") == ["a", "b"]
    status, attrs = _query(
        server, {"Action": "GetQueueAttributes", "QueueUrl": url, "AttributeName.1": "All"}
    )
    assert "ApproximateNumberOfMessages" in _find(attrs, "Name")
    status, listed = _query(server, {"Action": "ListQueues", "QueueNamePrefix": "legacy"})
    assert _find(listed, "QueueUrl") == [url]
    status, error = _query(server, {"Action": "GetQueueUrl", "QueueName": "absent"})
    assert status == 400 and error.tag == "ErrorResponse"
    assert _find(error, "Code") == ["AWS.SimpleQueueService.NonExistentQueue"]
    assert _find(error, "Type") == ["Sender"]
    status, unknown = _query(server, {"Action": "Fly"})
    assert status == 400 and _find(unknown, "Code") == ["InvalidAction"]
    status, deleted = _query(server, {"Action": "DeleteQueue", "QueueUrl": url})
    assert status == 200 and deleted.tag.endswith("DeleteQueueResponse")


def test_malformed_json_requests_get_aws_errors_not_500(server: ServerThread) -> None:
    def post(target: str, body: bytes) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            server.url + "/",
            data=body,
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    status, answer = post("AmazonSQS.Fly", b"{}")
    assert status == 400 and answer["__type"] == "UnknownOperationException"
    status, answer = post("AmazonSQS.SendMessage", b'{"QueueUrl": 5, "MessageBody": "x"}')
    assert status == 400 and answer["__type"] == "SerializationException"
    status, answer = post("AmazonSQS.ReceiveMessage", b'{"QueueUrl": "q", "MaxNumberOfMessages": "ten"}')
    assert status == 400
    status, answer = post("AWSEvents.PutRule", b'{"Name": ["x"]}')
    assert status == 400 and answer["__type"] == "SerializationException"
    status, answer = post("AWSEvents.PutEvents", b"{}")
    assert status == 400 and answer["__type"] == "ValidationException"
    status, answer = post("AWSEvents.PutTargets", b'{"Rule": "r", "Targets": ["x"]}')
    assert status == 400


# SNS ---------------------------------------------------------------------------------------------


def test_topics_are_created_listed_described_and_deleted(sns: Any) -> None:
    arn = sns.create_topic(Name="news", Attributes={"DisplayName": "News"})["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:news"
    pages = sns.get_paginator("list_topics").paginate()
    assert arn in [t["TopicArn"] for page in pages for t in page["Topics"]]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "News" and attributes["TopicArn"] == arn
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Daily")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Daily"
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "press"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "press"}]
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="bad name")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="plain.fifo")
    fifo = sns.create_topic(Name="ordered.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=fifo)["Attributes"]["FifoTopic"] == "true"
    sns.delete_topic(TopicArn=arn)
    with pytest.raises(sns.exceptions.NotFoundException) as gone:
        sns.get_topic_attributes(TopicArn=arn)
    assert gone.value.response["Error"]["Message"] == "Topic does not exist"
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn=arn, Message="x")


def test_sns_fans_out_to_queues_through_filter_policies(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="orders-topic")["TopicArn"]
    everything = sqs.create_queue(QueueName="all-orders")["QueueUrl"]
    large = sqs.create_queue(QueueName="large-orders")["QueueUrl"]
    plain = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn(sqs, everything))
    filtered = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, large),
        Attributes={"FilterPolicy": json.dumps({"size": ["large"]}), "RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert {s["SubscriptionArn"] for s in listed} == {plain["SubscriptionArn"], filtered}
    assert filtered in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]
    attributes = sns.get_subscription_attributes(SubscriptionArn=filtered)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == {"size": ["large"]}
    size = {"size": {"DataType": "String", "StringValue": "large"}}
    sns.publish(TopicArn=topic, Message="big one", Subject="order", MessageAttributes=size)
    sns.publish(TopicArn=topic, Message="small one")
    bodies = sorted(json.loads(m["Body"])["Message"] for m in receive_all(sqs, everything, 2))
    assert bodies == ["big one", "small one"]
    envelope_queue = receive_all(sqs, large, 1, MessageAttributeNames=["All"])
    assert [m["Body"] for m in envelope_queue] == ["big one"]  # raw delivery: the message itself
    assert envelope_queue[0]["MessageAttributes"]["size"]["StringValue"] == "large"
    sns.set_subscription_attributes(
        SubscriptionArn=filtered, AttributeName="FilterPolicy", AttributeValue=json.dumps({"size": ["small"]})
    )
    sns.publish(
        TopicArn=topic,
        Message="small again",
        MessageAttributes={"size": {"DataType": "String", "StringValue": "small"}},
    )
    assert [m["Body"] for m in receive_all(sqs, large, 1)] == ["small again"]
    with pytest.raises(sns.exceptions.InvalidParameterException) as bad:
        sns.set_subscription_attributes(
            SubscriptionArn=filtered, AttributeName="FilterPolicy", AttributeValue='{"size": "large"}'
        )
    assert bad.value.response["Error"]["Message"].startswith("Invalid parameter: FilterPolicy")
    sns.unsubscribe(SubscriptionArn=filtered)
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_subscription_attributes(SubscriptionArn=filtered)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(TopicArn=topic, Protocol="carrier-pigeon", Endpoint="roof")


def test_publish_batch_and_message_checks(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="batchy")["TopicArn"]
    url = sqs.create_queue(QueueName="batchy-queue")["QueueUrl"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={"RawMessageDelivery": "true"},
    )
    answer = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "one", "Message": "first"},
            {"Id": "two", "Message": "second", "MessageAttributes": {"n": {"DataType": "Number"}}},
        ],
    )
    assert [e["Id"] for e in answer["Successful"]] == ["one"]
    assert answer["Failed"][0]["Id"] == "two" and answer["Failed"][0]["Code"] == "InvalidParameter"
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["first"]
    with pytest.raises(sns.exceptions.BatchEntryIdsNotDistinctException):
        sns.publish_batch(
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}],
        )
    with pytest.raises(sns.exceptions.InvalidParameterException) as empty:
        sns.publish(TopicArn=topic, Message="")
    assert empty.value.response["Error"]["Message"] == "Invalid parameter: Empty message"
    structured = json.dumps({"default": "for everyone"})
    sns.publish(TopicArn=topic, Message=structured, MessageStructure="json")
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["for everyone"]
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=topic, Message='{"sqs": "x"}', MessageStructure="json")


def test_a_fifo_topic_delivers_to_a_fifo_queue_with_its_group(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(
        Name="trades.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    url = sqs.create_queue(QueueName="trades.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={"RawMessageDelivery": "true"},
    )
    for body in ("buy", "sell", "buy"):
        sns.publish(TopicArn=topic, Message=body, MessageGroupId="acct-1")
    got = receive_all(sqs, url, 2, AttributeNames=["All"])
    assert [m["Body"] for m in got] == ["buy", "sell"]  # the repeated "buy" was deduplicated
    assert {m["Attributes"]["MessageGroupId"] for m in got} == {"acct-1"}
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=topic, Message="no group")
    standard = sns.create_topic(Name="not-ordered")["TopicArn"]
    with pytest.raises(sns.exceptions.InvalidParameterException) as refused:
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=queue_arn(sqs, url))
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in str(refused.value)


def test_listings_page_through_the_sdks_paginators(sns: Any, events: Any) -> None:
    for i in range(105):
        sns.create_topic(Name=f"paged-{i:03d}")
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and first["NextToken"]
    pages = list(sns.get_paginator("list_topics").paginate())
    arns = [t["TopicArn"] for page in pages for t in page["Topics"]]
    assert len(pages) >= 2 and len(arns) == len(set(arns))
    assert sum(1 for arn in arns if ":paged-" in arn) == 105
    for i in range(7):
        events.put_rule(Name=f"paged-{i}", EventPattern='{"source": ["paged"]}')
    rules = events.get_paginator("list_rules").paginate(NamePrefix="paged-", PaginationConfig={"PageSize": 3})
    sizes = [len(page["Rules"]) for page in rules]
    assert sizes == [3, 3, 1]
    with pytest.raises(events.exceptions.ClientError) as bad_token:
        events.list_rules(NextToken="not-a-token")
    assert error_code(bad_token) == "ValidationException"


# A project's resources -----------------------------------------------------------------------------


def _project(tmp_path: Path) -> Any:
    (tmp_path / "handlers.py").write_text(
        "import json, pathlib\n\n"
        "def record(event, context):\n"
        "    with open(pathlib.Path(__file__).with_name('calls.jsonl'), 'a') as out:\n"
        "        out.write(json.dumps(event) + '\\n')\n"
        "    return {'ok': True}\n"
    )
    value = {
        "formatVersion": 1,
        "name": "served",
        "stateMachines": {
            "Echo": {"definition": {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}}
        },
        "functions": {"recorder": {"handler": "handlers.py:record"}},
        "buses": {"orders": {}},
        "queues": {"inbox": {}},
        "topics": {"alerts": {}},
        "subscriptions": [{"topic": "topic:alerts", "endpoint": "queue:inbox", "rawMessageDelivery": True}],
        "rules": {
            "ToInbox": {
                "bus": "orders",
                "eventPattern": {"source": ["shop"]},
                "targets": [
                    {"id": "inbox", "target": "queue:inbox"},
                    {"id": "machine", "target": "stateMachine:Echo"},
                    {"id": "fn", "target": "function:recorder"},
                ],
            }
        },
    }
    return project_from_value(value, tmp_path / "served.statecanvas.json")


def test_a_projects_resources_exist_at_start_with_their_deployed_names(tmp_path: Path) -> None:
    with ServerThread(_project(tmp_path)) as server:
        events, sqs, sns = server.client("events"), server.client("sqs"), server.client("sns")
        rule = events.describe_rule(Name="ToInbox", EventBusName="orders")
        assert rule["Arn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders/ToInbox"
        targets = {
            t["Id"]: t["Arn"]
            for t in events.list_targets_by_rule(Rule="ToInbox", EventBusName="orders")["Targets"]
        }
        assert targets["inbox"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox"
        assert targets["machine"] == f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:Echo"
        assert f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts" in [
            t["TopicArn"] for t in sns.list_topics()["Topics"]
        ]
        deployed_url = (
            f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/inbox"  # what the app was configured with
        )
        assert sqs.get_queue_url(QueueName="inbox")["QueueUrl"].endswith(f"/{ACCOUNT}/inbox")
        events.put_events(
            Entries=[{"EventBusName": "orders", "Source": "shop", "DetailType": "x", "Detail": '{"n": 1}'}]
        )
        sns.publish(TopicArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts", Message="alarm")
        bodies = [m["Body"] for m in receive_all(sqs, deployed_url, 2)]
        assert "alarm" in bodies and any(
            json.loads(b).get("detail") == {"n": 1} for b in bodies if b != "alarm"
        )
        runtime = server.context.runtime
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not runtime.stepfunctions.executions:
            time.sleep(0.05)
        assert len(runtime.stepfunctions.executions) == 1
        kinds = [getattr(e, "kind", None) for e in runtime.trace.entries]
        assert kinds  # the runtime's trace saw the put and the deliveries
        topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
        listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert [(s["Protocol"], s["Endpoint"]) for s in listed] == [
            ("sqs", f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox")
        ]
        sub = sns.subscribe(
            TopicArn=topic,
            Protocol="lambda",
            Endpoint=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:recorder",
        )
        assert sub["SubscriptionArn"].startswith(topic + ":")
        sns.publish(TopicArn=topic, Message="to the function")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "to the function" not in json.dumps(_calls(tmp_path)):
            time.sleep(0.05)
        calls = _calls(tmp_path)
        notification = next(c for c in calls if "Records" in c)["Records"][0]
        assert notification["Sns"]["Message"] == "to the function"
        assert any(c.get("detail") == {"n": 1} for c in calls)  # the rule's function target too


def _calls(folder: Path) -> list[dict[str, Any]]:
    """What the project's function was called with (it writes each event to calls.jsonl)."""
    calls = folder / "calls.jsonl"
    return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []


def test_queued_messages_survive_a_restart_with_a_state_file(tmp_path: Path) -> None:
    state = str(tmp_path / "serve.sqlite")
    with ServerThread(state_file=state) as first:
        sqs = first.client("sqs")
        url = sqs.create_queue(QueueName="durable", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="still here")
    with ServerThread(state_file=state) as second:
        sqs = second.client("sqs")
        url = sqs.get_queue_url(QueueName="durable")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])
        assert attributes["Attributes"] == {"VisibilityTimeout": "5"}
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["still here"]


def _aws_cli() -> str | None:
    """The AWS CLI installed with the test tools (beside this interpreter), else one on PATH."""
    beside = Path(sys.executable).with_name("aws")
    return str(beside) if beside.exists() else shutil.which("aws")


@pytest.mark.skipif(_aws_cli() is None, reason="the awscli package is not installed")
def test_the_aws_cli_talks_to_the_server(server: ServerThread) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    aws = [str(_aws_cli()), "--endpoint-url", server.url, "--output", "json"]

    def run(*args: str) -> dict[str, Any]:
        done = subprocess.run([*aws, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    url = run("sqs", "create-queue", "--queue-name", "from-cli")["QueueUrl"]
    run("sqs", "send-message", "--queue-url", url, "--message-body", "cli says hi")
    got = run("sqs", "receive-message", "--queue-url", url)
    assert got["Messages"][0]["Body"] == "cli says hi"
    arn = run("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn")
    queue = arn["Attributes"]["QueueArn"]
    topic = run("sns", "create-topic", "--name", "cli-topic")["TopicArn"]
    run(
        "sns",
        "subscribe",
        "--topic-arn",
        topic,
        "--protocol",
        "sqs",
        "--notification-endpoint",
        queue,
        "--attributes",
        "RawMessageDelivery=true",
    )
    run("sns", "publish", "--topic-arn", topic, "--message", "via sns")
    run("events", "put-rule", "--name", "cli-rule", "--event-pattern", '{"source": ["cli"]}')
    run("events", "put-targets", "--rule", "cli-rule", "--targets", f"Id=q,Arn={queue}")
    entries = json.dumps([{"Source": "cli", "DetailType": "t", "Detail": '{"from": "cli"}'}])
    assert run("events", "put-events", "--entries", entries)["FailedEntryCount"] == 0
    bodies: list[str] = []
    deadline = time.monotonic() + 10
    while len(bodies) < 2 and time.monotonic() < deadline:
        answer = run("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10")
        bodies += [m["Body"] for m in answer.get("Messages", [])]
    assert "via sns" in bodies and any('"from":"cli"' in b for b in bodies)
    missing = subprocess.run(
        [*aws, "sqs", "get-queue-url", "--queue-name", "no-such"], capture_output=True, text=True, env=env
    )
    assert missing.returncode != 0 and "NonExistentQueue" in missing.stderr


def test_a_rule_starts_a_state_machine_created_through_the_step_functions_api(serve: Any) -> None:
    """`serve` (conftest.py) runs every protocol, Step Functions included, on one runtime."""
    sfn, events = serve.client("stepfunctions"), serve.client("events")
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    machine = sfn.create_state_machine(
        name="OnOrder", definition=json.dumps(definition), roleArn=f"arn:aws:iam::{ACCOUNT}:role/r"
    )["stateMachineArn"]
    events.put_rule(Name="start-machine", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="start-machine", Targets=[{"Id": "m", "Arn": machine, "InputPath": "$.detail"}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Placed", "Detail": '{"order": 7}'}])
    deadline = time.monotonic() + 10
    executions: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not executions:
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        time.sleep(0.05)
    assert len(executions) == 1
    described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["input"]) == {"order": 7}
