"""EventBridge rules out of templates: `AWS::Events::Rule` resources and SAM event sources.

SAM writes many rules as `Events` of a state machine or function (`EventBridgeRule`,
`CloudWatchEvent`, `Schedule`); they are rules all the same and come in as project rules whose
one target is that resource. Targets the project cannot hold (a Kinesis stream, an API
destination) are left out with a warning rather than failing the rule.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from engine.export.cloudformation.import_context import TemplateContext
from engine.export.cloudformation.import_definitions import restore_names
from engine.export.cloudformation.intrinsics import Flattener, map_strings, placeholders, strings_in
from engine.export.problems import pointer
from engine.project import BusSpec, InputTransformer, RetryPolicy, RuleSpec, TargetSpec

TARGET_KINDS = ("stateMachine", "queue", "topic", "bus", "function")


def _text(value: Any) -> str | None:
    """A string property, intrinsics shown as `${...}` text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)) and not (isinstance(value, dict) and len(value) == 1):
        return json.dumps(value, ensure_ascii=False)  # an object where JSON text was meant
    return Flattener().text(value)


def bus_name(ctx: TemplateContext, value: Any, where: str) -> str:
    """The project bus a rule is on, adding buses the template names but does not define."""
    if value is None:
        return "default"
    ref = ctx.reference(value, ("bus",))
    if ref is not None and ref.startswith("bus:"):
        return ref.split(":", 1)[1]
    if isinstance(ref, str) and ref.startswith("arn:") and ":event-bus/" in ref:
        name = ref.rsplit("/", 1)[1]
    elif isinstance(value, dict) and isinstance(value.get("Fn::ImportValue"), str):
        name = value["Fn::ImportValue"]  # another stack's export: its name is the best name we have
    else:
        literal = ctx.literal(value)
        name = literal if isinstance(literal, str) else Flattener().text(value)
    if name == "default":
        return name
    if name not in ctx.project.buses:
        ctx.project.buses[name] = BusSpec(description="named by the template but not defined in it")
        ctx.result.problem(
            where, f"event bus {name!r} is not defined in this template; added to the project", "warning"
        )
    return name


def _pattern(
    ctx: TemplateContext, value: Any, where: str, key: str, renames: Any = None
) -> dict[str, Any] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            ctx.result.problem(where, f"the event pattern is not JSON: {exc.msg} (column {exc.colno})")
            return None
    if not isinstance(value, dict):
        ctx.result.problem(where, "the event pattern is not an object")
        return None
    flattener = Flattener()
    pattern = flattener.walk(value)
    leftover: dict[str, Any] = {}
    pattern = map_strings(pattern, lambda s: ctx.resolve_text(s, flattener.variables, leftover))
    if isinstance(renames, dict) and renames:
        pattern, leftover = restore_names(pattern, leftover, renames)
    used = {p for s in strings_in(pattern) for p in placeholders(s)}
    recorded = {k: v for k, v in leftover.items() if k in used}
    if recorded:
        ctx.result.substitutions[key] = recorded
    return pattern


def _target(
    ctx: TemplateContext, raw: Any, where: str, default_id: str, target: str | None = None
) -> TargetSpec | None:
    if not isinstance(raw, dict):
        ctx.result.problem(where, "a target must be an object", "warning")
        return None
    if target is None:
        target = ctx.reference(raw.get("Arn"), TARGET_KINDS)
        if target is None:
            ctx.result.problem(
                f"{where}/Arn",
                f"target {_text(raw.get('Arn'))!r} is not a resource a StateCanvas project holds; left out",
                "warning",
            )
            return None
    fields: dict[str, Any] = {"id": _text(raw.get("Id")) or default_id, "target": target}
    if raw.get("Input") is not None:
        fields["input"] = _text(raw["Input"])
    if raw.get("InputPath") is not None:
        fields["input_path"] = _text(raw["InputPath"])
    transformer = raw.get("InputTransformer")
    if isinstance(transformer, dict) and transformer.get("InputTemplate") is not None:
        paths = transformer.get("InputPathsMap")
        fields["input_transformer"] = InputTransformer(
            input_paths_map={str(k): str(v) for k, v in paths.items()} if isinstance(paths, dict) else {},
            input_template=_text(transformer["InputTemplate"]) or "",
        )
    retry = raw.get("RetryPolicy")
    if isinstance(retry, dict):
        try:
            fields["retry_policy"] = RetryPolicy(
                **{
                    k: int(v)
                    for k, v in (
                        ("maximum_retry_attempts", retry.get("MaximumRetryAttempts")),
                        ("maximum_event_age_in_seconds", retry.get("MaximumEventAgeInSeconds")),
                    )
                    if isinstance(v, (int, str)) and str(v).isdigit()
                }
            )
        except ValidationError as exc:
            ctx.result.problem(
                f"{where}/RetryPolicy", f"RetryPolicy ignored: {exc.errors()[0]['msg']}", "warning"
            )
    dlc = raw.get("DeadLetterConfig")
    if isinstance(dlc, dict) and "Arn" in dlc:
        dlq = ctx.reference(dlc["Arn"], ("queue",))
        if dlq is not None:
            fields["dead_letter_queue"] = dlq
        else:
            ctx.result.problem(
                f"{where}/DeadLetterConfig",
                "the dead-letter queue is not one StateCanvas can resolve; left out",
                "warning",
            )
    elif isinstance(dlc, dict):
        ctx.result.problem(
            f"{where}/DeadLetterConfig", "a dead-letter queue SAM creates itself is not imported", "warning"
        )
    sqs = raw.get("SqsParameters")
    if isinstance(sqs, dict) and sqs.get("MessageGroupId") is not None:
        fields["message_group_id"] = _text(sqs["MessageGroupId"])
    return TargetSpec(**fields)


