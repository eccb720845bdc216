"""What the queue service tells observers: one event per change, with the queue's depth after it.

The designer draws live depth meters from ``depth`` and the choreography trace shows messages from
``message_id``/``detail``; both only need to subscribe, never to poll. Listeners are called
synchronously under the service's lock, so they must be quick (hand off to a Qt signal or a
queue) and must not call back into the service; an exception in a listener is logged and
swallowed so that an observer can never break message delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)


class QueueEventKind(StrEnum):
    QUEUE_CREATED = "queue_created"
    QUEUE_DELETED = "queue_deleted"
    SENT = "sent"
    DEDUPLICATED = "deduplicated"  # a FIFO send swallowed by the deduplication window
    RECEIVED = "received"
    DELETED = "deleted"
    VISIBILITY_CHANGED = "visibility_changed"
    MOVED_TO_DLQ = "moved_to_dlq"  # emitted by the source queue (detail names the dead-letter queue)
    DEAD_LETTERED = "dead_lettered"  # emitted by the dead-letter queue receiving the message
    REDRIVEN = "redriven"  # a move task took the message out of a dead-letter queue ...
    REDRIVEN_IN = "redriven_in"  # ... and put it into its destination
    EXPIRED = "expired"  # retention period elapsed
    PURGED = "purged"


@dataclass(frozen=True)
class QueueDepth:
    """The three numbers GetQueueAttributes reports as ApproximateNumberOfMessages*."""

    visible: int = 0
    in_flight: int = 0
    delayed: int = 0

    @property
    def total(self) -> int:
        return self.visible + self.in_flight + self.delayed


@dataclass(frozen=True)
class QueueEvent:
    kind: QueueEventKind
    queue_name: str
    queue_arn: str
    timestamp: float
    depth: QueueDepth
    message_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


QueueListener = Callable[[QueueEvent], None]


class ListenerSet:
    """Subscribers, called in subscription order; ``subscribe`` returns the unsubscribe function."""

    def __init__(self) -> None:
        self._listeners: list[QueueListener] = []

    def subscribe(self, listener: QueueListener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def __bool__(self) -> bool:
        return bool(self._listeners)

    def emit(self, event: QueueEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("queue listener %r failed on %s", listener, event.kind)
