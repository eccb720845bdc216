"""One queue's semantics: sending, FIFO ordering and deduplication, visibility, deletion, retention.

A :class:`Queue` knows nothing about other queues, clocks or listeners: every method takes ``now``
(epoch seconds) and returns what changed, and the service (:mod:`engine.messaging.sqs.service`)
routes dead letters, emits events and wakes long polls. Keeping time an argument is what lets the
same code run on the virtual clock (a 12-hour visibility timeout costs nothing) and on real time.
Every change is written through to the queue's store before the method returns.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from engine.messaging.sqs.config import (
    DEDUPLICATION_WINDOW_SECONDS,
    MAX_DELAY_SECONDS,
    MAX_VISIBILITY_TIMEOUT,
    QueueSettings,
)
from engine.messaging.sqs.errors import (
    invalid_value,
    message_not_inflight,
    message_too_long,
    missing_parameter,
    not_available_for_visibility_change,
    not_for_queue_type,
    receipt_handle_expired,
    receipt_handle_other_queue,
)
from engine.messaging.sqs.events import QueueDepth
from engine.messaging.sqs.message import (
    StoredMessage,
    check_body,
    make_receipt_handle,
    md5_hex,
    md5_of_attributes,
    message_size,
    normalize_message_attributes,
)
from engine.messaging.sqs.store import DedupEntry, QueueRecord, QueueStore

_FIFO_ID = re.compile(r"[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}")


def _check_fifo_id(parameter: str, value: Any) -> str:
    if not isinstance(value, str) or not _FIFO_ID.fullmatch(value):
        raise invalid_value(
            parameter,
            value,
            f"{parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )
    return value


def check_visibility_timeout(value: Any, parameter: str = "VisibilityTimeout") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VISIBILITY_TIMEOUT:
        raise invalid_value(parameter, value, f"Must be >= 0 and <= {MAX_VISIBILITY_TIMEOUT}, if provided.")
    return value


class Queue:
    """A queue's messages (in send order) and deduplication window, written through to ``store``."""

    def __init__(
        self,
        record: QueueRecord,
        store: QueueStore,
        *,
        arn: str,
        url: str,
        messages: list[StoredMessage] | None = None,
        dedup: list[DedupEntry] | None = None,
    ) -> None:
        self.record = record
        self.store = store
        self.arn = arn
        self.url = url
        self.settings = QueueSettings(record.name, record.attributes)
        self.messages: dict[str, StoredMessage] = {m.message_id: m for m in sorted(messages or (), key=_seq)}
        self.dedup: dict[str, DedupEntry] = {entry.key: entry for entry in dedup or ()}
        # Lower bounds of the oldest enqueue time and the earliest dedup expiry: while nothing can be
        # due, `expire` answers without walking every message (a send must not cost O(queue length)).
        self._oldest_enqueued = min((m.enqueued_at for m in self.messages.values()), default=float("inf"))
        self._first_dedup_expiry = min((e.expires_at for e in self.dedup.values()), default=float("inf"))

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def fifo(self) -> bool:
        return self.settings.fifo

    # -- bookkeeping ------------------------------------------------------------------------------

    def save_record(self, now: float | None = None) -> None:
        self.record.attributes = dict(self.settings.attributes)
        if now is not None:
            self.record.modified_at = now
        self.store.save_queue(self.record)

    def _next_seq(self) -> int:
        seq = self.record.next_seq
        self.record.next_seq += 1
        return seq

    def depth(self, now: float) -> QueueDepth:
        visible = in_flight = delayed = 0
        for message in self.messages.values():
            if message.visible_at <= now:
                visible += 1
            elif message.receipt_handle is None:
                delayed += 1
            else:
                in_flight += 1
        return QueueDepth(visible, in_flight, delayed)

    def next_change_after(self, now: float) -> float | None:
        """When the next delayed or in-flight message becomes visible (what a long poll sleeps until)."""
        pending = [m.visible_at for m in self.messages.values() if m.visible_at > now]
        return min(pending) if pending else None

    def expire(self, now: float) -> list[StoredMessage]:
        """Drop messages past the retention period and deduplication entries past their window."""
        limit = self.settings.retention_seconds
        if self._oldest_enqueued + limit > now and self._first_dedup_expiry > now:
            return []
        expired = [m for m in self.messages.values() if m.enqueued_at + limit <= now]
        self._oldest_enqueued = min(
            (m.enqueued_at for m in self.messages.values() if m.enqueued_at + limit > now),
            default=float("inf"),
        )
        for message in expired:
            del self.messages[message.message_id]
        if expired:
            self.store.remove_messages(self.name, [m.message_id for m in expired])
        stale = [key for key, entry in self.dedup.items() if entry.expires_at <= now]
        for key in stale:
            del self.dedup[key]
        self._first_dedup_expiry = min((e.expires_at for e in self.dedup.values()), default=float("inf"))
        if stale:
            self.store.prune_dedup(self.name, now)
        return expired

    # -- sending ----------------------------------------------------------------------------------

    def build_message(
        self,
        body: Any,
        *,
        now: float,
        sender_id: str,
        delay_seconds: Any = None,
        message_attributes: Mapping[str, Any] | None = None,
        system_attributes: Mapping[str, Any] | None = None,
        group_id: Any = None,
        deduplication_id: Any = None,
    ) -> StoredMessage:
        """Validate a SendMessage request as AWS does and build (not yet enqueue) its message."""
        body = check_body(body)
        attributes = normalize_message_attributes(message_attributes)
        system = normalize_message_attributes(system_attributes) if system_attributes else {}
        if set(system) - {"AWSTraceHeader"}:
            raise invalid_value(
                "MessageSystemAttributes", ",".join(sorted(system)), "Only AWSTraceHeader is supported."
            )
        limit = self.settings.maximum_message_size
        if message_size(body, attributes) > limit:
            raise message_too_long(limit)
        if delay_seconds is not None:
            if self.fifo:
                raise not_for_queue_type("DelaySeconds", delay_seconds)
            if isinstance(delay_seconds, bool) or not isinstance(delay_seconds, int):
                raise invalid_value("DelaySeconds", delay_seconds, "DelaySeconds must be an integer.")
            if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
                raise invalid_value(
                    "DelaySeconds", delay_seconds, f"DelaySeconds must be >= 0 and <= {MAX_DELAY_SECONDS}"
                )
        delay = self.settings.delay_seconds if delay_seconds is None else delay_seconds
        if self.fifo:
            if group_id is None:
                raise missing_parameter("MessageGroupId")
            group_id = _check_fifo_id("MessageGroupId", group_id)
            if deduplication_id is None:
                if not self.settings.content_based_deduplication:
                    raise invalid_value(
                        "MessageDeduplicationId",
                        None,
                        "The queue should either have ContentBasedDeduplication enabled or "
                        "MessageDeduplicationId provided explicitly",
                    )
                deduplication_id = hashlib.sha256(body.encode("utf-8")).hexdigest()
            deduplication_id = _check_fifo_id("MessageDeduplicationId", deduplication_id)
        else:
            if deduplication_id is not None:
                raise not_for_queue_type("MessageDeduplicationId", deduplication_id)
            if group_id is not None:  # standard queues accept a group id (fair queues) and report it back
                group_id = _check_fifo_id("MessageGroupId", group_id)
        return StoredMessage(
            message_id=str(uuid.uuid4()),
            body=body,
            seq=0,
            sent_at=now,
            enqueued_at=now,
            visible_at=now + delay,
            md5_of_body=md5_hex(body.encode("utf-8")),
            message_attributes=attributes,
            md5_of_message_attributes=md5_of_attributes(attributes),
            system_attributes=system,
            sender_id=sender_id,
            group_id=group_id,
            deduplication_id=deduplication_id,
        )

    def dedup_key(self, message: StoredMessage) -> str | None:
        if not self.fifo or message.deduplication_id is None:
            return None
        if self.settings.deduplication_scope == "messageGroup":
            return f"{message.group_id}\x00{message.deduplication_id}"
        return message.deduplication_id

    def duplicate_of(self, message: StoredMessage, now: float) -> DedupEntry | None:
        """The earlier send this one duplicates, if its deduplication window is still open."""
        key = self.dedup_key(message)
        entry = self.dedup.get(key) if key is not None else None
        return entry if entry is not None and entry.expires_at > now else None

    def enqueue(self, message: StoredMessage, now: float) -> StoredMessage:
        """Append a built (or moved) message: number it, remember its dedup key, persist both."""
        message.seq = self._next_seq()
        if self.fifo:
            message.sequence_number = f"{message.seq:020d}"
            key = self.dedup_key(message)
            if key is not None:
                entry = DedupEntry(
                    key, message.message_id, message.sequence_number, now + DEDUPLICATION_WINDOW_SECONDS
                )
                self.dedup[key] = entry
                self.store.put_dedup(self.name, entry)
                self._first_dedup_expiry = min(self._first_dedup_expiry, entry.expires_at)
        self.messages[message.message_id] = message
        self._oldest_enqueued = min(self._oldest_enqueued, message.enqueued_at)
        self.store.put_message(self.name, message)
        self.save_record()
        return message

    # -- receiving --------------------------------------------------------------------------------

    def receive(
        self,
        now: float,
        max_messages: int,
        visibility_timeout: int,
        dead_letter: Callable[[StoredMessage], bool],
    ) -> tuple[list[StoredMessage], list[StoredMessage]]:
        """Deliver up to ``max_messages``; returns ``(delivered, moved_to_dead_letter_queue)``.

        A message already received ``maxReceiveCount`` times is offered to ``dead_letter`` instead of
        being delivered a further time. In a FIFO queue a group with a message in flight is skipped
        entirely, and a delayed message holds back the rest of its group, so each group is strictly
        ordered; several messages of one group may be delivered together, in order.
        """
        policy = self.settings.redrive_policy
        delivered: list[StoredMessage] = []
        moved: list[StoredMessage] = []
        blocked: set[str | None] = set()
        if self.fifo:
            blocked = {m.group_id for m in self.messages.values() if m.in_flight(now)}
        for message in list(self.messages.values()):
            if len(delivered) >= max_messages:
                break
            if self.fifo and message.group_id in blocked:
                continue
            if message.visible_at > now:
                if self.fifo:
                    blocked.add(message.group_id)
                continue
            if (
                policy is not None
                and message.receive_count >= policy.max_receive_count
                and dead_letter(message)
            ):
                self.remove(message)
                moved.append(message)
                continue
            message.receive_count += 1
            if message.first_received_at is None:
                message.first_received_at = now
            message.received_at = now
            message.visible_at = now + visibility_timeout
            message.receipt_handle = make_receipt_handle(self.arn, message.message_id, uuid.uuid4().hex)
            self.store.put_message(self.name, message)
            delivered.append(message)
        return delivered, moved

    def remove(self, message: StoredMessage) -> None:
        self.messages.pop(message.message_id, None)
        self.store.remove_messages(self.name, [message.message_id])

    def _by_handle(self, handle: str, queue_arn: str, message_id: str) -> StoredMessage | None:
        if queue_arn != self.arn:
            raise receipt_handle_other_queue(handle)
        return self.messages.get(message_id)

    def delete(self, handle: str, queue_arn: str, message_id: str, now: float) -> StoredMessage | None:
        """DeleteMessage: the deleted message, or ``None`` when the call succeeds without deleting.

        AWS semantics: deleting an already-deleted message succeeds; on a standard queue a stale
        (not most recent) handle succeeds but deletes nothing; on a FIFO queue a stale handle, or the
        latest one after its visibility timeout ran out, is refused as expired.
        """
        message = self._by_handle(handle, queue_arn, message_id)
        if message is None:
            return None
        if message.receipt_handle != handle:
            if self.fifo:
                raise receipt_handle_expired(handle)
            return None
        if self.fifo and not message.in_flight(now):
            raise receipt_handle_expired(handle)
        self.remove(message)
        return message

    def change_visibility(
        self, handle: str, queue_arn: str, message_id: str, timeout: Any, now: float
    ) -> StoredMessage:
        """ChangeMessageVisibility: the timeout counts from now, within 12 hours of the receive."""
        timeout = check_visibility_timeout(timeout)
        message = self._by_handle(handle, queue_arn, message_id)
        if message is None or message.receipt_handle != handle:
            raise not_available_for_visibility_change(handle)
        if not message.in_flight(now):
            raise message_not_inflight()
        received_at = message.received_at if message.received_at is not None else now
        if now + timeout - received_at > MAX_VISIBILITY_TIMEOUT:
            raise invalid_value(
                "VisibilityTimeout",
                timeout,
                "Total VisibilityTimeout for the message is beyond the limit "
                f"[{MAX_VISIBILITY_TIMEOUT} seconds]",
            )
        message.visible_at = now + timeout
        self.store.put_message(self.name, message)
        return message

    def purge(self) -> list[StoredMessage]:
        purged = list(self.messages.values())
        self.messages.clear()
        self.store.remove_messages(self.name, [m.message_id for m in purged])
        return purged


def _seq(message: StoredMessage) -> int:
    return message.seq
