"""What a project wants deployed: functions, their permissions, state machines, rules, consumers."""

from __future__ import annotations

import re
from typing import Any

from engine.deploy.desired import Context, _rule_arn
from engine.deploy.packaging import PackagingError, package_function
from engine.deploy.plan import Desired
from engine.export import put_targets_request

DEFAULT_TIMEOUT = 3  # Lambda's
ROLE_PLACEHOLDER = "arn:aws:iam::000000000000:role/statecanvas-placeholder"


def functions(ctx: Context) -> list[Desired]:
    """Each function whose handler file can be zipped; the others are skipped with the reason."""
    out = []
    for name, spec in sorted(ctx.project.functions.items()):
        deployed = ctx.target.name("function", name)
        try:
            package = package_function(ctx.loaded.base_dir, spec.handler)
        except (PackagingError, OSError) as exc:
            out.append(Desired("function", deployed, {}, skip=f"not packaged: {exc}"))
            continue
        ctx.deployed_functions.add(name)
        props = {
            "Runtime": package.runtime,
            "Handler": package.handler,
            "Role": ctx.role_arn("lambda"),
            "Timeout": spec.timeout or DEFAULT_TIMEOUT,
            "Description": spec.description or "",
            "CodeSha256": package.sha256,
        }
        out.append(Desired("function", deployed, props, extra={"zip": package.zip_bytes, "project": name}))
    return out


def _sid(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:100]


def permissions(ctx: Context) -> list[Desired]:
    """Resource-policy statements letting rules and topics invoke the project's functions."""
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for rule_name, rule in ctx.project.rules.items():
        for target in rule.targets:
            ref = ctx.ref(target.target)
            if ref is not None and ref.kind == "function":
                sid = _sid(f"statecanvas-rule-{ctx.target.name('rule', rule_name)}")
                wanted[(ref.name, sid)] = ("events.amazonaws.com", _rule_arn(ctx, rule_name, rule.bus))
    for sub in ctx.project.subscriptions:
        ref = ctx.ref(sub.endpoint)
        topic = ctx.arn(sub.topic, "topic")
        if ref is not None and ref.kind == "function":
            sid = _sid(f"statecanvas-topic-{topic.rsplit(':', 1)[-1]}")
            wanted[(ref.name, sid)] = ("sns.amazonaws.com", topic)
    out = []
    for (function, sid), (principal, source) in sorted(wanted.items()):
        if function not in ctx.deployed_functions:
            continue
        deployed = ctx.target.name("function", function)
        out.append(
            Desired(
                "permission",
                f"{deployed}/{sid}",
                {"Principal": principal, "SourceArn": source},
                replace_on=frozenset({"Principal", "SourceArn"}),
                extra={"function": deployed, "sid": sid},
            )
        )
    return out


def state_machines(ctx: Context) -> list[Desired]:
    rewrite = ctx.rewriter()
    out = []
    for name, spec in sorted(ctx.project.state_machines.items()):
        definition = ctx.loaded.definitions.get(name)
        props = {
            "definition": rewrite(definition),
            "type": spec.type,
            "roleArn": ctx.role_arn("states"),
        }
        out.append(
            Desired(
                "stateMachine",
                ctx.target.name("stateMachine", name),
                props,
                replace_on=frozenset({"type"}),
                extra={"project": name, "arn": ctx.target.arn("stateMachine", name)},
            )
        )
    return out


def rules(ctx: Context) -> list[Desired]:
    rewrite = ctx.rewriter()
    out = []
    for name, spec in sorted(ctx.project.rules.items()):
        props: dict[str, Any] = {
            "EventPattern": rewrite(spec.event_pattern),
            "ScheduleExpression": spec.schedule_expression,
            "State": spec.state,
            "Description": spec.description or None,
        }
        request = put_targets_request(ctx.loaded, name, role_arn=ROLE_PLACEHOLDER)
        targets: dict[str, Any] = {}
        for target in request["Targets"]:
            if target.get("RoleArn") == ROLE_PLACEHOLDER:
                target["RoleArn"] = ctx.role_arn("events")
            targets[target["Id"]] = rewrite(target)
        props["targets"] = targets
        out.append(
            Desired(
                "rule",
                ctx.target.name("rule", name),
                props,
                extra={"project": name, "bus": ctx.target.name("bus", spec.bus)},
            )
        )
    return out


def pipe_name(ctx: Context, queue: str, machine: str) -> str:
    return f"{ctx.target.prefix}{queue}-to-{machine}"[:64]


def consumers(ctx: Context) -> list[Desired]:
    """Event source mappings for functions, EventBridge pipes for state machines."""
    out = []
    for consumer in ctx.project.consumers:
        queue_arn = ctx.arn(consumer.queue, "queue")
        queue_name = queue_arn.rsplit(":", 1)[-1]
        ref = ctx.ref(consumer.target)
        if ref is not None and ref.kind == "function":
            function = ctx.target.name("function", ref.name)
            props = {
                "BatchSize": consumer.batch_size,
                "FunctionResponseTypes": ["ReportBatchItemFailures"]
                if consumer.report_batch_item_failures
                else [],
            }
            skip = None if ref.name in ctx.deployed_functions else f"function {ref.name} is not deployed"
            out.append(
                Desired(
                    "consumer",
                    f"{queue_name} -> {function}",
                    props,
                    skip=skip,
                    extra={"queue_arn": queue_arn, "function": function, "type": "mapping"},
                )
            )
        elif ref is not None and ref.kind == "stateMachine":
            name = pipe_name(ctx, queue_name.removeprefix(ctx.target.prefix), ref.name)
            props = {
                "Source": queue_arn,
                "Target": ctx.target.arn("stateMachine", ref.name),
                "RoleArn": ctx.role_arn("pipes"),
                "SourceParameters": {"SqsQueueParameters": {"BatchSize": consumer.batch_size}},
                "TargetParameters": {
                    "StepFunctionStateMachineParameters": {"InvocationType": "FIRE_AND_FORGET"}
                },
            }
            out.append(
                Desired("consumer", name, props, replace_on=frozenset({"Source"}), extra={"type": "pipe"})
            )
        else:
            out.append(
                Desired(
                    "consumer",
                    f"{queue_name} -> {consumer.target}",
                    {},
                    skip=f"{consumer.target} is outside the project",
                )
            )
    return out
