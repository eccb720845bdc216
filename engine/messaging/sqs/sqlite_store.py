"""The SQLite ``QueueStore``: queues, messages and deduplication entries in their own tables.

The file may be the engine's execution database or a separate one; the tables are prefixed
``sqs_`` so they never collide with the execution store's. WAL journal so the designer can read
queue depths while the engine writes; autocommit with one statement per change, so a message is
durable once ``send_message`` returns (the same promise the execution store makes for events).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.messaging.sqs.message import StoredMessage
from engine.messaging.sqs.store import DedupEntry, QueueRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sqs_queues (
    name TEXT PRIMARY KEY,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sqs_messages (
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (queue, message_id)
);
CREATE INDEX IF NOT EXISTS sqs_messages_order ON sqs_messages (queue, seq);
CREATE TABLE IF NOT EXISTS sqs_dedup (
    queue TEXT NOT NULL,
    key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence_number TEXT,
    expires_at REAL NOT NULL,
    PRIMARY KEY (queue, key)
);
"""


class QueueStoreClosed(RuntimeError):
    """The store was used after ``close()``."""


class SqliteQueueStore:
    """Queue state in one SQLite file (created, with its directory, if missing)."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 5.0) -> None:
        self.path = str(path)
        if self.path != ":memory:" and not self.path.startswith("file:"):
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._closed = False
        self._conn = sqlite3.connect(
            self.path,
            timeout=timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=self.path.startswith("file:"),
        )
        try:
            self.journal_mode: str = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.executescript(_SCHEMA)
        except BaseException:
            self._conn.close()
            raise

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        if self._closed:
            raise QueueStoreClosed("the queue store is closed")
        return self._conn.execute(sql, tuple(params))

    def load_queues(self) -> list[QueueRecord]:
        with self._lock:
            rows = self._execute("SELECT record FROM sqs_queues ORDER BY name").fetchall()
        return [QueueRecord(**json.loads(row[0])) for row in rows]

    def save_queue(self, record: QueueRecord) -> None:
        data = json.dumps(
            {
                "name": record.name,
                "attributes": record.attributes,
                "created_at": record.created_at,
                "modified_at": record.modified_at,
                "next_seq": record.next_seq,
                "last_purge_at": record.last_purge_at,
                "tags": record.tags,
            }
        )
        with self._lock:
            self._execute(
                "INSERT INTO sqs_queues (name, record) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET record = excluded.record",
                (record.name, data),
            )

    def delete_queue(self, name: str) -> None:
        with self._lock:
            self._execute("BEGIN")
            try:
                for table in ("sqs_queues", "sqs_messages", "sqs_dedup"):
                    column = "name" if table == "sqs_queues" else "queue"
                    self._conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def load_messages(self, queue: str) -> list[StoredMessage]:
        with self._lock:
            rows = self._execute(
                "SELECT data FROM sqs_messages WHERE queue = ? ORDER BY seq", (queue,)
            ).fetchall()
        return [StoredMessage.from_json(json.loads(row[0])) for row in rows]

    def put_message(self, queue: str, message: StoredMessage) -> None:
        data = json.dumps(message.to_json())
        with self._lock:
            self._execute(
                "INSERT INTO sqs_messages (queue, message_id, seq, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (queue, message_id) DO UPDATE SET seq = excluded.seq, data = excluded.data",
                (queue, message.message_id, message.seq, data),
            )

    def remove_messages(self, queue: str, message_ids: Iterable[str]) -> None:
        ids = [(queue, message_id) for message_id in message_ids]
        if not ids:
            return
        with self._lock:
            if self._closed:
                raise QueueStoreClosed("the queue store is closed")
            self._conn.executemany("DELETE FROM sqs_messages WHERE queue = ? AND message_id = ?", ids)

    def load_dedup(self, queue: str) -> list[DedupEntry]:
        with self._lock:
            rows = self._execute(
                "SELECT key, message_id, sequence_number, expires_at FROM sqs_dedup WHERE queue = ?", (queue,)
            ).fetchall()
        return [DedupEntry(*row) for row in rows]

    def put_dedup(self, queue: str, entry: DedupEntry) -> None:
        with self._lock:
            self._execute(
                "INSERT OR REPLACE INTO sqs_dedup (queue, key, message_id, sequence_number, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (queue, entry.key, entry.message_id, entry.sequence_number, entry.expires_at),
            )

    def prune_dedup(self, queue: str, now: float) -> None:
        with self._lock:
            self._execute("DELETE FROM sqs_dedup WHERE queue = ? AND expires_at <= ?", (queue, now))

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()
