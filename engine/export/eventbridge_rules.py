"""EventBridge `PutRule` and `PutTargets` requests for a project's rules.

These are what `aws events put-rule --cli-input-json` and the SDKs take, field for field, so a
user can apply a rule designed in StateCanvas without a template. Field names follow the API
(PascalCase); the event pattern is JSON text, as the API wants it.
"""

from __future__ import annotations

import json
from typing import Any

from engine.export.catalog import as_loaded
from engine.project import LoadedProject, Project, RuleSpec, TargetSpec
from engine.resource_refs import parse_ref

# Target services EventBridge invokes with a role it assumes; the others (Lambda, SQS, SNS,
# CloudWatch Logs) grant EventBridge access through a resource policy instead.
ROLE_SERVICES = frozenset(
    {
        "states",
        "events",
        "kinesis",
        "firehose",
        "ecs",
        "codebuild",
        "codepipeline",
        "batch",
        "ssm",
        "sagemaker",
        "redshift",
        "redshift-data",
        "inspector",
        "pipes",
    }
)


def arn_service(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[2] if len(parts) >= 6 and parts[0] == "arn" else None


def needs_role(arn: str) -> bool:
    """Whether EventBridge needs a RoleArn to deliver to this target."""
    return arn_service(arn) in ROLE_SERVICES


def target_arn(loaded: LoadedProject, text: str) -> str:
    """The ARN a target reference (`queue:orders`) or ARN names."""
    ref = parse_ref(text)
    if ref is None or text.startswith("arn:"):
        return text
    return loaded.arn(ref)


def default_role_arn(project: Project, rule: str) -> str:
    """The role ARN written when the caller gives none: one role per rule, named after it."""
    return f"arn:aws:iam::{project.account}:role/statecanvas-events-{rule}"[:2048]


def put_rule_request(project: LoadedProject | Project, rule: str) -> dict[str, Any]:
    """The `PutRule` request for one rule."""
    loaded = as_loaded(project)
    spec = _rule(loaded, rule)
    request: dict[str, Any] = {"Name": rule}
    if spec.bus != "default":
        request["EventBusName"] = spec.bus
    if spec.event_pattern is not None:
        request["EventPattern"] = json.dumps(spec.event_pattern, separators=(",", ":"), ensure_ascii=False)
    if spec.schedule_expression is not None:
        request["ScheduleExpression"] = spec.schedule_expression
    request["State"] = spec.state
    if spec.description:
        request["Description"] = spec.description
    return request


def put_targets_request(
    project: LoadedProject | Project, rule: str, *, role_arn: str | None = None
) -> dict[str, Any]:
    """The `PutTargets` request for one rule's targets.

    `role_arn` is the role EventBridge assumes for targets that need one (state machines,
    event buses...); without it a per-rule role name is assumed (see `default_role_arn`).
    """
    loaded = as_loaded(project)
    spec = _rule(loaded, rule)
    request: dict[str, Any] = {"Rule": rule}
    if spec.bus != "default":
        request["EventBusName"] = spec.bus
    role = role_arn or default_role_arn(loaded.project, rule)
    request["Targets"] = [_target(loaded, target, role) for target in spec.targets]
    return request


def eventbridge_requests(
    project: LoadedProject | Project, *, role_arn: str | None = None
) -> dict[str, dict[str, Any]]:
    """Every rule's requests: `{rule: {"PutRule": ..., "PutTargets": ...}}`, rules sorted by name."""
    loaded = as_loaded(project)
    return {
        name: {
            "PutRule": put_rule_request(loaded, name),
            "PutTargets": put_targets_request(loaded, name, role_arn=role_arn),
        }
        for name in sorted(loaded.project.rules)
    }


def _rule(loaded: LoadedProject, rule: str) -> RuleSpec:
    try:
        return loaded.project.rules[rule]
    except KeyError:
        raise KeyError(f"no rule named {rule!r} in this project") from None


def _target(loaded: LoadedProject, target: TargetSpec, role: str) -> dict[str, Any]:
    arn = target_arn(loaded, target.target)
    out: dict[str, Any] = {"Id": target.id, "Arn": arn}
    if needs_role(arn):
        out["RoleArn"] = role
    out.update(target_options(target))
    if target.dead_letter_queue is not None:
        dlq = (
            target.dead_letter_queue
            if ":" in target.dead_letter_queue
            else f"queue:{target.dead_letter_queue}"
        )
        out["DeadLetterConfig"] = {"Arn": target_arn(loaded, dlq)}
    return out


def target_options(target: TargetSpec) -> dict[str, Any]:
    """Input, InputPath, InputTransformer, RetryPolicy and SqsParameters of a target.

    Shared with the CloudFormation writer: `AWS::Events::Rule` targets use the same names.
    """
    out: dict[str, Any] = {}
    if target.input is not None:
        out["Input"] = target.input
    if target.input_path is not None:
        out["InputPath"] = target.input_path
    if target.input_transformer is not None:
        transformer: dict[str, Any] = {}
        if target.input_transformer.input_paths_map:
            transformer["InputPathsMap"] = dict(target.input_transformer.input_paths_map)
        transformer["InputTemplate"] = target.input_transformer.input_template
        out["InputTransformer"] = transformer
    if target.retry_policy is not None:
        out["RetryPolicy"] = {
            "MaximumRetryAttempts": target.retry_policy.maximum_retry_attempts,
            "MaximumEventAgeInSeconds": target.retry_policy.maximum_event_age_in_seconds,
        }
    if target.message_group_id is not None:
        out["SqsParameters"] = {"MessageGroupId": target.message_group_id}
    return out
