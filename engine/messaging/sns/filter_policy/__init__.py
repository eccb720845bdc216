"""SNS subscription filter policies, as AWS validates and applies them.

`policy` holds the public face (`FilterPolicy`, `compile_filter_policy`, `validate_filter_policy`,
`test_filter_policy`); `policy_reader` reads the policy as SNS's parser does, `compiler` turns it
into match rules, `patterns` and `values` decide one message leaf, `message` gives a message's
leaves, and `errors` words refusals the way AWS does. The rules SNS shares with EventBridge (IP
addresses and CIDR blocks, JSON tokens, Java's number text) come from `engine.values`.
"""

from engine.messaging.sns.filter_policy.errors import InvalidFilterPolicyError
from engine.messaging.sns.filter_policy.policy import (
    FilterPolicy,
    compile_filter_policy,
    test_filter_policy,
    validate_filter_policy,
)

__all__ = [
    "FilterPolicy",
    "InvalidFilterPolicyError",
    "compile_filter_policy",
    "test_filter_policy",
    "validate_filter_policy",
]
