"""The queue registry: queues by URL/ARN/name, their attributes, events and long-poll wake-ups.

It is the part of the local SQS that deals with queues as a whole (CreateQueue, GetQueueUrl,
ListQueues, Get/SetQueueAttributes, PurgeQueue, DeleteQueue ...) and the plumbing the message
actions share: the lock, the clock, the store, listeners and the futures long polls wait on.
Queues are addressed by URL (``https://sqs.<region>.amazonaws.com/<account>/<name>``, or any
endpoint ending in ``/<account>/<name>``), by ARN, or by bare name.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from engine.messaging.sqs.config import (
    ALL_ATTRIBUTE_NAMES,
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    QueueSettings,
    parse_queue_arn,
    queue_arn,
    queue_url,
)
from engine.messaging.sqs.errors import (
    invalid_attribute_name,
    invalid_parameter,
    invalid_value,
    purge_in_progress,
    queue_deleted_recently,
    queue_does_not_exist,
    queue_name_exists,
)
from engine.messaging.sqs.events import ListenerSet, QueueDepth, QueueEvent, QueueEventKind, QueueListener
from engine.messaging.sqs.message import render_received, system_attribute_names
from engine.messaging.sqs.queue import Queue
from engine.messaging.sqs.store import MemoryQueueStore, QueueRecord, QueueStore
from engine.runtime.clock import Clock, RealClock

RECREATE_DELAY_SECONDS = 60
PURGE_INTERVAL_SECONDS = 60


class QueueRegistry:
    """Queues of one account/region on one clock, persisted through one :class:`QueueStore`.

    The queue-level actions; :class:`~engine.messaging.sqs.service.SqsService` adds the message ones.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        store: QueueStore | None = None,
        account_id: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        sender_id: str | None = None,
        enforce_recreate_delay: bool = True,
    ) -> None:
        self.clock: Clock = clock or RealClock()
        self.store: QueueStore = store if store is not None else MemoryQueueStore()
        self.account_id = account_id
        self.region = region
        self.sender_id = sender_id or account_id
        self.enforce_recreate_delay = enforce_recreate_delay
        self.listeners = ListenerSet()
        self.lock = threading.RLock()
        self._queues: dict[str, Queue] = {}
        self._deleted_at: dict[str, float] = {}
        self._waiters: dict[str, set[asyncio.Future[None]]] = {}
        for record in self.store.load_queues():
            self._queues[record.name] = self._open(record, load=True)

    # -- plumbing ---------------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock.now().timestamp()

    def _open(self, record: QueueRecord, *, load: bool = False) -> Queue:
        messages = self.store.load_messages(record.name) if load else []
        dedup = self.store.load_dedup(record.name) if load else []
        return Queue(
            record,
            self.store,
            arn=queue_arn(record.name, self.account_id, self.region),
            url=queue_url(record.name, self.account_id, self.region),
            messages=messages,
            dedup=dedup,
        )

    def subscribe(self, listener: QueueListener) -> Any:
        """Call ``listener(QueueEvent)`` on every change; returns a function that unsubscribes."""
        return self.listeners.subscribe(listener)

    def emit(
        self, kind: QueueEventKind, queue: Queue, now: float, message_id: str | None = None, **detail: Any
    ) -> None:
        if self.listeners:
            event = QueueEvent(kind, queue.name, queue.arn, now, queue.depth(now), message_id, detail)
            self.listeners.emit(event)

    def resolve(self, queue: str) -> Queue:
        """A queue by URL (any endpoint ending in ``/<account>/<name>``), ARN or bare name."""
        if not isinstance(queue, str) or not queue:
            raise invalid_parameter("The request must contain the parameter QueueUrl.")
        name = queue
        if queue.startswith("arn:"):
            parsed = parse_queue_arn(queue)
            if parsed is None or parsed[:2] != (self.region, self.account_id):
                raise queue_does_not_exist()
            name = parsed[2]
        elif "/" in queue:
            parts = queue.rstrip("/").split("/")
            if len(parts) < 2 or parts[-2] != self.account_id:
                raise queue_does_not_exist()
            name = parts[-1]
        found = self._queues.get(name)
        if found is None:
            raise queue_does_not_exist()
        return found

    def queue_by_arn(self, arn: str) -> Queue | None:
        parsed = parse_queue_arn(arn)
        if parsed is None or parsed[:2] != (self.region, self.account_id):
            return None
        return self._queues.get(parsed[2])

    def sweep(self, queue: Queue, now: float) -> None:
        for message in queue.expire(now):
            self.emit(QueueEventKind.EXPIRED, queue, now, message.message_id)

    def notify(self, queue: Queue) -> None:
        """Wake the long polls waiting on ``queue`` (callable from any thread)."""
        waiters = self._waiters.get(queue.name, set())
        for future in list(waiters):
            try:
                future.get_loop().call_soon_threadsafe(_resolve_future, future)
            except RuntimeError:  # its event loop is closed: nobody is waiting any more
                waiters.discard(future)

    # -- queues -----------------------------------------------------------------------------------

    def create_queue(
        self, name: str, attributes: Mapping[str, Any] | None = None, tags: Mapping[str, str] | None = None
    ) -> str:
        """CreateQueue: the URL; idempotent when the queue exists with the same attributes."""
        with self.lock:
            now = self.now()
            existing = self._queues.get(name)
            if existing is not None:
                differing = existing.settings.differs_from(attributes or {})
                if differing is not None:
                    raise queue_name_exists(differing)
                return existing.url
            deleted = self._deleted_at.get(name)
            if self.enforce_recreate_delay and deleted is not None and now - deleted < RECREATE_DELAY_SECONDS:
                raise queue_deleted_recently()
            settings = QueueSettings.create(name, attributes)
            self._check_redrive(name, settings)
            record = QueueRecord(name, settings.attributes, now, now, tags=dict(tags or {}))
            queue = self._open(record)
            self.store.save_queue(record)
            self._queues[name] = queue
            self.emit(QueueEventKind.QUEUE_CREATED, queue, now)
            return queue.url

    def delete_queue(self, queue: str) -> None:
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            del self._queues[found.name]
            self._deleted_at[found.name] = now
            self.store.delete_queue(found.name)
            self.notify(found)
            self.emit(QueueEventKind.QUEUE_DELETED, found, now)

    def get_queue_url(self, name: str, owner_account_id: str | None = None) -> str:
        with self.lock:
            if owner_account_id not in (None, self.account_id) or name not in self._queues:
                raise queue_does_not_exist()
            return self._queues[name].url

    def list_queues(self, prefix: str | None = None, max_results: int | None = None) -> list[str]:
        with self.lock:
            urls = [
                q.url for name, q in sorted(self._queues.items()) if not prefix or name.startswith(prefix)
            ]
        if max_results is not None:
            if not 1 <= max_results <= 1000:
                raise invalid_value("MaxResults", max_results, "Must be between 1 and 1000, if provided.")
            urls = urls[:max_results]
        return urls

    def list_dead_letter_source_queues(self, queue: str) -> list[str]:
        with self.lock:
            target = self.resolve(queue)
            return [
                q.url
                for _, q in sorted(self._queues.items())
                if (policy := q.settings.redrive_policy) is not None
                and policy.dead_letter_target_arn == target.arn
            ]

    def get_queue_attributes(self, queue: str, attribute_names: Iterable[str] = ("All",)) -> dict[str, str]:
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            self.sweep(found, now)
            names = list(attribute_names)
            for name in names:
                if name != "All" and name not in ALL_ATTRIBUTE_NAMES:
                    raise invalid_attribute_name(name)
            depth = found.depth(now)
            values = dict(found.settings.attributes)
            values.update(
                ApproximateNumberOfMessages=str(depth.visible),
                ApproximateNumberOfMessagesNotVisible=str(depth.in_flight),
                ApproximateNumberOfMessagesDelayed=str(depth.delayed),
                CreatedTimestamp=str(int(found.record.created_at)),
                LastModifiedTimestamp=str(int(found.record.modified_at)),
                QueueArn=found.arn,
            )
            if "All" in names:
                return values
            return {name: values[name] for name in names if name in values}

    def set_queue_attributes(self, queue: str, attributes: Mapping[str, Any]) -> None:
        with self.lock:
            found = self.resolve(queue)
            staged = QueueSettings(found.name, found.settings.attributes)
            staged.update(attributes)
            self._check_redrive(found.name, staged)
            found.settings = staged
            found.save_record(self.now())
            self.notify(found)

    def _check_redrive(self, name: str, settings: QueueSettings) -> None:
        """A redrive policy must name an existing queue of the same type that allows this source."""
        policy = settings.redrive_policy
        if policy is None:
            return
        text = settings.attributes["RedrivePolicy"]
        source_arn = queue_arn(name, self.account_id, self.region)
        target = self.queue_by_arn(policy.dead_letter_target_arn)
        if target is None or target.name == name:
            raise invalid_value("RedrivePolicy", text, "Dead letter target does not exist.")
        if target.fifo != settings.fifo:
            raise invalid_value(
                "RedrivePolicy", text, "Dead-letter queue must be the same type of queue as the source queue."
            )
        allow = target.settings.redrive_allow_policy
        if allow is not None and not allow.allows(source_arn):
            raise invalid_value(
                "RedrivePolicy",
                text,
                f"Queue {source_arn} is not allowed to use {target.arn} as a dead-letter queue.",
            )

    def depth(self, queue: str) -> QueueDepth:
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            self.sweep(found, now)
            return found.depth(now)

    def peek_messages(self, queue: str) -> list[dict[str, Any]]:
        """Every message with its state, for the designer's inspector (not an SQS action)."""
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            self.sweep(found, now)
            rows = []
            for message in found.messages.values():
                state = (
                    "in_flight"
                    if message.in_flight(now)
                    else "delayed"
                    if message.delayed(now)
                    else "visible"
                )
                rows.append(
                    render_received(message, system_attribute_names(["All"]), ["All"]) | {"State": state}
                )
            return rows

    def purge_queue(self, queue: str) -> None:
        with self.lock:
            found = self.resolve(queue)
            now = self.now()
            last = found.record.last_purge_at
            if last is not None and now - last < PURGE_INTERVAL_SECONDS:
                raise purge_in_progress(found.name)
            purged = found.purge()
            found.record.last_purge_at = now
            found.save_record()
            self.emit(QueueEventKind.PURGED, found, now, count=len(purged))


def _resolve_future(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
