"""FIFO queues: message groups, strict order, group blocking, the deduplication window."""

from __future__ import annotations

import contextlib
import hashlib
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
def fifo(sqs: SqsService) -> str:
    return sqs.create_queue("jobs.fifo", {"FifoQueue": "true", "ContentBasedDeduplication": "true"})


def bodies(messages: list[dict]) -> list[str]:
    return [m["Body"] for m in messages]


def send(sqs: SqsService, url: str, body: str, group: str, **kwargs) -> dict:
    return sqs.send_message(url, body, message_group_id=group, **kwargs)


def test_fifo_attributes_and_name_rules(sqs: SqsService) -> None:
    url = sqs.create_queue("implied.fifo")  # the suffix implies FifoQueue locally
    attributes = sqs.get_queue_attributes(url)
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["DeduplicationScope"] == "queue"
    with sqs_error("InvalidParameterValue", "must end with .fifo suffix"):
        sqs.create_queue("no-suffix", {"FifoQueue": True})
    with sqs_error("InvalidParameterValue", "Can only include alphanumeric"):
        sqs.create_queue("standard.fifo", {"FifoQueue": "false"})
    with sqs_error("InvalidAttributeName"):
        sqs.set_queue_attributes(url, {"FifoQueue": "false"})
    with sqs_error("InvalidParameterValue", "perMessageGroupId value is allowed only"):
        sqs.set_queue_attributes(url, {"FifoThroughputLimit": "perMessageGroupId"})
    sqs.set_queue_attributes(
        url, {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}
    )


def test_fifo_parameter_rules(sqs: SqsService, fifo: str) -> None:
    with sqs_error("MissingParameter", "The request must contain the parameter MessageGroupId."):
        sqs.send_message(fifo, "x")
    with sqs_error(
        "InvalidParameterValue", "Value 5 for parameter DelaySeconds is invalid. Reason: The request include"
    ):
        send(sqs, fifo, "x", "g", delay_seconds=5)
    with sqs_error("InvalidParameterValue", "MessageGroupId can only include alphanumeric and punctuation"):
        send(sqs, fifo, "x", "with space")
    with sqs_error("InvalidParameterValue", "1 to 128 in length"):
        send(sqs, fifo, "x", "g", message_deduplication_id="d" * 129)
    plain = sqs.create_queue("plain.fifo")
    with sqs_error(
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly",
    ):
        send(sqs, plain, "x", "g")
    assert "SequenceNumber" in send(sqs, plain, "x", "g", message_deduplication_id="d1")


def test_strict_order_within_a_group(sqs: SqsService, fifo: str) -> None:
    sent = [send(sqs, fifo, f"a{i}", "A") for i in range(5)]
    numbers = [int(s["SequenceNumber"]) for s in sent]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    messages = sqs.try_receive_message(fifo, max_number_of_messages=10, attribute_names=["All"])
    assert bodies(messages) == ["a0", "a1", "a2", "a3", "a4"]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"A"}
    assert [m["Attributes"]["SequenceNumber"] for m in messages] == [s["SequenceNumber"] for s in sent]
    dedup = hashlib.sha256(b"a0").hexdigest()
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == dedup


def test_a_group_is_blocked_while_one_of_its_messages_is_in_flight(sqs: SqsService, fifo: str) -> None:
    send(sqs, fifo, "a1", "A")
    send(sqs, fifo, "a2", "A")
    send(sqs, fifo, "b1", "B")
    [a1] = sqs.try_receive_message(fifo)
    assert a1["Body"] == "a1"
    assert bodies(sqs.try_receive_message(fifo, max_number_of_messages=10)) == ["b1"]  # A is blocked
    assert sqs.try_receive_message(fifo, max_number_of_messages=10) == []
    assert sqs.depth(fifo).visible == 1  # a2 is available, just not receivable yet
    sqs.delete_message(fifo, a1["ReceiptHandle"])
    assert bodies(sqs.try_receive_message(fifo, max_number_of_messages=10)) == ["a2"]


