"""SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch: request and per-entry errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from engine.messaging.sqs import SqsError, SqsService
from engine.runtime.clock import VirtualClock


@contextlib.contextmanager
def sqs_error(code: str, message: str | None = None) -> Iterator[None]:
    with pytest.raises(SqsError) as info:
        yield
    assert info.value.code == code, info.value
    if message is not None:
        assert message in info.value.message, info.value.message


@pytest.fixture
def url(sqs: SqsService) -> str:
    return sqs.create_queue("q")


def test_send_batch_reports_each_entry(sqs: SqsService, url: str) -> None:
    result = sqs.send_message_batch(
        url,
        [
            {"Id": "ok-1", "MessageBody": "one"},
            {"Id": "bad_delay", "MessageBody": "two", "DelaySeconds": 1000},
            {
                "Id": "attrs",
                "MessageBody": "three",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
            {"Id": "no_body"},
            {"Id": "delayed", "MessageBody": "four", "DelaySeconds": 5},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["ok-1", "attrs", "delayed"]
    first = result["Successful"][0]
    assert set(first) == {"Id", "MessageId", "MD5OfMessageBody"}
    assert "MD5OfMessageAttributes" in result["Successful"][1]
    assert result["Failed"] == [
        {
            "Id": "bad_delay",
            "SenderFault": True,
            "Code": "InvalidParameterValue",
            "Message": "Value 1000 for parameter DelaySeconds is invalid. "
            "Reason: DelaySeconds must be >= 0 and <= 900",
        },
        {
            "Id": "no_body",
            "SenderFault": True,
            "Code": "MissingParameter",
            "Message": "The request must contain the parameter MessageBody.",
        },
    ]
    depth = sqs.depth(url)
    assert (depth.visible, depth.delayed) == (2, 1)


def test_batch_request_level_errors(sqs: SqsService, url: str) -> None:
    with sqs_error("AWS.SimpleQueueService.EmptyBatchRequest", "at least one SendMessageBatchRequestEntry"):
        sqs.send_message_batch(url, [])
    entries = [{"Id": str(i), "MessageBody": "x"} for i in range(11)]
    with sqs_error(
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        "Maximum number of entries per request are 10. You have sent 11.",
    ):
        sqs.send_message_batch(url, entries)
    with sqs_error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id a repeated."):
        sqs.send_message_batch(url, [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}])
    with sqs_error(
        "AWS.SimpleQueueService.InvalidBatchEntryId", "alphanumeric characters, hyphens and underscores"
    ):
        sqs.send_message_batch(url, [{"Id": "has space", "MessageBody": "x"}])
    with sqs_error("AWS.SimpleQueueService.InvalidBatchEntryId"):
        sqs.delete_message_batch(url, [{"Id": "x" * 81, "ReceiptHandle": "h"}])
    with sqs_error(
        "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than 1048576 bytes"
    ):
        sqs.send_message_batch(url, [{"Id": str(i), "MessageBody": "x" * 400_000} for i in range(3)])
    with sqs_error("AWS.SimpleQueueService.NonExistentQueue"):
        sqs.send_message_batch(url + "-missing", [{"Id": "a", "MessageBody": "x"}])
    assert sqs.depth(url).total == 0  # nothing of a refused batch was sent


def test_fifo_batch_entries_are_validated_one_by_one(sqs: SqsService) -> None:
    fifo = sqs.create_queue("b.fifo", {"ContentBasedDeduplication": "true"})
    result = sqs.send_message_batch(
        fifo,
        [
            {"Id": "a", "MessageBody": "1", "MessageGroupId": "g"},
            {"Id": "b", "MessageBody": "2"},
            {"Id": "c", "MessageBody": "3", "MessageGroupId": "g"},
            {"Id": "d", "MessageBody": "1", "MessageGroupId": "g"},  # duplicate body: deduplicated
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["a", "c", "d"]
    assert result["Successful"][2]["MessageId"] == result["Successful"][0]["MessageId"]
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [("b", "MissingParameter")]
    messages = sqs.try_receive_message(fifo, max_number_of_messages=10)
    assert [m["Body"] for m in messages] == ["1", "3"]


def test_delete_batch_with_stale_and_malformed_handles(
    sqs: SqsService, url: str, clock: VirtualClock
) -> None:
    sqs.send_message_batch(url, [{"Id": str(i), "MessageBody": str(i)} for i in range(3)])
    messages = sqs.try_receive_message(url, max_number_of_messages=10, visibility_timeout=10)
    result = sqs.delete_message_batch(
        url,
        [
            {"Id": "m0", "ReceiptHandle": messages[0]["ReceiptHandle"]},
            {"Id": "garbage", "ReceiptHandle": "not-a-handle"},
            {"Id": "m1", "ReceiptHandle": messages[1]["ReceiptHandle"]},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["m0", "m1"]
    assert result["Failed"] == [
        {
            "Id": "garbage",
            "SenderFault": True,
            "Code": "ReceiptHandleIsInvalid",
            "Message": 'The input receipt handle "not-a-handle" is not a valid receipt handle.',
        }
    ]
    assert sqs.depth(url).in_flight == 1
    with sqs_error("AWS.SimpleQueueService.EmptyBatchRequest", "DeleteMessageBatchRequestEntry"):
        sqs.delete_message_batch(url, [])


def test_change_visibility_batch(sqs: SqsService, url: str, clock: VirtualClock) -> None:
    sqs.send_message_batch(url, [{"Id": str(i), "MessageBody": str(i)} for i in range(3)])
    messages = sqs.try_receive_message(url, max_number_of_messages=10, visibility_timeout=30)
    sqs.delete_message(url, messages[2]["ReceiptHandle"])
    result = sqs.change_message_visibility_batch(
        url,
        [
            {"Id": "now", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "later", "ReceiptHandle": messages[1]["ReceiptHandle"], "VisibilityTimeout": 100},
            {"Id": "gone", "ReceiptHandle": messages[2]["ReceiptHandle"], "VisibilityTimeout": 5},
            {"Id": "too_long", "ReceiptHandle": messages[1]["ReceiptHandle"], "VisibilityTimeout": 50_000},
        ],
    )
    assert [s["Id"] for s in result["Successful"]] == ["now", "later"]
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [
        ("gone", "InvalidParameterValue"),
        ("too_long", "InvalidParameterValue"),
    ]
    received = sqs.try_receive_message(url, max_number_of_messages=10, visibility_timeout=500)
    assert [m["Body"] for m in received] == ["0"]
    clock.advance(99)
    assert sqs.try_receive_message(url) == []
    clock.advance(1)
    assert [m["Body"] for m in sqs.try_receive_message(url)] == ["1"]
