"""Queue stores: everything a service needs to resume survives closing and reopening it."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.messaging.sqs import MemoryQueueStore, QueueStore, QueueStoreClosed, SqliteQueueStore, SqsService
from engine.runtime.clock import VirtualClock

START = datetime(2024, 1, 1, tzinfo=UTC)


def test_both_stores_satisfy_the_protocol(tmp_path: Path) -> None:
    sqlite_store = SqliteQueueStore(tmp_path / "q.db")
    assert isinstance(MemoryQueueStore(), QueueStore)
    assert isinstance(sqlite_store, QueueStore)
    assert sqlite_store.journal_mode == "wal"
    sqlite_store.close()
    sqlite_store.close()  # idempotent
    with pytest.raises(QueueStoreClosed):
        sqlite_store.load_queues()


def test_sqlite_persistence_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "queues.db"
    clock = VirtualClock(START)
    sqs = SqsService(clock=clock, store=SqliteQueueStore(path))
    dlq = sqs.create_queue("dlq")
    dlq_arn = sqs.get_queue_attributes(dlq, ["QueueArn"])["QueueArn"]
    work = sqs.create_queue(
        "work",
        {
            "VisibilityTimeout": "60",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
        },
    )
    fifo = sqs.create_queue("jobs.fifo", {"ContentBasedDeduplication": "true"})
    sqs.send_message(
        work, "in flight", message_attributes={"b": {"DataType": "Binary", "BinaryValue": b"\xff\x00"}}
    )
    sqs.send_message(work, "delayed", delay_seconds=120)
    [in_flight] = sqs.try_receive_message(work)
    first = sqs.send_message(fifo, "once", message_group_id="g")
    sqs.send_message(fifo, "twice", message_group_id="g")
    sqs.store.close()

    clock.advance(30)
    reopened = SqsService(clock=clock, store=SqliteQueueStore(path))
    assert reopened.list_queues() == [dlq, fifo, work]
    assert reopened.get_queue_attributes(work)["VisibilityTimeout"] == "60"
    depth = reopened.depth(work)
    assert (depth.visible, depth.in_flight, depth.delayed) == (0, 1, 1)
    # the receipt handle issued before the reopen is still the current one
    reopened.change_message_visibility(work, in_flight["ReceiptHandle"], 0)
    [again] = reopened.try_receive_message(
        work, attribute_names=["ApproximateReceiveCount"], message_attribute_names=["All"]
    )
    assert again["MessageId"] == in_flight["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again["MessageAttributes"]["b"]["BinaryValue"] == b"\xff\x00"
    # the FIFO deduplication window and sequence numbering carry on
    assert reopened.send_message(fifo, "once", message_group_id="g")["MessageId"] == first["MessageId"]
    third = reopened.send_message(fifo, "thrice", message_group_id="g")
    assert [m["Body"] for m in reopened.try_receive_message(fifo, max_number_of_messages=10)] == [
        "once",
        "twice",
        "thrice",
    ]
    assert int(third["SequenceNumber"]) > int(first["SequenceNumber"])
    # a receive after the reopen still honours the redrive policy
    clock.advance(60)
    assert reopened.try_receive_message(work, max_number_of_messages=10) == []
    clock.advance(60)
    assert [m["Body"] for m in reopened.try_receive_message(work, max_number_of_messages=10)] == ["delayed"]
    assert reopened.depth(dlq).visible == 1
    reopened.delete_queue(work)
    reopened.close()

    with sqlite3.connect(path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM sqs_queues ORDER BY name")]
        assert names == ["dlq", "jobs.fifo"]
        assert conn.execute("SELECT COUNT(*) FROM sqs_messages WHERE queue = 'work'").fetchone()[0] == 0


def test_sqlite_store_shares_a_file_with_other_tables(tmp_path: Path) -> None:
    path = tmp_path / "engine.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE executions (execution_arn TEXT PRIMARY KEY)")
    store = SqliteQueueStore(path)
    sqs = SqsService(clock=VirtualClock(START), store=store)
    sqs.send_message(sqs.create_queue("q"), "x")
    store.close()
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"executions", "sqs_queues", "sqs_messages", "sqs_dedup"} <= tables


def test_memory_store_shared_between_services() -> None:
    store = MemoryQueueStore()
    clock = VirtualClock(START)
    first = SqsService(clock=clock, store=store)
    url = first.create_queue("q")
    sent = first.send_message(url, "kept")
    second = SqsService(clock=clock, store=store)
    [message] = second.try_receive_message(url)
    assert message["MessageId"] == sent["MessageId"]


def test_purge_and_expiry_are_written_through(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    clock = VirtualClock(START)
    sqs = SqsService(clock=clock, store=SqliteQueueStore(path))
    url = sqs.create_queue("q", {"MessageRetentionPeriod": "60"})
    sqs.send_message(url, "expires")
    purged = sqs.create_queue("p")
    sqs.send_message(purged, "purged")
    clock.advance(60)
    assert sqs.depth(url).total == 0
    sqs.purge_queue(purged)
    sqs.close()
    reopened = SqsService(clock=clock, store=SqliteQueueStore(path))
    assert reopened.depth(url).total == 0 and reopened.depth(purged).total == 0
    with pytest.raises(Exception, match="PurgeQueueInProgress"):
        reopened.purge_queue(purged)  # the last purge time is persisted too
    reopened.close()
