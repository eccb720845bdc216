"""Queue names, URLs, ARNs and the attributes a queue is configured with.

Attributes are kept the way the SQS API carries them -- a map of strings -- because that is what
CreateQueue / SetQueueAttributes take and GetQueueAttributes returns, what the store persists, and
what a designer property sheet edits. :class:`QueueSettings` validates such a map with AWS's limits
and error wording and gives the queue typed access to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.messaging.sqs.errors import (
    SqsError,
    invalid_attribute_name,
    invalid_attribute_value,
    invalid_parameter,
)

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
MAX_VISIBILITY_TIMEOUT = 43_200
MAX_DELAY_SECONDS = 900
MAX_WAIT_SECONDS = 20
DEFAULT_MAXIMUM_MESSAGE_SIZE = 1_048_576  # 1 MiB since August 2025, also the most it can be set to
DEDUPLICATION_WINDOW_SECONDS = 300

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")

# name -> (default, kind, bounds or choices); kind "int" | "bool" | "choice" | "json" | "text"
_SETTABLE: dict[str, tuple[str | None, str, Any]] = {
    "DelaySeconds": ("0", "int", (0, MAX_DELAY_SECONDS)),
    "MaximumMessageSize": (str(DEFAULT_MAXIMUM_MESSAGE_SIZE), "int", (1024, DEFAULT_MAXIMUM_MESSAGE_SIZE)),
    "MessageRetentionPeriod": ("345600", "int", (60, 1_209_600)),
    "ReceiveMessageWaitTimeSeconds": ("0", "int", (0, MAX_WAIT_SECONDS)),
    "VisibilityTimeout": ("30", "int", (0, MAX_VISIBILITY_TIMEOUT)),
    "RedrivePolicy": (None, "json", None),
    "RedriveAllowPolicy": (None, "json", None),
    "Policy": (None, "text", None),
    "KmsMasterKeyId": (None, "text", None),
    "KmsDataKeyReusePeriodSeconds": (None, "int", (60, 86_400)),
    "SqsManagedSseEnabled": ("true", "bool", None),
    "FifoQueue": (None, "bool", None),
    "ContentBasedDeduplication": (None, "bool", None),
    "DeduplicationScope": (None, "choice", ("messageGroup", "queue")),
    "FifoThroughputLimit": (None, "choice", ("perQueue", "perMessageGroupId")),
}
_FIFO_ONLY = ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
READ_ONLY_ATTRIBUTES = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
)
ALL_ATTRIBUTE_NAMES = (*_SETTABLE, *READ_ONLY_ATTRIBUTES)


def queue_url(name: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def queue_arn(name: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def parse_queue_arn(arn: str) -> tuple[str, str, str] | None:
    """``(region, account, name)`` of an SQS queue ARN, or ``None`` if ``arn`` is not one."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        return None
    return parts[3], parts[4], parts[5]


