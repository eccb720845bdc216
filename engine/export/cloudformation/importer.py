"""Import a CloudFormation or SAM template (JSON, or YAML with short tags) into a project.

Everything a project can hold comes in: state machines with their definitions, functions,
event buses, rules, queues, topics, subscriptions and queue consumers. Everything else in the
template (tables, buckets, APIs, roles) is left where it is. Nothing here raises for a bad
file: each problem is an `ImportProblem` naming the file and the place in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.asl import DefinitionLoadError, parse_text, read_text_file
from engine.export.asl_text import import_asl
from engine.export.cloudformation.import_context import TemplateContext, resource_type
from engine.export.cloudformation.import_definitions import machine_definition
from engine.export.cloudformation.import_events import import_events, import_rule
from engine.export.cloudformation.intrinsics import Flattener
from engine.export.cloudformation.machine_settings import import_settings
from engine.export.lambda_handlers import project_handler
from engine.export.problems import ImportResult, pointer
from engine.project import (
    BusSpec,
    ConsumerSpec,
    FunctionSpec,
    QueueSpec,
    RedrivePolicy,
    StateMachineSpec,
    SubscriptionSpec,
    TopicSpec,
)

TEMPLATE_LIMIT = 8 * 1024 * 1024  # characters; templates may be far larger than one definition


def read_document(path: Path, result: ImportResult, text: str | None = None) -> Any:
    """A template's or definition's JSON value; None (and a located problem) when unreadable."""
    try:
        if text is None:
            text = read_text_file(path, limit=TEMPLATE_LIMIT)
        prefer = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "json"
        return parse_text(text, source=str(path), prefer=prefer).value
    except DefinitionLoadError as exc:
        where = ""
        if exc.line is not None:
            where = f"line {exc.line}" + (f", column {exc.column}" if exc.column is not None else "")
        result.problem(where, exc.message.split("\n at [Source", 1)[0])
        return None


def import_file(
    source: str | Path, *, resolve_uri: Callable[[str], Path | None] | None = None
) -> ImportResult:
    """An ASL file or a template, whichever the file holds."""
    path = Path(source)
    probe = ImportResult(str(path))
    value = read_document(path, probe)
    if value is None:
        return probe
    if isinstance(value, dict) and "States" in value:
        return import_asl(path)
    return import_template(path, resolve_uri=resolve_uri, _value=value)


def import_template(
    source: str | Path,
    *,
    resolve_uri: Callable[[str], Path | None] | None = None,
    account: str | None = None,
    region: str | None = None,
    _value: Any = None,
) -> ImportResult:
    """A project from a CloudFormation or SAM template.

    `resolve_uri` maps a `DefinitionUri` to a file when it is not where the template says
    (relative to the template); returning None falls back to that. `account` and `region`
    set the project's, from which imported ARNs are derived.
    """
    path = Path(source)
    result = ImportResult(str(path))
    if account:
        result.project.account = account
    if region:
        result.project.region = region
    result.project.name = path.name.split(".")[0] or "project"
    template = _value if _value is not None else read_document(path, result)
    if template is None:
        return result
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        result.problem(
            "/Resources" if isinstance(template, dict) else "",
            "this is not a CloudFormation template: it has no Resources object",
        )
        return result
    if isinstance(template.get("Description"), str):
        result.project.description = template["Description"].strip() or None
    ctx = TemplateContext(path, template, result, resolve_uri)
    importers: dict[str, Callable[[TemplateContext, str, dict[str, Any]], None]] = {
        "AWS::Events::EventBus": _bus,
        "AWS::SQS::Queue": _queue,
        "AWS::SNS::Topic": _topic,
        "AWS::Lambda::Function": _function,
        "AWS::Serverless::Function": _function,
        "AWS::StepFunctions::StateMachine": _state_machine,
        "AWS::Serverless::StateMachine": _state_machine,
    }
    later: dict[str, Callable[[TemplateContext, str, dict[str, Any]], None]] = {
        "AWS::Events::Rule": import_rule,
        "AWS::SNS::Subscription": _subscription,
        "AWS::Lambda::EventSourceMapping": _event_source_mapping,
        "AWS::Pipes::Pipe": _pipe,
    }
    for table in (importers, later):
        for logical, resource in ctx.resources.items():
            if not isinstance(resource, dict):
                result.problem(pointer("Resources", logical), "a resource must be an object")
                continue
            handler = table.get(resource_type(resource))
            if handler is None:
                continue
            props = resource.get("Properties", {})
            if not isinstance(props, dict):
                result.problem(pointer("Resources", logical, "Properties"), "Properties must be an object")
                continue
            _safely(ctx, logical, handler, props)
    for logical, resource in ctx.resources.items():
        type_ = resource_type(resource)
        props = resource.get("Properties") if isinstance(resource, dict) else None
        if type_.startswith("AWS::Serverless::") and isinstance(props, dict) and logical in ctx.refs:
            _safely(ctx, logical, import_events, props)
            if type_ == "AWS::Serverless::Function":
                _safely(ctx, logical, _function_events, props)
    return result


def _safely(
    ctx: TemplateContext,
    logical: str,
    handler: Callable[[TemplateContext, str, dict[str, Any]], None],
    props: dict[str, Any],
) -> None:
    """Run one resource's importer; a value it cannot use becomes a problem located at the resource.

    Templates are hand-written and values of the wrong shape turn up anywhere; the rest of the
    template must still come in, and the user must learn which resource was left out.
    """
    where = pointer("Resources", logical, "Properties")
    try:
        handler(ctx, logical, props)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        ctx.result.problem(where, f"{field}: {error['msg']} (input {error.get('input')!r:.60}); left out")
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        ctx.result.problem(where, f"a property has a value of an unexpected shape ({exc}); left out")


def _int(ctx: TemplateContext, value: Any, default: int) -> int:
    value = ctx.literal(value)
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


def _bool(ctx: TemplateContext, value: Any) -> bool:
    value = ctx.literal(value)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _json(value: Any) -> Any:
    """A property of type Json, given as an object or as JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def _bus(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    meta = ctx.metadata(logical)
    ctx.project.buses[ctx.refs[logical].name] = BusSpec(
        description=meta.get("Description")
        or (props.get("Description") if isinstance(props.get("Description"), str) else None),
        domain=meta.get("Domain"),
    )


def _queue(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    meta = ctx.metadata(logical)
    redrive = None
    policy = _json(props.get("RedrivePolicy"))
    if isinstance(policy, dict) and policy.get("deadLetterTargetArn") is not None:
        dlq = ctx.reference(policy["deadLetterTargetArn"], ("queue",))
        if dlq is None:
            ctx.result.problem(
                pointer("Resources", logical, "Properties", "RedrivePolicy"),
                "the dead-letter queue is not one StateCanvas can resolve; redrive left out",
                "warning",
            )
        else:
            redrive = RedrivePolicy(
                dead_letter_queue=dlq.removeprefix("queue:"),
                max_receive_count=_int(ctx, policy.get("maxReceiveCount"), 1),
            )
    defaults = QueueSpec()
    ctx.project.queues[ctx.refs[logical].name] = QueueSpec(
        fifo=_bool(ctx, props.get("FifoQueue")),
        content_based_deduplication=_bool(ctx, props.get("ContentBasedDeduplication")),
        visibility_timeout=_int(ctx, props.get("VisibilityTimeout"), defaults.visibility_timeout),
        delay_seconds=_int(ctx, props.get("DelaySeconds"), defaults.delay_seconds),
        message_retention_period=_int(
            ctx, props.get("MessageRetentionPeriod"), defaults.message_retention_period
        ),
        receive_message_wait_time=_int(
            ctx, props.get("ReceiveMessageWaitTimeSeconds"), defaults.receive_message_wait_time
        ),
        redrive_policy=redrive,
        domain=meta.get("Domain"),
        description=meta.get("Description"),
    )


def _topic(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    meta = ctx.metadata(logical)
    name = ctx.refs[logical].name
    ctx.project.topics[name] = TopicSpec(
        fifo=_bool(ctx, props.get("FifoTopic")),
        content_based_deduplication=_bool(ctx, props.get("ContentBasedDeduplication")),
        domain=meta.get("Domain"),
        description=meta.get("Description"),
    )
    inline = props.get("Subscription")
    for i, sub in enumerate(inline if isinstance(inline, list) else []):
        if isinstance(sub, dict):
            _add_subscription(
                ctx,
                f"topic:{name}",
                sub.get("Endpoint"),
                {},
                pointer("Resources", logical, "Properties", "Subscription", i),
            )


def _subscription(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    where = pointer("Resources", logical, "Properties")
    topic = ctx.reference(props.get("TopicArn"), ("topic",))
    if topic is None:
        ctx.result.problem(
            f"{where}/TopicArn", "the topic is not one StateCanvas can resolve; left out", "warning"
        )
        return
    _add_subscription(ctx, topic, props.get("Endpoint"), props, where)


def _add_subscription(
    ctx: TemplateContext, topic: str, endpoint: Any, props: dict[str, Any], where: str
) -> None:
    target = ctx.reference(endpoint, ("queue", "function", "stateMachine", "bus"))
    if target is None or (
        target.startswith("arn:") and not target.startswith(("arn:aws:sqs", "arn:aws:lambda"))
    ):
        ctx.result.problem(
            where,
            f"subscription endpoint {Flattener().text(endpoint)!r} is not a queue or "
            "function StateCanvas can resolve; left out",
            "warning",
        )
        return
    scope = ctx.literal(props.get("FilterPolicyScope"))
    filter_policy = _json(props.get("FilterPolicy"))
    ctx.project.subscriptions.append(
        SubscriptionSpec(
            topic=topic.removeprefix("topic:"),
            endpoint=target,
            filter_policy=filter_policy if isinstance(filter_policy, dict) else None,
            filter_policy_scope=scope
            if scope in ("MessageAttributes", "MessageBody")
            else "MessageAttributes",
            raw_message_delivery=_bool(ctx, props.get("RawMessageDelivery")),
        )
    )


def _globals(ctx: TemplateContext) -> dict[str, Any]:
    globals_ = ctx.template.get("Globals")
    function = globals_.get("Function") if isinstance(globals_, dict) else None
    return function if isinstance(function, dict) else {}


def _function(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    meta = ctx.metadata(logical)
    merged = (
        {**_globals(ctx), **props} if ctx.resources[logical]["Type"].startswith("AWS::Serverless") else props
    )
    handler = meta.get("Handler")
    if not isinstance(handler, str):
        code_uri = merged.get("CodeUri")
        handler = project_handler(
            code_uri if isinstance(code_uri, str) else None,
            merged.get("Handler") if isinstance(merged.get("Handler"), str) else None,
            merged.get("Runtime") if isinstance(merged.get("Runtime"), str) else None,
        )
    timeout = ctx.literal(merged.get("Timeout"))
    description = merged.get("Description")
    if isinstance(description, dict):  # text holding `${` is written as Fn::Join (see literal_text)
        description = Flattener().text(description)
    ctx.project.functions[ctx.refs[logical].name] = FunctionSpec(
        handler=handler,
        timeout=timeout if isinstance(timeout, int) and not isinstance(timeout, bool) else None,
        description=description if isinstance(description, str) and description else None,
        domain=meta.get("Domain"),
    )


def _state_machine(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    name = ctx.refs[logical].name
    definition = machine_definition(ctx, logical, props, name)
    if definition is None:
        return
    meta = ctx.metadata(logical)
    type_ = ctx.literal(props.get("StateMachineType", props.get("Type", "STANDARD")))
    if type_ not in ("STANDARD", "EXPRESS"):
        ctx.result.problem(
            pointer("Resources", logical, "Properties"),
            f"state machine type {Flattener().text(type_)!r} read as STANDARD",
            "warning",
        )
        type_ = "STANDARD"
    logging, tracing = import_settings(
        props.get("LoggingConfiguration", props.get("Logging")),
        props.get("TracingConfiguration", props.get("Tracing")),
        ctx.literal,
    )
    ctx.project.state_machines[name] = StateMachineSpec(
        definition=definition,
        type=type_,
        comment=meta.get("Comment"),
        domain=meta.get("Domain"),
        default_input=meta.get("DefaultInput"),
        logging=logging,
        tracing_enabled=tracing,
    )


def _consumer(
    ctx: TemplateContext, queue_value: Any, target: str | None, props: dict[str, Any], where: str
) -> None:
    queue = ctx.reference(queue_value, ("queue",))
    if queue is None or target is None or not queue.startswith("queue:"):
        ctx.result.problem(where, "not a consumer of a queue in this template; left out", "warning")
        return
    types = props.get("FunctionResponseTypes")
    ctx.project.consumers.append(
        ConsumerSpec(
            queue=queue.removeprefix("queue:"),
            target=target,
            batch_size=_int(ctx, props.get("BatchSize"), 10),
            report_batch_item_failures=isinstance(types, list) and "ReportBatchItemFailures" in types,
        )
    )


def _event_source_mapping(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    function = ctx.reference(props.get("FunctionName"), ("function",))
    _consumer(ctx, props.get("EventSourceArn"), function, props, pointer("Resources", logical, "Properties"))


def _pipe(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    target = ctx.reference(props.get("Target"), ("stateMachine", "function"))
    source = props.get("SourceParameters")
    sqs = source.get("SqsQueueParameters") if isinstance(source, dict) else None
    _consumer(
        ctx,
        props.get("Source"),
        target,
        sqs if isinstance(sqs, dict) else {},
        pointer("Resources", logical, "Properties"),
    )


def _function_events(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    """SAM function events that are queue consumers or topic subscriptions."""
    events = props.get("Events")
    if not isinstance(events, dict):
        return
    owner = str(ctx.refs[logical])
    for key, event in events.items():
        if not isinstance(event, dict) or not isinstance(event.get("Properties"), dict):
            continue
        where = pointer("Resources", logical, "Properties", "Events", key)
        eprops = event["Properties"]
        if event.get("Type") == "SQS":
            _consumer(ctx, eprops.get("Queue"), owner, eprops, where)
        elif event.get("Type") == "SNS":
            topic = ctx.reference(eprops.get("Topic"), ("topic",))
            if topic is not None and topic.startswith("topic:"):
                _add_subscription(ctx, topic, {"Fn::GetAtt": [logical, "Arn"]}, eprops, where)
