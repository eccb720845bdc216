"""Choice rules: one comparison (JSONPath) or one Condition (JSONata) per rule."""

from __future__ import annotations

from typing import Any

from engine.asl.model.choice_rule import (
    COMPARISON_OPERATORS,
    NUMERIC_OPERATORS,
    PATH_OPERATORS,
    STRING_OPERATORS,
    TIMESTAMP_OPERATORS,
    TYPE_TEST_OPERATORS,
)
from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker, is_jsonata_text
from engine.asl.validation.expressions import (
    check_jsonata_value,
    check_payload_template,
    path_error,
    reference_path_error,
)
from engine.asl.validation.timestamps import is_rfc3339

_COMBINATORS = ("And", "Or", "Not")
_TOP_ONLY = ("Next", "Assign", "Output")
_ALLOWED = frozenset(("Comment", "Variable", "Condition", *_COMBINATORS, *COMPARISON_OPERATORS, *_TOP_ONLY))
VARIABLE_NEEDS_OPERATOR = "Variable must be used with exactly one comparison operator"


def check_choices(checker: Checker, choices: list[Any], loc: str, language: str) -> None:
    for i, rule in enumerate(choices):
        _check_rule(checker, rule, f"{loc}[{i}]", language, top=True)


def _check_rule(checker: Checker, rule: Any, loc: str, language: str, *, top: bool) -> None:
    if not isinstance(rule, dict):
        checker.error(msg.expected_type("OBJECT"), loc)
        return
    for field in rule:
        if field not in _ALLOWED or (not top and field in _TOP_ONLY):
            checker.error(msg.not_supported(field), loc)
    if top:
        if "Next" not in rule:
            checker.error(msg.required(["Next"]), loc)
        else:
            checker.expect_string(rule, "Next", loc)
        checker.expect_object(rule, "Assign", loc)
    if language == "JSONata":
        _check_jsonata_rule(checker, rule, loc, top=top)
    else:
        _check_jsonpath_rule(checker, rule, loc, language)


def _check_jsonata_rule(checker: Checker, rule: dict[str, Any], loc: str, *, top: bool) -> None:
    for field in rule:
        if field == "Variable" or field in _COMBINATORS or field in COMPARISON_OPERATORS:
            checker.error(msg.wrong_query_language("JSONata", field), loc)
    if "Condition" not in rule:
        checker.error(msg.required(["Condition"]), loc)
    else:
        condition = rule["Condition"]
        if not isinstance(condition, bool) and not is_jsonata_text(condition):
            checker.error(msg.expected_type("BOOLEAN"), f"{loc}/Condition")
        check_jsonata_value(checker, condition, f"{loc}/Condition")
    for key in ("Output", "Assign"):
        if key in rule:
            check_jsonata_value(checker, rule[key], f"{loc}/{key}")


def _check_jsonpath_rule(checker: Checker, rule: dict[str, Any], loc: str, language: str) -> None:
    if "Condition" in rule:
        checker.error(msg.wrong_query_language("JSONPath", "Condition"), loc)
    if "Output" in rule:
        checker.error(msg.wrong_query_language("JSONPath", "Output"), loc)
    if "Assign" in rule:
        check_payload_template(checker, rule["Assign"], f"{loc}/Assign")
    kinds = [f for f in (*_COMBINATORS, "Variable") if f in rule]
    if len(kinds) != 1:
        checker.error(msg.exactly_one_of([*_COMBINATORS, "Variable"]), loc)
        return
    kind = kinds[0]
    if kind == "Not":
        _check_rule(checker, rule["Not"], f"{loc}/Not", language, top=False)
    elif kind in ("And", "Or"):
        if checker.expect_array(rule, kind, loc, nonempty=True):
            for j, sub in enumerate(rule[kind]):
                _check_rule(checker, sub, f"{loc}/{kind}[{j}]", language, top=False)
    else:
        _check_comparison(checker, rule, loc)


def _check_comparison(checker: Checker, rule: dict[str, Any], loc: str) -> None:
    if checker.expect_string(rule, "Variable", loc):
        variable = rule["Variable"]
        reason = reference_path_error(variable) if not variable.startswith("$") else path_error(variable)
        if reason is not None:
            checker.error(msg.not_reference_path(reason), f"{loc}/Variable")
    operators = [op for op in COMPARISON_OPERATORS if op in rule]
    if len(operators) > 1:
        checker.error(msg.only_one_of(operators), loc)
        return
    if not operators:
        checker.error(VARIABLE_NEEDS_OPERATOR, loc)
        return
    op = operators[0]
    value = rule[op]
    where = f"{loc}/{op}"
    if op in PATH_OPERATORS:
        if not isinstance(value, str):
            checker.error(msg.expected_type("STRING"), where)
        elif path_error(value) is not None:
            checker.error(msg.INVALID_JSONPATH, where)
    elif op in STRING_OPERATORS or op == "StringMatches":
        checker.expect_string(rule, op, loc)
    elif op in NUMERIC_OPERATORS:
        checker.expect_number(rule, op, loc)
    elif op in TIMESTAMP_OPERATORS:
        if checker.expect_string(rule, op, loc) and not is_rfc3339(value):
            checker.error(msg.NOT_RFC3339, where)
    elif op == "BooleanEquals" or op in TYPE_TEST_OPERATORS:
        checker.expect_bool(rule, op, loc)
