"""Template resources for the messaging side of a project: buses, rules, queues, topics.

Both the CloudFormation and the SAM writer emit these as plain CloudFormation resources
(SAM has no shorter form for them). Every delivery EventBridge or SNS makes needs permission:
a role for state machine and bus targets, a queue policy for SQS, a topic policy for SNS, a
Lambda permission for functions. The writer adds each, scoped to the rule or topic that
delivers. A queue policy names its rule by `Fn::GetAtt`, so it already waits for the rule;
the rule must not also wait for the policy (that is the dependency cycle CloudFormation
refuses), which is how AWS's own samples wire a rule to a queue. Subscriptions do wait for
their queue policy: the policy names the topic, not the subscription.
"""

from __future__ import annotations

from typing import Any

from engine.export.catalog import DEFAULT_BUS
from engine.export.cloudformation.builder import Builder
from engine.export.cloudformation.intrinsics import literal_text
from engine.export.eventbridge_rules import arn_service, needs_role, target_options
from engine.project import QueueSpec, RuleSpec
from engine.resource_refs import ResourceRef, parse_ref

_PARTITION_ARN = "arn:${AWS::Partition}"


def ref_of(text: str, default_kind: str | None = None) -> ResourceRef | None:
    """The project resource a reference names (`orders` alone when the kind is implied)."""
    if default_kind and ":" not in text:
        text = f"{default_kind}:{text}"
    return parse_ref(text)


def project_ref(b: Builder, text: str, default_kind: str | None = None) -> ResourceRef | None:
    """The reference when it names a resource the template holds, else None (external ARN)."""
    ref = ref_of(text, default_kind)
    if ref is None or b.catalog.logical(ref) is None:
        return None
    if text.startswith("arn:") and text != b.catalog.arn(ref):
        return None
    return ref


def metadata(name: str, logical: str, **extra: Any) -> dict[str, Any] | None:
    """The StateCanvas metadata a resource needs to come back with the same name and extras."""
    out: dict[str, Any] = {}
    if name != logical:
        out["Name"] = name
    out.update({k: v for k, v in extra.items() if v is not None})
    return out or None


def add_buses(b: Builder) -> None:
    for name, bus in sorted(b.project.buses.items()):
        if name == DEFAULT_BUS:
            continue
        logical = b.id("bus", name)
        # A bus's name is its physical name: ASL tasks and rules name buses by it.
        physical, _ = b.pattern_value(name, f"bus:{name}")
        b.add(
            logical,
            "AWS::Events::EventBus",
            {"Name": physical},
            metadata=metadata(name, logical, Domain=bus.domain, Description=bus.description),
        )


def queue_properties(b: Builder, queue: QueueSpec) -> dict[str, Any]:
    defaults = QueueSpec()
    props: dict[str, Any] = {}
    if queue.fifo:
        props["FifoQueue"] = True
    if queue.content_based_deduplication:
        props["ContentBasedDeduplication"] = True
    pairs = [
        ("VisibilityTimeout", "visibility_timeout"),
        ("DelaySeconds", "delay_seconds"),
        ("MessageRetentionPeriod", "message_retention_period"),
        ("ReceiveMessageWaitTimeSeconds", "receive_message_wait_time"),
    ]
    for prop, attr in pairs:
        if getattr(queue, attr) != getattr(defaults, attr):
            props[prop] = getattr(queue, attr)
    if queue.redrive_policy is not None:
        dlq = queue.redrive_policy.dead_letter_queue
        props["RedrivePolicy"] = {
            "deadLetterTargetArn": b.arn(dlq if ":" in dlq else f"queue:{dlq}"),
            "maxReceiveCount": queue.redrive_policy.max_receive_count,
        }
    return props


def add_queues(b: Builder) -> None:
    for name, queue in sorted(b.project.queues.items()):
        logical = b.id("queue", name)
        b.add(
            logical,
            "AWS::SQS::Queue",
            queue_properties(b, queue),
            metadata=metadata(name, logical, Domain=queue.domain, Description=queue.description),
        )


def add_topics(b: Builder) -> None:
    for name, topic in sorted(b.project.topics.items()):
        logical = b.id("topic", name)
        props: dict[str, Any] = {}
        if topic.fifo:
            props["FifoTopic"] = True
        if topic.content_based_deduplication:
            props["ContentBasedDeduplication"] = True
        b.add(
            logical,
            "AWS::SNS::Topic",
            props,
            metadata=metadata(name, logical, Domain=topic.domain, Description=topic.description),
        )


