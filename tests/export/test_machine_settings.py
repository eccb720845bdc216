"""A state machine's logging and tracing settings: written by both exports, read back by import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.export import check_references, cloudformation_template, import_template, sam_template
from engine.export.cloudformation.machine_settings import LOG_DELIVERY_ACTIONS, XRAY_ACTIONS
from engine.project import project_from_value, project_to_value

ACCOUNT, REGION = "123456789012", "us-east-1"
GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/shared/orders:*"


def _with_settings(shop_value: dict[str, Any], **settings: Any) -> Any:
    shop_value["stateMachines"]["Orders"].update(settings)
    return project_from_value(shop_value)


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in role["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]


def test_unset_settings_write_nothing_and_keep_the_project_file_unchanged(shop_value: dict[str, Any]) -> None:
    project = project_from_value(shop_value)
    assert "logging" not in project_to_value(project.project)["stateMachines"]["Orders"]
    assert "tracingEnabled" not in project_to_value(project.project)["stateMachines"]["Orders"]
    props = cloudformation_template(project).template["Resources"]["Orders"]["Properties"]
    assert "LoggingConfiguration" not in props and "TracingConfiguration" not in props
    sam = sam_template(project).template["Resources"]["Orders"]["Properties"]
    assert "Logging" not in sam and "Tracing" not in sam
    assert not any(
        r["Type"] == "AWS::Logs::LogGroup" for r in sam_template(project).template["Resources"].values()
    )


def test_cloudformation_writes_logging_with_its_own_log_group_and_tracing(shop_value: dict[str, Any]) -> None:
    project = _with_settings(
        shop_value, logging={"level": "ERROR", "includeExecutionData": True}, tracingEnabled=True
    )
    template = cloudformation_template(project).template
    resources = template["Resources"]
    props = resources["Orders"]["Properties"]
    logging = props["LoggingConfiguration"]
    assert logging["Level"] == "ERROR" and logging["IncludeExecutionData"] is True
    (destination,) = logging["Destinations"]
    group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert resources[group]["Type"] == "AWS::Logs::LogGroup"
    assert resources[group]["Properties"]["LogGroupName"] == {
        "Fn::Sub": "/aws/vendedlogs/states/${AWS::StackName}-Orders"
    }
    assert props["TracingConfiguration"] == {"Enabled": True}
    role = resources[props["RoleArn"]["Fn::GetAtt"][0]]
    actions = [s["Action"] for s in _statements(role)]
    assert LOG_DELIVERY_ACTIONS in actions and XRAY_ACTIONS in actions
    assert check_references(template) == []
    # The other machine keeps neither.
    other = resources["Fulfilment"]["Properties"]
    assert "LoggingConfiguration" not in other and "TracingConfiguration" not in other


def test_an_existing_log_group_is_used_as_given(shop_value: dict[str, Any]) -> None:
    project = _with_settings(shop_value, logging={"level": "ALL", "logGroup": GROUP_ARN})
    template = cloudformation_template(project).template
    logging = template["Resources"]["Orders"]["Properties"]["LoggingConfiguration"]
    assert logging == {
        "Level": "ALL",
        "IncludeExecutionData": False,
        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": GROUP_ARN}}],
    }
    assert not any(r["Type"] == "AWS::Logs::LogGroup" for r in template["Resources"].values())


def test_level_off_writes_no_logging(shop_value: dict[str, Any]) -> None:
    project = _with_settings(shop_value, logging={"level": "OFF", "includeExecutionData": True})
    assert (
        "LoggingConfiguration"
        not in cloudformation_template(project).template["Resources"]["Orders"]["Properties"]
    )


def test_sam_writes_logging_tracing_and_their_permissions(shop_value: dict[str, Any]) -> None:
    project = _with_settings(shop_value, logging={"level": "FATAL"}, tracingEnabled=True)
    template = sam_template(project).template
    props = template["Resources"]["Orders"]["Properties"]
    assert props["Logging"]["Level"] == "FATAL" and props["Logging"]["IncludeExecutionData"] is False
    group = props["Logging"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert template["Resources"][group]["Type"] == "AWS::Logs::LogGroup"
    assert props["Tracing"] == {"Enabled": True}
    inline = [p["Statement"] for p in props["Policies"] if "Statement" in p]
    assert inline and {s["Action"][0] for s in inline[0]} == {LOG_DELIVERY_ACTIONS[0], XRAY_ACTIONS[0]}
    assert check_references(template) == []


EXPORTS = [
    ("cfn", lambda p: cloudformation_template(p)),
    ("sam", lambda p: sam_template(p)),
]


@pytest.mark.parametrize(("label", "export"), EXPORTS, ids=[e[0] for e in EXPORTS])
@pytest.mark.parametrize(
    "settings",
    [
        {"logging": {"level": "ALL", "includeExecutionData": True}, "tracingEnabled": True},
        {"logging": {"level": "ERROR", "logGroup": GROUP_ARN}},
    ],
)
def test_settings_round_trip_through_a_template(
    shop_value: dict[str, Any], tmp_path: Path, label: str, export: Any, settings: dict[str, Any]
) -> None:
    project = _with_settings(shop_value, **settings)
    path = export(project).write(tmp_path, "template.yaml")
    result = import_template(path, account=ACCOUNT, region=REGION)
    assert not result.problems, [str(p) for p in result.problems]
    imported = project_to_value(result.project)["stateMachines"]["Orders"]
    for key, value in settings.items():
        assert imported[key] == value
