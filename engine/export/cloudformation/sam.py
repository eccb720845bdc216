"""A SAM template for a project: the shape most Step Functions samples are written in.

State machines become `AWS::Serverless::StateMachine` with `Definition` (or `DefinitionUri`
and a file written beside the template), `DefinitionSubstitutions` for the project's ARNs,
SAM policy templates for what the definition calls, and `Events` for the rules whose one
target is that machine. Functions become `AWS::Serverless::Function` with CodeUri, Handler and
Runtime derived from the project's handler path, and SQS events for their queue consumers.
Everything else is written as plain CloudFormation (see `messaging_resources`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from engine.deep_nesting import nesting_headroom
from engine.export.asl_text import asl_json, asl_yaml
from engine.export.catalog import DEFAULT_BUS, as_loaded, logical_base
from engine.export.cloudformation.builder import Builder, TemplateExport
from engine.export.cloudformation.intrinsics import literal_text, placeholders
from engine.export.cloudformation.machine_settings import (
    logging_configuration,
    settings_statements,
    tracing_configuration,
)
from engine.export.cloudformation.messaging_resources import (
    Grants,
    add_buses,
    add_queues,
    add_rule,
    add_subscriptions,
    add_topics,
    project_ref,
    renamed_metadata,
)
from engine.export.cloudformation.template import (
    add_consumers,
    bind_machine,
    function_metadata,
    machine_metadata,
)
from engine.export.eventbridge_rules import target_options
from engine.export.lambda_handlers import lambda_parts
from engine.project import LoadedProject, Project, RuleSpec
from engine.resource_refs import ResourceRef

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


@nesting_headroom()  # the template walks recurse; definitions may nest 1,000 levels
def sam_template(
    project: LoadedProject | Project,
    *,
    substitutions: dict[str, dict[str, Any]] | None = None,
    definition_uri: bool | None = None,
    definition_dir: str = "statemachine",
    description: str | None = None,
) -> TemplateExport:
    """The project as a SAM template.

    `definition_uri` None writes `DefinitionUri` for machines the project keeps in their own
    file and `Definition` for the others; True or False does one or the other for all. The
    files go in `TemplateExport.files` under `definition_dir`, placeholders in them.
    """
    b = Builder(as_loaded(project), substitutions)
    grants = Grants()
    add_buses(b)
    add_queues(b)
    add_topics(b)
    _functions(b)
    renames: dict[str, dict[str, str]] = {}
    events = _machine_events(b, renames)
    files: dict[str, str] = {}
    for name in sorted(b.project.state_machines):
        _state_machine(b, name, events.get(name, {}), definition_uri, definition_dir, files, renames)
    for name, rule in sorted(b.project.rules.items()):
        if not any(name in by_key.values() for by_key in _event_names(events).values()):
            add_rule(b, name, rule, grants)
    add_subscriptions(b, grants)
    add_consumers(b, sam=True)
    grants.write(b)
    return TemplateExport(b.template(transform=SAM_TRANSFORM, description=description), files, b.notes)


def _functions(b: Builder) -> None:
    for name, spec in sorted(b.project.functions.items()):
        logical = b.id("function", name)
        code_uri, handler, runtime = lambda_parts(spec.handler)
        props: dict[str, Any] = {"CodeUri": code_uri, "Handler": handler, "Runtime": runtime}
        if spec.timeout is not None:
            props["Timeout"] = spec.timeout
        if spec.description:
            props["Description"] = literal_text(spec.description)
        sqs_events: dict[str, Any] = {}
        for consumer in b.project.consumers:
            target = project_ref(b, consumer.target)
            if target != ResourceRef("function", name):
                continue
            queue = project_ref(b, consumer.queue, "queue")
            key = f"{b.id('queue', queue.name)}Consumer" if queue else f"Queue{len(sqs_events) + 1}Consumer"
            queue_arn = {"Fn::GetAtt": [b.id("queue", queue.name), "Arn"]} if queue else consumer.queue
            eprops: dict[str, Any] = {"Queue": queue_arn, "BatchSize": consumer.batch_size}
            if consumer.report_batch_item_failures:
                eprops["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
            sqs_events[key] = {"Type": "SQS", "Properties": eprops}
        if sqs_events:
            props["Events"] = sqs_events
        b.add(logical, "AWS::Serverless::Function", props, metadata=function_metadata(b, name, logical))


def _as_event(b: Builder, name: str, rule: RuleSpec) -> dict[str, Any] | None:
    """A rule as a state machine event, when SAM can say everything the rule says.

    SAM's EventBridgeRule event has no `State` (a disabled rule stays a plain rule), and a
    schedule or target ID holding a placeholder needs `Fn::Sub`, which SAM's event does not take.
    """
    if len(rule.targets) != 1 or rule.description or rule.state != "ENABLED":
        return None
    target = rule.targets[0]
    if placeholders(target.id) or placeholders(rule.schedule_expression or ""):
        return None
    ref = project_ref(b, target.target)
    if ref is None or ref.kind != "stateMachine" or target.message_group_id is not None:
        return None
    props: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    if rule.event_pattern is not None and rule.schedule_expression is None:
        kind = "EventBridgeRule"
        props["Pattern"], renamed = b.pattern_value(rule.event_pattern, f"rule:{name}")
        if rule.bus != DEFAULT_BUS:
            props["EventBusName"] = (
                {"Fn::GetAtt": [b.id("bus", rule.bus), "Name"]} if rule.bus in b.project.buses else rule.bus
            )
    elif rule.schedule_expression is not None and rule.event_pattern is None and rule.bus == DEFAULT_BUS:
        kind = "Schedule"
        props["Schedule"] = rule.schedule_expression
    else:
        return None
    options = target_options(target)
    if kind == "Schedule" and "InputTransformer" in options:
        return None
    props.update(options)
    if target.dead_letter_queue is not None:
        dlq = target.dead_letter_queue
        props["DeadLetterConfig"] = {"Arn": b.arn(dlq if ":" in dlq else f"queue:{dlq}")}
    if kind == "Schedule":
        props["State"] = rule.state
    props["Target"] = {"Id": target.id}
    renamed = renamed if kind == "EventBridgeRule" else {}
    return {"machine": ref.name, "event": {"Type": kind, "Properties": props}, "renamed": renamed}


def _machine_events(
    b: Builder, renames: dict[str, dict[str, str]]
) -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    """machine -> event key -> (rule name, SAM event); placeholders renamed go in `renames` by rule."""
    out: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for name, rule in sorted(b.project.rules.items()):
        event = _as_event(b, name, rule)
        if event is None:
            continue
        if event["renamed"]:
            renames[name] = event["renamed"]
        keyed = out.setdefault(event["machine"], {})
        key, n = logical_base(name), 1
        while key in keyed:
            n += 1
            key = f"{logical_base(name)}{n}"
        keyed[key] = (name, event["event"])
    return out


def _event_names(events: dict[str, dict[str, tuple[str, dict[str, Any]]]]) -> dict[str, dict[str, str]]:
    return {m: {k: rule for k, (rule, _) in by_key.items()} for m, by_key in events.items()}


def _policies(b: Builder, name: str, refs: set[ResourceRef]) -> list[Any]:
    """SAM policy templates for what a definition calls."""
    policies: list[Any] = []
    for ref in sorted(refs, key=lambda r: (r.kind, r.name)):
        logical = b.catalog.logical(ref)
        if ref.kind == "function" and logical:
            policies.append({"LambdaInvokePolicy": {"FunctionName": {"Ref": logical}}})
        elif ref.kind == "queue" and logical:
            policies.append({"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": [logical, "QueueName"]}}})
        elif ref.kind == "topic" and logical:
            policies.append(
                {"SNSPublishMessagePolicy": {"TopicName": {"Fn::GetAtt": [logical, "TopicName"]}}}
            )
        elif ref.kind == "bus":
            bus = {"Ref": logical} if logical else ref.name
            policies.append({"EventBridgePutEventsPolicy": {"EventBusName": bus}})
        elif ref.kind == "stateMachine" and logical:
            machine = ref.name if ref.name == name else {"Fn::GetAtt": [logical, "Name"]}
            policies.append({"StepFunctionsExecutionPolicy": {"StateMachineName": machine}})
    return policies


def _state_machine(
    b: Builder,
    name: str,
    events: dict[str, tuple[str, dict[str, Any]]],
    definition_uri: bool | None,
    definition_dir: str,
    files: dict[str, str],
    renames: dict[str, dict[str, str]],
) -> None:
    spec = b.project.state_machines[name]
    logical = b.id("stateMachine", name)
    bound, self_ref = bind_machine(b, name, native=False)
    props: dict[str, Any] = {}
    if spec.type != "STANDARD":
        props["Type"] = spec.type
    if self_ref:
        props["Name"] = name
    use_uri = definition_uri if definition_uri is not None else spec.definition_file is not None
    if use_uri:
        source = PurePosixPath(spec.definition_file) if spec.definition_file else None
        yaml_file = source is not None and source.suffix.lower() in (".yaml", ".yml")
        file_name = source.name if source else f"{logical}.asl.json"
        relative = f"{definition_dir.rstrip('/')}/{file_name}" if definition_dir else file_name
        files[relative] = asl_yaml(bound.value) if yaml_file else asl_json(bound.value)
        props["DefinitionUri"] = relative
    else:
        props["Definition"] = bound.value
    if bound.variables:
        props["DefinitionSubstitutions"] = bound.variables
    logging = logging_configuration(b, name, logical, spec)
    if logging is not None:
        props["Logging"] = logging
    tracing = tracing_configuration(spec)
    if tracing is not None:
        props["Tracing"] = tracing
    policies = _policies(b, name, bound.refs)
    settings = settings_statements(spec)
    if settings:
        policies.append({"Statement": settings})
    if policies:
        props["Policies"] = policies
    if events:
        props["Events"] = {key: event for key, (_, event) in events.items()}
    meta = machine_metadata(name, logical, spec, bound) or {}
    renamed_rules = {key: rule for key, (rule, _) in events.items() if key != rule}
    domains = {
        key: b.project.rules[rule].domain for key, (rule, _) in events.items() if b.project.rules[rule].domain
    }
    if renamed_rules:
        meta["EventRules"] = renamed_rules
    if domains:
        meta["EventDomains"] = domains
    placeholders = {
        key: renamed_metadata(renames[rule]) for key, (rule, _) in events.items() if rule in renames
    }
    if placeholders:
        meta["EventPlaceholders"] = placeholders
    b.add(logical, "AWS::Serverless::StateMachine", props, metadata=meta or None)
