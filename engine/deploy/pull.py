"""Pull deployed resources back into a project.

State machines and event buses whose names carry the prefix, the rules on those buses (and on
the default bus) with their targets, and what these refer to: queues (with their dead-letter
queues and consumers), topics (with their subscriptions) and functions. Names lose the prefix;
ARNs and queue URLs inside definitions, patterns and targets become the project's own, in the
deployed account and region. The layout is left empty for the designer's auto-layout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from engine.deploy.actual import queue_props, rule_props, subscription_props, target_props
from engine.deploy.clients import Clients, error_code, paginate
from engine.deploy.naming import DEFAULT_BUS, Rewriter, Target, queue_url
from engine.export import project_handler
from engine.project import (
    BusSpec,
    ConsumerSpec,
    FunctionSpec,
    InputTransformer,
    Project,
    QueueSpec,
    RedrivePolicy,
    RetryPolicy,
    RuleSpec,
    StateMachineSpec,
    SubscriptionSpec,
    TargetSpec,
    TopicSpec,
    project_from_value,
    project_to_value,
)
from engine.resource_refs import ref_from_arn

ARN = re.compile(r"arn:aws[a-z-]*:(?:sqs|sns|lambda|states|events):[a-z0-9-]+:\d{12}:[^\s\"',]+")


@dataclass
class PullResult:
    project: Project
    notes: list[str] = field(default_factory=list)


@dataclass
class _Found:
    machines: dict[str, dict[str, Any]] = field(default_factory=dict)  # project name -> describe
    buses: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=dict)
    queues: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # name -> (url, attrs)
    topics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # name -> subscriptions
    functions: dict[str, dict[str, Any]] = field(default_factory=dict)
    consumers: list[ConsumerSpec] = field(default_factory=list)


class Puller:
    def __init__(self, clients: Clients, prefix: str) -> None:
        self.clients = clients
        self.target = Target(clients.account, clients.region, prefix)
        self.found = _Found()
        self.notes: list[str] = []
        self._pending: list[str] = []  # deployed ARNs still to look at

    def local(self, deployed: str) -> str | None:
        return self.target.unprefixed(deployed)

    def run(self) -> None:
        sfn = self.clients("stepfunctions")
        for machine in paginate(sfn, "list_state_machines", "stateMachines"):
            name = self.local(machine["name"])
            if name is not None:
                described = sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])
                self.found.machines[name] = described
                self._scan(described.get("definition", ""))
        events = self.clients("events")
        buses = [DEFAULT_BUS]
        for bus in paginate(events, "list_event_buses", "EventBuses"):
            name = self.local(bus["Name"])
            if name is not None and name != DEFAULT_BUS:
                self.found.buses[name] = events.describe_event_bus(Name=bus["Name"])
                buses.append(bus["Name"])
        for bus in buses:
            kwargs = {"EventBusName": bus} | (
                {"NamePrefix": self.target.prefix} if self.target.prefix else {}
            )
            for rule in paginate(events, "list_rules", "Rules", **kwargs):
                name = self.local(rule["Name"])
                if name is None or rule.get("ManagedBy"):
                    continue
                if name in self.found.rules:
                    self.notes.append(f"rule {rule['Name']} is on more than one bus; kept the first")
                    continue
                described = events.describe_rule(Name=rule["Name"], EventBusName=bus)
                targets = paginate(
                    events, "list_targets_by_rule", "Targets", Rule=rule["Name"], EventBusName=bus
                )
                self.found.rules[name] = (described, targets)
                self._scan(json.dumps(targets))
                self._scan(described.get("EventPattern") or "")
        while self._pending:
            self._visit(self._pending.pop(0))
        self._pipes()

    def _scan(self, text: str) -> None:
        self._pending.extend(ARN.findall(text))
        for url in re.findall(r"https?://[^\s\"']+/\d{12}/[A-Za-z0-9_.-]+", text):
            name = url.rsplit("/", 1)[-1]
            self._pending.append(f"arn:aws:sqs:{self.target.region}:{self.target.account}:{name}")
        for name in re.findall(r'"FunctionName"\s*:\s*"([A-Za-z0-9_-]+)"', text):
            self._pending.append(f"arn:aws:lambda:{self.target.region}:{self.target.account}:function:{name}")

    def _visit(self, arn: str) -> None:
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[3] != self.target.region or parts[4] != self.target.account:
            return
        ref = ref_from_arn(arn)
        name = self.local(ref.name) if ref else None
        if ref is None or name is None:
            return
        try:
            if ref.kind == "queue" and name not in self.found.queues:
                self._queue(name, ref.name)
            elif ref.kind == "topic" and name not in self.found.topics:
                self._topic(name, arn)
            elif ref.kind == "function" and name not in self.found.functions:
                config = self.clients("lambda").get_function_configuration(FunctionName=ref.name)
                self.found.functions[name] = config
        except Exception as exc:
            if error_code(exc) in ("", "AccessDenied", "AccessDeniedException"):
                raise
            self.notes.append(
                f"{arn} is referred to but could not be read ({error_code(exc)}); kept as an ARN"
            )

    def _queue(self, name: str, deployed: str) -> None:
        sqs = self.clients("sqs")
        url = sqs.get_queue_url(QueueName=deployed)["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
        self.found.queues[name] = (url, attrs)
        self._scan(attrs.get("RedrivePolicy") or "")
        arn = attrs.get("QueueArn") or self.target.arn("queue", name)
        for mapping in paginate(
            self.clients("lambda"), "list_event_source_mappings", "EventSourceMappings", EventSourceArn=arn
        ):
            function = mapping.get("FunctionArn", "")
            self._pending.append(function)
            self.found.consumers.append(
                ConsumerSpec(
                    queue=name,
                    target=function,
                    batch_size=mapping.get("BatchSize") or 1,
                    report_batch_item_failures="ReportBatchItemFailures"
                    in (mapping.get("FunctionResponseTypes") or []),
                )
            )

    def _topic(self, name: str, arn: str) -> None:
        subs = paginate(self.clients("sns"), "list_subscriptions_by_topic", "Subscriptions", TopicArn=arn)
        detailed = []
        for sub in subs:
            if sub.get("SubscriptionArn", "").startswith("arn:"):
                attrs = self.clients("sns").get_subscription_attributes(
                    SubscriptionArn=sub["SubscriptionArn"]
                )
                detailed.append(sub | {"Attributes": attrs.get("Attributes", {})})
                self._pending.append(sub.get("Endpoint", ""))
        self.found.topics[name] = detailed

    def _pipes(self) -> None:
        try:
            kwargs = {"NamePrefix": self.target.prefix} if self.target.prefix else {}
            pipes = paginate(self.clients("pipes"), "list_pipes", "Pipes", **kwargs)
        except Exception as exc:
            self.notes.append(f"pipes not read ({error_code(exc) or type(exc).__name__})")
            return
        queue_arns = {
            attrs.get("QueueArn") or self.target.arn("queue", name): name
            for name, (_, attrs) in self.found.queues.items()
        }
        for pipe in pipes:
            queue = queue_arns.get(pipe.get("Source", ""))
            if queue is None or ":states:" not in pipe.get("Target", ""):
                continue
            described = self.clients("pipes").describe_pipe(Name=pipe["Name"])
            batch = (described.get("SourceParameters") or {}).get("SqsQueueParameters", {}).get(
                "BatchSize"
            ) or 1
            self.found.consumers.append(
                ConsumerSpec(queue=queue, target=described["Target"], batch_size=batch)
            )

    def project(self, name: str) -> Project:
        f = self.found
        names = {
            "stateMachine": set(f.machines),
            "function": set(f.functions),
            "bus": set(f.buses) | {DEFAULT_BUS},
            "queue": set(f.queues),
            "topic": set(f.topics),
            "rule": set(f.rules),
        }
        home = Target(self.target.account, self.target.region)
        urls = {q: url for q, (url, _) in f.queues.items()}
        back = Rewriter.build(
            names,
            self.target,
            home,
            source_url=lambda q: urls[q],
            dest_url=lambda q: queue_url(q, home.account, home.region),
        )

        def ref(arn: str) -> str:
            text = back.text(arn)
            found = ref_from_arn(text)
            if (
                found is not None
                and found.name in names.get(found.kind, set())
                and text == found.arn(home.account, home.region)
            ):
                return str(found)
            return text

        project = Project(name=name, account=home.account, region=home.region)
        for machine, described in sorted(f.machines.items()):
            project.state_machines[machine] = StateMachineSpec(
                definition=back(json.loads(described["definition"])), type=described.get("type", "STANDARD")
            )
        for bus, info in sorted(f.buses.items()):
            project.buses[bus] = BusSpec(description=info.get("Description") or None)
        for queue, (_, attrs) in sorted(f.queues.items()):
            project.queues[queue] = _queue_spec(attrs, ref)
        for topic, subs in sorted(f.topics.items()):
            info = self.clients("sns").get_topic_attributes(TopicArn=self.target.arn("topic", topic))[
                "Attributes"
            ]
            fifo = info.get("FifoTopic") == "true"
            project.topics[topic] = TopicSpec(
                fifo=fifo,
                content_based_deduplication=fifo and info.get("ContentBasedDeduplication") == "true",
            )
            for sub in subs:
                props = subscription_props(sub["Attributes"])
                project.subscriptions.append(
                    SubscriptionSpec(
                        topic=topic,
                        endpoint=ref(sub["Endpoint"]),
                        filter_policy=back(props["FilterPolicy"]),
                        filter_policy_scope=props["FilterPolicyScope"] or "MessageAttributes",
                        raw_message_delivery=props["RawMessageDelivery"] == "true",
                    )
                )
        for function, config in sorted(f.functions.items()):
            timeout = config.get("Timeout")
            project.functions[function] = FunctionSpec(
                handler=project_handler(".", config.get("Handler"), config.get("Runtime")),
                timeout=timeout if timeout not in (None, 3) else None,
                description=config.get("Description") or None,
            )
        for rule, (described, targets) in sorted(f.rules.items()):
            props = rule_props(described)
            bus = self.local(described.get("EventBusName") or DEFAULT_BUS) or DEFAULT_BUS
            project.rules[rule] = RuleSpec(
                bus=bus,
                event_pattern=back(props["EventPattern"]),
                schedule_expression=props["ScheduleExpression"],
                state=props["State"] or "ENABLED",
                description=props["Description"],
                targets=[_target_spec(back(target_props(t)), ref) for t in targets],
            )
        for consumer in f.consumers:
            project.consumers.append(consumer.model_copy(update={"target": ref(consumer.target)}))
        return project


def _queue_spec(attrs: dict[str, Any], ref: Any) -> QueueSpec:
    props = queue_props(attrs)
    redrive = None
    if props["RedrivePolicy"]:
        dlq = ref(props["RedrivePolicy"]["deadLetterTargetArn"])
        redrive = RedrivePolicy(
            dead_letter_queue=dlq.removeprefix("queue:"),
            max_receive_count=props["RedrivePolicy"]["maxReceiveCount"],
        )
    return QueueSpec(
        fifo=props["FifoQueue"],
        content_based_deduplication=bool(props.get("ContentBasedDeduplication")),
        visibility_timeout=int(props["VisibilityTimeout"] or 30),
        delay_seconds=int(props["DelaySeconds"] or 0),
        message_retention_period=int(props["MessageRetentionPeriod"] or 345600),
        receive_message_wait_time=int(props["ReceiveMessageWaitTimeSeconds"] or 0),
        redrive_policy=redrive,
    )


def _target_spec(target: dict[str, Any], ref: Any) -> TargetSpec:
    transformer = target.get("InputTransformer")
    retry = target.get("RetryPolicy")
    dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
    return TargetSpec(
        id=target["Id"],
        target=ref(target["Arn"]),
        input=target.get("Input"),
        input_path=target.get("InputPath"),
        input_transformer=InputTransformer(
            input_paths_map=transformer.get("InputPathsMap") or {},
            input_template=transformer["InputTemplate"],
        )
        if transformer
        else None,
        retry_policy=RetryPolicy(
            maximum_retry_attempts=retry.get("MaximumRetryAttempts", 185),
            maximum_event_age_in_seconds=retry.get("MaximumEventAgeInSeconds", 86400),
        )
        if retry
        else None,
        dead_letter_queue=ref(dlq) if dlq else None,
        message_group_id=(target.get("SqsParameters") or {}).get("MessageGroupId"),
    )


def pull(clients: Clients, *, prefix: str = "", name: str = "project") -> PullResult:
    """A project (validated as a project file would be) from what is deployed."""
    puller = Puller(clients, prefix)
    puller.run()
    project = puller.project(name)
    loaded = project_from_value(project_to_value(project))  # the same checks a saved file gets
    return PullResult(loaded.project, puller.notes)
