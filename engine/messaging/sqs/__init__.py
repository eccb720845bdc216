"""The local SQS: queues with visibility, receive counts, redrive, FIFO groups and dedup, delay.

`SqsService` plays SQS in one account and region (`service` for the message actions, `registry`
for queues as a whole, `queue` for one queue's semantics); `QueueConsumer` is Lambda's event source
mapping; a `QueueStore` (in memory or SQLite) keeps queues and messages. Pure Python, no Qt.
"""

from engine.messaging.sqs.config import check_queue_name
from engine.messaging.sqs.consumer import QueueConsumer
from engine.messaging.sqs.errors import SqsError
from engine.messaging.sqs.events import QueueDepth, QueueEvent, QueueEventKind
from engine.messaging.sqs.service import SqsService
from engine.messaging.sqs.sqlite_store import QueueStoreClosed, SqliteQueueStore
from engine.messaging.sqs.store import MemoryQueueStore, QueueStore

__all__ = [
    "MemoryQueueStore",
    "QueueConsumer",
    "QueueDepth",
    "QueueEvent",
    "QueueEventKind",
    "QueueStore",
    "QueueStoreClosed",
    "SqliteQueueStore",
    "SqsError",
    "SqsService",
    "check_queue_name",
]
