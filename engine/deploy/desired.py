"""What a project wants deployed: roles, buses, queues, topics and subscriptions.

State machines, functions, rules and consumers are in `desired_code`. Everything is written in
the shape the readers in `actual` give back, so that a plan is a plain comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.deploy.naming import DEFAULT_BUS, Rewriter, Target, project_names, queue_url
from engine.deploy.plan import Desired
from engine.project import LoadedProject
from engine.resource_refs import ResourceRef, parse_ref

POLICY_NAME = "statecanvas"
ROLE_SERVICES = {
    "states": "states.amazonaws.com",
    "events": "events.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
    "pipes": "pipes.amazonaws.com",
}


@dataclass
class Context:
    """A project and where it goes, with the rewriting of its ARNs for that place."""

    loaded: LoadedProject
    target: Target
    urls: dict[str, str] = field(default_factory=dict)  # project queue name -> deployed URL, when known
    notes: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)  # the roles something needs
    deployed_functions: set[str] = field(default_factory=set)

    @property
    def project(self) -> Any:
        return self.loaded.project

    @property
    def source(self) -> Target:
        return Target(self.project.account, self.project.region)

    def queue_url(self, name: str) -> str:
        return self.urls.get(name) or queue_url(
            self.target.name("queue", name), self.target.account, self.target.region
        )

    def rewriter(self) -> Rewriter:
        return Rewriter.build(project_names(self.project), self.source, self.target, dest_url=self.queue_url)

    def ref(self, text: str, default_kind: str | None = None) -> ResourceRef | None:
        """A project resource a reference names (None for an ARN outside the project)."""
        if default_kind and ":" not in text:
            text = f"{default_kind}:{text}"
        ref = parse_ref(text)
        if ref is None:
            return None
        if text.startswith("arn:") and text != ref.arn(self.project.account, self.project.region):
            return None
        names = project_names(self.project)
        return ref if ref.name in names.get(ref.kind, set()) else None

    def arn(self, text: str, default_kind: str | None = None) -> str:
        """The deployed ARN of a reference or project ARN; any other ARN as it is."""
        ref = self.ref(text, default_kind)
        if ref is None:
            return text
        return self.target.arn(ref.kind, ref.name)

    def role_arn(self, service: str) -> str:
        self.roles.add(service)
        return self.target.role_arn(f"statecanvas-{service}")


def trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": ROLE_SERVICES[service]}, "Action": "sts:AssumeRole"}
        ],
    }


def role_policy(ctx: Context, service: str) -> dict[str, Any]:
    """What each role may do: only on the resources this prefix names, in this account and region."""
    t = ctx.target
    base = f"{t.region}:{t.account}"
    p = t.prefix
    machines = f"arn:aws:states:{base}:stateMachine:{p}*"
    executions = f"arn:aws:states:{base}:execution:{p}*"
    functions = [f"arn:aws:lambda:{base}:function:{p}*", f"arn:aws:lambda:{base}:function:{p}*:*"]
    buses = f"arn:aws:events:{base}:event-bus/*"
    queues = f"arn:aws:sqs:{base}:{p}*"
    topics = f"arn:aws:sns:{base}:{p}*"
    statements: list[dict[str, Any]]
    if service == "states":
        statements = [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": functions},
            {"Effect": "Allow", "Action": "events:PutEvents", "Resource": buses},
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queues},
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": topics},
            {"Effect": "Allow", "Action": "states:StartExecution", "Resource": machines},
            {
                "Effect": "Allow",
                "Action": ["states:DescribeExecution", "states:StopExecution"],
                "Resource": executions,
            },
        ]
    elif service == "events":
        statements = [
            {"Effect": "Allow", "Action": "states:StartExecution", "Resource": machines},
            {"Effect": "Allow", "Action": "events:PutEvents", "Resource": buses},
        ]
    elif service == "lambda":
        statements = [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{base}:*",
            },
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": queues,
            },
            {"Effect": "Allow", "Action": "events:PutEvents", "Resource": buses},
            {
                "Effect": "Allow",
                "Action": ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
                "Resource": "*",
            },
        ]
    else:
        statements = [
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                "Resource": queues,
            },
            {"Effect": "Allow", "Action": "states:StartExecution", "Resource": machines},
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def roles(ctx: Context) -> list[Desired]:
    """One role per AWS service that needs one, named `<prefix>statecanvas-<service>`."""
    out = []
    for service in sorted(ctx.roles):
        out.append(
            Desired(
                "role",
                f"{ctx.target.prefix}statecanvas-{service}",
                {"AssumeRolePolicyDocument": trust(service), "Policy": role_policy(ctx, service)},
            )
        )
    return out


def buses(ctx: Context) -> list[Desired]:
    out = []
    for name, spec in sorted(ctx.project.buses.items()):
        if name == DEFAULT_BUS:
            continue
        props: dict[str, Any] = {}
        if spec.description:
            props["Description"] = spec.description
        out.append(Desired("bus", ctx.target.name("bus", name), props, extra={"project": name}))
    return out


def _senders(ctx: Context) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Which rules and topics send to each project queue, and which rules to each topic."""
    to_queue: dict[str, set[str]] = {}
    to_topic: dict[str, set[str]] = {}
    for rule_name, rule in ctx.project.rules.items():
        rule_arn = _rule_arn(ctx, rule_name, rule.bus)
        for target in rule.targets:
            for text, kind in ((target.target, None), (target.dead_letter_queue, "queue")):
                ref = ctx.ref(text, kind) if text else None
                if ref is not None and ref.kind == "queue":
                    to_queue.setdefault(ref.name, set()).add(rule_arn)
                elif ref is not None and ref.kind == "topic":
                    to_topic.setdefault(ref.name, set()).add(rule_arn)
    for sub in ctx.project.subscriptions:
        topic, endpoint = ctx.ref(sub.topic, "topic"), ctx.ref(sub.endpoint)
        if topic is not None and endpoint is not None and endpoint.kind == "queue":
            to_queue.setdefault(endpoint.name, set()).add(ctx.target.arn("topic", topic.name))
    return to_queue, to_topic


