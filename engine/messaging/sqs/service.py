"""The local SQS: the message actions, dead-letter routing and long polling.

One :class:`SqsService` plays the part of SQS in one account and region. Methods mirror the API
actions (snake_case arguments, AWS-shaped results) and raise :class:`SqsError` with AWS's codes.
Everything is synchronous and thread-safe except ``receive_message``, which is async because long
polling waits: on the injected clock, so under :class:`~engine.runtime.clock.VirtualClock` a
20-second poll or a visibility timeout takes no real time, and a send from another task (or
thread) wakes the poll at once. Queue-level actions live in the base class,
:class:`~engine.messaging.sqs.registry.QueueRegistry`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from engine.messaging.sqs import batch
from engine.messaging.sqs.config import MAX_WAIT_SECONDS, RedrivePolicy
from engine.messaging.sqs.errors import invalid_value
from engine.messaging.sqs.events import QueueEventKind
from engine.messaging.sqs.message import (
    StoredMessage,
    parse_receipt_handle,
    render_received,
    system_attribute_names,
)
from engine.messaging.sqs.moves import MessageMoveTasks
from engine.messaging.sqs.queue import Queue, check_visibility_timeout
from engine.messaging.sqs.registry import QueueRegistry
from engine.messaging.sqs.store import QueueStore
from engine.runtime.clock import Clock


class SqsService(QueueRegistry):
    """The SQS API of one account/region: :class:`QueueRegistry` plus messages and redrive tasks."""

    def __init__(
        self, *, clock: Clock | None = None, store: QueueStore | None = None, **options: Any
    ) -> None:
        """``options``: ``account_id``, ``region``, ``sender_id``, ``enforce_recreate_delay``."""
        super().__init__(clock=clock, store=store, **options)
        self.moves = MessageMoveTasks(self)

    # -- messages ---------------------------------------------------------------------------------

    def send_message(
        self,
        queue: str,
        message_body: Any,
        *,
        delay_seconds: int | None = None,
        message_attributes: Mapping[str, Any] | None = None,
        message_system_attributes: Mapping[str, Any] | None = None,
        message_group_id: str | None = None,
        message_deduplication_id: str | None = None,
    ) -> dict[str, Any]:
        """SendMessage: ``{MessageId, MD5OfMessageBody[, MD5OfMessageAttributes][, SequenceNumber]}``.

        A FIFO send whose deduplication id was seen within five minutes is accepted but not enqueued;
        the response names the original message (as AWS does).
        """
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            self.sweep(found, now)
            message = found.build_message(
                message_body,
                now=now,
                sender_id=self.sender_id,
                delay_seconds=delay_seconds,
                message_attributes=message_attributes,
                system_attributes=message_system_attributes,
                group_id=message_group_id,
                deduplication_id=message_deduplication_id,
            )
            response: dict[str, Any] = {"MD5OfMessageBody": message.md5_of_body}
            if message.md5_of_message_attributes:
                response["MD5OfMessageAttributes"] = message.md5_of_message_attributes
            duplicate = found.duplicate_of(message, now)
            if duplicate is not None:
                response["MessageId"] = duplicate.message_id
                if duplicate.sequence_number:
                    response["SequenceNumber"] = duplicate.sequence_number
                self.emit(QueueEventKind.DEDUPLICATED, found, now, duplicate.message_id)
                return response
            found.enqueue(message, now)
            response["MessageId"] = message.message_id
            if message.sequence_number:
                response["SequenceNumber"] = message.sequence_number
            self.notify(found)
            self.emit(
                QueueEventKind.SENT,
                found,
                now,
                message.message_id,
                body=message.body,
                group_id=message.group_id,
                delay_seconds=max(0.0, message.visible_at - now),
            )
            return response

    def send_message_batch(
        self, queue: str, entries: list[Mapping[str, Any]]
    ) -> dict[str, list[dict[str, Any]]]:
        """SendMessageBatch: ``{Successful: [...], Failed: [...]}`` with AWS's per-entry errors."""
        return batch.send_message_batch(self, queue, entries)

    def try_receive_message(
        self,
        queue: str,
        *,
        max_number_of_messages: int = 1,
        visibility_timeout: int | None = None,
        attribute_names: Iterable[str] | None = None,
        message_system_attribute_names: Iterable[str] | None = None,
        message_attribute_names: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        """ReceiveMessage without waiting (short polling): whatever is receivable right now."""
        if (
            isinstance(max_number_of_messages, bool)
            or not isinstance(max_number_of_messages, int)
            or not (1 <= max_number_of_messages <= 10)
        ):
            raise invalid_value(
                "MaxNumberOfMessages", max_number_of_messages, "Must be between 1 and 10, if provided."
            )
        if visibility_timeout is not None:
            check_visibility_timeout(visibility_timeout)
        names = system_attribute_names([*(attribute_names or ()), *(message_system_attribute_names or ())])
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            self.sweep(found, now)
            timeout = found.settings.visibility_timeout if visibility_timeout is None else visibility_timeout
            delivered, _ = found.receive(
                now, max_number_of_messages, timeout, lambda message: self._dead_letter(found, message, now)
            )
            for message in delivered:
                self.emit(
                    QueueEventKind.RECEIVED,
                    found,
                    now,
                    message.message_id,
                    receive_count=message.receive_count,
                )
            return [render_received(m, names, message_attribute_names) for m in delivered]

    async def receive_message(
        self,
        queue: str,
        *,
        max_number_of_messages: int = 1,
        visibility_timeout: int | None = None,
        wait_time_seconds: int | None = None,
        attribute_names: Iterable[str] | None = None,
        message_system_attribute_names: Iterable[str] | None = None,
        message_attribute_names: Iterable[str] | None = None,
        receive_request_attempt_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """ReceiveMessage with long polling: returns as soon as any message is receivable.

        ``wait_time_seconds`` defaults to the queue's ReceiveMessageWaitTimeSeconds. While waiting
        the poll wakes on any send or visibility change to the queue and at the moment the next
        delayed or in-flight message becomes visible. ``receive_request_attempt_id`` is accepted
        for API compatibility; retried FIFO receives are not deduplicated.
        """
        del receive_request_attempt_id
        with self.lock:
            wait = (
                self.resolve(queue).settings.receive_wait_seconds
                if wait_time_seconds is None
                else wait_time_seconds
            )
        if isinstance(wait, bool) or not isinstance(wait, int) or not 0 <= wait <= MAX_WAIT_SECONDS:
            raise invalid_value(
                "WaitTimeSeconds", wait, f"Must be >= 0 and <= {MAX_WAIT_SECONDS}, if provided."
            )
        deadline = self.now() + wait
        while True:
            # Receive and register as a waiter under one lock hold, so a send from another thread
            # cannot slip in between and leave this poll asleep.
            with self.lock:
                received = self.try_receive_message(
                    queue,
                    max_number_of_messages=max_number_of_messages,
                    visibility_timeout=visibility_timeout,
                    attribute_names=attribute_names,
                    message_system_attribute_names=message_system_attribute_names,
                    message_attribute_names=message_attribute_names,
                )
                now = self.now()
                if received or now >= deadline:
                    return received
                found = self.resolve(queue)
                due = found.next_change_after(now)
                future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.setdefault(found.name, set()).add(future)
            try:
                await self._wait(future, min(deadline, due) - now if due is not None else deadline - now)
            finally:
                with self.lock:
                    self._waiters.get(found.name, set()).discard(future)

    async def _wait(self, woken: asyncio.Future[None], seconds: float) -> None:
        sleeper = asyncio.ensure_future(self.clock.sleep(max(seconds, 0.0)))
        try:
            await asyncio.wait({woken, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            woken.cancel()

    def _dead_letter(self, source: Queue, message: StoredMessage, now: float) -> bool:
        """Move ``message`` to the source's dead-letter queue; False leaves it to be delivered."""
        policy: RedrivePolicy | None = source.settings.redrive_policy
        target = self.queue_by_arn(policy.dead_letter_target_arn) if policy else None
        if target is None or target is source or target.fifo != source.fifo:
            return False
        allow = target.settings.redrive_allow_policy
        if allow is not None and not allow.allows(source.arn):
            return False
        moved = StoredMessage.from_json(message.to_json())
        moved.receipt_handle = None
        moved.received_at = None
        moved.visible_at = now
        moved.dead_letter_source_arn = source.arn
        if target.fifo:  # FIFO: retention restarts and the dedup id becomes the message id
            moved.enqueued_at = now
            moved.deduplication_id = message.message_id
        source.remove(message)
        target.enqueue(moved, now)
        self.emit(
            QueueEventKind.MOVED_TO_DLQ,
            source,
            now,
            message.message_id,
            dead_letter_queue=target.name,
            receive_count=message.receive_count,
        )
        self.emit(QueueEventKind.DEAD_LETTERED, target, now, message.message_id, source_queue=source.name)
        self.notify(target)
        return True

    def delete_message(self, queue: str, receipt_handle: str) -> None:
        with self.lock:
            found = self.resolve(queue)
            arn, message_id, _ = parse_receipt_handle(receipt_handle)
            now = self.now()
            deleted = found.delete(receipt_handle, arn, message_id, now)
            if deleted is not None:
                self.notify(found)  # a FIFO group may be unblocked
                self.emit(QueueEventKind.DELETED, found, now, deleted.message_id)

    def delete_message_batch(
        self, queue: str, entries: list[Mapping[str, Any]]
    ) -> dict[str, list[dict[str, Any]]]:
        return batch.delete_message_batch(self, queue, entries)

    def change_message_visibility(self, queue: str, receipt_handle: str, visibility_timeout: int) -> None:
        with self.lock:
            found = self.resolve(queue)
            arn, message_id, _ = parse_receipt_handle(receipt_handle)
            now = self.now()
            message = found.change_visibility(receipt_handle, arn, message_id, visibility_timeout, now)
            self.notify(found)
            self.emit(
                QueueEventKind.VISIBILITY_CHANGED,
                found,
                now,
                message.message_id,
                visibility_timeout=visibility_timeout,
            )

    def change_message_visibility_batch(
        self, queue: str, entries: list[Mapping[str, Any]]
    ) -> dict[str, list[dict[str, Any]]]:
        return batch.change_message_visibility_batch(self, queue, entries)

    # -- dead-letter queue redrive ----------------------------------------------------------------

    def start_message_move_task(
        self,
        source_arn: str,
        destination_arn: str | None = None,
        max_number_of_messages_per_second: int | None = None,
    ) -> str:
        """StartMessageMoveTask: the TaskHandle. See :class:`MessageMoveTasks`."""
        return self.moves.start(source_arn, destination_arn, max_number_of_messages_per_second)

    def list_message_move_tasks(self, source_arn: str, max_results: int = 1) -> list[dict[str, Any]]:
        return self.moves.list(source_arn, max_results)

    def cancel_message_move_task(self, task_handle: str) -> int:
        """CancelMessageMoveTask: ApproximateNumberOfMessagesMoved."""
        return self.moves.cancel(task_handle)

    def close(self) -> None:
        self.moves.cancel_all()
        self.store.close()
