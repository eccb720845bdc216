"""Local messaging: SQS-style queues (`engine.messaging.sqs`) and SNS-style topics with filter
policies (`engine.messaging.sns`).

Pure Python, no Qt. Each sub-package exports what other packages use; the most used names are
re-exported here too.
"""

from engine.messaging.sns import (
    FilterPolicy,
    InvalidFilterPolicyError,
    SnsError,
    SnsService,
    compile_filter_policy,
    test_filter_policy,
    validate_filter_policy,
)
from engine.messaging.sqs import (
    MemoryQueueStore,
    QueueConsumer,
    QueueDepth,
    QueueEvent,
    QueueEventKind,
    QueueStore,
    SqliteQueueStore,
    SqsError,
    SqsService,
)

__all__ = [
    "FilterPolicy",
    "InvalidFilterPolicyError",
    "MemoryQueueStore",
    "QueueConsumer",
    "QueueDepth",
    "QueueEvent",
    "QueueEventKind",
    "QueueStore",
    "SnsError",
    "SnsService",
    "SqliteQueueStore",
    "SqsError",
    "SqsService",
    "compile_filter_policy",
    "test_filter_policy",
    "validate_filter_policy",
]
