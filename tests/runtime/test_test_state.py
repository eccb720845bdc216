"""TestState: one state run on its own, with AWS's statuses, inspection data and refusals.

The corpus test measures the API against AWS's recordings; these tests pin the behaviours
one by one (and the ones the corpus does not reach: local handlers, HTTP details, the API-
shaped entry point), so a regression names the rule it broke.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.integrations import ServiceRegistry
from engine.runtime.test_state import TestStateError, run_test_state_request, test_state

ROLE = "arn:aws:iam::123456789012:role/test"
LAMBDA_TASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Parameters": {"FunctionName": "f", "Payload.$": "$"},
    "End": True,
}


def refusal(definition: Any, input: Any = None, **request: Any) -> TestStateError:
    with pytest.raises(TestStateError) as caught:
        test_state(definition, input, **request)
    return caught.value


def inspected(response: dict[str, Any]) -> dict[str, Any]:
    """inspectionData with its JSON texts read back, for comparing values."""
    out = {}
    for key, value in response["inspectionData"].items():
        out[key] = json.loads(value) if isinstance(value, str) else value
    return out


# Data flow and inspection ---------------------------------------------------------------------


def test_pass_state_reports_every_jsonpath_step() -> None:
    state = {
        "Type": "Pass",
        "InputPath": "$.a",
        "Parameters": {"v.$": "$.b"},
        "ResultPath": "$.r",
        "OutputPath": "$.r",
        "Next": "After",
    }
    response = test_state(state, {"a": {"b": 1}}, inspection_level="DEBUG")
    assert response["status"] == "SUCCEEDED"
    assert response["output"] == {"v": 1}
    assert response["nextState"] == "After"
    assert inspected(response) == {
        "input": {"a": {"b": 1}},
        "afterInputPath": {"b": 1},
        "afterParameters": {"v": 1},
        "afterResultSelector": {"v": 1},
        "afterResultPath": {"a": {"b": 1}, "r": {"v": 1}},
    }


def test_pass_result_replaces_the_effective_input_which_is_not_reported() -> None:
    state = {"Type": "Pass", "InputPath": "$.a", "Result": {"k": 2}, "End": True}
    response = test_state(state, {"a": 1}, inspection_level="TRACE")
    assert response["output"] == {"k": 2}
    assert "nextState" not in response
    assert set(response["inspectionData"]) == {"input", "result", "afterResultSelector", "afterResultPath"}


def test_info_level_carries_no_inspection_data() -> None:
    response = test_state({"Type": "Pass", "End": True}, {"x": 1})
    assert response == {"status": "SUCCEEDED", "output": {"x": 1}}


def test_inspection_payloads_are_json_text() -> None:
    response = test_state({"Type": "Pass", "Result": "text", "End": True}, {}, inspection_level="DEBUG")
    assert response["inspectionData"]["result"] == '"text"'
    assert response["output"] == "text"


def test_task_with_mocked_result_runs_result_selector_and_result_path() -> None:
    state = {**LAMBDA_TASK, "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": "$.out"}
    response = test_state(
        state,
        {"in": 1},
        inspection_level="DEBUG",
        mock={"result": json.dumps({"Payload": 7, "StatusCode": 200})},
    )
    assert response["output"] == {"in": 1, "out": {"p": 7}}
    data = inspected(response)
    assert data["afterParameters"] == {"FunctionName": "f", "Payload": {"in": 1}}
    assert data["result"] == {"Payload": 7, "StatusCode": 200}
    assert data["afterResultSelector"] == {"p": 7}


def test_jsonata_task_reports_arguments_result_and_assigned_variables() -> None:
    state = {
        "Type": "Task",
        "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.input.n + $base %}"},
        "Assign": {"seen": "{% $states.result.Payload %}"},
        "Output": "{% $states.result.Payload * 2 %}",
        "End": True,
    }
    response = test_state(
        state,
        {"n": 1},
        inspection_level="DEBUG",
        variables='{"base": 10}',
        mock={"result": '{"Payload": 11}'},
    )
    assert response["output"] == 22
    data = inspected(response)
    assert data["afterArguments"] == {"FunctionName": "f", "Payload": 11}
    assert data["result"] == {"Payload": 11}
    assert data["variables"] == {"base": 10, "seen": 11}


def test_choice_reports_the_chosen_next_state() -> None:
    state = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}],
        "Default": "Small",
    }
    assert test_state(state, {"n": 2})["nextState"] == "Big"
    response = test_state(state, {"n": 0}, inspection_level="DEBUG")
    assert response["nextState"] == "Small"
    assert inspected(response) == {"input": {"n": 0}, "afterInputPath": {"n": 0}}


def test_fail_state_fails_with_its_error_and_cause() -> None:
    response = test_state({"Type": "Fail", "Error": "E", "Cause": "C"}, {})
    assert response == {"status": "FAILED", "error": "E", "cause": "C"}


def test_wait_state_does_not_really_wait() -> None:
    response = test_state({"Type": "Wait", "Seconds": 3600, "Next": "N"}, {"x": 1})
    assert response == {"status": "SUCCEEDED", "output": {"x": 1}, "nextState": "N"}


def test_state_name_picks_a_state_of_a_machine() -> None:
    machine = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 1, "End": True}},
    }
    assert test_state(machine, {}, state_name="B")["output"] == 1
    assert test_state(machine, {}, state_name="A")["nextState"] == "B"


def test_default_context_names_the_state_and_its_retry_count() -> None:
    state = {"Type": "Pass", "Parameters": {"c.$": "$$"}, "End": True}
    context = test_state(state, {"x": 1})["output"]["c"]
    assert context["State"]["Name"] == "StateName"
    assert context["State"]["RetryCount"] == 0
    assert ":express:" in context["Execution"]["Id"]
    assert context["Execution"]["Input"] == {"x": 1}


def test_supplied_context_replaces_the_default_one() -> None:
    state = {**LAMBDA_TASK, "ResultSelector": {"c.$": "$$.Execution.Name"}}
    response = test_state(state, {}, context={"Execution": {"Name": "mine"}}, mock={"result": "{}"})
    assert response["output"] == {"c": "mine"}


# Retry and catch --------------------------------------------------------------------------------

RETRY_CATCH = {
    **LAMBDA_TASK,
    "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 3}],
    "Catch": [
        {"ErrorEquals": ["Other"], "Next": "X"},
        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handler"},
    ],
}
BOOM = {"errorOutput": {"error": "Boom", "cause": "bad"}}


def test_a_retrier_with_attempts_left_makes_the_state_retriable() -> None:
    response = test_state(
        RETRY_CATCH, {}, inspection_level="DEBUG", mock=BOOM, state_configuration={"retrierRetryCount": 1}
    )
    assert response["status"] == "RETRIABLE"
    assert (response["error"], response["cause"]) == ("Boom", "bad")
    assert "output" not in response
    assert response["inspectionData"]["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 6}


def test_a_spent_retrier_hands_the_error_to_the_catchers() -> None:
    response = test_state(
        RETRY_CATCH,
        {"a": 1},
        inspection_level="DEBUG",
        mock=BOOM,
        state_configuration={"retrierRetryCount": 2},
    )
    assert response["status"] == "CAUGHT_ERROR"
    assert response["nextState"] == "Handler"
    assert response["output"] == {"a": 1, "err": {"Error": "Boom", "Cause": "bad"}}
    assert response["inspectionData"]["errorDetails"] == {"retryIndex": 0, "catchIndex": 1}


def test_an_unhandled_error_fails_the_state() -> None:
    response = test_state(LAMBDA_TASK, {}, mock=BOOM)
    assert response == {"status": "FAILED", "error": "Boom", "cause": "bad"}


def test_runtime_errors_are_neither_retried_nor_caught() -> None:
    state = {**RETRY_CATCH, "Parameters": {"v.$": "$.missing"}}
    response = test_state(state, {}, mock={"result": "{}"})
    assert response["status"] == "FAILED"
    assert response["error"] == "States.Runtime"


# Map and Parallel around a mocked result -----------------------------------------------------------

MAP = {
    "Type": "Map",
    "ItemsPath": "$.items",
    "ToleratedFailureCount": 1,
    "MaxConcurrency": 2,
    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
    "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "TooMany"}],
    "End": True,
}


def test_map_reports_its_items_and_settings() -> None:
    response = test_state(MAP, {"items": [1, 2]}, inspection_level="DEBUG", mock={"result": "[10, 20]"})
    assert response["output"] == [10, 20]
    data = inspected(response)
    assert data["afterItemsPath"] == [1, 2]
    assert (data["maxConcurrency"], data["toleratedFailureCount"]) == (2, 1)


def test_map_iterations_failing_past_the_tolerance_raise_the_threshold_error() -> None:
    response = test_state(
        MAP, {"items": [1, 2]}, mock={"result": "[0, 0]"}, state_configuration={"mapIterationFailureCount": 2}
    )
    assert response["status"] == "CAUGHT_ERROR"
    assert response["error"] == "States.ExceedToleratedFailureThreshold"
    assert response["nextState"] == "TooMany"


def test_parallel_takes_the_mocked_branch_outputs() -> None:
    state = {
        "Type": "Parallel",
        "ResultPath": "$.r",
        "End": True,
        "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}],
    }
    response = test_state(state, {"k": 1}, mock={"result": '[{"b": 1}]'})
    assert response["output"] == {"k": 1, "r": [{"b": 1}]}


# Unmocked tasks: local handlers and HTTP details -------------------------------------------------------


def test_an_unmocked_task_calls_a_local_handler() -> None:
    state = {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet", "End": True}
    response = test_state(
        state,
        {"who": "Ann"},
        role_arn=ROLE,
        handlers={"greet": lambda event, _context: f"Hello {event['who']}"},
    )
    assert response == {"status": "SUCCEEDED", "output": "Hello Ann"}


def test_trace_shows_an_http_tasks_request_and_response() -> None:
    async def http(request: Any) -> dict[str, Any]:
        return {"StatusCode": 200, "StatusText": "OK", "Headers": {"a": "b"}, "ResponseBody": {"ok": True}}

    registry = ServiceRegistry()
    registry.register_service("http", http)
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::http:invoke",
        "End": True,
        "Parameters": {
            "ApiEndpoint": "https://example.com/x",
            "Method": "POST",
            "RequestBody": {"n": 1},
            "Headers": {"Authorization": "secret", "X-Kind": "k"},
            "QueryParameters": {"q": "1"},
        },
    }
    response = test_state(state, {}, inspection_level="TRACE", role_arn=ROLE, services=registry)
    request, answer = response["inspectionData"]["request"], response["inspectionData"]["response"]
    assert (request["method"], request["url"], request["body"]) == (
        "POST",
        "https://example.com/x?q=1",
        '{"n":1}',
    )
    assert "secret" not in request["headers"]
    assert (answer["statusCode"], answer["body"]) == ("200", '{"ok":true}')


# Refusals ----------------------------------------------------------------------------------------------


def test_map_and_parallel_need_a_mock() -> None:
    error = refusal(MAP, {"items": []})
    assert error.code == "InvalidDefinition"
    assert error.message.startswith("TestState API does not support Map or Parallel states.")


def test_a_task_without_a_mock_needs_a_role() -> None:
    assert refusal(LAMBDA_TASK, {}).message == "RoleArn must be specified when testing a Task state"


def test_states_without_work_refuse_a_mock() -> None:
    error = refusal({"Type": "Pass", "End": True}, {}, mock={"result": "{}"})
    assert (error.code, error.message) == (
        "ValidationException",
        "State type 'Pass' is not supported when a mock is specified",
    )


def test_a_mock_has_a_result_or_an_error_not_both() -> None:
    error = refusal(LAMBDA_TASK, {}, mock={"result": "{}", "errorOutput": {"error": "E"}})
    assert error.message == "A test mock should have only one of the following fields: [result, errorOutput]."
    assert refusal(LAMBDA_TASK, {}, mock={"result": "{"}).message == "Mocked result must be valid JSON"


@pytest.mark.parametrize(("mode", "refused"), [("STRICT", True), ("PRESENT", False), ("NONE", False)])
def test_field_validation_mode_decides_about_missing_required_fields(mode: str, refused: bool) -> None:
    state = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": "arn"},
        "End": True,
    }
    mock = {"result": "{}", "fieldValidationMode": mode}
    if refused:
        assert refusal(state, {}, mock=mock).message == (
            "Mock result schema validation error: Required field 'ExecutionArn' is missing"
        )
    else:
        assert test_state(state, {}, mock=mock)["status"] == "SUCCEEDED"


def test_field_validation_checks_types_and_bounds_of_present_fields() -> None:
    mock = {"result": '{"StatusCode": "200"}', "fieldValidationMode": "PRESENT"}
    assert refusal(LAMBDA_TASK, {}, mock=mock).message == (
        "Mock result schema validation error: Field 'StatusCode' must be a number"
    )
    assert test_state(LAMBDA_TASK, {}, mock={"result": '{"Extra": 1}'})["output"] == {"Extra": 1}


def test_state_name_must_exist() -> None:
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    assert refusal(machine, {}, state_name="B").message == "State not found in definition"


def test_invalid_definitions_are_refused_with_the_diagnostics() -> None:
    error = refusal({"Type": "Nope"}, {})
    assert error.code == "InvalidDefinition"
    assert error.message.startswith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED:")


def test_a_supplied_context_may_only_hold_what_step_functions_puts_there() -> None:
    assert refusal(LAMBDA_TASK, {}, mock={"result": "{}"}, context='{"Map": {}}').message == (
        "Invalid Context object provided: 'Map' field is not supported when mocking a Context object"
    )
    assert refusal(LAMBDA_TASK, {}, mock={"result": "{}"}, context='{"State": {"Name": 1}}').message == (
        "Invalid Context object provided: State.Name must be a string"
    )


def test_inspection_level_is_checked() -> None:
    assert refusal({"Type": "Pass", "End": True}, {}, inspection_level="ALL").code == "ValidationException"


# Entry points ------------------------------------------------------------------------------------------


def test_an_api_shaped_request_is_answered_the_same_way() -> None:
    response = run_test_state_request(
        {
            "definition": json.dumps({"Type": "Pass", "Result": 1, "End": True}),
            "input": '{"a": 1}',
            "inspectionLevel": "DEBUG",
        }
    )
    assert response["status"] == "SUCCEEDED"
    assert response["inspectionData"]["input"] == '{"a": 1}'


def test_the_api_is_exported_and_not_mistaken_for_tests() -> None:
    import engine
    import engine.runtime

    assert engine.test_state is test_state
    assert engine.runtime.test_state is test_state
    assert engine.runtime.test_state.TestStateError is TestStateError  # the dotted path still resolves
    assert test_state.__test__ is False  # type: ignore[attr-defined]
    assert TestStateError.__test__ is False


def test_a_definition_file_can_be_given_by_path(tmp_path: Any) -> None:
    path = tmp_path / "machine.asl.yaml"
    path.write_text(
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: 5\n    End: true\n", encoding="utf-8"
    )
    assert test_state(path, {}, state_name="A")["output"] == 5
