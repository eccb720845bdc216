"""A state machine's deployment settings in a template: logging and X-Ray tracing.

Both CloudFormation (`LoggingConfiguration`, `TracingConfiguration`) and SAM (`Logging`,
`Tracing`) take the same shapes. Logging at a level other than OFF needs a CloudWatch Logs
group: the project's own (an ARN) or one the template creates for the machine, under
`/aws/vendedlogs/states/` where Step Functions' log delivery works without a resource policy
per group. The machine's role gets the permissions log delivery and X-Ray need.
"""

from __future__ import annotations

from typing import Any

from engine.export.cloudformation.builder import Builder
from engine.project import LoggingSpec, StateMachineSpec

# What Step Functions needs to deliver logs (AWS documents these on "*": log delivery has no
# resource-level permissions).
LOG_DELIVERY_ACTIONS = [
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
]
XRAY_ACTIONS = [
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
]


def logging_enabled(spec: StateMachineSpec) -> bool:
    return spec.logging is not None and spec.logging.level != "OFF"


def settings_statements(spec: StateMachineSpec) -> list[dict[str, Any]]:
    """IAM statements the machine's role needs for its logging and tracing settings."""
    statements: list[dict[str, Any]] = []
    if logging_enabled(spec):
        statements.append({"Effect": "Allow", "Action": LOG_DELIVERY_ACTIONS, "Resource": "*"})
    if spec.tracing_enabled:
        statements.append({"Effect": "Allow", "Action": XRAY_ACTIONS, "Resource": "*"})
    return statements


def logging_configuration(
    b: Builder, name: str, logical: str, spec: StateMachineSpec
) -> dict[str, Any] | None:
    """The machine's LoggingConfiguration (None when it does not log), adding its log group."""
    if not logging_enabled(spec):
        return None
    assert spec.logging is not None
    return {
        "Level": spec.logging.level,
        "IncludeExecutionData": spec.logging.include_execution_data,
        "Destinations": [
            {"CloudWatchLogsLogGroup": {"LogGroupArn": _log_group_arn(b, name, logical, spec.logging)}}
        ],
    }


def tracing_configuration(spec: StateMachineSpec) -> dict[str, Any] | None:
    return {"Enabled": True} if spec.tracing_enabled else None


def _log_group_arn(b: Builder, name: str, logical: str, logging: LoggingSpec) -> Any:
    if logging.log_group:
        return logging.log_group
    group = b.new_id(f"{logical}Logs")
    b.add(
        group,
        "AWS::Logs::LogGroup",
        {"LogGroupName": {"Fn::Sub": "/aws/vendedlogs/states/${AWS::StackName}-" + name}},
    )
    return {"Fn::GetAtt": [group, "Arn"]}


def import_settings(logging: Any, tracing: Any, literal: Any) -> tuple[LoggingSpec | None, bool]:
    """Logging and tracing of a machine read back from a template (either dialect).

    A log group the template itself defines (a `Fn::GetAtt`) is the one export makes, so the
    project keeps no ARN for it; an ARN given as text is kept. `literal` resolves parameters.
    """
    spec: LoggingSpec | None = None
    if isinstance(logging, dict):
        level = literal(logging.get("Level", "OFF"))
        include = literal(logging.get("IncludeExecutionData", False))
        group: str | None = None
        for destination in logging.get("Destinations") or []:
            arn = ((destination or {}).get("CloudWatchLogsLogGroup") or {}).get("LogGroupArn")
            group = arn if isinstance(arn, str) else None
        if level in ("ALL", "ERROR", "FATAL", "OFF") and (level != "OFF" or group):
            spec = LoggingSpec(
                level=level,
                include_execution_data=include is True or str(include).lower() == "true",
                log_group=group,
            )
    enabled = literal(tracing.get("Enabled")) if isinstance(tracing, dict) else False
    return spec, enabled is True or str(enabled).lower() == "true"
