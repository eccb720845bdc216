"""Reading a TestState request, and refusing it where AWS refuses it, with AWS's code and words.

TestState checks a request before it runs anything: the definition, which state is meant,
whether a mock fits that state, whether the mocked result fits the API it stands for, and
whether a supplied context object is one Step Functions could have built. A request that
fails a check is answered with an API error rather than a FAILED status, so the checks live
here, apart from running the state.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.asl import (
    DefinitionLoadError,
    classify_resource,
    copy_json,
    invalid_definition_message,
    json_value_problem,
    load_error_diagnostic,
    parse_text,
    read_text_file,
    validate,
)
from engine.runtime.test_state.shapes import check_mock_result
from engine.strict_json import loads_strict

VALIDATION_EXCEPTION = "ValidationException"
INVALID_DEFINITION = "InvalidDefinition"
INSPECTION_LEVELS = ("INFO", "DEBUG", "TRACE")
FIELD_VALIDATION_MODES = ("STRICT", "PRESENT", "NONE")
# The name a lone state (a definition without States) has while it is tested.
SINGLE_STATE_NAME = "StateName"
UNMOCKABLE = ("Pass", "Succeed", "Fail", "Choice", "Wait")


class TestStateError(Exception):
    """TestState refused the request: AWS's error code (ValidationException, InvalidDefinition...)
    and its exact message, so callers can show or compare what AWS would have said."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class MockSpec:
    """What stands in for the state's work: a result, or an error with its cause."""

    result: Any = None
    has_result: bool = False
    error: str | None = None
    cause: str | None = None
    has_error: bool = False
    mode: str = "STRICT"


@dataclass
class TestStateRequest:
    """A checked request: the state to run and everything the run needs to know."""

    __test__ = False

    state: dict[str, Any]
    name: str
    language: str  # the state's effective query language
    input: Any
    inspection_level: str
    variables: dict[str, Any]
    mock: MockSpec | None
    context: dict[str, Any] | None
    retrier_retry_count: int
    error_caused_by_state: str | None
    map_iteration_failure_count: int | None
    map_item_reader_data: Any
    has_item_reader_data: bool
    reveal_secrets: bool
    role_arn: str | None


def refuse(message: str, code: str = VALIDATION_EXCEPTION) -> TestStateError:
    return TestStateError(code, message)


