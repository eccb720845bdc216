"""One small hand-written definition per validation rule: AWS's code, message and location, exactly."""

from __future__ import annotations

from typing import Any

import pytest

import engine
from engine import Diagnostic

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"
END: dict[str, Any] = {"Type": "Pass", "End": True}
SCHEMA = "SCHEMA_VALIDATION_FAILED"
MISSING = "MISSING_TRANSITION_TARGET"


def machine(start: str = "A", **states: Any) -> dict[str, Any]:
    return {"StartAt": start, "States": states}


def jsonata(start: str = "A", **states: Any) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", "StartAt": start, "States": states}


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, **fields}


def branch(*names: str) -> dict[str, Any]:
    return {"StartAt": names[0], "States": {name: END for name in names}}


def err(code: str, message: str, location: str | None) -> Diagnostic:
    return Diagnostic("ERROR", code, message, location)


def check(definition: Any, *expected: Diagnostic, machine_type: str = "STANDARD") -> None:
    assert engine.validate(definition, machine_type=machine_type) == list(expected)


# --- transitions ---------------------------------------------------------------------------------


def test_missing_next_target() -> None:
    check(
        machine(A={"Type": "Pass", "Next": "X"}, B=END),
        err(MISSING, "Missing 'Next' target: X", "/States/A/Next"),
        err(MISSING, 'State "B" is not reachable.', "/States/B"),
    )


def test_missing_choice_targets() -> None:
    definition = machine(
        "C",
        C={
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "X"}],
            "Default": "Y",
        },
        Done=END,
    )
    diagnostics = engine.validate(definition)
    # The order of the two is not on record at AWS: compare as sets.
    assert set(diagnostics) == {
        err(MISSING, "Missing 'Next' target: X", "/States/C/Choices[0]/Next"),
        err(MISSING, "Missing 'Next' target: Y", "/States/C/Default"),
        err(MISSING, 'State "Done" is not reachable.', "/States/Done"),
    }
    assert len(diagnostics) == 3


def test_missing_choice_next_only() -> None:
    check(
        machine(
            "C",
            C={
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "X"}],
                "Default": "Done",
            },
            Done=END,
        ),
        err(MISSING, "Missing 'Next' target: X", "/States/C/Choices[0]/Next"),
    )


def test_missing_catch_target() -> None:
    check(
        machine("T", T=task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "X"}], End=True)),
        err(MISSING, "Missing 'Next' target: X", "/States/T/Catch[0]/Next"),
    )


def test_missing_start_at_target() -> None:
    check(
        machine("Z", A={"Type": "Pass", "Next": "B"}, B=END),
        err(MISSING, "Missing 'Next' target: Z", "/StartAt"),
        err(MISSING, 'State "A" is not reachable.', "/States/A"),
        err(MISSING, 'State "B" is not reachable.', "/States/B"),
    )


def test_missing_target_inside_a_branch() -> None:
    inner = {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Gone"}, "Y": END}}
    check(
        machine(A={"Type": "Parallel", "Branches": [inner], "End": True}),
        err(MISSING, "Missing 'Next' target: Gone", "/States/A/Branches[0]/States/X/Next"),
        err(MISSING, 'State "Y" is not reachable.', "/States/A/Branches[0]/States/Y"),
    )


def test_unreachable_state() -> None:
    check(machine(A=END, B=END), err(MISSING, 'State "B" is not reachable.', "/States/B"))


def test_loop_without_terminal_state() -> None:
    # AWS reports the missing end instead of the unreachable state C.
    check(
        machine(
            A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}, C={"Type": "Pass", "Next": "A"}
        ),
        err("MISSING_END_STATE", "Workflow has no terminal state", None),
    )


def test_loop_with_a_way_out_is_valid() -> None:
    check(
        machine(
            A={"Type": "Pass", "Next": "C"},
            C={
                "Type": "Choice",
                "Choices": [{"Variable": "$.done", "BooleanEquals": False, "Next": "A"}],
                "Default": "Done",
            },
            Done={"Type": "Succeed"},
        )
    )


def test_next_and_end_both() -> None:
    check(
        machine(A={"Type": "Pass", "Next": "B", "End": True}, B=END),
        err(SCHEMA, "There should only be one of the following fields: [Next, End]", "/States/A"),
    )


def test_neither_next_nor_end() -> None:
    check(
        machine(A={"Type": "Pass"}),
        err(SCHEMA, "This object should have only one of the following fields: [Next, End]", "/States/A"),
    )


