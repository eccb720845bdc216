"""Rules for each state type, and for the retriers and catchers they share."""

from __future__ import annotations

from typing import Any

from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker, is_jsonata_text
from engine.asl.validation.choice_rules import check_choices
from engine.asl.validation.containers import check_branch, check_map
from engine.asl.validation.expressions import (
    check_jsonata_value,
    check_path_field,
    check_payload_template,
    check_reference_path_field,
    payload_value_ok,
    string_intrinsic_problem,
)
from engine.asl.validation.fields import (
    CATCHER_FIELDS,
    PATH_FIELDS,
    PATH_OR_INTRINSIC_FIELDS,
    PAYLOAD_TEMPLATES,
    PREDEFINED_ERRORS,
    RETRIER_FIELDS,
)
from engine.asl.validation.resources import NEEDS_PARAMETERS, classify_resource
from engine.asl.validation.scope import Scope, check_transition
from engine.asl.validation.timestamps import is_rfc3339

MAX_SECONDS = 99_999_999
RESERVED_ERROR_NAME = "RESERVED_ERROR_NAME"
_NESTED = frozenset(("Branches", "ItemProcessor", "Iterator", "Catch", "Retry", "Choices"))


def check_typed_state(
    checker: Checker, state_type: str, state: dict[str, Any], loc: str, language: str, scope: Scope
) -> None:
    if state_type in ("Pass", "Task", "Wait", "Parallel", "Map"):
        check_transition(checker, state, loc)
    # Variables are given as a JSON object of names and values, in both query languages.
    checker.expect_object(state, "Assign", loc)
    if language == "JSONPath":
        _check_jsonpath_fields(checker, state, loc)
    else:
        for key, value in state.items():
            if key not in _NESTED:
                check_jsonata_value(checker, value, f"{loc}/{key}")
    RULES[state_type](checker, state, loc, language, scope)
    if state_type in ("Task", "Parallel", "Map"):
        check_retriers(checker, state, loc)
        check_catchers(checker, state, loc, language)


def _check_jsonpath_fields(checker: Checker, state: dict[str, Any], loc: str) -> None:
    for key in PATH_FIELDS:
        check_path_field(checker, state, key, loc)
    check_reference_path_field(checker, state, "ResultPath", loc)
    for key in PATH_OR_INTRINSIC_FIELDS:
        if key in state and state[key] is not None:
            if not isinstance(state[key], str):
                checker.error(msg.expected_type("STRING"), f"{loc}/{key}")
            elif not payload_value_ok(state[key]):
                checker.error(msg.INVALID_JSONPATH, f"{loc}/{key}")
            elif (function := string_intrinsic_problem(state[key])) is not None:
                checker.error(msg.intrinsic_not_a_string(key, function), f"{loc}/{key}")
    for key in (*PAYLOAD_TEMPLATES, "Assign"):
        if key in state:
            check_payload_template(checker, state[key], f"{loc}/{key}")