class Grants:
    """Who may send to which queue, topic or function; written as policies at the end."""

    def __init__(self) -> None:
        self.queues: dict[str, list[tuple[str, Any]]] = {}  # queue id -> (service, source ARN)
        self.topics: dict[str, list[Any]] = {}  # topic id -> rule ARNs
        self.functions: list[tuple[str, str, str, Any]] = []  # (id base, function id, service, source)
        self._policy_ids: dict[str, str] = {}

    def queue(self, queue_id: str, service: str, source: Any) -> None:
        self.queues.setdefault(queue_id, []).append((service, source))

    def policy_id(self, b: Builder, queue_id: str) -> str:
        """The logical ID the queue's policy will have (fixed now, for DependsOn)."""
        if queue_id not in self._policy_ids:
            self._policy_ids[queue_id] = b.new_id(f"{queue_id}Policy")
        return self._policy_ids[queue_id]

    def write(self, b: Builder) -> None:
        for queue_id, senders in sorted(self.queues.items()):
            statements = []
            for service in sorted({s for s, _ in senders}):
                sources = [src for s, src in senders if s == service]
                statements.append(
                    {
                        "Sid": f"Allow{service.split('.')[0].capitalize()}",
                        "Effect": "Allow",
                        "Principal": {"Service": service},
                        "Action": "sqs:SendMessage",
                        "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
                        "Condition": {"ArnEquals": {"aws:SourceArn": sources}},
                    }
                )
            b.add(
                self.policy_id(b, queue_id),
                "AWS::SQS::QueuePolicy",
                {
                    "Queues": [{"Ref": queue_id}],
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                },
            )
        for topic_id, sources in sorted(self.topics.items()):
            b.add(
                b.new_id(f"{topic_id}Policy"),
                "AWS::SNS::TopicPolicy",
                {
                    "Topics": [{"Ref": topic_id}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "AllowEventBridge",
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Resource": {"Ref": topic_id},
                                "Condition": {"ArnEquals": {"aws:SourceArn": sources}},
                            }
                        ],
                    },
                },
            )
        for base, function_id, service, source in self.functions:
            b.add(
                b.new_id(f"{base}Permission"),
                "AWS::Lambda::Permission",
                {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]},
                    "Principal": service,
                    "SourceArn": source,
                },
            )


_ROLE_ACTIONS = {
    "states": ["states:StartExecution"],
    "events": ["events:PutEvents"],
    "kinesis": ["kinesis:PutRecord"],
    "firehose": ["firehose:PutRecord", "firehose:PutRecordBatch"],
}


def add_rule(b: Builder, name: str, rule: RuleSpec, grants: Grants, *, logical: str | None = None) -> str:
    """An `AWS::Events::Rule` with its targets, its role (when a target needs one) and grants."""
    logical = logical or b.id("rule", name)
    rule_arn = {"Fn::GetAtt": [logical, "Arn"]}
    props: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    if rule.bus != DEFAULT_BUS:
        # GetAtt Name: the name whatever Ref gives (moto's CloudFormation gives an object for Ref).
        props["EventBusName"] = (
            {"Fn::GetAtt": [b.id("bus", rule.bus), "Name"]} if rule.bus in b.project.buses else rule.bus
        )
    if rule.event_pattern is not None:
        props["EventPattern"], renamed = b.pattern_value(rule.event_pattern, f"rule:{name}")
    if rule.schedule_expression is not None:
        props["ScheduleExpression"], _ = b.pattern_value(rule.schedule_expression, f"rule:{name}")
    props["State"] = rule.state
    if rule.description:
        props["Description"] = literal_text(rule.description)
    targets, role_statements = [], []
    role_id = f"{logical}Role"
    for target in rule.targets:
        arn = b.arn(target.target)
        target_id, _ = b.pattern_value(target.id, f"rule:{name}")
        out: dict[str, Any] = {"Id": target_id, "Arn": arn}
        ref = project_ref(b, target.target)
        named = parse_ref(target.target)  # the default bus is named but not a template resource
        concrete = b.catalog.arn(named) if named and not target.target.startswith("arn:") else target.target
        if needs_role(concrete):
            out["RoleArn"] = {"Fn::GetAtt": [role_id, "Arn"]}
            actions = _ROLE_ACTIONS.get(arn_service(concrete) or "")
            if actions:
                role_statements.append({"Effect": "Allow", "Action": actions, "Resource": arn})
            else:
                b.notes.append(f"rule {name}: give role {role_id} the permissions target {target.id} needs")
        out.update(target_options(target))
        if target.dead_letter_queue is not None:
            out["DeadLetterConfig"] = {"Arn": b.arn(_queue_text(target.dead_letter_queue))}
            dlq = project_ref(b, target.dead_letter_queue, "queue")
            if dlq is not None:
                queue_id = b.id("queue", dlq.name)
                grants.queue(queue_id, "events.amazonaws.com", rule_arn)
        if ref is not None and ref.kind == "queue":
            grants.queue(b.id("queue", ref.name), "events.amazonaws.com", rule_arn)
        elif ref is not None and ref.kind == "topic":
            grants.topics.setdefault(b.id("topic", ref.name), []).append(rule_arn)
        elif ref is not None and ref.kind == "function":
            grants.functions.append(
                (
                    f"{logical}{b.id('function', ref.name)}",
                    b.id("function", ref.name),
                    "events.amazonaws.com",
                    rule_arn,
                )
            )
        targets.append(out)
    if targets:
        props["Targets"] = targets
    if role_statements or any("RoleArn" in t for t in targets):
        b.catalog.used.add(role_id)
        b.add(role_id, "AWS::IAM::Role", assume_role("events.amazonaws.com", role_statements, "Targets"))
    b.add(
        logical,
        "AWS::Events::Rule",
        props,
        metadata=metadata(name, logical, Domain=rule.domain, Placeholders=renamed_metadata(renamed)),
    )
    return logical