def _state(ctx: TemplateContext, props: dict[str, Any], where: str) -> str:
    state = ctx.literal(props.get("State"))
    if state is None and "Enabled" in props:
        enabled = ctx.literal(props["Enabled"])
        return "DISABLED" if enabled is False or str(enabled).lower() == "false" else "ENABLED"
    if state in (None, "ENABLED", "DISABLED"):
        return state or "ENABLED"
    ctx.result.problem(f"{where}/State", f"rule state {_text(state)!r} read as ENABLED", "warning")
    return "ENABLED"


def _add_rule(ctx: TemplateContext, name: str, spec: RuleSpec, where: str) -> None:
    if spec.event_pattern is None and spec.schedule_expression is None:
        ctx.result.problem(where, "the rule has neither an event pattern nor a schedule expression; left out")
        return
    ctx.project.rules[name] = spec


def import_rule(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    """An `AWS::Events::Rule` resource."""
    where = pointer("Resources", logical, "Properties")
    name = ctx.refs[logical].name
    pattern = None
    if props.get("EventPattern") is not None:
        renames = ctx.metadata(logical).get("Placeholders")
        pattern = _pattern(ctx, props["EventPattern"], f"{where}/EventPattern", f"rule:{name}", renames)
        if pattern is None:
            return
    targets = []
    raw_targets = props.get("Targets")
    for i, raw in enumerate(raw_targets if isinstance(raw_targets, list) else []):
        target = _target(ctx, raw, f"{where}/Targets/{i}", f"Target{i}")
        if target is not None:
            targets.append(target)
    spec = RuleSpec(
        bus=bus_name(ctx, props.get("EventBusName"), f"{where}/EventBusName"),
        event_pattern=pattern,
        schedule_expression=_text(props.get("ScheduleExpression")),
        state=_state(ctx, props, where),
        description=_text(props.get("Description")),
        targets=targets,
        domain=ctx.metadata(logical).get("Domain"),
    )
    _add_rule(ctx, name, spec, where)


def import_events(ctx: TemplateContext, logical: str, props: dict[str, Any]) -> None:
    """The EventBridge events of a SAM state machine or function, as rules targeting it."""
    events = props.get("Events")
    if not isinstance(events, dict):
        return
    owner = str(ctx.refs[logical])
    meta = ctx.metadata(logical)
    names = meta.get("EventRules") if isinstance(meta.get("EventRules"), dict) else {}
    domains = meta.get("EventDomains") if isinstance(meta.get("EventDomains"), dict) else {}
    placeholders_by_key = (
        meta.get("EventPlaceholders") if isinstance(meta.get("EventPlaceholders"), dict) else {}
    )
    for key, event in events.items():
        where = pointer("Resources", logical, "Properties", "Events", key)
        if not isinstance(event, dict) or not isinstance(event.get("Properties"), dict):
            continue
        kind, eprops = event.get("Type"), event["Properties"]
        if kind not in ("EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2"):
            continue
        name = str(names.get(key, key))
        if name in ctx.project.rules or any(r.kind == "rule" and r.name == name for r in ctx.refs.values()):
            name = f"{logical}{key}"
        raw_target = dict(eprops)
        target_id = eprops.get("Target", {}).get("Id") if isinstance(eprops.get("Target"), dict) else None
        raw_target["Id"] = target_id
        target = _target(ctx, raw_target, where + "/Properties", f"{key}Target", target=owner)
        pattern = None
        if kind in ("EventBridgeRule", "CloudWatchEvent"):
            if eprops.get("Pattern") is None:
                ctx.result.problem(where, "the event has no Pattern; left out")
                continue
            pattern = _pattern(
                ctx,
                eprops["Pattern"],
                f"{where}/Properties/Pattern",
                f"rule:{name}",
                placeholders_by_key.get(key),
            )
            if pattern is None:
                continue
        schedule = _text(eprops.get("Schedule") or eprops.get("ScheduleExpression"))
        if kind == "ScheduleV2":
            ctx.result.problem(
                where,
                "an EventBridge Scheduler schedule (ScheduleV2) is imported as a scheduled rule",
                "warning",
            )
        spec = RuleSpec(
            bus=bus_name(ctx, eprops.get("EventBusName"), f"{where}/Properties/EventBusName"),
            event_pattern=pattern,
            schedule_expression=schedule if kind in ("Schedule", "ScheduleV2") else None,
            state=_state(ctx, eprops, where + "/Properties"),
            description=_text(eprops.get("Description")),
            targets=[target] if target is not None else [],
            domain=domains.get(key) if isinstance(domains.get(key), str) else None,
        )
        _add_rule(ctx, name, spec, where)