def _rule_arn(ctx: Context, rule: str, bus: str) -> str:
    t = ctx.target
    name = t.name("rule", rule)
    path = name if bus == DEFAULT_BUS else f"{t.name('bus', bus)}/{name}"
    return f"arn:aws:events:{t.region}:{t.account}:rule/{path}"


def _send_policy(resource: str, action: str, service_sources: dict[str, list[str]]) -> dict[str, Any]:
    statements = []
    for service, sources in sorted(service_sources.items()):
        if sources:
            statements.append(
                {
                    "Sid": f"statecanvas-{service.split('.')[0]}",
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": action,
                    "Resource": resource,
                    "Condition": {"ArnEquals": {"aws:SourceArn": sorted(sources)}},
                }
            )
    return {"Version": "2012-10-17", "Statement": statements}


def queues(ctx: Context) -> list[Desired]:
    """Queues, dead-letter queues before the queues that redrive to them."""
    to_queue, _ = _senders(ctx)
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered or name in visiting:
            return
        visiting.add(name)
        spec = ctx.project.queues[name]
        if spec.redrive_policy is not None:
            dlq = ctx.ref(spec.redrive_policy.dead_letter_queue, "queue")
            if dlq is not None:
                visit(dlq.name)
        ordered.append(name)

    for name in sorted(ctx.project.queues):
        visit(name)
    out = []
    for name in ordered:
        spec = ctx.project.queues[name]
        attrs: dict[str, Any] = {
            "FifoQueue": spec.fifo,
            "VisibilityTimeout": str(spec.visibility_timeout),
            "DelaySeconds": str(spec.delay_seconds),
            "MessageRetentionPeriod": str(spec.message_retention_period),
            "ReceiveMessageWaitTimeSeconds": str(spec.receive_message_wait_time),
            "RedrivePolicy": None,
        }
        if spec.fifo:
            attrs["ContentBasedDeduplication"] = spec.content_based_deduplication
        if spec.redrive_policy is not None:
            attrs["RedrivePolicy"] = {
                "deadLetterTargetArn": ctx.arn(spec.redrive_policy.dead_letter_queue, "queue"),
                "maxReceiveCount": spec.redrive_policy.max_receive_count,
            }
        arn = ctx.target.arn("queue", name)
        senders = sorted(to_queue.get(name, ()))
        if senders:
            attrs["Policy"] = _send_policy(
                arn,
                "sqs:SendMessage",
                {
                    "events.amazonaws.com": [s for s in senders if ":events:" in s],
                    "sns.amazonaws.com": [s for s in senders if ":sns:" in s],
                },
            )
        out.append(
            Desired(
                "queue",
                ctx.target.name("queue", name),
                attrs,
                replace_on=frozenset({"FifoQueue"}),
                extra={"project": name, "arn": arn},
            )
        )
    return out


def topics(ctx: Context) -> list[Desired]:
    _, to_topic = _senders(ctx)
    out = []
    for name, spec in sorted(ctx.project.topics.items()):
        attrs: dict[str, Any] = {"FifoTopic": spec.fifo}
        if spec.fifo:
            attrs["ContentBasedDeduplication"] = spec.content_based_deduplication
        arn = ctx.target.arn("topic", name)
        senders = sorted(to_topic.get(name, ()))
        if senders:
            attrs["Policy"] = _send_policy(arn, "sns:Publish", {"events.amazonaws.com": senders})
        out.append(
            Desired(
                "topic",
                ctx.target.name("topic", name),
                attrs,
                replace_on=frozenset({"FifoTopic"}),
                extra={"project": name, "arn": arn},
            )
        )
    return out


ENDPOINT_PROTOCOLS = {"queue": "sqs", "function": "lambda"}


def subscriptions(ctx: Context) -> list[Desired]:
    out = []
    for sub in ctx.project.subscriptions:
        topic_arn = ctx.arn(sub.topic, "topic")
        endpoint_ref = parse_ref(sub.endpoint)
        kind = endpoint_ref.kind if endpoint_ref else ""
        endpoint = ctx.arn(sub.endpoint)
        topic_name = topic_arn.rsplit(":", 1)[-1]
        name = f"{topic_name} -> {endpoint.rsplit(':', 1)[-1]}"
        props: dict[str, Any] = {
            "FilterPolicy": sub.filter_policy,
            "FilterPolicyScope": sub.filter_policy_scope if sub.filter_policy is not None else None,
            "RawMessageDelivery": "true" if sub.raw_message_delivery else "false",
        }
        skip = None
        if kind not in ENDPOINT_PROTOCOLS:
            skip = (
                f"SNS does not deliver to a {kind or 'resource like'} {sub.endpoint}; subscribe it yourself"
            )
        elif kind == "function" and ctx.ref(sub.endpoint) and not _function_deployed(ctx, sub.endpoint):
            skip = f"{sub.endpoint} is not deployed"
        out.append(
            Desired(
                "subscription",
                name,
                props,
                skip=skip,
                extra={
                    "topic_arn": topic_arn,
                    "protocol": ENDPOINT_PROTOCOLS.get(kind, ""),
                    "endpoint": endpoint,
                },
            )
        )
    return out


def _function_deployed(ctx: Context, text: str) -> bool:
    ref = ctx.ref(text, "function")
    return ref is None or ref.name in ctx.deployed_functions