# --- fields --------------------------------------------------------------------------------------


def test_unknown_field() -> None:
    check(machine(A={**END, "Foo": 1}), err(SCHEMA, "Field 'Foo' is not supported", "/States/A"))


def test_retry_on_pass_is_not_supported() -> None:
    check(
        machine(A={**END, "Retry": [{"ErrorEquals": ["States.ALL"]}]}),
        err(SCHEMA, "Field 'Retry' is not supported", "/States/A"),
    )


def test_unknown_state_type() -> None:
    check(
        machine(A={"Type": "Sleep", "End": True}),
        err(
            SCHEMA,
            "The field 'Type' should have one of these values: "
            "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
            "/States/A/Type",
        ),
    )


def test_missing_top_level_fields() -> None:
    check({}, err(SCHEMA, "These fields are required: [States, StartAt]", "/"))
    check({"States": {"A": END}}, err(SCHEMA, "These fields are required: [StartAt]", "/"))


@pytest.mark.parametrize(
    "names",
    [["States.ALL", "Foo"], ["Foo", "States.ALL"]],
    ids=["not-alone", "not-alone-last"],
)
def test_states_all_not_alone(names: list[str]) -> None:
    index = names.index("States.ALL")
    check(
        machine("T", T=task(Retry=[{"ErrorEquals": names}], End=True)),
        err(
            SCHEMA,
            "States.ALL must appear alone and at end of list",
            f"/States/T/Retry[0]/ErrorEquals[{index}]",
        ),
    )


def test_states_all_not_in_last_retrier() -> None:
    check(
        machine("T", T=task(Retry=[{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["Foo"]}], End=True)),
        err(SCHEMA, "States.ALL must appear alone and at end of list", "/States/T/Retry[0]/ErrorEquals[0]"),
    )


def test_states_all_not_in_last_catcher() -> None:
    catchers = [{"ErrorEquals": ["States.ALL"], "Next": "D"}, {"ErrorEquals": ["Foo"], "Next": "D"}]
    check(
        machine("T", T=task(Catch=catchers, End=True), D=END),
        err(SCHEMA, "States.ALL must appear alone and at end of list", "/States/T/Catch[0]/ErrorEquals[0]"),
    )


# --- JSONPath ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["foo", "$.a[", "$.."])
def test_bad_input_path(path: str) -> None:
    check(
        machine(A={**END, "InputPath": path}),
        err(SCHEMA, "Value must be a valid JSONPath.", "/States/A/InputPath"),
    )


def test_bad_output_path() -> None:
    check(
        machine(A={**END, "OutputPath": "nope"}),
        err(SCHEMA, "Value must be a valid JSONPath.", "/States/A/OutputPath"),
    )


@pytest.mark.parametrize("path", ["$.a[*]", "$..a", "$.a[?(@.b == 1)]"])
def test_result_path_with_wildcard_or_filter(path: str) -> None:
    [diagnostic] = engine.validate(machine(A={**END, "ResultPath": path}))
    assert diagnostic.code == SCHEMA
    assert diagnostic.location == "/States/A/ResultPath"
    assert diagnostic.message.startswith("Value is not a Reference Path")


def test_result_path_references_are_fine() -> None:
    for path in ("$", "$.a", "$.a.b[0]", "$['a b']", None):
        check(machine(A={**END, "ResultPath": path}))


@pytest.mark.parametrize("value", ["nope", "$.a[", "States.Format(", "States.NoSuchFunction('x')", 42])
def test_bad_dollar_value_in_parameters(value: Any) -> None:
    check(
        machine(A={**END, "Parameters": {"x.$": value}}),
        err(
            SCHEMA,
            "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call",
            "/States/A/Parameters",
        ),
    )


def test_bad_dollar_value_nested_in_parameters() -> None:
    check(
        machine(A={**END, "Parameters": {"outer": {"y.$": "nope"}}}),
        err(
            SCHEMA,
            "The value for the field 'y.$' must be a valid JSONPath or a valid intrinsic function call",
            "/States/A/Parameters/outer",
        ),
    )


def test_good_dollar_values_in_parameters() -> None:
    parameters = {
        "a.$": "$.a",
        "ctx.$": "$$.Execution.Id",
        "fmt.$": "States.Format('{} {}', $.a, $.b)",
        "literal": "$.not-a-path-because-no-dollar-suffix",
        "list": [{"b.$": "$.b"}],
    }
    check(machine(A={**END, "Parameters": parameters}))