def enum_error(value: Any, member: str, allowed: tuple[str, ...]) -> TestStateError:
    return refuse(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def parse_request(
    definition: Any,
    input: Any,
    *,
    state_name: str | None,
    inspection_level: str | None,
    variables: Any,
    mock: dict[str, Any] | None,
    context: Any,
    state_configuration: dict[str, Any] | None,
    reveal_secrets: bool,
    role_arn: str | None,
) -> TestStateRequest:
    """Check a request in the order TestState does and return what the run needs."""
    level = inspection_level or "INFO"
    if level not in INSPECTION_LEVELS:
        raise enum_error(level, "inspectionLevel", INSPECTION_LEVELS)
    document = _load_definition(definition)
    problem = json_value_problem(input)
    if problem is not None:  # a Python caller's value no JSON text could carry
        raise refuse(f"Invalid input: {problem[0]} (at {problem[1]})", "InvalidExecutionInput")
    state, name, language = _pick_state(document, state_name)
    config = dict(state_configuration or {})
    retry_count = _non_negative(config.get("retrierRetryCount"), "stateConfiguration.retrierRetryCount") or 0
    failure_count = _non_negative(
        config.get("mapIterationFailureCount"), "stateConfiguration.mapIterationFailureCount"
    )
    spec = _read_mock(mock)
    state_type = state["Type"]
    if spec is not None:
        if reveal_secrets:
            raise refuse("TestState does not support RevealSecrets when a mock is specified.")
        if state_type in UNMOCKABLE:
            raise refuse(f"State type '{state_type}' is not supported when a mock is specified")
    else:
        if failure_count is not None:
            raise refuse("TestState does not support MapIterationFailureCount when a mock is not specified.")
        if state_type in ("Map", "Parallel"):
            raise refuse(
                "TestState API does not support Map or Parallel states. Supported state types include: "
                "[Task, Wait, Pass, Succeed, Fail, Choice]",
                INVALID_DEFINITION,
            )
        if state_type == "Task":
            if not role_arn:
                raise refuse("RoleArn must be specified when testing a Task state")
            _check_unmocked_task(state)
    if spec is not None and spec.has_result:
        _check_mock_result(spec, state, state_type, failure_count)
    parsed_context = _read_context(context, state) if context is not None else None
    return TestStateRequest(
        state=state,
        name=name,
        language=language,
        input=input,
        inspection_level=level,
        variables=_read_variables(variables),
        mock=spec,
        context=parsed_context,
        retrier_retry_count=retry_count,
        error_caused_by_state=config.get("errorCausedByState"),
        map_iteration_failure_count=failure_count,
        map_item_reader_data=_read_reader_data(config.get("mapItemReaderData")),
        has_item_reader_data=config.get("mapItemReaderData") is not None,
        reveal_secrets=bool(reveal_secrets),
        role_arn=role_arn,
    )


# The definition and the state under test ---------------------------------------------------


def _load_definition(definition: Any) -> dict[str, Any]:
    """The definition as a JSON value: a dict, JSON or YAML text, or a path to a file (the CLI's case)."""
    prefer = "json"
    if isinstance(definition, Path):
        prefer = "yaml" if definition.suffix.lower() in (".yaml", ".yml") else "json"
        try:
            definition = read_text_file(definition)
        except DefinitionLoadError as exc:
            if exc.code == "IO":
                raise  # a file that cannot be read is the caller's problem, not a definition AWS refused
            raise refuse(
                invalid_definition_message([load_error_diagnostic(exc)]), INVALID_DEFINITION
            ) from None
    if isinstance(definition, (str, bytes)):
        text = definition.decode("utf-8", "replace") if isinstance(definition, bytes) else definition
        try:
            document = parse_text(text, prefer=prefer).value
        except DefinitionLoadError as exc:
            raise refuse(
                invalid_definition_message([load_error_diagnostic(exc)]), INVALID_DEFINITION
            ) from None
    else:
        document = definition
    diagnostics = validate(document, test_state=True)
    if any(d.severity == "ERROR" for d in diagnostics):
        raise refuse(invalid_definition_message(diagnostics), INVALID_DEFINITION)
    # The caller's dict is never edited; the copy is iterative, so any depth validation admits copies.
    return copy_json(document) if document is definition else document


def _pick_state(document: dict[str, Any], state_name: str | None) -> tuple[dict[str, Any], str, str]:
    """The state to test, its name, and the query language it runs with."""
    if "States" not in document:
        return document, state_name or SINGLE_STATE_NAME, document.get("QueryLanguage", "JSONPath")
    language = document.get("QueryLanguage", "JSONPath")
    name = state_name if state_name is not None else document.get("StartAt")
    found = _find_state(document, name, language)
    if found is None:
        raise refuse("State not found in definition")
    state, outer = found
    return state, name, state.get("QueryLanguage", outer)


def _find_state(scope: dict[str, Any], name: Any, language: str) -> tuple[dict[str, Any], str] | None:
    """Look the name up in this scope, then in nested branches and item processors."""
    states = scope.get("States") or {}
    if isinstance(name, str) and name in states:
        return states[name], language
    for state in states.values():
        inner_language = state.get("QueryLanguage", language)
        for child in [*(state.get("Branches") or []), state.get("ItemProcessor"), state.get("Iterator")]:
            if isinstance(child, dict):
                found = _find_state(child, name, inner_language)
                if found is not None:
                    return found
    return None


def _check_unmocked_task(state: dict[str, Any]) -> None:
    """Activities, `.sync` and callbacks wait on the outside world: TestState needs a mock for them."""
    info = classify_resource(str(state.get("Resource", "")))
    if info is None:
        return
    if info.kind == "activity" or info.pattern:
        raise refuse(
            "TestState API does not support Activity tasks, .sync or .waitForTaskToken service integration "
            "patterns when a mock is not specified.",
            INVALID_DEFINITION,
        )


# The mock ---------------------------------------------------------------------------------


def _read_mock(mock: dict[str, Any] | None) -> MockSpec | None:
    if mock is None:
        return None
    if not isinstance(mock, dict):
        raise refuse("A test mock must be an object with one of the following fields: [result, errorOutput].")
    has_result = mock.get("result") is not None
    error_output = mock.get("errorOutput")
    if has_result and error_output is not None:
        raise refuse("A test mock should have only one of the following fields: [result, errorOutput].")
    mode = mock.get("fieldValidationMode") or "STRICT"
    if mode not in FIELD_VALIDATION_MODES:
        raise enum_error(mode, "mock.fieldValidationMode", FIELD_VALIDATION_MODES)
    spec = MockSpec(mode=mode)
    if has_result:
        text = mock["result"]
        if isinstance(text, str):
            try:
                spec.result = loads_strict(text)
            except ValueError:
                raise refuse("Mocked result must be valid JSON") from None
        else:  # a caller in Python may hand the value itself
            spec.result = copy.deepcopy(text)
        spec.has_result = True
    elif error_output is not None:
        if not isinstance(error_output, dict):
            raise refuse("A mocked error output must be an object with the fields error and cause.")
        spec.error, spec.cause, spec.has_error = error_output.get("error"), error_output.get("cause"), True
    else:
        raise refuse("A test mock should have one of the following fields: [result, errorOutput].")
    return spec


def _check_mock_result(
    spec: MockSpec, state: dict[str, Any], state_type: str, failure_count: int | None
) -> None:
    result = spec.result
    if state_type == "Parallel":
        if not isinstance(result, list):
            raise refuse("Mocked result must be an array.")
        if len(result) != len(state.get("Branches") or []):
            raise refuse(
                "Mocked result must contain the same number of items as number of Parallel branches."
            )
    elif state_type == "Map":
        if "ResultWriter" in state:
            if not isinstance(result, dict):
                raise refuse("Mocked result must be a JSON object.")
        elif not isinstance(result, list):
            raise refuse("Mocked result must be an array.")
        if failure_count is not None and isinstance(result, list) and failure_count > len(result):
            raise refuse(
                "Map iteration failure count must be less than or equal to the number of Map iterations"
            )
    elif state_type == "Task":
        problem = check_mock_result(str(state.get("Resource", "")), result, spec.mode)
        if problem:
            raise refuse(problem)


# The context object --------------------------------------------------------------------------

_CONTEXT_FIELDS: dict[str, dict[str, str]] = {
    "Execution": {
        "Id": "string",
        "Input": "any",
        "Name": "string",
        "RoleArn": "string",
        "StartTime": "string",
        "RedriveCount": "integer",
        "RedriveTime": "string",
    },
    "State": {"EnteredTime": "string", "Name": "string", "RetryCount": "integer"},
    "StateMachine": {"Id": "string", "Name": "string"},
    "Task": {"Token": "string"},
}


def _read_context(context: Any, state: dict[str, Any]) -> dict[str, Any]:
    """A supplied `$$`: only the fields Step Functions itself puts there, with their types."""
    value = _json_value(context, "Invalid Context object provided: Context object must be valid JSON")
    if not isinstance(value, dict):
        raise refuse("Invalid Context object provided: Context object must be a JSON object")
    for key, section in value.items():
        if key == "Map":
            raise refuse(
                "Invalid Context object provided: 'Map' field is not supported when mocking a Context object"
            )
        if key not in _CONTEXT_FIELDS:
            raise refuse(f"Invalid Context object provided: Field '{key}' is not allowed")
        if not isinstance(section, dict):
            raise refuse(f"Invalid Context object provided: {key} must be an object")
        for field_name, field_value in section.items():
            kind = _CONTEXT_FIELDS[key].get(field_name)
            if kind is None:
                raise refuse(f"Invalid Context object provided: Field '{field_name}' is not allowed")
            if kind == "string" and not isinstance(field_value, str):
                raise refuse(f"Invalid Context object provided: {key}.{field_name} must be a string")
            if kind == "integer" and (isinstance(field_value, bool) or not isinstance(field_value, int)):
                raise refuse(f"Invalid Context object provided: {key}.{field_name} must be an integer")
    if "Task" in value:
        info = classify_resource(str(state.get("Resource", ""))) if state.get("Type") == "Task" else None
        if info is None or not info.pattern:
            raise refuse(
                "Invalid Context object provided: Context object contains 'Task' when state is not a Task "
                "state with a '.sync' or '.waitForTaskToken' service integration pattern"
            )
    return value


# Variables, state configuration ----------------------------------------------------------------


def _read_variables(variables: Any) -> dict[str, Any]:
    if variables is None:
        return {}
    value = _json_value(variables, "Variables must be a valid JSON object")
    if not isinstance(value, dict):
        raise refuse("Variables must be a valid JSON object")
    return value


def _read_reader_data(data: Any) -> Any:
    if data is None or not isinstance(data, str):
        return copy.deepcopy(data)
    try:
        return loads_strict(data)
    except ValueError:
        return data  # CSV and other text sources are read as text


def _non_negative(value: Any, member: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise refuse(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0"
        )
    return value


def _json_value(value: Any, message: str) -> Any:
    if isinstance(value, (str, bytes)):
        try:
            return loads_strict(value)
        except ValueError:
            raise refuse(message) from None
    return copy.deepcopy(value)