def test_a_failed_message_is_redelivered_before_the_rest_of_its_group(
    sqs: SqsService, fifo: str, clock: VirtualClock
) -> None:
    for body in ("a1", "a2", "a3"):
        send(sqs, fifo, body, "A")
    first = sqs.try_receive_message(fifo, max_number_of_messages=2, visibility_timeout=30)
    assert bodies(first) == ["a1", "a2"]
    sqs.delete_message(fifo, first[0]["ReceiptHandle"])  # a2 still in flight blocks a3
    assert sqs.try_receive_message(fifo) == []
    clock.advance(30)
    again = sqs.try_receive_message(
        fifo, max_number_of_messages=10, attribute_names=["ApproximateReceiveCount"]
    )
    assert bodies(again) == ["a2", "a3"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_a_delayed_queue_keeps_group_order(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("slow.fifo", {"DelaySeconds": "10", "ContentBasedDeduplication": "true"})
    send(sqs, url, "first", "G")
    sqs.set_queue_attributes(url, {"DelaySeconds": "0"})
    send(sqs, url, "second", "G")
    assert sqs.try_receive_message(url) == []  # "second" is visible but must wait for "first"
    clock.advance(10)
    assert bodies(sqs.try_receive_message(url, max_number_of_messages=10)) == ["first", "second"]


def test_deduplication_window(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("dedup.fifo")
    original = send(sqs, url, "pay 10", "G", message_deduplication_id="payment-1")
    clock.advance(100)
    duplicate = send(sqs, url, "pay 10 again", "G", message_deduplication_id="payment-1")
    assert duplicate["MessageId"] == original["MessageId"]
    assert duplicate["SequenceNumber"] == original["SequenceNumber"]
    assert sqs.depth(url).visible == 1
    [message] = sqs.try_receive_message(url)
    sqs.delete_message(url, message["ReceiptHandle"])
    clock.advance(199)
    send(
        sqs,
        url,
        "still deduplicated after the original was deleted",
        "G",
        message_deduplication_id="payment-1",
    )
    assert sqs.depth(url).total == 0
    clock.advance(1)  # 300 s after the first send the window is over
    fresh = send(sqs, url, "pay 10", "G", message_deduplication_id="payment-1")
    assert fresh["MessageId"] != original["MessageId"]
    assert sqs.depth(url).visible == 1


def test_content_based_deduplication(sqs: SqsService, fifo: str) -> None:
    first = send(sqs, fifo, '{"order": 1}', "A")
    assert send(sqs, fifo, '{"order": 1}', "B")["MessageId"] == first["MessageId"]  # scope is the queue
    explicit = send(sqs, fifo, '{"order": 1}', "A", message_deduplication_id="explicit")
    assert explicit["MessageId"] != first["MessageId"]  # an explicit id overrides the body hash
    assert sqs.depth(fifo).visible == 2


def test_deduplication_scope_message_group(sqs: SqsService) -> None:
    url = sqs.create_queue(
        "scoped.fifo", {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}
    )
    a = send(sqs, url, "x", "A", message_deduplication_id="same")
    b = send(sqs, url, "x", "B", message_deduplication_id="same")
    assert a["MessageId"] != b["MessageId"]
    assert send(sqs, url, "x", "A", message_deduplication_id="same")["MessageId"] == a["MessageId"]
    assert sqs.depth(url).visible == 2


def test_fifo_refuses_stale_and_expired_receipt_handles(
    sqs: SqsService, fifo: str, clock: VirtualClock
) -> None:
    send(sqs, fifo, "x", "A")
    [first] = sqs.try_receive_message(fifo, visibility_timeout=10)
    clock.advance(10)
    with sqs_error("InvalidParameterValue", "Reason: The receipt handle has expired."):
        sqs.delete_message(fifo, first["ReceiptHandle"])
    [second] = sqs.try_receive_message(fifo)
    with sqs_error("InvalidParameterValue", "The receipt handle has expired."):
        sqs.delete_message(fifo, first["ReceiptHandle"])
    sqs.delete_message(fifo, second["ReceiptHandle"])
    assert sqs.depth(fifo).total == 0


def test_standard_queue_reports_a_message_group_id(sqs: SqsService) -> None:
    url = sqs.create_queue("fair")
    sqs.send_message(url, "x", message_group_id="tenant-1")
    [message] = sqs.try_receive_message(url, attribute_names=["MessageGroupId"])
    assert message["Attributes"] == {"MessageGroupId": "tenant-1"}
