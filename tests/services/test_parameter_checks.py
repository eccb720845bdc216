"""StateCanvas's design-time checks of service Tasks: located warnings, never errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.services.parameter_checks import CODES, DESIGN_CHECK_SUFFIX, design_warnings

REALWORLD = Path(__file__).resolve().parents[3] / "shared" / "realworld"


def _machine(state: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"StartAt": "X", "States": {"X": {"Type": "Task", "End": True, **state}}}
    if language:
        out["QueryLanguage"] = language
    return out


def _found(definition: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(d.code, d.location) for d in design_warnings(definition)]


def test_unknown_and_missing_members_are_located() -> None:
    definition = _machine(
        {
            "Resource": "arn:aws:states:::aws-sdk:dynamodb:putItem",
            "Parameters": {"TableNme": "orders", "Item": {"id": {"S.$": "$.id"}}},
        }
    )
    assert _found(definition) == [
        ("SC_UNKNOWN_PARAMETER", "/States/X/Parameters/TableNme"),
        ("SC_MISSING_REQUIRED_PARAMETER", "/States/X/Parameters"),
    ]
    warnings = design_warnings(definition)
    assert all(d.severity == "WARNING" and d.message.endswith(DESIGN_CHECK_SUFFIX) for d in warnings)
    assert "Did you mean TableName?" in warnings[0].message
    assert not [d for d in engine.validate(definition) if d.severity == "ERROR"]


def test_types_and_enums_of_literal_values_are_checked() -> None:
    definition = _machine(
        {
            "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
            "Parameters": {
                "TableName": ["not", "text"],
                "Select": "EVERYTHING",
                "Limit": {"n": 1},
                "ConsistentRead": "true",  # read as a boolean, as AWS reads it
            },
        }
    )
    assert _found(definition) == [
        ("SC_PARAMETER_TYPE", "/States/X/Parameters/TableName"),
        ("SC_PARAMETER_ENUM", "/States/X/Parameters/Select"),
        ("SC_PARAMETER_TYPE", "/States/X/Parameters/Limit"),
    ]


def test_values_computed_at_run_time_are_not_judged() -> None:
    jsonpath = _machine(
        {
            "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
            "Parameters": {"TableName.$": "$.table", "Select.$": "$.select", "Limit.$": "$.n"},
        }
    )
    assert _found(jsonpath) == []
    jsonata = _machine(
        {
            "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
            "Arguments": {"TableName": "{% $states.input.table %}", "Limit": "{% $n %}"},
        },
        "JSONata",
    )
    assert _found(jsonata) == []


def test_nested_lists_and_branches_are_located() -> None:
    definition = {
        "StartAt": "P",
        "States": {
            "P": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {
                        "StartAt": "U",
                        "States": {
                            "U": {
                                "Type": "Task",
                                "Resource": "arn:aws:states:::dynamodb:updateItem",
                                "Parameters": {
                                    "TableName": "t",
                                    "Key": {"id": {"S": "1"}},
                                    "ExpressionAttributeValues": {":l": {"L": ["plain"]}},
                                },
                                "End": True,
                            }
                        },
                    }
                ],
            }
        },
    }
    assert _found(definition) == [
        ("SC_PARAMETER_TYPE", "/States/P/Branches[0]/States/U/Parameters/ExpressionAttributeValues/:l/L[0]")
    ]


def test_unknown_service_or_action_and_pattern() -> None:
    unknown = _machine({"Resource": "arn:aws:states:::aws-sdk:dynamo:putItem", "Parameters": {}})
    (warning,) = design_warnings(unknown)
    assert (warning.code, warning.location) == ("SC_UNKNOWN_SERVICE_ACTION", "/States/X/Resource")
    assert "dynamodb" in warning.message
    action = _machine({"Resource": "arn:aws:states:::aws-sdk:dynamodb:putItems", "Parameters": {}})
    assert "Did you mean putItem" in design_warnings(action)[0].message
    sync = _machine({"Resource": "arn:aws:states:::dynamodb:putItem.sync", "Parameters": {}})
    codes = [d.code for d in design_warnings(sync)]
    assert codes[0] == "SC_UNSUPPORTED_INTEGRATION_PATTERN"
    assert "Request response" in design_warnings(sync)[0].message


def test_optimized_integrations_take_json_for_text_members() -> None:
    definition = _machine(
        {
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://q", "MessageBody": {"TaskToken.$": "$$.Task.Token"}},
        }
    )
    assert _found(definition) == []


def test_validate_json_keeps_aws_shape(tmp_path: Path) -> None:
    from engine.cli import main

    path = tmp_path / "m.json"
    path.write_text(
        json.dumps(_machine({"Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {}}))
    )
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["validate", str(path), "--json"])
    response = json.loads(out.getvalue())
    assert code == 0 and response["result"] == "OK"
    assert all(not d["code"].startswith("SC_") for d in response["diagnostics"])
    warnings = response["statecanvasWarnings"]
    assert [(d["code"], d["location"]) for d in warnings] == [
        ("SC_MISSING_REQUIRED_PARAMETER", "/States/X/Parameters"),
        ("SC_MISSING_REQUIRED_PARAMETER", "/States/X/Parameters"),
    ]


@pytest.mark.skipif(not (REALWORLD / "asl").is_dir(), reason="no real-world corpus")
def test_realworld_definitions_get_warnings_only(report_figure) -> None:
    """Over every real-world JSON definition: the checks give located warnings only, and AWS's
    answer (`engine.validate`) is the same with them as without: no SC code, no new error."""
    files = sorted(p for p in (REALWORLD / "asl").iterdir() if p.suffix == ".json")
    counts: dict[str, int] = dict.fromkeys(CODES, 0)
    checked = with_warnings = 0
    for path in files:
        try:
            definition = json.loads(path.read_text())
        except ValueError:
            continue
        checked += 1
        warnings = design_warnings(definition)
        with_warnings += bool(warnings)
        for diagnostic in warnings:
            assert diagnostic.severity == "WARNING"
            assert diagnostic.location and diagnostic.location.startswith("/States/")
            counts[diagnostic.code] += 1
        assert not [d for d in engine.validate(definition) if d.code.startswith("SC_")], path.name
    total = sum(counts.values())
    detail = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    report_figure(
        f"design-time warnings on {checked} real-world JSON definitions: {total} in {with_warnings} files"
        f" ({detail}); none an error"
    )
    assert checked


def test_project_validation_lists_the_warnings_per_machine(tmp_path: Path) -> None:
    import contextlib
    import io

    from engine.cli import main

    definition = _machine(
        {"Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": {"Bucket": "b"}}
    )
    project = {"formatVersion": 1, "name": "p", "stateMachines": {"Reader": {"definition": definition}}}
    path = tmp_path / "p.statecanvas.json"
    path.write_text(json.dumps(project))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["validate", str(path), "--json"])
    machine = json.loads(out.getvalue())["stateMachines"]["Reader"]
    assert code == 0 and machine["result"] == "OK" and machine["diagnostics"] == []
    assert [(d["code"], d["location"]) for d in machine["statecanvasWarnings"]] == [
        ("SC_MISSING_REQUIRED_PARAMETER", "/States/X/Parameters")
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["validate", str(path)])
    assert (
        "WARNING SC_MISSING_REQUIRED_PARAMETER /States/X/Parameters: The request needs 'Key'."
        in out.getvalue()
    )
