"""Where queues and their messages live: the ``QueueStore`` protocol and its in-memory implementation.

The queue service keeps its working state in memory and writes every change through to a store, so
a store only has to save and load -- it never decides anything about visibility or ordering. That
keeps the two implementations (this one and :mod:`engine.messaging.sqs.sqlite_store`) small and makes
them interchangeable: a service reopened over the same SQLite file resumes with the same queues,
in-flight messages, receipt handles and deduplication window.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from engine.messaging.sqs.message import StoredMessage


@dataclass
class QueueRecord:
    """A queue's configuration and counters (not its messages)."""

    name: str
    attributes: dict[str, str]
    created_at: float
    modified_at: float
    next_seq: int = 1
    last_purge_at: float | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DedupEntry:
    """A FIFO deduplication key seen within the window, and the message it was first sent as."""

    key: str
    message_id: str
    sequence_number: str | None
    expires_at: float


@runtime_checkable
class QueueStore(Protocol):
    def load_queues(self) -> list[QueueRecord]: ...

    def save_queue(self, record: QueueRecord) -> None: ...

    def delete_queue(self, name: str) -> None:
        """Forget the queue with its messages and deduplication entries."""

    def load_messages(self, queue: str) -> list[StoredMessage]:
        """The queue's messages in send order (``seq``)."""

    def put_message(self, queue: str, message: StoredMessage) -> None:
        """Insert or replace a message (by ``message_id``)."""

    def remove_messages(self, queue: str, message_ids: Iterable[str]) -> None: ...

    def load_dedup(self, queue: str) -> list[DedupEntry]: ...

    def put_dedup(self, queue: str, entry: DedupEntry) -> None: ...

    def prune_dedup(self, queue: str, now: float) -> None:
        """Drop entries whose window ended at or before ``now``."""

    def close(self) -> None: ...


def _copy_record(record: QueueRecord) -> QueueRecord:
    return QueueRecord(
        record.name,
        dict(record.attributes),
        record.created_at,
        record.modified_at,
        record.next_seq,
        record.last_purge_at,
        dict(record.tags),
    )


class MemoryQueueStore:
    """Dictionaries behind a lock. Messages are kept as JSON text so nothing aliases the live state.

    Two services given the same instance see the same queues (as two opens of one SQLite file would),
    which lets tests exercise "reopen" without touching the disk.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._queues: dict[str, QueueRecord] = {}
        self._messages: dict[str, dict[str, tuple[int, str]]] = {}
        self._dedup: dict[str, dict[str, DedupEntry]] = {}

    def load_queues(self) -> list[QueueRecord]:
        with self._lock:
            return [_copy_record(record) for record in self._queues.values()]

    def save_queue(self, record: QueueRecord) -> None:
        with self._lock:
            self._queues[record.name] = _copy_record(record)
            self._messages.setdefault(record.name, {})
            self._dedup.setdefault(record.name, {})

    def delete_queue(self, name: str) -> None:
        with self._lock:
            self._queues.pop(name, None)
            self._messages.pop(name, None)
            self._dedup.pop(name, None)

    def load_messages(self, queue: str) -> list[StoredMessage]:
        with self._lock:
            rows = sorted(self._messages.get(queue, {}).values())
        return [StoredMessage.from_json(json.loads(text)) for _, text in rows]

    def put_message(self, queue: str, message: StoredMessage) -> None:
        text = json.dumps(message.to_json())
        with self._lock:
            self._messages.setdefault(queue, {})[message.message_id] = (message.seq, text)

    def remove_messages(self, queue: str, message_ids: Iterable[str]) -> None:
        with self._lock:
            messages = self._messages.get(queue, {})
            for message_id in message_ids:
                messages.pop(message_id, None)

    def load_dedup(self, queue: str) -> list[DedupEntry]:
        with self._lock:
            return list(self._dedup.get(queue, {}).values())

    def put_dedup(self, queue: str, entry: DedupEntry) -> None:
        with self._lock:
            self._dedup.setdefault(queue, {})[entry.key] = entry

    def prune_dedup(self, queue: str, now: float) -> None:
        with self._lock:
            entries = self._dedup.get(queue, {})
            for key in [key for key, entry in entries.items() if entry.expires_at <= now]:
                del entries[key]

    def close(self) -> None:
        """Nothing to release; kept for the protocol."""