# --- query languages -----------------------------------------------------------------------------


def test_jsonata_field_in_jsonpath_state() -> None:
    check(
        machine(A={**END, "Output": {"a": 1}}),
        err(
            SCHEMA,
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the "
            "'JSONata' QueryLanguage",
            "/States/A",
        ),
    )


def test_jsonpath_field_in_jsonata_state() -> None:
    check(
        jsonata(A={**END, "InputPath": "$"}),
        err(
            SCHEMA,
            "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the "
            "'JSONPath' QueryLanguage",
            "/States/A",
        ),
    )


def test_jsonpath_field_in_state_level_jsonata() -> None:
    check(
        machine(A={**END, "QueryLanguage": "JSONata", "Parameters": {}}),
        err(
            SCHEMA,
            "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the "
            "'JSONPath' QueryLanguage",
            "/States/A",
        ),
    )


def test_jsonpath_state_in_jsonata_machine() -> None:
    check(
        {**jsonata(A=END), "States": {"A": {**END, "QueryLanguage": "JSONPath"}}},
        err(
            SCHEMA,
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            "/States/A",
        ),
    )


def test_jsonata_syntax_error() -> None:
    [diagnostic] = engine.validate(jsonata(A={**END, "Output": "{% $states.input. %}"}))
    assert diagnostic.severity == "ERROR"
    assert diagnostic.code == "INVALID_JSONATA_EXPRESSION"
    assert diagnostic.location == "/States/A/Output"
    assert diagnostic.message


def test_jsonata_syntax_error_nested_location() -> None:
    [diagnostic] = engine.validate(jsonata(A={**END, "Output": {"a": [1, "{% ( %}"]}}))
    assert diagnostic.code == "INVALID_JSONATA_EXPRESSION"
    assert diagnostic.location == "/States/A/Output/a[1]"


def test_jsonata_double_dollar_is_unsupported() -> None:
    check(
        jsonata(A={**END, "Output": "{% $$.Execution.Id %}"}),
        err("UNSUPPORTED_JSONATA_EXPRESSION", "Reference to '$$' is not supported.", "/States/A/Output"),
    )


def test_jsonata_double_dollar_inside_a_string_literal_is_fine() -> None:
    check(jsonata(A={**END, "Output": "{% 'costs $$5' %}"}))


def test_valid_jsonata_machine() -> None:
    check(
        jsonata(
            A={
                "Type": "Pass",
                "Output": "{% $states.input.a + 1 %}",
                "Assign": {"x": "{% 2 %}"},
                "Next": "B",
            },
            B={"Type": "Succeed", "Output": "{% $x %}"},
        )
    )


# --- names and labels ----------------------------------------------------------------------------


def test_state_name_over_80_characters() -> None:
    name = "N" * 81
    check(
        machine(name, **{name: END}),
        err(
            "INVALID_STATE_NAME",
            f"Invalid State name: State '{name}' exceeds the 80-character limit allowed by the service",
            f"/States/{name}",
        ),
    )


def test_state_name_of_80_characters_is_fine() -> None:
    name = "N" * 80
    check(machine(name, **{name: END}))


def test_duplicate_state_name_across_parallel_branches() -> None:
    check(
        machine(A={"Type": "Parallel", "Branches": [branch("X"), branch("X")], "End": True}),
        err("DUPLICATE_STATE_NAME", "Duplicate State name: X", "/States/A/Branches[1]/States/X"),
    )


def map_with_label(label: Any) -> dict[str, Any]:
    return machine(A={"Type": "Map", "Label": label, "ItemProcessor": branch("X"), "End": True})


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "Invalid Label name: Label cannot be empty"),
        (
            "L" * 41,
            f"Invalid Label name: Label '{'L' * 41}' exceeds the 40-character limit allowed by the service",
        ),
        ("a b", "Invalid Label name: Label 'a b' contains an invalid character: ' '"),
    ],
    ids=["empty", "41-chars", "space"],
)
def test_map_label_rules(label: str, message: str) -> None:
    check(map_with_label(label), err("INVALID_LABEL_NAME", message, "/States/A/Label"))


@pytest.mark.parametrize("label", ["L" * 40, "ok-label_1"])
def test_map_label_accepted(label: str) -> None:
    check(map_with_label(label))


# --- Wait and Task -------------------------------------------------------------------------------


