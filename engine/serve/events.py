"""EventBridge's JSON 1.1 API (`X-Amz-Target: AWSEvents.<Action>`) over the project runtime's bus.

Events put through the API go through `ProjectRuntime.put_events`, the same path as
`statecanvas put-events`, so a rule's targets (state machines, queues, topics, buses, local
functions) receive them exactly as in a project run, and the runtime's trace records them.
Engine errors (`engine.bus.api_errors`) already carry AWS's codes and messages; they are passed
through unchanged. Archives and replays are in `events_archives`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.bus import EventBus, InvalidEventError, InvalidEventPatternError, Rule, Target, test_event_pattern
from engine.bus.api_errors import EventBridgeError, InvalidEventPatternException
from engine.serve import events_archives
from engine.serve.dispatch import AwsError, Dispatcher, ServeContext, ServeRequest, validation_error
from engine.serve.members import opt_dict, opt_int, opt_list, opt_str, opt_str_list, page, req_str

TAGS_KEY = "events.tags"
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+")


def register(dispatcher: Dispatcher) -> None:
    dispatcher.register_json("AWSEvents", "events", handle)


async def handle(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    operation = OPERATIONS.get(request.action) or events_archives.OPERATIONS.get(request.action)
    if operation is None:
        raise AwsError("UnknownOperationException", f"The operation {request.action} is not supported.")
    try:
        return operation(request.params, context)
    except EventBridgeError as error:
        raise AwsError(error.code, error.message) from None


def _bus(context: ServeContext, params: dict[str, Any], member: str = "EventBusName") -> EventBus:
    return context.runtime.events.bus(opt_str(params, member) or "default")


# Buses -------------------------------------------------------------------------------------------


_BUS_SETTINGS = ("Description", "KmsKeyIdentifier", "DeadLetterConfig")


def _settings(context: ServeContext, bus: EventBus) -> dict[str, Any]:
    """What a client set on a bus (kept and reported; a bus's dead-letter queue is not used by the
    local delivery, which retries per target); a project's bus starts with its description."""
    kept: dict[str, dict[str, Any]] = context.extras.setdefault("events.buses", {})
    if bus.arn not in kept:
        spec = context.runtime.loaded.project.buses.get(bus.name)
        kept[bus.arn] = {"Description": spec.description} if spec is not None and spec.description else {}
    return kept[bus.arn]


def _set_settings(context: ServeContext, bus: EventBus, params: dict[str, Any]) -> dict[str, Any]:
    settings = _settings(context, bus)
    for key in ("Description", "KmsKeyIdentifier"):
        value = opt_str(params, key)
        if value is not None:
            settings[key] = value
    config = opt_dict(params, "DeadLetterConfig")
    if config is not None:
        arn = opt_str(config, "Arn")
        settings["DeadLetterConfig"] = {"Arn": arn} if arn else {}
    return settings


def _bus_json(context: ServeContext, bus: EventBus) -> dict[str, Any]:
    settings = _settings(context, bus)
    return {"Name": bus.name, "Arn": bus.arn, **{k: settings[k] for k in _BUS_SETTINGS if settings.get(k)}}


