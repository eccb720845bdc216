"""Local messaging: SQS-style queues (`engine.messaging.sqs`) and SNS-style topics with filter
policies (`engine.messaging.sns`).

Pure Python, no Qt. Each sub-package exports its public names and this package re-exports them
all: other packages import from `engine.messaging`.
"""

from engine.messaging.sns import (
    FilterPolicy,
    InvalidFilterPolicyError,
    PublishTrace,
    SnsError,
    SnsService,
    Subscription,
    Topic,
    check_topic_name,
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
    QueueStoreClosed,
    SqliteQueueStore,
    SqsError,
    SqsService,
    check_queue_name,
)

__all__ = [
    "FilterPolicy",
    "InvalidFilterPolicyError",
    "MemoryQueueStore",
    "PublishTrace",
    "QueueConsumer",
    "QueueDepth",
    "QueueEvent",
    "QueueEventKind",
    "QueueStore",
    "QueueStoreClosed",
    "SnsError",
    "SnsService",
    "SqliteQueueStore",
    "SqsError",
    "SqsService",
    "Subscription",
    "Topic",
    "check_queue_name",
    "check_topic_name",
    "compile_filter_policy",
    "test_filter_policy",
    "validate_filter_policy",
]
