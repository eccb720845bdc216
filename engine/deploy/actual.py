"""What exists in AWS, read with Describe/Get/List calls only, in the shape `Desired` uses.

Each reader returns None when the resource does not exist, else its comparable fields plus the
identifiers the apply step needs (`_arn`, `_url`, `_uuid`), which are never compared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from engine.deploy.clients import Clients, error_code, paginate
from engine.deploy.desired import POLICY_NAME
from engine.deploy.plan import Desired

NOT_FOUND = {
    "NoSuchEntity",
    "ResourceNotFoundException",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "NotFound",
    "NotFoundException",
    "StateMachineDoesNotExist",
}


def _missing(exc: BaseException) -> bool:
    return error_code(exc) in NOT_FOUND


def _policy(value: Any) -> Any:
    if isinstance(value, str):
        text = value if value.lstrip().startswith("{") else unquote(value)
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


class Reader:
    """Reads the current state of desired resources, caching list calls."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self._machines: dict[str, str] | None = None
        self._subscriptions: dict[str, list[dict[str, Any]] | None] = {}
        self._policies: dict[str, dict[str, Any]] = {}

    def read(self, desired: Desired) -> dict[str, Any] | None:
        readers: dict[str, Callable[[Desired], dict[str, Any] | None]] = {
            "role": self.role,
            "bus": self.bus,
            "queue": self.queue,
            "topic": self.topic,
            "function": self.function,
            "permission": self.permission,
            "stateMachine": self.state_machine,
            "subscription": self.subscription,
            "rule": self.rule,
            "consumer": self.consumer,
        }
        try:
            return readers[desired.kind](desired)
        except Exception as exc:
            if _missing(exc):
                return None
            raise

    def role(self, d: Desired) -> dict[str, Any] | None:
        iam = self.clients("iam")
        role = iam.get_role(RoleName=d.name)["Role"]
        out = {"AssumeRolePolicyDocument": _policy(role.get("AssumeRolePolicyDocument")), "_arn": role["Arn"]}
        try:
            out["Policy"] = _policy(
                iam.get_role_policy(RoleName=d.name, PolicyName=POLICY_NAME)["PolicyDocument"]
            )
        except Exception as exc:
            if not _missing(exc):
                raise
            out["Policy"] = None
        return out

    def bus(self, d: Desired) -> dict[str, Any] | None:
        bus = self.clients("events").describe_event_bus(Name=d.name)
        out = {"_arn": bus["Arn"]}
        if bus.get("Description"):
            out["Description"] = bus["Description"]
        return out

    def queue(self, d: Desired) -> dict[str, Any] | None:
        sqs = self.clients("sqs")
        url = sqs.get_queue_url(QueueName=d.name)["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
        return queue_props(attrs) | {"_url": url, "_arn": attrs.get("QueueArn")}

    def topic(self, d: Desired) -> dict[str, Any] | None:
        attrs = self.clients("sns").get_topic_attributes(TopicArn=d.extra["arn"]).get("Attributes", {})
        out: dict[str, Any] = {
            "FifoTopic": attrs.get("FifoTopic", "false") == "true",
            "Policy": _policy(attrs.get("Policy")),
            "_arn": d.extra["arn"],
        }
        if out["FifoTopic"]:
            out["ContentBasedDeduplication"] = attrs.get("ContentBasedDeduplication", "false") == "true"
        return out

    def topic_subscriptions(self, topic_arn: str) -> list[dict[str, Any]] | None:
        if topic_arn not in self._subscriptions:
            try:
                self._subscriptions[topic_arn] = paginate(
                    self.clients("sns"), "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn
                )
            except Exception as exc:
                if not _missing(exc):
                    raise
                self._subscriptions[topic_arn] = None
        return self._subscriptions[topic_arn]

    def subscription(self, d: Desired) -> dict[str, Any] | None:
        subs = self.topic_subscriptions(d.extra["topic_arn"]) or []
        for sub in subs:
            if sub.get("Protocol") == d.extra["protocol"] and sub.get("Endpoint") == d.extra["endpoint"]:
                arn = sub["SubscriptionArn"]
                attrs = self.clients("sns").get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
                return subscription_props(attrs) | {"_arn": arn}
        return None

    def function(self, d: Desired) -> dict[str, Any] | None:
        config = self.clients("lambda").get_function_configuration(FunctionName=d.name)
        return {
            "Runtime": config.get("Runtime"),
            "Handler": config.get("Handler"),
            "Role": config.get("Role"),
            "Timeout": config.get("Timeout"),
            "Description": config.get("Description") or "",
            "CodeSha256": config.get("CodeSha256"),
            "_arn": config.get("FunctionArn"),
        }

    def permission(self, d: Desired) -> dict[str, Any] | None:
        function = d.extra["function"]
        if function not in self._policies:
            try:
                text = self.clients("lambda").get_policy(FunctionName=function)["Policy"]
                self._policies[function] = {s.get("Sid"): s for s in json.loads(text).get("Statement", [])}
            except Exception as exc:
                if not _missing(exc):
                    raise
                self._policies[function] = {}
        statement = self._policies[function].get(d.extra["sid"])
        if statement is None:
            return None
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            principal = principal.get("Service") or principal.get("AWS")
        condition = statement.get("Condition", {})
        source = None
        for test in condition.values():
            for key, value in test.items():
                if key.lower() == "aws:sourcearn":
                    source = value
        return {"Principal": principal, "SourceArn": source}

    def machine_arns(self) -> dict[str, str]:
        if self._machines is None:
            machines = paginate(self.clients("stepfunctions"), "list_state_machines", "stateMachines")
            self._machines = {m["name"]: m["stateMachineArn"] for m in machines}
        return self._machines

    def state_machine(self, d: Desired) -> dict[str, Any] | None:
        arn = self.machine_arns().get(d.name)
        if arn is None:
            return None
        described = self.clients("stepfunctions").describe_state_machine(stateMachineArn=arn)
        try:
            definition = json.loads(described["definition"])
        except ValueError:
            definition = described["definition"]
        return {
            "definition": definition,
            "type": described.get("type", "STANDARD"),
            "roleArn": described.get("roleArn"),
            "_arn": arn,
        }

    def rule(self, d: Desired) -> dict[str, Any] | None:
        events = self.clients("events")
        rule = events.describe_rule(Name=d.name, EventBusName=d.extra["bus"])
        targets = paginate(
            events, "list_targets_by_rule", "Targets", Rule=d.name, EventBusName=d.extra["bus"]
        )
        return rule_props(rule) | {
            "targets": {t["Id"]: target_props(t) for t in targets},
            "_arn": rule["Arn"],
        }

    def consumer(self, d: Desired) -> dict[str, Any] | None:
        if d.extra.get("type") == "pipe":
            pipe = self.clients("pipes").describe_pipe(Name=d.name)
            return pipe_props(pipe) | {"_arn": pipe.get("Arn")}
        mappings = paginate(
            self.clients("lambda"),
            "list_event_source_mappings",
            "EventSourceMappings",
            EventSourceArn=d.extra["queue_arn"],
            FunctionName=d.extra["function"],
        )
        if not mappings:
            return None
        mapping = mappings[0]
        return {
            "BatchSize": mapping.get("BatchSize"),
            "FunctionResponseTypes": list(mapping.get("FunctionResponseTypes") or []),
            "_uuid": mapping["UUID"],
        }


def queue_props(attrs: dict[str, Any]) -> dict[str, Any]:
    fifo = attrs.get("FifoQueue", "false") == "true"
    out: dict[str, Any] = {
        "FifoQueue": fifo,
        "VisibilityTimeout": attrs.get("VisibilityTimeout"),
        "DelaySeconds": attrs.get("DelaySeconds"),
        "MessageRetentionPeriod": attrs.get("MessageRetentionPeriod"),
        "ReceiveMessageWaitTimeSeconds": attrs.get("ReceiveMessageWaitTimeSeconds"),
        "RedrivePolicy": None,
        "Policy": _policy(attrs["Policy"]) if attrs.get("Policy") else None,
    }
    if fifo:
        out["ContentBasedDeduplication"] = attrs.get("ContentBasedDeduplication", "false") == "true"
    redrive = _policy(attrs.get("RedrivePolicy")) if attrs.get("RedrivePolicy") else None
    if isinstance(redrive, dict):
        out["RedrivePolicy"] = {
            "deadLetterTargetArn": redrive.get("deadLetterTargetArn"),
            "maxReceiveCount": int(redrive.get("maxReceiveCount", 0)),
        }
    return out


def subscription_props(attrs: dict[str, Any]) -> dict[str, Any]:
    policy = _policy(attrs["FilterPolicy"]) if attrs.get("FilterPolicy") else None
    return {
        "FilterPolicy": policy,
        "FilterPolicyScope": (attrs.get("FilterPolicyScope") or "MessageAttributes")
        if policy is not None
        else None,
        "RawMessageDelivery": "true"
        if str(attrs.get("RawMessageDelivery", "false")).lower() == "true"
        else "false",
    }


def rule_props(rule: dict[str, Any]) -> dict[str, Any]:
    pattern = rule.get("EventPattern")
    return {
        "EventPattern": json.loads(pattern) if pattern else None,
        "ScheduleExpression": rule.get("ScheduleExpression") or None,
        "State": rule.get("State"),
        "Description": rule.get("Description") or None,
    }


TARGET_FIELDS = (
    "Id",
    "Arn",
    "RoleArn",
    "Input",
    "InputPath",
    "InputTransformer",
    "RetryPolicy",
    "DeadLetterConfig",
    "SqsParameters",
)


def target_props(target: dict[str, Any]) -> dict[str, Any]:
    out = {k: target[k] for k in TARGET_FIELDS if target.get(k) not in (None, "", {})}
    transformer = out.get("InputTransformer")
    if isinstance(transformer, dict) and not transformer.get("InputPathsMap"):
        out["InputTransformer"] = {k: v for k, v in transformer.items() if k != "InputPathsMap"}
    return out


def pipe_props(pipe: dict[str, Any]) -> dict[str, Any]:
    return {
        "Source": pipe.get("Source"),
        "Target": pipe.get("Target"),
        "RoleArn": pipe.get("RoleArn"),
        "SourceParameters": pipe.get("SourceParameters") or {},
        "TargetParameters": pipe.get("TargetParameters") or {},
    }
