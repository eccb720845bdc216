"""ASL text out and in, EventBridge API requests, and Mermaid charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.asl import dump_definition
from engine.asl.loader import parse_text
from engine.export import (
    asl_json,
    asl_yaml,
    eventbridge_requests,
    export_asl,
    import_asl,
    import_file,
    mermaid_event_routes,
    mermaid_state_machine,
    put_rule_request,
    put_targets_request,
)

ACCOUNT, REGION = "123456789012", "us-east-1"


def test_asl_json_is_the_canonical_writer(shop) -> None:
    definition = shop.definitions["Orders"]
    assert export_asl(shop, "Orders") == dump_definition(definition)
    assert json.loads(asl_json(definition)) == definition


def test_asl_yaml_reads_back_to_the_same_value(shop) -> None:
    for name, definition in shop.definitions.items():
        text = export_asl(shop, name, fmt="yaml")
        assert parse_text(text, prefer="yaml").value == definition
        assert list(yaml.safe_load(text)) == list(json.loads(asl_json(definition)))  # canonical key order


def test_export_asl_refuses_unknown_names_and_formats(shop) -> None:
    with pytest.raises(KeyError):
        export_asl(shop, "Nope")
    with pytest.raises(ValueError):
        export_asl(shop, "Orders", fmt="xml")


def test_import_asl_keeps_placeholders_and_round_trips(tmp_path: Path) -> None:
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "${OrdersTable}", "Item": {"id": {"S.$": "$.id"}}},
                "TimeoutSeconds": "${Timeout}",
                "End": True,
            }
        },
    }
    path = tmp_path / "orders.asl.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    result = import_asl(path)
    assert not result.problems
    assert result.definitions == {"orders": definition}
    assert json.loads(asl_json(result.definitions["orders"])) == definition
    yaml_path = tmp_path / "orders.asl.yaml"
    yaml_path.write_text(asl_yaml(definition), encoding="utf-8")
    assert import_file(yaml_path).definitions == {"orders": definition}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}', "line 1"),
        ("StartAt: A\nStates:\n  A: [\n", "line"),
        ("[1, 2]", ""),
        ('{"Comment": "no states"}', ""),
    ],
)
def test_a_broken_asl_file_gives_a_located_problem(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "broken.asl.json"
    path.write_text(text, encoding="utf-8")
    result = import_asl(path)
    assert result.errors and not result.project.state_machines
    problem = result.errors[0]
    assert problem.file == str(path)
    assert problem.location.startswith(where)
    assert "Traceback" not in str(problem)


def test_put_rule_request_uses_api_field_names(shop) -> None:
    request = put_rule_request(shop, "OrderPlaced")
    assert request == {
        "Name": "OrderPlaced",
        "EventBusName": "orders-bus",
        "EventPattern": json.dumps(
            {"source": ["shop.web"], "detail-type": ["OrderPlaced"]}, separators=(",", ":")
        ),
        "State": "ENABLED",
    }
    schedule = put_rule_request(shop, "Nightly")
    assert schedule["ScheduleExpression"] == "rate(1 day)" and schedule["State"] == "DISABLED"
    assert "EventBusName" not in schedule and "EventPattern" not in schedule


def test_put_targets_request_roles_dlq_retry_transformer_and_fifo(shop) -> None:
    orders = put_targets_request(shop, "OrderPlaced", role_arn="arn:aws:iam::123456789012:role/events")
    (target,) = orders["Targets"]
    assert target == {
        "Id": "StartOrders",
        "Arn": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Orders",
        "RoleArn": "arn:aws:iam::123456789012:role/events",
        "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
        "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:rule-dlq"},
    }
    audit = put_targets_request(shop, "audit-everything")["Targets"]
    assert audit[0] == {
        "Id": "Audit",
        "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:audit.fifo",
        "SqsParameters": {"MessageGroupId": "orders"},
    }
    assert "RoleArn" not in audit[1]  # SNS delivers through its topic policy
    assert audit[1]["InputTransformer"] == {
        "InputPathsMap": {"type": "$.detail-type"},
        "InputTemplate": '"An order event: <type>"',
    }
    nightly = put_targets_request(shop, "Nightly")["Targets"][0]
    assert nightly == {
        "Id": "Run",
        "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly",
        "Input": '{"full": true}',
    }
    forward = put_targets_request(shop, "Forward")["Targets"][0]
    assert forward["RoleArn"].startswith("arn:aws:iam::") and forward["InputPath"] == "$.detail"
    assert set(eventbridge_requests(shop)) == set(shop.project.rules)


def test_mermaid_state_machine_draws_choices_catches_and_branches(shop) -> None:
    chart = mermaid_state_machine(shop.definitions["Orders"])
    assert chart.startswith("flowchart TB\n")
    assert '{"Paid?"}' in chart  # Choice as a diamond
    assert '-->|"$.Payload.total #gt; 100"|' in chart
    assert '-->|"default"|' in chart
    assert '-.->|"States.ALL"|' in chart  # Catch edge dashed
    assert 'subgraph s4 ["Ship (Parallel)"]' in chart
    assert chart.count("--> finish") == 2  # Announce ends, Refund fails
    jsonata = mermaid_state_machine(shop.definitions["Fulfilment"])
    assert '-->|"$states.input.done"|' in jsonata


def test_mermaid_event_routes_go_bus_rule_target(shop) -> None:
    chart = mermaid_event_routes(shop)
    lines = chart.splitlines()
    assert lines[0] == "flowchart LR"
    ids = {line.split("[")[0].split(">")[0].split("(")[0].split("{")[0].strip(): line for line in lines[1:]}
    bus = next(k for k, v in ids.items() if "bus: orders-bus" in v)
    rule = next(k for k, v in ids.items() if "rule: OrderPlaced" in v)
    machine = next(k for k, v in ids.items() if "stateMachine: Orders" in v)
    assert f'    {bus} -->|"shop.web; OrderPlaced"| {rule}' in lines
    assert f'    {rule} -->|"StartOrders"| {machine}' in lines
    assert any(line.startswith(f"    {rule} -.->") and "DLQ" in line for line in lines)
