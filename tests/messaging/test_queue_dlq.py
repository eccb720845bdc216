"""Receive counts, dead-letter queues, redrive policies and redrive back (message move tasks)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

import pytest

from engine.messaging.sqs import QueueEvent, QueueEventKind, SqsError, SqsService
from engine.runtime.clock import VirtualClock


@contextlib.contextmanager
def sqs_error(code: str, message: str | None = None) -> Iterator[None]:
    with pytest.raises(SqsError) as info:
        yield
    assert info.value.code == code, info.value
    if message is not None:
        assert message in info.value.message, info.value.message


def arn(sqs: SqsService, url: str) -> str:
    return sqs.get_queue_attributes(url, ["QueueArn"])["QueueArn"]


def redrive(target_arn: str, count: int = 3) -> str:
    return json.dumps({"deadLetterTargetArn": target_arn, "maxReceiveCount": count})


@pytest.fixture
def pair(sqs: SqsService) -> tuple[str, str]:
    dlq = sqs.create_queue("work-dlq")
    source = sqs.create_queue("work", {"VisibilityTimeout": "10", "RedrivePolicy": redrive(arn(sqs, dlq))})
    return source, dlq


def test_message_moves_when_a_receive_would_exceed_max_receive_count(
    sqs: SqsService, clock: VirtualClock, pair: tuple[str, str]
) -> None:
    source, dlq = pair
    events: list[QueueEvent] = []
    sqs.subscribe(events.append)
    sent = sqs.send_message(source, "poison")
    counts = []
    for _ in range(3):
        [message] = sqs.try_receive_message(source, attribute_names=["ApproximateReceiveCount"])
        counts.append(message["Attributes"]["ApproximateReceiveCount"])
        clock.advance(10)
    assert counts == ["1", "2", "3"]
    assert sqs.depth(dlq).total == 0  # only the fourth receive moves it
    assert sqs.try_receive_message(source) == []
    assert sqs.depth(source).total == 0
    [dead] = sqs.try_receive_message(dlq, attribute_names=["All"])
    assert dead["MessageId"] == sent["MessageId"] and dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == arn(sqs, source)
    assert dead["Attributes"]["ApproximateReceiveCount"] == "4"  # the count travels with the message
    moved = [e for e in events if e.kind == QueueEventKind.MOVED_TO_DLQ]
    assert (
        len(moved) == 1
        and moved[0].queue_name == "work"
        and moved[0].detail["dead_letter_queue"] == "work-dlq"
    )
    arrived = [e for e in events if e.kind == QueueEventKind.DEAD_LETTERED]
    assert arrived[0].queue_name == "work-dlq" and arrived[0].depth.visible == 1
    assert sqs.list_dead_letter_source_queues(dlq) == [source]


def test_receive_skips_over_dead_letters_to_fill_the_batch(
    sqs: SqsService, clock: VirtualClock, pair: tuple[str, str]
) -> None:
    source, dlq = pair
    sqs.set_queue_attributes(source, {"RedrivePolicy": redrive(arn(sqs, dlq), 1)})
    sqs.send_message(source, "old")
    sqs.try_receive_message(source)
    clock.advance(10)
    sqs.send_message(source, "new")
    assert [m["Body"] for m in sqs.try_receive_message(source, max_number_of_messages=10)] == ["new"]
    assert sqs.depth(dlq).visible == 1


def test_standard_dlq_keeps_the_enqueue_time_fifo_dlq_resets_it(sqs: SqsService, clock: VirtualClock) -> None:
    dlq = sqs.create_queue("dlq", {"MessageRetentionPeriod": "120"})
    source = sqs.create_queue("src", {"RedrivePolicy": redrive(arn(sqs, dlq), 1), "VisibilityTimeout": "100"})
    sqs.send_message(source, "x")
    sqs.try_receive_message(source)
    clock.advance(100)
    sqs.try_receive_message(source)  # moves: the message is already 100 s old
    assert sqs.depth(dlq).visible == 1
    clock.advance(20)
    assert sqs.depth(dlq).total == 0

    fifo_dlq = sqs.create_queue("dlq.fifo", {"MessageRetentionPeriod": "120"})
    fifo = sqs.create_queue(
        "src.fifo", {"RedrivePolicy": redrive(arn(sqs, fifo_dlq), 1), "VisibilityTimeout": "100"}
    )
    sqs.send_message(fifo, "x", message_group_id="g", message_deduplication_id="d")
    sqs.try_receive_message(fifo)
    clock.advance(100)
    sqs.try_receive_message(fifo)
    clock.advance(119)
    [dead] = sqs.try_receive_message(fifo_dlq, attribute_names=["All"])
    assert dead["Attributes"]["MessageDeduplicationId"] == dead["MessageId"]
    assert dead["Attributes"]["MessageGroupId"] == "g"


def test_redrive_policy_validation(sqs: SqsService) -> None:
    standard = sqs.create_queue("standard-dlq")
    fifo = sqs.create_queue("fifo-dlq.fifo")
    with sqs_error("InvalidParameterValue", "Dead letter target does not exist."):
        sqs.create_queue("a", {"RedrivePolicy": redrive("arn:aws:sqs:us-east-1:123456789012:missing")})
    with sqs_error("InvalidParameterValue", "same type of queue"):
        sqs.create_queue("b", {"RedrivePolicy": redrive(arn(sqs, fifo))})
    with sqs_error("InvalidParameterValue", "Invalid value for maxReceiveCount"):
        sqs.create_queue("c", {"RedrivePolicy": redrive(arn(sqs, standard), 0)})
    with sqs_error("InvalidParameterValue", "not a valid JSON map"):
        sqs.create_queue("d", {"RedrivePolicy": "{nope"})
    url = sqs.create_queue(
        "e", {"RedrivePolicy": {"deadLetterTargetArn": arn(sqs, standard), "maxReceiveCount": "5"}}
    )
    assert json.loads(sqs.get_queue_attributes(url)["RedrivePolicy"])["maxReceiveCount"] == "5"
    sqs.set_queue_attributes(url, {"RedrivePolicy": ""})  # an empty policy removes it
    assert "RedrivePolicy" not in sqs.get_queue_attributes(url)


def test_redrive_allow_policy(sqs: SqsService) -> None:
    dlq = sqs.create_queue("dlq", {"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})
    with sqs_error("InvalidParameterValue", "is not allowed to use"):
        sqs.create_queue("src", {"RedrivePolicy": redrive(arn(sqs, dlq))})
    allowed = "arn:aws:sqs:us-east-1:123456789012:allowed"
    sqs.set_queue_attributes(
        dlq, {"RedriveAllowPolicy": {"redrivePermission": "byQueue", "sourceQueueArns": [allowed]}}
    )
    sqs.create_queue("allowed", {"RedrivePolicy": redrive(arn(sqs, dlq))})
    with sqs_error("InvalidParameterValue", "is not allowed to use"):
        sqs.create_queue("other", {"RedrivePolicy": redrive(arn(sqs, dlq))})
    with sqs_error("InvalidParameterValue", "sourceQueueArns"):
        sqs.set_queue_attributes(dlq, {"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"})})
    with sqs_error("InvalidParameterValue", "redrivePermission"):
        sqs.set_queue_attributes(dlq, {"RedriveAllowPolicy": json.dumps({"redrivePermission": "maybe"})})


def _fill_dlq(sqs: SqsService, clock: VirtualClock, source: str, count: int) -> list[str]:
    ids = [sqs.send_message(source, f"m{i}")["MessageId"] for i in range(count)]
    for _ in range(4):
        sqs.try_receive_message(source, max_number_of_messages=10)
        clock.advance(10)
    return ids


def test_redrive_back_to_the_source_queue(
    sqs: SqsService, clock: VirtualClock, pair: tuple[str, str]
) -> None:
    source, dlq = pair
    original_ids = _fill_dlq(sqs, clock, source, 3)
    assert sqs.depth(dlq).visible == 3
    handle = sqs.start_message_move_task(arn(sqs, dlq))
    assert sqs.depth(dlq).total == 0
    back = sqs.try_receive_message(source, max_number_of_messages=10, attribute_names=["All"])
    assert sorted(m["Body"] for m in back) == ["m0", "m1", "m2"]
    assert not {m["MessageId"] for m in back} & set(original_ids)  # redriven messages are new messages
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in back} == {"1"}
    [task] = sqs.list_message_move_tasks(arn(sqs, dlq))
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3 and task["ApproximateNumberOfMessagesToMove"] == 3
    assert "TaskHandle" not in task
    with sqs_error("AWS.SimpleQueueService.UnsupportedOperation"):
        sqs.cancel_message_move_task(handle)


def test_redrive_to_an_explicit_destination(
    sqs: SqsService, clock: VirtualClock, pair: tuple[str, str]
) -> None:
    source, dlq = pair
    elsewhere = sqs.create_queue("elsewhere")
    _fill_dlq(sqs, clock, source, 2)
    sqs.start_message_move_task(arn(sqs, dlq), destination_arn=arn(sqs, elsewhere))
    assert sqs.depth(elsewhere).visible == 2 and sqs.depth(source).total == 0


def test_move_task_errors(sqs: SqsService, pair: tuple[str, str]) -> None:
    source, dlq = pair
    with sqs_error("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue."):
        sqs.start_message_move_task(arn(sqs, source))
    with sqs_error("ResourceNotFoundException"):
        sqs.start_message_move_task("arn:aws:sqs:us-east-1:123456789012:missing")
    with sqs_error("ResourceNotFoundException"):
        sqs.start_message_move_task(
            arn(sqs, dlq), destination_arn="arn:aws:sqs:us-east-1:123456789012:missing"
        )
    with sqs_error("InvalidParameterValue", "MaxNumberOfMessagesPerSecond"):
        sqs.start_message_move_task(arn(sqs, dlq), max_number_of_messages_per_second=501)
    with sqs_error("ResourceNotFoundException"):
        sqs.cancel_message_move_task("nope")


async def test_paced_move_task_runs_on_the_clock_and_can_be_cancelled(
    sqs: SqsService, clock: VirtualClock, pair: tuple[str, str]
) -> None:
    source, dlq = pair
    _fill_dlq(sqs, clock, source, 5)
    dlq_arn = arn(sqs, dlq)
    started = clock.now().timestamp()
    sqs.start_message_move_task(dlq_arn, max_number_of_messages_per_second=2)
    while sqs.list_message_move_tasks(dlq_arn)[0]["Status"] == "RUNNING":
        await clock.sleep(0.5)
    assert sqs.depth(source).visible == 5
    assert clock.now().timestamp() - started == pytest.approx(2, abs=0.6)

    sqs.purge_queue(source)
    _fill_dlq(sqs, clock, source, 5)
    handle = sqs.start_message_move_task(dlq_arn, max_number_of_messages_per_second=1)
    with sqs_error("AWS.SimpleQueueService.UnsupportedOperation", "Only one active message movement task"):
        sqs.start_message_move_task(dlq_arn)
    await clock.sleep(1.5)
    moved = sqs.cancel_message_move_task(handle)
    await asyncio.sleep(0)
    assert moved == 2
    tasks = sqs.list_message_move_tasks(dlq_arn, max_results=10)
    assert [t["Status"] for t in tasks] == ["CANCELLED", "COMPLETED"]
    assert sqs.depth(dlq).visible == 3
