"""What the SNS operation modules share: SNS's error shapes, a required parameter, a topic by ARN.

Topics and subscriptions (engine.serve.sns) and Publish/PublishBatch (engine.serve.sns_publish)
both check their input with these.
"""

from __future__ import annotations

from typing import Any

from engine.messaging import Topic
from engine.serve.dispatch import AwsError, ServeContext

STATUS = {"NotFound": 404, "AuthorizationError": 403}


def sns_error(code: str, message: str) -> AwsError:
    return AwsError(code, message, status=STATUS.get(code, 400))


def invalid(message: str) -> AwsError:
    return sns_error("InvalidParameter", f"Invalid parameter: {message}")


def required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str):
        raise sns_error(
            "ValidationError",
            f"1 validation error detected: Value null at '{name}' failed to satisfy constraint: "
            "Member must not be null",
        )
    return value


def topic(context: ServeContext, arn: str) -> Topic:
    sns = context.runtime.sns
    if not arn.startswith("arn:aws:sns:") or arn.count(":") != 5:
        raise invalid("TopicArn")
    found = sns.topics.get(arn.rsplit(":", 1)[-1])
    if found is None or found.arn != arn:
        raise sns_error("NotFound", "Topic does not exist")
    return found