def create_event_bus(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = req_str(params, "Name")
    if name.startswith("aws.") or "/" in name:
        raise validation_error(f"Event bus name {name} is not valid.")
    opt_dict(params, "DeadLetterConfig")
    bus = context.runtime.events.create_event_bus(name)
    _tag(context, bus.arn, params.get("Tags"))
    settings = _set_settings(context, bus, params)
    return {"EventBusArn": bus.arn, **{k: settings[k] for k in _BUS_SETTINGS if settings.get(k)}}


def describe_event_bus(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    return _bus_json(context, _bus(context, params, "Name"))


def update_event_bus(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params, "Name")
    _set_settings(context, bus, params)
    return _bus_json(context, bus)


def list_event_buses(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    prefix = opt_str(params, "NamePrefix") or ""
    buses = [
        _bus_json(context, bus)
        for name, bus in sorted(context.runtime.events.buses.items())
        if name.startswith(prefix)
    ]
    items, token = page(buses, opt_str(params, "NextToken"), opt_int(params, "Limit"))
    return {"EventBuses": items, **({"NextToken": token} if token else {})}


def delete_event_bus(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = req_str(params, "Name")
    context.runtime.events.delete_event_bus(name)
    kept = context.extras.get("events.buses", {})
    for arn in [arn for arn in kept if arn.endswith(f":event-bus/{name}")]:
        del kept[arn]  # a bus created again later starts without them
    return {}


# Rules -------------------------------------------------------------------------------------------


def _rule_json(bus: EventBus, rule: Rule) -> dict[str, Any]:
    value: dict[str, Any] = {
        "Name": rule.name,
        "Arn": bus.rule_arn(rule.name),
        "State": rule.state,
        "EventBusName": bus.name,
    }
    if rule.event_pattern is not None:
        pattern = rule.event_pattern
        value["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    if rule.schedule_expression is not None:
        value["ScheduleExpression"] = rule.schedule_expression
    if rule.description:
        value["Description"] = rule.description
    return value


def put_rule(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    name = req_str(params, "Name")
    existing = bus.rules.get(name)
    arn = bus.put_rule(
        name,
        event_pattern=opt_str(params, "EventPattern"),
        schedule_expression=opt_str(params, "ScheduleExpression"),
        state=opt_str(params, "State") or (existing.state if existing else "ENABLED"),
        description=opt_str(params, "Description"),
    )
    _tag(context, arn, params.get("Tags"))
    return {"RuleArn": arn}


def describe_rule(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    return {**_rule_json(bus, bus._rule(req_str(params, "Name"))), "CreatedBy": context.account}


def list_rules(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    prefix = opt_str(params, "NamePrefix") or ""
    rules = [_rule_json(bus, rule) for name, rule in sorted(bus.rules.items()) if name.startswith(prefix)]
    items, token = page(rules, opt_str(params, "NextToken"), opt_int(params, "Limit"))
    return {"Rules": items, **({"NextToken": token} if token else {})}


def delete_rule(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    name = req_str(params, "Name")
    if name in bus.rules:  # AWS answers success for a rule that is already gone
        bus.delete_rule(name)
    return {}


def enable_rule(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    _bus(context, params).enable_rule(req_str(params, "Name"))
    return {}


def disable_rule(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    _bus(context, params).disable_rule(req_str(params, "Name"))
    return {}


def list_rule_names_by_target(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    wanted = req_str(params, "TargetArn")
    account, region = context.account, context.region
    names = [
        name
        for name, rule in sorted(bus.rules.items())
        if any(t.target_arn(account=account, region=region) == wanted for t in rule.targets.values())
    ]
    items, token = page(names, opt_str(params, "NextToken"), opt_int(params, "Limit"))
    return {"RuleNames": items, **({"NextToken": token} if token else {})}


# Targets -----------------------------------------------------------------------------------------


def _target_json(target: Target, context: ServeContext) -> dict[str, Any]:
    value: dict[str, Any] = {
        "Id": target.id,
        "Arn": target.target_arn(account=context.account, region=context.region),
    }
    if target.input is not None:
        value["Input"] = target.input
    if target.input_path is not None:
        value["InputPath"] = target.input_path
    if target.input_transformer is not None:
        value["InputTransformer"] = {
            "InputPathsMap": dict(target.input_transformer.input_paths_map),
            "InputTemplate": target.input_transformer.input_template,
        }
    policy = target.retry_policy
    value["RetryPolicy"] = {
        "MaximumRetryAttempts": policy.maximum_retry_attempts,
        "MaximumEventAgeInSeconds": policy.maximum_event_age_in_seconds,
    }
    if target.dead_letter_queue:
        value["DeadLetterConfig"] = {"Arn": target.dead_letter_queue}
    if target.message_group_id:
        value["SqsParameters"] = {"MessageGroupId": target.message_group_id}
    return value


def put_targets(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    rule = req_str(params, "Rule")
    targets = opt_list(params, "Targets")
    if not targets:
        raise validation_error(
            "1 validation error detected: Value '[]' at 'targets' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    if not all(isinstance(t, dict) for t in targets):
        raise AwsError("SerializationException", "Each member of Targets must be a structure.")
    for target in targets:  # a client names targets by ARN (a project file may use its references)
        arn = target.get("Arn")
        if isinstance(arn, str) and arn and not _ARN.fullmatch(arn):
            raise validation_error(
                f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
            )
    bus.put_targets(rule, targets)
    return {"FailedEntryCount": 0, "FailedEntries": []}


def remove_targets(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    ids = opt_str_list(params, "Ids")
    if not ids:
        raise validation_error(
            "1 validation error detected: Value null at 'ids' failed to satisfy constraint: "
            "Member must not be null"
        )
    rule = bus._rule(req_str(params, "Rule"))
    failed = [
        {"TargetId": i, "ErrorCode": "ResourceNotFoundException", "ErrorMessage": f"Target {i} not found."}
        for i in ids
        if i not in rule.targets
    ]
    bus.remove_targets(rule.name, [i for i in ids if isinstance(i, str)])
    return {"FailedEntryCount": len(failed), "FailedEntries": failed}


def list_targets_by_rule(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus = _bus(context, params)
    rule = bus._rule(req_str(params, "Rule"))
    targets = [_target_json(t, context) for t in rule.targets.values()]
    items, token = page(targets, opt_str(params, "NextToken"), opt_int(params, "Limit"))
    return {"Targets": items, **({"NextToken": token} if token else {})}


# Events ------------------------------------------------------------------------------------------


def put_events(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    entries = params.get("Entries")
    if entries is None:
        raise validation_error(
            "1 validation error detected: Value null at 'entries' failed to satisfy constraint: "
            "Member must not be null"
        )
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise AwsError(
            "SerializationException", "Entries must be a list of PutEventsRequestEntry structures."
        )
    return context.runtime.put_events([_entry(e) for e in entries])


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    """An explicit null EventBusName means the default bus, as leaving it out does."""
    if entry.get("EventBusName") is None:
        entry = {k: v for k, v in entry.items() if k != "EventBusName"}
    return entry


def test_event_pattern_op(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    pattern = req_str(params, "EventPattern")
    event = req_str(params, "Event")
    try:
        return {"Result": test_event_pattern(pattern, event)}
    except InvalidEventPatternError as error:
        raise AwsError(InvalidEventPatternException.code, str(error)) from None
    except InvalidEventError as error:
        raise validation_error(str(error) or "Parameter Event is not valid.") from None


# Tags --------------------------------------------------------------------------------------------


def _tags(context: ServeContext) -> dict[str, dict[str, str]]:
    return context.extras.setdefault(TAGS_KEY, {})


def _tag(context: ServeContext, arn: str, tags: Any) -> None:
    if tags is None:
        return
    if not isinstance(tags, list) or not all(isinstance(t, dict) and "Key" in t for t in tags):
        raise AwsError("SerializationException", "Tags must be a list of {Key, Value}.")
    _tags(context).setdefault(arn, {}).update({t["Key"]: str(t.get("Value", "")) for t in tags})


def _known_arn(context: ServeContext, arn: str) -> None:
    events = context.runtime.events
    known = {bus.arn for bus in events.buses.values()}
    known |= {bus.rule_arn(name) for bus in events.buses.values() for name in bus.rules}
    if arn not in known:
        raise AwsError("ResourceNotFoundException", f"Resource {arn} does not exist.")


def tag_resource(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = req_str(params, "ResourceARN")
    _known_arn(context, arn)
    _tag(context, arn, params.get("Tags") or [])
    return {}


def untag_resource(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = req_str(params, "ResourceARN")
    _known_arn(context, arn)
    for key in opt_str_list(params, "TagKeys") or []:
        _tags(context).get(arn, {}).pop(key, None)
    return {}


def list_tags_for_resource(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = req_str(params, "ResourceARN")
    _known_arn(context, arn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(_tags(context).get(arn, {}).items())]}


OPERATIONS = {
    "CreateEventBus": create_event_bus,
    "DescribeEventBus": describe_event_bus,
    "ListEventBuses": list_event_buses,
    "UpdateEventBus": update_event_bus,
    "DeleteEventBus": delete_event_bus,
    "PutRule": put_rule,
    "DescribeRule": describe_rule,
    "ListRules": list_rules,
    "DeleteRule": delete_rule,
    "EnableRule": enable_rule,
    "DisableRule": disable_rule,
    "ListRuleNamesByTarget": list_rule_names_by_target,
    "PutTargets": put_targets,
    "RemoveTargets": remove_targets,
    "ListTargetsByRule": list_targets_by_rule,
    "PutEvents": put_events,
    "TestEventPattern": test_event_pattern_op,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
