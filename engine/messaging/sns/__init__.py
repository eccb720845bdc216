"""The local SNS: topics that fan a message out to their subscriptions, and filter policies.

`SnsService` (`topics`) publishes to every subscription whose filter policy (`filter_policy`)
lets the message through. Pure Python, no Qt.
"""

from engine.messaging.sns.filter_policy import (
    FilterPolicy,
    InvalidFilterPolicyError,
    compile_filter_policy,
    test_filter_policy,
    validate_filter_policy,
)
from engine.messaging.sns.topics import (
    PublishTrace,
    SnsError,
    SnsService,
    Subscription,
    Topic,
    check_topic_name,
)

__all__ = [
    "FilterPolicy",
    "InvalidFilterPolicyError",
    "PublishTrace",
    "SnsError",
    "SnsService",
    "Subscription",
    "Topic",
    "check_topic_name",
    "compile_filter_policy",
    "test_filter_policy",
    "validate_filter_policy",
]
