"""Standard queues: addressing, attributes, send/receive, visibility, delays, retention, long polling."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from engine.messaging.sqs import QueueEvent, QueueEventKind, SqsError, SqsService
from engine.runtime.clock import RealClock, VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)


@contextlib.contextmanager
def sqs_error(code: str, message: str | None = None) -> Iterator[None]:
    with pytest.raises(SqsError) as info:
        yield
    assert info.value.code == code, info.value
    if message is not None:
        assert message in info.value.message, info.value.message


def receive(sqs: SqsService, url: str, **kwargs) -> list[dict]:
    return sqs.try_receive_message(url, attribute_names=["All"], **kwargs)


# -- queues ---------------------------------------------------------------------------------------


def test_urls_arns_and_lookup(sqs: SqsService) -> None:
    url = sqs.create_queue("orders")
    sqs.create_queue("orders-dlq")
    sqs.create_queue("billing")
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
    assert sqs.get_queue_attributes(url, ["QueueArn"]) == {
        "QueueArn": "arn:aws:sqs:us-east-1:123456789012:orders"
    }
    assert sqs.get_queue_url("orders") == url
    assert sqs.list_queues(prefix="orders") == [url, url + "-dlq"]
    assert len(sqs.list_queues()) == 3
    assert sqs.list_queues(max_results=1) == ["https://sqs.us-east-1.amazonaws.com/123456789012/billing"]
    # a URL on any endpoint, the ARN or the bare name reach the same queue
    sqs.send_message("http://localhost:4566/123456789012/orders", "a")
    sqs.send_message("arn:aws:sqs:us-east-1:123456789012:orders", "b")
    sqs.send_message("orders", "c")
    assert sqs.depth(url).visible == 3
    with sqs_error("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."):
        sqs.get_queue_url("nope")
    with sqs_error("AWS.SimpleQueueService.NonExistentQueue"):
        sqs.get_queue_url("orders", owner_account_id="999999999999")
    with sqs_error("AWS.SimpleQueueService.NonExistentQueue"):
        sqs.send_message("https://sqs.us-east-1.amazonaws.com/999999999999/orders", "x")


def test_other_account_and_region() -> None:
    sqs = SqsService(clock=VirtualClock(START), account_id="000000000000", region="eu-west-1")
    url = sqs.create_queue("q")
    assert url == "https://sqs.eu-west-1.amazonaws.com/000000000000/q"
    assert sqs.get_queue_attributes(url)["QueueArn"] == "arn:aws:sqs:eu-west-1:000000000000:q"


def test_create_queue_is_idempotent_only_with_equal_attributes(sqs: SqsService) -> None:
    url = sqs.create_queue("q", {"VisibilityTimeout": "60"})
    assert sqs.create_queue("q", {"VisibilityTimeout": 60}) == url
    assert sqs.create_queue("q") == url
    with sqs_error("QueueAlreadyExists", "different value for attribute VisibilityTimeout"):
        sqs.create_queue("q", {"VisibilityTimeout": "30"})


def test_queue_names_and_attribute_validation(sqs: SqsService) -> None:
    with sqs_error("InvalidParameterValue", "Can only include alphanumeric characters"):
        sqs.create_queue("bad name")
    with sqs_error("InvalidParameterValue", "must end with .fifo suffix"):
        sqs.create_queue("plain", {"FifoQueue": "true"})
    with sqs_error("InvalidParameterValue", "Can only include"):
        sqs.create_queue("x" * 81)
    with sqs_error("InvalidAttributeValue", "Invalid value for the parameter VisibilityTimeout."):
        sqs.create_queue("q", {"VisibilityTimeout": "43201"})
    with sqs_error("InvalidAttributeValue", "MessageRetentionPeriod"):
        sqs.create_queue("q", {"MessageRetentionPeriod": "59"})
    with sqs_error("InvalidAttributeName", "Unknown Attribute Colour."):
        sqs.create_queue("q", {"Colour": "blue"})
    with sqs_error("InvalidAttributeName"):
        sqs.create_queue("q", {"ContentBasedDeduplication": "true"})  # FIFO-only
    url = sqs.create_queue("q")
    with sqs_error("InvalidAttributeValue"):
        sqs.set_queue_attributes(url, {"VisibilityTimeout": "5", "DelaySeconds": "901"})
    assert sqs.get_queue_attributes(url, ["VisibilityTimeout"]) == {
        "VisibilityTimeout": "30"
    }  # all or nothing
    sqs.set_queue_attributes(url, {"VisibilityTimeout": 5})
    attributes = sqs.get_queue_attributes(url)
    assert attributes["VisibilityTimeout"] == "5"
    assert attributes["MessageRetentionPeriod"] == "345600"
    assert attributes["MaximumMessageSize"] == "1048576"
    assert attributes["CreatedTimestamp"] == str(int(START.timestamp()))
    with sqs_error("InvalidAttributeName"):
        sqs.get_queue_attributes(url, ["Nope"])


def test_delete_queue_and_recreate_delay(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q")
    sqs.delete_queue(url)
    with sqs_error("AWS.SimpleQueueService.NonExistentQueue"):
        sqs.send_message(url, "x")
    with sqs_error("AWS.SimpleQueueService.QueueDeletedRecently", "wait 60 seconds"):
        sqs.create_queue("q")
    clock.advance(60)
    assert sqs.create_queue("q") == url


# -- send and receive -----------------------------------------------------------------------------


def test_send_and_receive_round_trip(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q")
    attributes = {
        "kind": {"DataType": "String", "StringValue": "order"},
        "n": {"DataType": "Number", "StringValue": "3"},
    }
    sent = sqs.send_message(url, "hello", message_attributes=attributes)
    assert sent["MD5OfMessageBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert len(sent["MD5OfMessageAttributes"]) == 32
    assert "SequenceNumber" not in sent
    clock.advance(2)
    [message] = sqs.try_receive_message(url, attribute_names=["All"], message_attribute_names=["All"])
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "hello"
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert message["Attributes"]["SentTimestamp"] == str(int(START.timestamp() * 1000))
    assert message["Attributes"]["ApproximateFirstReceiveTimestamp"] == str(
        int(START.timestamp() * 1000) + 2000
    )
    assert message["Attributes"]["SenderId"] == "123456789012"


def test_attribute_selection(sqs: SqsService) -> None:
    url = sqs.create_queue("q")
    sqs.send_message(
        url,
        "x",
        message_attributes={
            "order.id": {"DataType": "String", "StringValue": "1"},
            "order.kind": {"DataType": "String", "StringValue": "a"},
            "other": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    [message] = sqs.try_receive_message(
        url, attribute_names=["SentTimestamp"], message_attribute_names=["order.*"], visibility_timeout=0
    )
    assert set(message["Attributes"]) == {"SentTimestamp"}
    assert set(message["MessageAttributes"]) == {"order.id", "order.kind"}
    [message] = sqs.try_receive_message(url)
    assert "Attributes" not in message and "MessageAttributes" not in message
    with sqs_error("InvalidAttributeName"):
        sqs.try_receive_message(url, attribute_names=["Colour"])


def test_send_validation(sqs: SqsService) -> None:
    url = sqs.create_queue("q")
    with sqs_error("MissingParameter", "MessageBody"):
        sqs.send_message(url, "")
    with sqs_error("InvalidMessageContents"):
        sqs.send_message(url, "bad \x00 char")
    with sqs_error("InvalidParameterValue", "Message must be shorter than 1048576 bytes."):
        sqs.send_message(url, "x" * 1_048_577)
    sqs.send_message(url, "x" * 1_048_576)
    with sqs_error("InvalidParameterValue", "Message must be shorter"):  # attributes count towards the size
        sqs.send_message(
            url, "x" * 1_048_572, message_attributes={"a": {"DataType": "String", "StringValue": "yy"}}
        )
    small = sqs.create_queue("small", {"MaximumMessageSize": "1024"})
    with sqs_error("InvalidParameterValue", "Message must be shorter than 1024 bytes."):
        sqs.send_message(small, "x" * 1025)
    with sqs_error("InvalidAttributeValue"):
        sqs.create_queue("huge", {"MaximumMessageSize": "1048577"})
    with sqs_error("InvalidParameterValue", "Value 901 for parameter DelaySeconds is invalid."):
        sqs.send_message(url, "x", delay_seconds=901)
    with sqs_error("InvalidParameterValue", "not valid for this queue type"):
        sqs.send_message(url, "x", message_deduplication_id="d")
    too_many = {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}
    with sqs_error(
        "InvalidParameterValue", "Number of message attributes [11] exceeds the allowed maximum [10]."
    ):
        sqs.send_message(url, "x", message_attributes=too_many)
    with sqs_error("InvalidParameterValue", "must contain non-empty message attribute value"):
        sqs.send_message(url, "x", message_attributes={"a": {"DataType": "String"}})
    with sqs_error("InvalidParameterValue", "supported type prefixes"):
        sqs.send_message(url, "x", message_attributes={"a": {"DataType": "Text", "StringValue": "v"}})
    with sqs_error("InvalidParameterValue", "is invalid"):
        sqs.send_message(
            url, "x", message_attributes={"AWS.reserved": {"DataType": "String", "StringValue": "v"}}
        )
    with sqs_error("InvalidParameterValue", "to a number"):
        sqs.send_message(url, "x", message_attributes={"n": {"DataType": "Number", "StringValue": "abc"}})


def test_receive_parameter_limits(sqs: SqsService) -> None:
    url = sqs.create_queue("q")
    with sqs_error("InvalidParameterValue", "Value 11 for parameter MaxNumberOfMessages is invalid."):
        sqs.try_receive_message(url, max_number_of_messages=11)
    with sqs_error("InvalidParameterValue", "VisibilityTimeout"):
        sqs.try_receive_message(url, visibility_timeout=43_201)
    with sqs_error("InvalidParameterValue", "Value 21 for parameter WaitTimeSeconds is invalid."):
        asyncio.run(sqs.receive_message(url, wait_time_seconds=21))


def test_visibility_timeout_expiry_and_redelivery(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q", {"VisibilityTimeout": "30"})
    sqs.send_message(url, "job")
    [first] = receive(sqs, url)
    assert receive(sqs, url) == []
    assert sqs.depth(url).in_flight == 1
    clock.advance(29.9)
    assert receive(sqs, url) == []
    clock.advance(0.1)
    [second] = receive(sqs, url)
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    assert (
        second["Attributes"]["ApproximateFirstReceiveTimestamp"]
        == first["Attributes"]["ApproximateFirstReceiveTimestamp"]
    )
    # per-request VisibilityTimeout overrides the queue's
    clock.advance(30)
    receive(sqs, url, visibility_timeout=5)
    clock.advance(5)
    assert receive(sqs, url)[0]["Attributes"]["ApproximateReceiveCount"] == "4"


def test_delete_with_stale_and_current_handles(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q", {"VisibilityTimeout": "10"})
    sqs.send_message(url, "job")
    [first] = receive(sqs, url)
    clock.advance(10)
    [second] = receive(sqs, url)
    sqs.delete_message(url, first["ReceiptHandle"])  # standard queue: succeeds, deletes nothing
    assert sqs.depth(url).in_flight == 1
    sqs.delete_message(url, second["ReceiptHandle"])
    assert sqs.depth(url).total == 0
    sqs.delete_message(url, second["ReceiptHandle"])  # deleting twice succeeds
    other = sqs.create_queue("other")
    with sqs_error("ReceiptHandleIsInvalid", "is not valid for this queue"):
        sqs.delete_message(other, second["ReceiptHandle"])
    with sqs_error(
        "ReceiptHandleIsInvalid", 'The input receipt handle "garbage!" is not a valid receipt handle.'
    ):
        sqs.delete_message(url, "garbage!")


def test_change_message_visibility(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q", {"VisibilityTimeout": "30"})
    sqs.send_message(url, "job")
    [message] = receive(sqs, url)
    handle = message["ReceiptHandle"]
    clock.advance(20)
    sqs.change_message_visibility(url, handle, 60)  # counts from now: visible again at t=80
    clock.advance(59)
    assert receive(sqs, url) == []
    sqs.change_message_visibility(url, handle, 0)
    [again] = receive(sqs, url)
    assert again["MessageId"] == message["MessageId"]
    clock.advance(5)
    with sqs_error(
        "InvalidParameterValue", "Total VisibilityTimeout for the message is beyond the limit [43200"
    ):
        sqs.change_message_visibility(url, again["ReceiptHandle"], 43_200)  # 5 s already spent in flight
    with sqs_error("InvalidParameterValue", "not available for visibility timeout change"):
        sqs.change_message_visibility(url, handle, 10)  # a stale handle
    clock.advance(25)
    with sqs_error("AWS.SimpleQueueService.MessageNotInflight"):
        sqs.change_message_visibility(url, again["ReceiptHandle"], 10)
    [last] = receive(sqs, url)
    sqs.delete_message(url, last["ReceiptHandle"])
    with sqs_error("InvalidParameterValue", "Message does not exist"):
        sqs.change_message_visibility(url, last["ReceiptHandle"], 10)


def test_queue_and_message_delays(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q", {"DelaySeconds": "10"})
    sqs.send_message(url, "queue delay")
    sqs.send_message(url, "message delay", delay_seconds=3)
    sqs.send_message(url, "no delay", delay_seconds=0)
    attributes = sqs.get_queue_attributes(url)
    assert attributes["ApproximateNumberOfMessages"] == "1"
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "2"
    assert [m["Body"] for m in receive(sqs, url, max_number_of_messages=10)] == ["no delay"]
    clock.advance(3)
    assert [m["Body"] for m in receive(sqs, url, max_number_of_messages=10)] == ["message delay"]
    clock.advance(7)
    assert [m["Body"] for m in receive(sqs, url, max_number_of_messages=10)] == ["queue delay"]
    attributes = sqs.get_queue_attributes(url)
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "3"
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "0"


def test_retention_expires_messages_on_the_clock(sqs: SqsService, clock: VirtualClock) -> None:
    events: list[QueueEvent] = []
    sqs.subscribe(events.append)
    url = sqs.create_queue("q", {"MessageRetentionPeriod": "60"})
    sqs.send_message(url, "old")
    receive(sqs, url, visibility_timeout=120)  # retention applies to in-flight messages too
    clock.advance(30)
    sqs.send_message(url, "young")
    clock.advance(30)
    assert sqs.depth(url).total == 1
    assert [m["Body"] for m in receive(sqs, url)] == ["young"]
    assert [e.kind for e in events].count(QueueEventKind.EXPIRED) == 1
    default = sqs.create_queue("default")
    sqs.send_message(default, "x")
    clock.advance(4 * 86_400 - 1)
    assert sqs.depth(default).visible == 1
    clock.advance(1)
    assert sqs.depth(default).visible == 0


def test_purge_queue(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q")
    for i in range(3):
        sqs.send_message(url, str(i))
    receive(sqs, url)
    sqs.purge_queue(url)
    assert sqs.depth(url).total == 0
    with sqs_error(
        "AWS.SimpleQueueService.PurgeQueueInProgress", "Only one PurgeQueue operation on q is allowed"
    ):
        sqs.purge_queue(url)
    clock.advance(60)
    sqs.purge_queue(url)


def test_listeners_see_every_change_with_depths(sqs: SqsService, clock: VirtualClock) -> None:
    events: list[QueueEvent] = []
    sqs.subscribe(lambda event: 1 / 0)  # a broken observer never breaks delivery
    unsubscribe = sqs.subscribe(events.append)
    url = sqs.create_queue("q")
    sent = sqs.send_message(url, "a")
    sqs.send_message(url, "b", delay_seconds=5)
    [message] = receive(sqs, url)
    sqs.change_message_visibility(url, message["ReceiptHandle"], 40)
    sqs.delete_message(url, message["ReceiptHandle"])
    summary = [(e.kind, e.depth.visible, e.depth.in_flight, e.depth.delayed) for e in events]
    assert summary == [
        (QueueEventKind.QUEUE_CREATED, 0, 0, 0),
        (QueueEventKind.SENT, 1, 0, 0),
        (QueueEventKind.SENT, 1, 0, 1),
        (QueueEventKind.RECEIVED, 0, 1, 1),
        (QueueEventKind.VISIBILITY_CHANGED, 0, 1, 1),
        (QueueEventKind.DELETED, 0, 0, 1),
    ]
    assert events[1].message_id == sent["MessageId"] and events[1].detail["body"] == "a"
    assert events[1].queue_arn.endswith(":q") and events[1].timestamp == START.timestamp()
    unsubscribe()
    sqs.purge_queue(url)
    assert len(events) == 6


# -- long polling ---------------------------------------------------------------------------------


async def test_long_poll_wakes_when_a_message_arrives(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q")

    async def produce() -> None:
        await clock.sleep(3)
        sqs.send_message(url, "late")

    producer = asyncio.create_task(produce())
    messages = await sqs.receive_message(url, wait_time_seconds=20)
    await producer
    assert [m["Body"] for m in messages] == ["late"]
    assert clock.now().timestamp() - START.timestamp() == pytest.approx(3)


async def test_long_poll_wakes_when_visibility_or_delay_ends(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q", {"VisibilityTimeout": "7"})
    sqs.send_message(url, "x")
    receive(sqs, url)
    messages = await sqs.receive_message(url, wait_time_seconds=20)
    assert len(messages) == 1 and clock.now().timestamp() - START.timestamp() == pytest.approx(7)
    sqs.send_message(url, "delayed", delay_seconds=4)
    messages = await sqs.receive_message(url, wait_time_seconds=20)
    assert [m["Body"] for m in messages] == ["delayed"]
    assert clock.now().timestamp() - START.timestamp() == pytest.approx(11)


async def test_long_poll_times_out_empty_in_virtual_time(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q", {"ReceiveMessageWaitTimeSeconds": "20"})
    assert await sqs.receive_message(url) == []  # the queue's default wait applies
    assert clock.now().timestamp() - START.timestamp() == pytest.approx(20)
    assert await sqs.receive_message(url, wait_time_seconds=0) == []
    assert clock.now().timestamp() - START.timestamp() == pytest.approx(20)


async def test_long_poll_on_the_real_clock_wakes_on_a_send_from_another_thread() -> None:
    sqs = SqsService(clock=RealClock())
    url = sqs.create_queue("q")
    loop = asyncio.get_running_loop()
    timer = threading.Timer(0.05, sqs.send_message, args=(url, "from a thread"))
    started = loop.time()
    timer.start()
    messages = await sqs.receive_message(url, wait_time_seconds=5)
    timer.join()
    assert [m["Body"] for m in messages] == ["from a thread"]
    assert loop.time() - started < 2


async def test_several_pollers_share_the_messages(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q")
    pollers = [asyncio.create_task(sqs.receive_message(url, wait_time_seconds=10)) for _ in range(3)]
    await asyncio.sleep(0)
    sqs.send_message(url, "only one")
    results = await asyncio.gather(*pollers)
    assert sorted(len(r) for r in results) == [0, 0, 1]
