"""Walking a definition: scopes (machine, branches, item processors) and the states in them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.asl.diagnostics import DUPLICATE_STATE_NAME, INVALID_STATE_NAME
from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker
from engine.asl.validation.fields import JSONATA_ONLY, JSONPATH_ONLY, STATE_FIELDS

MAX_STATE_NAME = 80
QUERY_LANGUAGES = ("JSONPath", "JSONata")


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a group of states lives and the query language its states inherit."""

    location: str  # "" for the machine, e.g. "/States/P/Branches[0]" for a branch
    query_language: str  # the top-level language: inner states inherit it
    top_level_jsonata: bool


def check_states_object(checker: Checker, obj: dict[str, Any], loc: str, scope: Scope) -> None:
    """The `States` of a scope, then each state in it."""
    if "States" not in obj:
        return
    states = obj["States"]
    if not isinstance(states, dict):
        checker.error(msg.expected_type("OBJECT"), f"{loc}/States")
        return
    if not states:
        checker.error(msg.EMPTY, f"{loc}/States")
        return
    for name, state in states.items():
        check_state(checker, name, state, f"{loc}/States/{name}", scope)


def check_state(
    checker: Checker, name: str, state: Any, loc: str, scope: Scope, *, named: bool = True
) -> None:
    """One state; `named` is False for TestState's lone state, which has no name of its own."""
    # Imported here: the per-type checks recurse into scopes through this module.
    from engine.asl.validation.state_rules import check_typed_state

    if named:
        if len(name) > MAX_STATE_NAME:
            checker.error(msg.state_name_too_long(name), loc, code=INVALID_STATE_NAME)
        if name in checker.state_names:
            checker.error(msg.duplicate_state(name), loc, code=DUPLICATE_STATE_NAME)
        else:
            checker.state_names[name] = loc
    if not isinstance(state, dict):
        checker.error(msg.expected_type("OBJECT"), loc)
        return
    if "Type" not in state:
        checker.error(msg.required(["Type"]), loc)
        return
    state_type = state["Type"]
    if not isinstance(state_type, str):
        checker.error(msg.expected_type("STRING"), f"{loc}/Type")
        return
    if state_type not in STATE_FIELDS:
        checker.error(msg.type_values(), f"{loc}/Type")
        return
    language, downgraded = _query_language(checker, state, loc, scope)
    for field in state:
        if field not in STATE_FIELDS[state_type]:
            checker.error(msg.not_supported(field), loc)
    if not downgraded:
        for field in state:
            if field not in STATE_FIELDS[state_type]:
                continue
            if language == "JSONata" and field in JSONPATH_ONLY:
                checker.error(msg.wrong_query_language("JSONata", field), loc)
            elif language == "JSONPath" and field in JSONATA_ONLY:
                checker.error(msg.wrong_query_language("JSONPath", field), loc)
    check_typed_state(checker, state_type, state, loc, language, scope)


def _query_language(checker: Checker, state: dict[str, Any], loc: str, scope: Scope) -> tuple[str, bool]:
    """The language this state's fields are read in, and whether it illegally downgrades."""
    if "QueryLanguage" not in state:
        return scope.query_language, False
    value = state["QueryLanguage"]
    if not isinstance(value, str):
        checker.error(msg.expected_type("STRING"), f"{loc}/QueryLanguage")
        return "JSONata", False
    if value not in QUERY_LANGUAGES:
        checker.error(msg.one_of_values(QUERY_LANGUAGES), f"{loc}/QueryLanguage")
        return "JSONata", False
    if value == "JSONPath" and scope.top_level_jsonata:
        checker.error(msg.DOWNGRADE_QUERY_LANGUAGE, loc)
        return "JSONPath", True
    return value, False


def check_transition(checker: Checker, state: dict[str, Any], loc: str) -> None:
    """Exactly one of Next and End (true) for the states that continue the flow."""
    has_next = checker.expect_string(state, "Next", loc)
    has_end = checker.expect_bool(state, "End", loc) and state["End"] is True
    if has_next and has_end:
        checker.error(msg.only_one_of(["Next", "End"]), loc)
    elif not has_next and not has_end and "Next" not in state:
        checker.error(msg.exactly_one_of(["Next", "End"]), loc)