def renamed_metadata(renamed: dict[str, str]) -> dict[str, str] | None:
    """Placeholders export renamed, keyed by the project's name (`AWS::Region` -> `AWSRegion`).

    Keyed that way round so that no metadata value reads as a pseudo parameter written as text.
    """
    return {old: new for new, old in sorted(renamed.items())} or None


def _queue_text(text: str) -> str:
    return text if ":" in text else f"queue:{text}"


def assume_role(service: str, statements: list[dict[str, Any]], policy_name: str) -> dict[str, Any]:
    """An IAM role a service may assume, with one inline policy (left out when empty)."""
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    }
    if statements:
        props["Policies"] = [
            {
                "PolicyName": policy_name,
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            }
        ]
    return props


def add_subscriptions(b: Builder, grants: Grants) -> None:
    for i, sub in enumerate(b.project.subscriptions):
        topic = project_ref(b, sub.topic, "topic")
        topic_value = {"Ref": b.id("topic", topic.name)} if topic else sub.topic
        endpoint = project_ref(b, sub.endpoint)
        concrete = b.catalog.arn(endpoint) if endpoint else sub.endpoint
        protocol = {"sqs": "sqs", "lambda": "lambda", "firehose": "firehose"}.get(arn_service(concrete) or "")
        if protocol is None:
            b.notes.append(
                f"subscription {i}: SNS cannot deliver to {sub.endpoint}; left out of the template"
            )
            continue
        props: dict[str, Any] = {
            "TopicArn": topic_value,
            "Protocol": protocol,
            "Endpoint": b.arn(sub.endpoint),
        }
        if sub.filter_policy is not None:
            props["FilterPolicy"] = sub.filter_policy
            props["FilterPolicyScope"] = sub.filter_policy_scope
        if sub.raw_message_delivery:
            props["RawMessageDelivery"] = True
        depends = []
        endpoint_id = b.catalog.logical(endpoint) if endpoint else None
        base = (b.id("topic", topic.name) if topic else "Topic") + (endpoint_id or "Endpoint")
        if endpoint is not None and endpoint.kind == "queue":
            queue_id = b.id("queue", endpoint.name)
            grants.queue(queue_id, "sns.amazonaws.com", topic_value)
            depends.append(grants.policy_id(b, queue_id))
        elif endpoint is not None and endpoint.kind == "function":
            grants.functions.append((base, b.id("function", endpoint.name), "sns.amazonaws.com", topic_value))
        b.add(b.new_id(f"{base}Subscription"), "AWS::SNS::Subscription", props, depends_on=depends)


def partition_arn(rest: str) -> dict[str, Any]:
    """`Fn::Sub` of an ARN in the stack's own partition, region and account."""
    return {"Fn::Sub": f"{_PARTITION_ARN}:{rest}"}
