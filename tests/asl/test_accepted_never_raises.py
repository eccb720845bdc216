"""Regression tests by class: what validation lets through runs, test-states and exports.

Each class of input that once escaped as an exception after `validate` said valid is either
refused by validation with AWS's code and a location, or ends as a failure with AWS's error
name (`States.Runtime`, `States.QueryEvaluationError`), never an exception.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from engine import run, test_state, validate
from engine.asl.loader import DefinitionLoadError, parse_text
from engine.cli import main


def _pass(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "A", "States": {"A": {"Type": "Pass", **fields, "End": True}}}


def _errors(definition: Any) -> list[tuple[str, str | None]]:
    return [(d.code, d.location) for d in validate(definition) if d.severity == "ERROR"]


# Field types and forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [["Pass"], {"x": 1}, 3, None])
def test_a_state_type_that_is_not_a_string_is_refused(value: Any) -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": value, "End": True}}}
    assert _errors(definition) == [("SCHEMA_VALIDATION_FAILED", "/States/A/Type")]


@pytest.mark.parametrize("value", ["x", 3, True, [1]])
def test_assign_must_be_an_object_in_states_catchers_and_choice_rules(value: Any) -> None:
    assert _errors(_pass(Assign=value)) == [("SCHEMA_VALIDATION_FAILED", "/States/A/Assign")]
    choice = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "E", "Assign": value}],
            },
            "E": {"Type": "Succeed"},
        },
    }
    assert ("SCHEMA_VALIDATION_FAILED", "/States/C/Choices[0]/Assign") in _errors(choice)


@pytest.mark.parametrize("path", ["$foo", "$states", "$states.x", "$$.Execution", "$foo.bar"])
def test_a_result_path_must_write_into_the_state_input(path: str) -> None:
    assert _errors(_pass(ResultPath=path)) == [("SCHEMA_VALIDATION_FAILED", "/States/A/ResultPath")]


def test_json_values_aws_would_not_read_are_refused_with_their_place() -> None:
    assert _errors(_pass(Result=10**1500)) == [("INVALID_JSON_DESCRIPTION", "/States/A/Result")]
    assert _errors(_pass(Result=float("nan"))) == [("INVALID_JSON_DESCRIPTION", "/States/A/Result")]
    assert _errors(_pass(Result={"when": __import__("datetime").date(2024, 1, 1)})) == [
        ("INVALID_JSON_DESCRIPTION", "/States/A/Result/when")
    ]
    too_long = (
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": ' + "9" * 5000 + ', "End": true}}}'
    )
    with pytest.raises(DefinitionLoadError, match="Number value length"):
        parse_text(too_long)
    with pytest.raises(DefinitionLoadError, match="Non-standard token 'NaN'"):
        parse_text('{"a": NaN}')
    with pytest.raises(DefinitionLoadError, match="not a finite JSON number"):
        parse_text('{"a": 1e400}')


def test_intrinsic_number_literals_beyond_aws_reader_are_refused() -> None:
    definition = _pass(Parameters={"x.$": "States.MathAdd(" + "9" * 5000 + ", 1)"})
    assert _errors(definition) == [("SCHEMA_VALIDATION_FAILED", "/States/A/Parameters")]


# YAML 1.2 --------------------------------------------------------------------------------------


def test_yaml_is_read_as_yaml_1_2() -> None:
    text = "StartAt: Yes\nStates:\n  Yes:\n    Type: Pass\n    Next: No\n  No:\n    Type: Pass\n"
    text += "    Result: {on: Off, d: 2024-01-01, t: 2024-01-01T00:00:00Z, s: 1:20, o: 0o17, 1: x}\n"
    text += "    End: true\n"
    definition = parse_text(text, prefer="yaml").value
    assert definition["StartAt"] == "Yes" and set(definition["States"]) == {"Yes", "No"}
    result = definition["States"]["No"]["Result"]
    assert result == {
        "on": "Off",
        "d": "2024-01-01",
        "t": "2024-01-01T00:00:00Z",
        "s": "1:20",
        "o": 15,
        "1": "x",
    }
    assert run(definition).output == result


@pytest.mark.parametrize("value", ["!!set {a, b}", "!!binary aGVsbG8=", ".inf", ".nan", "!!omap [a: 1]"])
def test_yaml_values_with_no_json_form_are_refused_where_they_are(value: str) -> None:
    text = f"StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {value}\n    End: true\n"
    with pytest.raises(DefinitionLoadError) as caught:
        parse_text(text, prefer="yaml")
    assert caught.value.line == 5


# Run-time failures with AWS's names -------------------------------------------------------------


def _map(**fields: Any) -> dict[str, Any]:
    state = {
        "Type": "Map",
        "Items": [1, 2],
        "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}},
        "End": True,
        **fields,
    }
    return {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": state}}


@pytest.mark.parametrize(
    "field, expression",
    [
        ("MaxConcurrency", "'x'"),
        ("MaxConcurrency", "1.5"),
        ("ToleratedFailurePercentage", "[1]"),
        ("ToleratedFailureCount", "true"),
    ],
)
def test_jsonata_map_settings_of_the_wrong_type_fail_the_state(field: str, expression: str) -> None:
    definition = _map(**{field: "{% " + expression + " %}"})
    assert not _errors(definition)
    execution = run(definition)
    assert execution.status == "FAILED" and execution.error == "States.QueryEvaluationError"
    assert "returned an unexpected result type" in execution.cause


def test_a_retry_back_off_past_the_calendar_does_not_overflow() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "missing"},
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 40}],
                "End": True,
            }
        },
    }
    execution = run(definition)
    # The 25th back-off (2**24 seconds) would end past the execution's one-year limit.
    assert execution.status == "TIMED_OUT"
    assert sum(e["type"] == "TaskScheduled" for e in execution.history) == 25


@pytest.mark.parametrize(
    "expression", ["$round(1e308, 2)", "$formatBase(1e300, 2)", "$power(10, 400)", "$sqrt(-1)", "1/0"]
)
def test_jsonata_numeric_functions_on_edge_values_fail_with_query_evaluation_error(expression: str) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Output": "{% " + expression + " %}", "End": True}},
    }
    assert run(definition).error == "States.QueryEvaluationError"
    assert test_state(definition, state_name="A")["error"] == "States.QueryEvaluationError"


def test_lone_surrogates_hash_and_encode_as_java_does() -> None:
    definition = _pass(
        Parameters={"h.$": "States.Hash($.s, 'SHA-1')", "b.$": "States.Base64Encode($.s)", "s.$": "$.s"}
    )
    execution = run(definition, {"s": "\ud800"})
    assert execution.status == "SUCCEEDED"
    assert execution.output["b"] == "Pw=="  # "?" in UTF-8, as String.getBytes(UTF_8) writes it
    assert execution.output["s"] == "\ud800"


# Depth -----------------------------------------------------------------------------------------


def _nest(depth: int) -> Any:
    value: Any = {"b.$": "$"}
    for _ in range(depth):
        value = {"a": value}
    return value


def test_a_definition_as_deep_as_aws_accepts_runs_test_states_and_exports(tmp_path: Path) -> None:
    definition = _pass(Parameters=_nest(995))
    assert not _errors(definition)
    assert run(definition, {"x": 1}).status == "SUCCEEDED"
    assert test_state(definition, {"x": 1}, state_name="A", inspection_level="TRACE")["status"] == "SUCCEEDED"
    source = tmp_path / "deep.asl.json"
    source.write_text(json.dumps(definition), encoding="utf-8")
    for fmt in ("asl", "asl-yaml", "cloudformation", "sam", "mermaid"):
        err = io.StringIO()
        assert main(["export", str(source), "--format", fmt, "-o", str(tmp_path / fmt)], err=err) == 0, (
            err.getvalue()
        )
    deeper = _pass(Result=_nest(1000))
    assert _errors(deeper) == [("INVALID_JSON_DESCRIPTION", None)]


def test_lone_surrogates_reach_the_command_line_and_files_as_json_escapes(tmp_path: Path) -> None:
    source = tmp_path / "m.asl.json"
    source.write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "\\ud800x", "End": true}}}'
    )
    out = io.StringIO()
    assert main(["run", str(source), "--json"], out=out) == 0
    assert json.loads(out.getvalue())["output"] == "\ud800x"
    assert main(["export", str(source), "--format", "asl", "-o", str(tmp_path / "o.json")]) == 0
    written = (tmp_path / "o.json").read_text(encoding="utf-8")
    assert "\\ud800x" in written and json.loads(written)["States"]["A"]["Result"] == "\ud800x"


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "[" * 1001 + "]" * 1001, "NaN", "9" * 5000])
def test_string_to_json_refuses_what_aws_reader_refuses(text: str) -> None:
    execution = run(_pass(Parameters={"x.$": "States.StringToJson($.s)"}), {"s": text})
    assert execution.error == "States.Runtime" and "could not be evaluated" not in execution.cause


def test_retries_that_would_outlive_an_execution_time_it_out_after_a_year() -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "missing"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "IntervalSeconds": 99999999}],
        "End": True,
    }
    definition = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": task}}], "End": True}
        },
    }
    execution = run(definition)
    assert execution.status == "TIMED_OUT" and execution.history[-1]["type"] == "ExecutionTimedOut"
    assert (execution.stop_date - execution.start_date).days == 365


@pytest.mark.parametrize("field", ["TimeoutSeconds", "HeartbeatSeconds"])
@pytest.mark.parametrize("expression", ["'x'", "1.5", "[1]", "null"])
def test_jsonata_task_seconds_of_the_wrong_type_fail_the_state(field: str, expression: str) -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fn",
        field: "{% " + expression + " %}",
        "End": True,
    }
    if field == "HeartbeatSeconds":
        state["TimeoutSeconds"] = 60
    definition = {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": state}}
    execution = run(definition, handlers={"fn": lambda event, context: {"ok": True}})
    assert execution.error == "States.QueryEvaluationError"
    assert "Expected 'integer'" in execution.cause


@pytest.mark.parametrize(
    "value", [10**5000, float("nan"), {1, 2}, b"bytes"], ids=["long", "nan", "set", "bytes"]
)
def test_an_input_no_json_could_carry_is_refused_as_aws_refuses_it(value: Any) -> None:
    from engine.runtime.errors import InvalidExecutionInput
    from engine.runtime.test_state import TestStateError

    with pytest.raises(InvalidExecutionInput, match="Invalid State Machine Execution Input"):
        run(_pass(), {"n": value})
    with pytest.raises(TestStateError) as refused:
        test_state(_pass(), {"n": value}, state_name="A")
    assert refused.value.code == "InvalidExecutionInput"


def test_a_yaml_export_as_deep_as_aws_accepts_reads_back() -> None:
    from engine.export.asl_text import dump_yaml

    definition = _pass(Result=_nest(990))
    assert parse_text(dump_yaml(definition), prefer="yaml").value == definition
    block = "".join(" " * i + "a:\n" for i in range(1200)) + " " * 1200 + "b: 1\n"
    assert [d.code for d in validate(block)] == ["INVALID_JSON_DESCRIPTION"]


def test_a_python_value_that_contains_itself_is_refused_not_walked_forever() -> None:
    from engine.runtime.errors import InvalidExecutionInput

    looped: dict[str, Any] = {}
    looped["a"] = looped
    assert _errors(_pass(Result=looped)) == [("INVALID_JSON_DESCRIPTION", None)]
    with pytest.raises(InvalidExecutionInput, match="nesting depth"):
        run(_pass(), looped)


@pytest.mark.parametrize("text", ["\x85", "a\x85b", "x\u2028y\u2029z", "two\nlines\x85", "\ud800\x85"])
def test_yaml_exports_keep_characters_yaml_readers_take_as_line_breaks(text: str) -> None:
    from engine.export.asl_text import dump_yaml

    definition = _pass(Result=text)
    assert parse_text(dump_yaml(definition), prefer="yaml").value == definition


@pytest.mark.parametrize("text", ["1e3", "0o17", "-2e-3", "Yes", "1:20", "null", ""])
def test_yaml_exports_quote_text_yaml_1_2_would_read_as_another_type(text: str) -> None:
    from engine.export.asl_text import dump_yaml

    definition = _pass(Result={text: text})
    assert parse_text(dump_yaml(definition), prefer="yaml").value == definition
