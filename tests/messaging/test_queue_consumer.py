"""QueueConsumer: Lambda's SQS event shape, delete on success, retries, partial batch failure, DLQ."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.messaging.sqs import QueueConsumer, QueueEvent, QueueEventKind, SqsService
from engine.runtime.clock import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)


def with_dlq(sqs: SqsService, max_receive_count: int = 3, **attributes: str) -> tuple[str, str]:
    dlq = sqs.create_queue("orders-dlq")
    dlq_arn = sqs.get_queue_attributes(dlq, ["QueueArn"])["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    source = sqs.create_queue("orders", {"VisibilityTimeout": "30", "RedrivePolicy": policy, **attributes})
    return source, dlq


async def test_lambda_event_shape_and_delete_on_success(sqs: SqsService) -> None:
    url = sqs.create_queue("orders")
    sent = sqs.send_message(
        url,
        '{"id": 1}',
        message_attributes={
            "kind": {"DataType": "String", "StringValue": "order"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )
    events: list[dict[str, Any]] = []
    contexts: list[Any] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        events.append(event)
        contexts.append(context)

    consumer = QueueConsumer(sqs, url, handler, function_name="order-handler")
    outcome = await consumer.poll_once()
    assert (outcome.received, outcome.deleted, outcome.failed) == (1, 1, 0)
    [record] = events[0]["Records"]
    assert record["messageId"] == sent["MessageId"]
    assert record["body"] == '{"id": 1}'
    assert record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:orders"
    assert record["awsRegion"] == "us-east-1"
    assert record["receiptHandle"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "order",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["raw"]["binaryValue"] == "AQI="
    assert contexts[0].function_name == "order-handler"
    assert contexts[0].invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:order-handler"
    assert sqs.depth(url).total == 0


async def test_poison_message_lands_in_the_dlq_after_max_receive_count(
    sqs: SqsService, clock: VirtualClock
) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=3)
    events: list[QueueEvent] = []
    sqs.subscribe(events.append)
    sqs.send_message(source, "good")
    sqs.send_message(source, "poison")
    calls: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        for record in event["Records"]:
            calls.append(record["body"])
            if record["body"] == "poison":
                raise ValueError("cannot process")

    consumer = QueueConsumer(sqs, source, handler, batch_size=1)
    await consumer.drain()
    assert calls.count("poison") == 3 and calls.count("good") == 1
    [dead] = sqs.try_receive_message(dlq, attribute_names=["ApproximateReceiveCount"])
    assert dead["Body"] == "poison"
    assert sqs.depth(source).total == 0
    assert [e.kind for e in events].count(QueueEventKind.MOVED_TO_DLQ) == 1
    # each retry came back only after the visibility timeout, on virtual time
    assert clock.now().timestamp() - START.timestamp() >= 3 * 30
    assert any(isinstance(o.error, ValueError) for o in consumer.outcomes)


async def test_partial_batch_failure(sqs: SqsService, clock: VirtualClock) -> None:
    source, dlq = with_dlq(sqs, max_receive_count=2)
    for i in range(4):
        sqs.send_message(source, str(i))

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failed = [r["messageId"] for r in event["Records"] if int(r["body"]) % 2]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    consumer = QueueConsumer(sqs, source, handler, report_batch_item_failures=True)
    outcome = await consumer.poll_once()
    assert (outcome.received, outcome.deleted, outcome.failed) == (4, 2, 2)
    assert sqs.depth(source).in_flight == 2
    await consumer.drain()
    assert sorted(m["Body"] for m in sqs.try_receive_message(dlq, max_number_of_messages=10)) == ["1", "3"]


async def test_batch_item_failures_are_ignored_unless_reported(sqs: SqsService) -> None:
    url = sqs.create_queue("q")
    sqs.send_message(url, "x")

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}

    outcome = await QueueConsumer(sqs, url, handler).poll_once()
    assert outcome.deleted == 1 and sqs.depth(url).total == 0


async def test_an_unknown_item_identifier_fails_the_whole_batch(sqs: SqsService) -> None:
    url = sqs.create_queue("q")
    for i in range(3):
        sqs.send_message(url, str(i))

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}

    consumer = QueueConsumer(sqs, url, handler, report_batch_item_failures=True)
    outcome = await consumer.poll_once()
    assert (outcome.deleted, outcome.failed) == (0, 3)
    assert sqs.depth(url).in_flight == 3
    empty = QueueConsumer(
        sqs, url, lambda event, context: {"batchItemFailures": []}, report_batch_item_failures=True
    )
    sqs.purge_queue(url)
    sqs.send_message(url, "y")
    assert (await empty.poll_once()).deleted == 1


async def test_async_target_such_as_a_state_machine_start(sqs: SqsService) -> None:
    url = sqs.create_queue("starts.fifo", {"ContentBasedDeduplication": "true"})
    for i in range(3):
        sqs.send_message(url, json.dumps({"n": i}), message_group_id="g")
    started: list[dict[str, Any]] = []

    async def start_execution(event: dict[str, Any], context: Any) -> None:
        await asyncio.sleep(0)
        started.extend(json.loads(record["body"]) for record in event["Records"])

    consumer = QueueConsumer(sqs, url, start_execution, batch_size=2)
    await consumer.drain()
    assert started == [{"n": 0}, {"n": 1}, {"n": 2}]


async def test_background_consumer_wakes_on_new_messages(sqs: SqsService, clock: VirtualClock) -> None:
    url = sqs.create_queue("q")
    seen: list[str] = []
    done = asyncio.Event()

    async def handler(event: dict[str, Any], context: Any) -> None:
        seen.extend(record["body"] for record in event["Records"])
        if len(seen) == 3:
            done.set()

    consumer = QueueConsumer(sqs, url, handler)
    consumer.start()

    async def produce() -> None:
        for body in ("a", "b", "c"):
            await clock.sleep(5)
            sqs.send_message(url, body)

    await produce()
    await asyncio.wait_for(done.wait(), timeout=5)
    await consumer.stop()
    assert seen == ["a", "b", "c"]
    assert sqs.depth(url).total == 0


def test_batch_size_limits(sqs: SqsService) -> None:
    url = sqs.create_queue("q")
    with pytest.raises(ValueError):
        QueueConsumer(sqs, url, lambda event, context: None, batch_size=11)