def test_wait_with_seconds_and_timestamp() -> None:
    check(
        machine(A={"Type": "Wait", "Seconds": 1, "Timestamp": "2024-01-01T00:00:00Z", "End": True}),
        err(
            SCHEMA,
            "There should only be one of the following fields: "
            "[SecondsPath, Seconds, TimestampPath, Timestamp]",
            "/States/A",
        ),
    )


@pytest.mark.parametrize(
    "timestamp", ["2024-01-01 00:00:00", "2024-02-30T00:00:00Z", "yesterday", "2024-01-01"]
)
def test_wait_timestamp_not_rfc3339(timestamp: str) -> None:
    check(
        machine(A={"Type": "Wait", "Timestamp": timestamp, "End": True}),
        err(SCHEMA, "String does not match RFC3339 timestamp", "/States/A/Timestamp"),
    )


@pytest.mark.parametrize("timestamp", ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123+02:00"])
def test_wait_timestamp_rfc3339(timestamp: str) -> None:
    check(machine(A={"Type": "Wait", "Timestamp": timestamp, "End": True}))


def test_task_timeout_zero() -> None:
    check(
        machine(A=task(TimeoutSeconds=0, End=True)),
        err(SCHEMA, "Minimum value is 1", "/States/A/TimeoutSeconds"),
    )


def test_unrecognised_resource() -> None:
    resource = "arn:aws:states:::nope:doIt"
    check(
        machine(A={"Type": "Task", "Resource": resource, "End": True}),
        err(
            SCHEMA,
            f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, "
            "or the resource is not available in this region.",
            "/States/A/Resource",
        ),
    )


def test_express_refuses_wait_for_task_token() -> None:
    definition = machine(
        "Publish",
        Publish={
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
            "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message.$": "$$.Task.Token"},
            "End": True,
        },
    )
    check(definition)
    # AWS's message ends with a space for this pattern (and only this one).
    check(
        definition,
        err(
            SCHEMA,
            "Express state machine does not support '.waitForTaskToken' service integration ",
            "/States/Publish/Resource",
        ),
        machine_type="EXPRESS",
    )


def test_express_refuses_sync() -> None:
    definition = machine(
        A={
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"},
            "End": True,
        }
    )
    check(
        definition,
        err(
            SCHEMA, "Express state machine does not support '.sync' service integration", "/States/A/Resource"
        ),
        machine_type="EXPRESS",
    )


# --- ${Placeholder} values (SAM DefinitionSubstitutions) ------------------------------------------


def test_placeholders_in_numeric_fields_and_resource() -> None:
    check(
        machine(
            A={
                "Type": "Task",
                "Resource": "${ProcessFunctionArn}",
                "TimeoutSeconds": "${Timeout}",
                "HeartbeatSeconds": "${Heartbeat}",
                "Retry": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "IntervalSeconds": "${Interval}",
                        "MaxAttempts": "${Attempts}",
                        "BackoffRate": "${Backoff}",
                    }
                ],
                "Next": "W",
            },
            W={"Type": "Wait", "Seconds": "${Delay}", "Next": "M"},
            M={"Type": "Map", "MaxConcurrency": "${Max}", "ItemProcessor": branch("X"), "End": True},
        )
    )


def test_placeholder_inside_a_resource_arn() -> None:
    check(machine(A=task(Resource="arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:f", End=True)))


# --- valid definitions ---------------------------------------------------------------------------


def test_smallest_valid_definition() -> None:
    check(machine(A={"Type": "Succeed"}))


def test_valid_definition_of_every_state_type() -> None:
    check(
        machine(
            "P",
            P={"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.p", "Next": "T"},
            T={
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": LAMBDA, "Payload.$": "$"},
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "F"}],
                "Next": "W",
            },
            W={"Type": "Wait", "Seconds": 0, "Next": "C"},
            C={
                "Type": "Choice",
                "Choices": [{"Variable": "$.p.x", "NumericEquals": 1, "Next": "Par"}],
                "Default": "F",
            },
            Par={"Type": "Parallel", "Branches": [branch("B1"), branch("B2")], "Next": "M"},
            M={"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": branch("I"), "Next": "S"},
            S={"Type": "Succeed"},
            F={"Type": "Fail", "Error": "Oops", "Cause": "it failed"},
        )
    )


def test_valid_definition_as_text() -> None:
    assert engine.validate('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}') == []
    assert engine.validate("StartAt: A\nStates:\n  A:\n    Type: Succeed\n") == []
