"""SQS through `statecanvas serve`: the JSON protocol through boto3 and the query protocol spoken
directly, as older SDKs do; AWS's errors, never a 500."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from serve_clients import ACCOUNT, ServerThread, error_code, queue_arn, receive_all  # noqa: E402

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
    sqs.create_queue(QueueName="lifecycle-neighbour")  # two queues, so one page of one has a next
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
