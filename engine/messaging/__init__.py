"""Local messaging: SQS-style queues (``queue_*`` modules) and SNS-style filter policies.

Pure Python, no Qt. Queue entry points are re-exported here; see each module for the details.
"""

from engine.messaging.filter_policy import (
    FilterPolicy,
    compile_filter_policy,
    test_filter_policy,
    validate_filter_policy,
)
from engine.messaging.filter_policy_errors import InvalidFilterPolicyError
from engine.messaging.queue_consumer import QueueConsumer
from engine.messaging.queue_errors import SqsError
from engine.messaging.queue_events import QueueDepth, QueueEvent, QueueEventKind
from engine.messaging.queue_service import SqsService
from engine.messaging.queue_sqlite import SqliteQueueStore
from engine.messaging.queue_store import MemoryQueueStore, QueueStore

__all__ = [
    "FilterPolicy",
    "InvalidFilterPolicyError",
    "MemoryQueueStore",
    "QueueConsumer",
    "QueueDepth",
    "QueueEvent",
    "QueueEventKind",
    "QueueStore",
    "SqliteQueueStore",
    "SqsError",
    "SqsService",
    "compile_filter_policy",
    "test_filter_policy",
    "validate_filter_policy",
]