def check_queue_name(name: str, fifo: bool) -> None:
    """AWS's naming rule; FIFO names must carry the ``.fifo`` suffix and standard ones must not."""
    if fifo and not _FIFO_NAME.fullmatch(name):
        raise invalid_parameter(
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
            "must end with .fifo suffix and be 1 to 80 in length."
        )
    if not fifo and not _NAME.fullmatch(name):
        raise invalid_parameter(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


@dataclass(frozen=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int

    @classmethod
    def parse(cls, text: str) -> RedrivePolicy:
        def bad(reason: str) -> SqsError:
            return invalid_parameter(f"Value {text} for parameter RedrivePolicy is invalid. Reason: {reason}")

        try:
            data = json.loads(text)
        except ValueError:
            raise bad("Redrive policy is not a valid JSON map.") from None
        if not isinstance(data, dict):
            raise bad("Redrive policy is not a valid JSON map.")
        target, count = data.get("deadLetterTargetArn"), data.get("maxReceiveCount")
        if not isinstance(target, str) or parse_queue_arn(target) is None:
            raise bad("Invalid value for deadLetterTargetArn.")
        try:
            number = int(count)  # AWS accepts the count as a number or a numeric string
        except (TypeError, ValueError):
            raise bad("Invalid value for maxReceiveCount.") from None
        if not 1 <= number <= 1000:
            raise bad("Invalid value for maxReceiveCount: must be between 1 and 1000.")
        unknown = set(data) - {"deadLetterTargetArn", "maxReceiveCount"}
        if unknown:
            raise bad("Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].")
        return cls(target, number)


@dataclass(frozen=True)
class RedriveAllowPolicy:
    """Which source queues may name this queue as their dead-letter queue."""

    permission: str
    source_queue_arns: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> RedriveAllowPolicy:
        def bad(reason: str) -> SqsError:
            return invalid_parameter(
                f"Value {text} for parameter RedriveAllowPolicy is invalid. Reason: {reason}"
            )

        try:
            data = json.loads(text)
        except ValueError:
            raise bad("Redrive allow policy is not a valid JSON map.") from None
        if not isinstance(data, dict) or data.get("redrivePermission") not in (
            "allowAll",
            "denyAll",
            "byQueue",
        ):
            raise bad("redrivePermission must be one of allowAll, denyAll, byQueue.")
        permission = data["redrivePermission"]
        arns = data.get("sourceQueueArns")
        if permission == "byQueue":
            if (
                not isinstance(arns, list)
                or not 1 <= len(arns) <= 10
                or not all(isinstance(a, str) for a in arns)
            ):
                raise bad("sourceQueueArns must list 1 to 10 queue ARNs when redrivePermission is byQueue.")
            return cls(permission, tuple(arns))
        if arns:
            raise bad("sourceQueueArns can only be specified when redrivePermission is byQueue.")
        return cls(permission)

    def allows(self, source_arn: str) -> bool:
        if self.permission == "allowAll":
            return True
        return self.permission == "byQueue" and source_arn in self.source_queue_arns


class QueueSettings:
    """A validated attribute map (strings, as the API carries them) with typed accessors."""

    def __init__(self, name: str, attributes: Mapping[str, str]) -> None:
        self.name = name
        self.attributes: dict[str, str] = dict(attributes)

    @classmethod
    def create(cls, name: str, given: Mapping[str, Any] | None) -> QueueSettings:
        """Settings for CreateQueue: AWS defaults overlaid with ``given``.

        A ``.fifo`` name implies ``FifoQueue=true`` when the attribute is absent (a local convenience:
        AWS requires it spelled out); an explicit contradiction is refused as AWS refuses it.
        """
        given = {key: _as_text(value) for key, value in (given or {}).items()}
        fifo_text = given.get("FifoQueue", "true" if name.endswith(".fifo") else "false").lower()
        if fifo_text not in ("true", "false"):
            raise invalid_attribute_value("FifoQueue")
        fifo = fifo_text == "true"
        check_queue_name(name, fifo)
        attributes = {key: default for key, (default, _, _) in _SETTABLE.items() if default is not None}
        if fifo:
            attributes.update(
                FifoQueue="true",
                ContentBasedDeduplication="false",
                DeduplicationScope="queue",
                FifoThroughputLimit="perQueue",
            )
        settings = cls(name, attributes)
        settings.update({key: value for key, value in given.items() if key != "FifoQueue"}, creating=True)
        return settings

    def update(self, given: Mapping[str, Any], *, creating: bool = False) -> None:
        """SetQueueAttributes: validate everything first, then apply (all or nothing, like AWS)."""
        staged = dict(self.attributes)
        for key, raw in given.items():
            value = _as_text(raw)
            if key not in _SETTABLE:
                raise invalid_attribute_name(key)
            if key == "FifoQueue" and not creating:
                raise invalid_attribute_name(key)  # the queue type is fixed at creation
            if key in _FIFO_ONLY and not self.fifo:
                raise invalid_attribute_name(key)
            staged_value = self._validated(key, value)
            if staged_value is None:
                staged.pop(key, None)
            else:
                staged[key] = staged_value
        if (
            staged.get("FifoThroughputLimit") == "perMessageGroupId"
            and staged.get("DeduplicationScope") == "queue"
        ):
            raise invalid_parameter(
                "The perMessageGroupId value is allowed only when the value for DeduplicationScope "
                "is messageGroup"
            )
        self.attributes = staged

    def _validated(self, key: str, value: str) -> str | None:
        _, kind, spec = _SETTABLE[key]
        if kind == "int":
            if not re.fullmatch(r"-?\d+", value.strip()) or not spec[0] <= int(value) <= spec[1]:
                raise invalid_attribute_value(key)
            return str(int(value))
        if kind == "bool":
            if value.lower() not in ("true", "false"):
                raise invalid_attribute_value(key)
            return value.lower()
        if kind == "choice":
            if value not in spec:
                raise invalid_attribute_value(key)
            return value
        if kind == "json":
            if value == "":
                return None  # an empty policy removes it
            if key == "RedrivePolicy":
                RedrivePolicy.parse(value)
            else:
                RedriveAllowPolicy.parse(value)
            return value
        return value

    # -- typed views -------------------------------------------------------------------------------

    def _int(self, key: str) -> int:
        return int(self.attributes[key])

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoQueue") == "true"

    @property
    def content_based_deduplication(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication") == "true"

    @property
    def deduplication_scope(self) -> str:
        return self.attributes.get("DeduplicationScope", "queue")

    @property
    def delay_seconds(self) -> int:
        return self._int("DelaySeconds")

    @property
    def maximum_message_size(self) -> int:
        return self._int("MaximumMessageSize")

    @property
    def retention_seconds(self) -> int:
        return self._int("MessageRetentionPeriod")

    @property
    def receive_wait_seconds(self) -> int:
        return self._int("ReceiveMessageWaitTimeSeconds")

    @property
    def visibility_timeout(self) -> int:
        return self._int("VisibilityTimeout")

    @property
    def redrive_policy(self) -> RedrivePolicy | None:
        text = self.attributes.get("RedrivePolicy")
        return RedrivePolicy.parse(text) if text else None

    @property
    def redrive_allow_policy(self) -> RedriveAllowPolicy | None:
        text = self.attributes.get("RedriveAllowPolicy")
        return RedriveAllowPolicy.parse(text) if text else None

    def differs_from(self, given: Mapping[str, Any]) -> str | None:
        """The first attribute of ``given`` whose value differs from ours (CreateQueue idempotency)."""
        for key, raw in given.items():
            ours = self.attributes.get(key, "false" if key == "FifoQueue" else None)
            if ours != _as_text(raw):
                try:
                    if key in _SETTABLE and self._validated(key, _as_text(raw)) == ours:
                        continue
                except SqsError:
                    pass
                return key
        return None