def _pass(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    pass


def _task(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    if "Resource" not in state:
        checker.error(msg.required(["Resource"]), loc)
    elif checker.expect_string(state, "Resource", loc):
        _check_resource(checker, state, loc, language)
    _seconds(checker, state, "TimeoutSeconds", loc, language, low=1)
    _seconds(checker, state, "HeartbeatSeconds", loc, language, low=1)
    for static in ("TimeoutSeconds", "HeartbeatSeconds"):
        if static in state and f"{static}Path" in state:
            checker.error(msg.only_one_of([static, f"{static}Path"]), loc)
    if "Credentials" in state and checker.expect_object(state, "Credentials", loc):
        creds = state["Credentials"]
        if "RoleArn" not in creds and "RoleArn.$" not in creds:
            checker.error(msg.required_field("RoleArn"), f"{loc}/Credentials")
        elif language == "JSONPath":
            check_payload_template(checker, creds, f"{loc}/Credentials")


def _check_resource(checker: Checker, state: dict[str, Any], loc: str, language: str) -> None:
    resource = state["Resource"]
    info = classify_resource(resource)
    if info is None:
        checker.error(msg.unrecognized_resource(resource), f"{loc}/Resource")
        return
    if checker.machine_type == "EXPRESS":
        if info.pattern:
            shown = ".sync" if info.pattern.startswith(".sync") else info.pattern
            checker.error(msg.express_unsupported(shown), f"{loc}/Resource")
        elif info.kind == "activity":
            checker.error(msg.express_activity(), f"{loc}/Resource")
    request_field = "Parameters" if language == "JSONPath" else "Arguments"
    if info.kind == "service" and info.service in NEEDS_PARAMETERS and request_field not in state:
        checker.error(msg.parameters_required(resource), f"{loc}/Resource")


def _choice(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    if "Choices" not in state:
        checker.error(msg.required(["Choices"]), loc)
    elif checker.expect_array(state, "Choices", loc, nonempty=True):
        check_choices(checker, state["Choices"], f"{loc}/Choices", language)
    checker.expect_string(state, "Default", loc)


_WAIT_FIELDS = ["SecondsPath", "Seconds", "TimestampPath", "Timestamp"]


def _wait(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    present = [f for f in _WAIT_FIELDS if f in state]
    if len(present) > 1:
        checker.error(msg.only_one_of(_WAIT_FIELDS), loc)
    elif not present:
        checker.error(msg.exactly_one_of(_WAIT_FIELDS), loc)
    _seconds(checker, state, "Seconds", loc, language, low=0)
    if "Timestamp" in state:
        value = state["Timestamp"]
        if language == "JSONata" and is_jsonata_text(value):
            return
        if not isinstance(value, str):
            checker.error(msg.expected_type("STRING"), f"{loc}/Timestamp")
        elif not is_rfc3339(value):
            checker.error(msg.NOT_RFC3339, f"{loc}/Timestamp")


def _succeed(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    pass


def _fail(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    for static in ("Error", "Cause"):
        if static in state and f"{static}Path" in state:
            checker.error(msg.only_one_of([static, f"{static}Path"]), loc)
        checker.expect_string(state, static, loc)


def _parallel(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    if "Branches" not in state:
        checker.error(msg.required(["Branches"]), loc)
        return
    if not checker.expect_array(state, "Branches", loc, nonempty=True):
        return
    for i, branch in enumerate(state["Branches"]):
        check_branch(checker, branch, f"{loc}/Branches[{i}]", scope, processor=False)


def _map(checker: Checker, state: dict[str, Any], loc: str, language: str, scope: Scope) -> None:
    check_map(checker, state, loc, language, scope)


RULES = {
    "Pass": _pass,
    "Task": _task,
    "Choice": _choice,
    "Wait": _wait,
    "Succeed": _succeed,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
}


def _seconds(checker: Checker, state: dict[str, Any], key: str, loc: str, language: str, *, low: int) -> None:
    if key not in state:
        return
    if language == "JSONata" and is_jsonata_text(state[key]):
        return
    checker.expect_integer(state, key, loc, low=low, high=MAX_SECONDS)


# Retriers and catchers ----------------------------------------------------------------------


def _check_error_equals(checker: Checker, item: dict[str, Any], loc: str, last: bool) -> None:
    if not checker.expect_array(item, "ErrorEquals", loc, nonempty=True):
        return
    names = item["ErrorEquals"]
    for j, name in enumerate(names):
        where = f"{loc}/ErrorEquals[{j}]"
        if not isinstance(name, str):
            checker.error(msg.expected_type("STRING"), where)
            continue
        if name == "States.ALL":
            if len(names) > 1 or not last:
                checker.error(msg.STATES_ALL_POSITION, where)
        elif name.startswith("States.") and name not in PREDEFINED_ERRORS:
            # The language reserves the prefix, but Step Functions accepts such definitions.
            checker.warn(RESERVED_ERROR_NAME, msg.reserved_error_name(name), where)


def check_retriers(checker: Checker, state: dict[str, Any], loc: str) -> None:
    if not checker.expect_array(state, "Retry", loc):
        return
    retriers = state["Retry"]
    for i, retrier in enumerate(retriers):
        where = f"{loc}/Retry[{i}]"
        if not isinstance(retrier, dict):
            checker.error(msg.expected_type("OBJECT"), where)
            continue
        if "ErrorEquals" not in retrier:
            checker.error(msg.required(["ErrorEquals"]), where)
        for field in retrier:
            if field not in RETRIER_FIELDS:
                checker.error(msg.not_supported(field), where)
        _check_error_equals(checker, retrier, where, last=i == len(retriers) - 1)
        checker.expect_integer(retrier, "IntervalSeconds", where, low=1, high=MAX_SECONDS)
        checker.expect_integer(retrier, "MaxAttempts", where, low=0, high=MAX_SECONDS)
        checker.expect_number(retrier, "BackoffRate", where, low=1.0)
        checker.expect_integer(retrier, "MaxDelaySeconds", where, low=1, high=31_622_400)
        checker.expect_enum(retrier, "JitterStrategy", where, ("FULL", "NONE"))


def check_catchers(checker: Checker, state: dict[str, Any], loc: str, language: str) -> None:
    if not checker.expect_array(state, "Catch", loc):
        return
    catchers = state["Catch"]
    for i, catcher in enumerate(catchers):
        where = f"{loc}/Catch[{i}]"
        if not isinstance(catcher, dict):
            checker.error(msg.expected_type("OBJECT"), where)
            continue
        missing = [f for f in ("ErrorEquals", "Next") if f not in catcher]
        if missing:
            checker.error(msg.required(missing), where)
        for field in catcher:
            if field not in CATCHER_FIELDS:
                checker.error(msg.not_supported(field), where)
            elif language == "JSONata" and field == "ResultPath":
                checker.error(msg.wrong_query_language("JSONata", field), where)
            elif language == "JSONPath" and field == "Output":
                checker.error(msg.wrong_query_language("JSONPath", field), where)
        _check_error_equals(checker, catcher, where, last=i == len(catchers) - 1)
        checker.expect_string(catcher, "Next", where)
        checker.expect_object(catcher, "Assign", where)
        if language == "JSONPath":
            check_reference_path_field(checker, catcher, "ResultPath", where)
            if "Assign" in catcher:
                check_payload_template(checker, catcher["Assign"], f"{where}/Assign")
        else:
            for key in ("Output", "Assign"):
                if key in catcher:
                    check_jsonata_value(checker, catcher[key], f"{where}/{key}", in_catcher=True)
