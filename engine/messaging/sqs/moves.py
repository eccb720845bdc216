"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

A move task takes the messages that are in a dead-letter queue when it starts and re-sends them to
a destination -- by default each message's original source queue (``DeadLetterQueueSourceArn``).
As AWS documents, a redriven message is a new message: new MessageId, new enqueue time (so its
retention restarts) and a receive count of zero. Without a rate the local task moves everything at
once, which is what a test or the designer's "redrive" button wants; with
``max_number_of_messages_per_second`` it runs as an asyncio task paced on the service's clock.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.messaging.sqs.errors import (
    SqsError,
    invalid_parameter,
    invalid_value,
    resource_not_found,
    unsupported_operation,
)
from engine.messaging.sqs.events import QueueEventKind
from engine.messaging.sqs.message import StoredMessage

if TYPE_CHECKING:
    from engine.messaging.sqs.queue import Queue
    from engine.messaging.sqs.service import SqsService

MAX_RATE = 500


@dataclass
class MoveTask:
    handle: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    started_at: float
    to_move: int
    moved: int = 0
    status: str = "RUNNING"
    failure_reason: str | None = None
    runner: asyncio.Task[None] | None = None

    def describe(self) -> dict[str, Any]:
        """One entry of ListMessageMoveTasks."""
        out: dict[str, Any] = {
            "Status": self.status,
            "SourceArn": self.source_arn,
            "ApproximateNumberOfMessagesMoved": self.moved,
            "ApproximateNumberOfMessagesToMove": self.to_move,
            "StartedTimestamp": int(self.started_at * 1000),
        }
        if self.status == "RUNNING":
            out["TaskHandle"] = self.handle
        if self.destination_arn:
            out["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            out["MaxNumberOfMessagesPerSecond"] = self.rate
        if self.failure_reason:
            out["FailureReason"] = self.failure_reason
        return out


class MessageMoveTasks:
    """The move tasks of one service, most recent first per source queue."""

    def __init__(self, service: SqsService) -> None:
        self.service = service
        self._tasks: list[MoveTask] = []

    def start(self, source_arn: str, destination_arn: str | None, rate: int | None) -> str:
        service = self.service
        with service.lock:
            source = service.queue_by_arn(source_arn)
            if source is None:
                raise resource_not_found()
            if not service.list_dead_letter_source_queues(source.url):
                raise invalid_parameter("Source queue must be configured as a Dead Letter Queue.")
            destination = None
            if destination_arn is not None:
                destination = service.queue_by_arn(destination_arn)
                if destination is None:
                    raise resource_not_found()
                if destination.fifo != source.fifo or destination is source:
                    raise invalid_parameter("Destination queue must be of the same type as the source queue.")
            if rate is not None and (
                isinstance(rate, bool) or not isinstance(rate, int) or not 1 <= rate <= MAX_RATE
            ):
                raise invalid_value(
                    "MaxNumberOfMessagesPerSecond", rate, f"Must be between 1 and {MAX_RATE}."
                )
            if any(t.source_arn == source.arn and t.status in ("RUNNING", "CANCELLING") for t in self._tasks):
                raise unsupported_operation(
                    "Only one active message movement task is supported per queue at any given time."
                )
            now = service.now()
            token = json.dumps({"taskId": str(uuid.uuid4()), "sourceArn": source.arn})
            task = MoveTask(
                handle=base64.b64encode(token.encode()).decode("ascii"),
                source_arn=source.arn,
                destination_arn=destination_arn,
                rate=rate,
                started_at=now,
                to_move=len(source.messages),
            )
            self._tasks.append(task)
            if rate is None:
                self._step(task, task.to_move)
            else:
                task.runner = asyncio.get_running_loop().create_task(self._run(task))
            return task.handle

    async def _run(self, task: MoveTask) -> None:
        while task.status == "RUNNING":
            with self.service.lock:
                self._step(task, task.rate or MAX_RATE)
            if task.status == "RUNNING":
                await self.service.clock.sleep(1.0)

    def _step(self, task: MoveTask, limit: int) -> None:
        """Move up to ``limit`` visible messages; finish the task when nothing movable is left."""
        service = self.service
        source = service.queue_by_arn(task.source_arn)
        if source is None:
            task.status, task.failure_reason = "FAILED", "AWS.SimpleQueueService.NonExistentQueue"
            return
        now = service.now()
        service.sweep(source, now)
        for message in [m for m in source.messages.values() if m.visible(now)][:limit]:
            if task.moved >= task.to_move:
                break
            target = self._destination(task, message)
            if target is None:
                task.status = "FAILED"
                task.failure_reason = "AWS.SimpleQueueService.NonExistentQueue"
                return
            self._move(source, target, message, now)
            task.moved += 1
        remaining = [m for m in source.messages.values() if m.visible(now)]
        if task.moved >= task.to_move or not remaining:
            task.status = "COMPLETED"

    def _destination(self, task: MoveTask, message: StoredMessage) -> Queue | None:
        arn = task.destination_arn or message.dead_letter_source_arn
        return self.service.queue_by_arn(arn) if arn else None

    def _move(self, source: Queue, target: Queue, message: StoredMessage, now: float) -> None:
        copy = StoredMessage.from_json(message.to_json())
        copy.message_id = str(uuid.uuid4())
        copy.sent_at = copy.enqueued_at = copy.visible_at = now
        copy.receive_count = 0
        copy.first_received_at = copy.received_at = None
        copy.receipt_handle = None
        copy.dead_letter_source_arn = None
        copy.deduplication_id = copy.message_id if target.fifo else None
        source.remove(message)
        target.enqueue(copy, now)
        self.service.emit(
            QueueEventKind.REDRIVEN,
            source,
            now,
            message.message_id,
            destination=target.name,
            new_message_id=copy.message_id,
        )
        self.service.emit(QueueEventKind.REDRIVEN_IN, target, now, copy.message_id, source_queue=source.name)
        self.service.notify(target)

    def list(self, source_arn: str, max_results: int = 1) -> list[dict[str, Any]]:
        if isinstance(max_results, bool) or not isinstance(max_results, int) or not 1 <= max_results <= 10:
            raise invalid_value("MaxResults", max_results, "Must be between 1 and 10.")
        with self.service.lock:
            if self.service.queue_by_arn(source_arn) is None:
                raise resource_not_found()
            tasks = [t for t in reversed(self._tasks) if t.source_arn == source_arn]
            return [t.describe() for t in tasks[:max_results]]

    def cancel(self, handle: str) -> int:
        with self.service.lock:
            task = next((t for t in self._tasks if t.handle == handle), None)
            if task is None:
                raise resource_not_found()
            if task.status != "RUNNING":
                raise SqsError(
                    "AWS.SimpleQueueService.UnsupportedOperation",
                    "Only active tasks can be cancelled.",
                    type_="UnsupportedOperation",
                )
            task.status = "CANCELLED"
            if task.runner is not None:
                task.runner.cancel()
            return task.moved

    def cancel_all(self) -> None:
        for task in self._tasks:
            if task.runner is not None and not task.runner.done():
                task.runner.cancel()
