"""SNS topics: publish once, deliver to every subscription whose filter policy lets it through.

Delivery itself is handed to a `deliver(endpoint_ref, payload, attributes)` callable given by
whoever wires the project (queues, functions, state machines, buses), so topics know nothing
about the other services. Every publish produces a trace of who got the message and who did
not (and why), for the designer and `statecanvas put-events`.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.messaging.sns.filter_policy import FilterPolicy, compile_filter_policy

Deliver = Callable[..., Awaitable[None]]
"""`deliver(endpoint, payload, attributes)`; a FIFO topic adds `message_group_id=` and `deduplication_id=`."""


class SnsError(Exception):
    """An SNS API refusal: AWS's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# SNS's naming rule: ASCII letters, digits, hyphens and underscores, 1 to 256 characters
# (a FIFO topic's name ends in `.fifo`, which counts towards the 256).
_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")


def check_topic_name(name: str, fifo: bool) -> None:
    """Raise `SnsError` as CreateTopic does for a name SNS refuses (a FIFO topic's ends in `.fifo`)."""
    stem = name.removesuffix(".fifo") if fifo else name
    if fifo != name.endswith(".fifo") or len(name) > 256 or not _TOPIC_NAME.fullmatch(stem):
        raise SnsError("InvalidParameter", "Invalid parameter: Topic Name")


@dataclass
class Subscription:
    arn: str
    topic_arn: str
    protocol: str  # sqs, lambda, stepfunctions (local), events (local)
    endpoint: str  # a project reference such as queue:orders
    raw: bool = False
    policy: FilterPolicy | None = None
    policy_scope: str = "MessageAttributes"
    policy_text: str | None = None  # the FilterPolicy as given, for GetSubscriptionAttributes


@dataclass
class Topic:
    name: str
    arn: str
    fifo: bool = False
    content_based_deduplication: bool = False
    subscriptions: list[Subscription] = field(default_factory=list)


@dataclass
class PublishTrace:
    """One publish: the message and, per subscription, delivered or filtered out."""

    topic: str
    message_id: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "messageId": self.message_id, "deliveries": self.deliveries}


class SnsService:
    def __init__(self, deliver: Deliver, *, account: str = "123456789012", region: str = "us-east-1") -> None:
        self.deliver = deliver
        self.account = account
        self.region = region
        self.topics: dict[str, Topic] = {}
        self.listeners: list[Callable[[PublishTrace], None]] = []

    def create_topic(
        self, name: str, *, fifo: bool = False, content_based_deduplication: bool = False
    ) -> str:
        check_topic_name(name, fifo)
        arn = f"arn:aws:sns:{self.region}:{self.account}:{name}"
        self.topics.setdefault(name, Topic(name, arn, fifo, content_based_deduplication))
        return arn

    def subscribe(
        self,
        topic: str,
        protocol: str,
        endpoint: str,
        *,
        raw: bool = False,
        filter_policy: Any = None,
        filter_policy_scope: str = "MessageAttributes",
    ) -> str:
        found = self._topic(topic)
        policy = compile_filter_policy(filter_policy, filter_policy_scope) if filter_policy else None
        arn = f"{found.arn}:{uuid.uuid4()}"
        text = None
        if filter_policy:
            text = filter_policy if isinstance(filter_policy, str) else json.dumps(filter_policy)
        found.subscriptions.append(
            Subscription(arn, found.arn, protocol, endpoint, raw, policy, filter_policy_scope, text)
        )
        return arn

    def delete_topic(self, topic: str) -> None:
        """DeleteTopic: the topic and its subscriptions; a topic already gone is not an error (as in AWS)."""
        self.topics.pop(topic.rsplit(":", 1)[-1], None)

    def subscription(self, arn: str) -> Subscription:
        for topic in self.topics.values():
            for sub in topic.subscriptions:
                if sub.arn == arn:
                    return sub
        raise SnsError("NotFound", "Subscription does not exist")

    def unsubscribe(self, arn: str) -> None:
        sub = self.subscription(arn)
        self._topic(sub.topic_arn).subscriptions.remove(sub)

    async def publish(
        self,
        topic: str,
        message: str,
        *,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        message_group_id: str | None = None,
        message_deduplication_id: str | None = None,
    ) -> dict[str, Any]:
        found = self._topic(topic)
        if found.fifo and not message_group_id:
            raise SnsError(
                "InvalidParameter",
                "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
            )
        message_id = str(uuid.uuid4())
        attributes = message_attributes or {}
        dedup = message_deduplication_id or hashlib.sha256(message.encode()).hexdigest()
        # A FIFO topic hands its group and deduplication id on, as SNS does to FIFO queues.
        ordering = {"message_group_id": message_group_id, "deduplication_id": dedup} if found.fifo else {}
        trace = PublishTrace(found.name, message_id)
        for sub in found.subscriptions:
            if sub.policy is not None and not sub.policy.matches(message, attributes):
                trace.deliveries.append(
                    {
                        "endpoint": sub.endpoint,
                        "delivered": False,
                        "reason": f"filter policy ({sub.policy_scope}) does not match",
                    }
                )
                continue
            payload = (
                message
                if sub.raw
                else json.dumps(self._envelope(found, sub, message_id, message, subject, attributes))
            )
            forwarded = attributes if sub.raw else {}
            try:
                await self.deliver(sub.endpoint, payload, forwarded, **ordering)
                trace.deliveries.append({"endpoint": sub.endpoint, "delivered": True})
            except Exception as exc:  # one failing endpoint must not stop the fan-out
                trace.deliveries.append(
                    {"endpoint": sub.endpoint, "delivered": False, "reason": f"delivery failed: {exc}"}
                )
        for listener in list(self.listeners):
            listener(trace)
        result: dict[str, Any] = {"MessageId": message_id}
        if found.fifo:
            result["SequenceNumber"] = str(int(dedup[:15], 16))
        return result

    def _topic(self, ref: str) -> Topic:
        name = ref.rsplit(":", 1)[-1]
        if name not in self.topics:
            raise SnsError("NotFound", "Topic does not exist")
        return self.topics[name]

    def _envelope(
        self,
        topic: Topic,
        sub: Subscription,
        message_id: str,
        message: str,
        subject: str | None,
        attributes: dict[str, Any],
    ) -> dict[str, Any]:
        """The notification document SNS delivers to SQS and HTTP subscribers (non-raw)."""
        envelope: dict[str, Any] = {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": topic.arn,
            "Message": message,
            "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "SignatureVersion": "1",
            "Signature": "local",
            "SigningCertURL": f"https://sns.{self.region}.amazonaws.com/local.pem",
            "UnsubscribeURL": f"https://sns.{self.region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={sub.arn}",
        }
        if subject is not None:
            envelope["Subject"] = subject
        if attributes:
            envelope["MessageAttributes"] = {
                name: {"Type": value.get("DataType", "String"), "Value": value.get("StringValue")}
                for name, value in attributes.items()
            }
        return envelope
