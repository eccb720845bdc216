"""Choice: pick the next state by the first rule that holds, else Default."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.asl import is_rfc3339
from engine.expr import PathNotFoundError
from engine.runtime.errors import NO_CHOICE_MATCHED, RUNTIME, StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.jsonpath_flow import PathScope, render_template, select
from engine.runtime.state_run import StateResult, StateRun
from engine.values import json_type_name
from engine.wildcard_match import wildcard_matches

_MISSING = object()


async def run(run: StateRun) -> StateResult:
    if run.jsonata:
        return _run_jsonata(run)
    state = run.state
    data = run.after_input_path()
    scope = run.path_scope()
    for rule in state["Choices"]:
        if _holds(rule, data, scope):
            return _leave(run, rule["Next"], data, scope, rule.get("Assign"))
    if "Default" in state:
        return _leave(run, state["Default"], data, scope, state.get("Assign"))
    raise StateFailure(NO_CHOICE_MATCHED, run.prefix + "No Matches!")


def _leave(run: StateRun, target: str, data: Any, scope: PathScope, assign: Any) -> StateResult:
    assigned = render_template(assign, data, scope) if assign is not None else None
    output = select(run.state["OutputPath"], data, scope) if "OutputPath" in run.state else data
    return StateResult(output, target, assigned)


def _run_jsonata(run: StateRun) -> StateResult:
    state = run.state
    scope = run.jsonata_scope()
    for i, rule in enumerate(state["Choices"]):
        condition = scope.evaluate(rule["Condition"], f"Choices[{i}]/Condition")
        if not isinstance(condition, bool):
            raise scope.fail(
                f"The JSONata expression '{str(rule['Condition'])[2:-2].strip()}' specified for the field "
                f"'Condition' returned an unexpected result type. Expected 'boolean', but was "
                f"'{json_type_name(condition)}' for value: {to_json_text(condition)}",
                "Condition",
            )
        if condition:
            output = scope.evaluate(rule["Output"], "Output") if "Output" in rule else run.input
            assigned = scope.evaluate(rule["Assign"], "Assign") if "Assign" in rule else None
            return StateResult(output, rule["Next"], assigned)
    if "Default" in state:
        output = scope.evaluate(state["Output"], "Output") if "Output" in state else run.input
        assigned = scope.evaluate(state["Assign"], "Assign") if "Assign" in state else None
        return StateResult(output, state["Default"], assigned)
    raise StateFailure(NO_CHOICE_MATCHED, run.prefix + "No Matches!")


def _lookup(path: str, data: Any, scope: PathScope) -> Any:
    try:
        return scope.evaluate(path, data)
    except PathNotFoundError:
        return _MISSING


def _holds(rule: dict[str, Any], data: Any, scope: PathScope) -> bool:
    if "And" in rule:
        return all(_holds(sub, data, scope) for sub in rule["And"])
    if "Or" in rule:
        return any(_holds(sub, data, scope) for sub in rule["Or"])
    if "Not" in rule:
        return not _holds(rule["Not"], data, scope)
    variable = rule["Variable"]
    value = _lookup(variable, data, scope)
    op = next(k for k in rule if k not in ("Variable", "Next", "Comment", "Assign"))
    operand = rule[op]
    if op == "IsPresent":
        return (value is not _MISSING) == operand
    if value is _MISSING:
        if op.startswith("Is"):
            return False
        raise StateFailure(
            RUNTIME,
            scope.prefix + f"Invalid path '{variable}': The choice state's condition path "
            "references an invalid value.",
        )
    if op.endswith("Path"):
        op = op[:-4]
        operand = _lookup(operand, data, scope)
        if operand is _MISSING:
            raise StateFailure(
                RUNTIME,
                scope.prefix + f"Invalid path '{rule[op + 'Path']}': The choice state's condition "
                "path references an invalid value.",
            )
    return compare(op, value, operand)


def compare(op: str, value: Any, operand: Any) -> bool:
    """Apply one comparison operator; a value of the wrong type never matches."""
    if op.startswith("Is"):
        actual = {
            "IsNull": value is None,
            "IsNumeric": _is_number(value),
            "IsString": isinstance(value, str),
            "IsBoolean": isinstance(value, bool),
            "IsTimestamp": isinstance(value, str) and is_rfc3339(value),
        }[op]
        return actual == operand
    if op.startswith("String"):
        if not isinstance(value, str) or not isinstance(operand, str):
            return False
        if op == "StringMatches":
            return string_matches(value, operand)
        return _ordered(op[len("String") :], value, operand)
    if op.startswith("Numeric"):
        if not _is_number(value) or not _is_number(operand):
            return False
        return _ordered(op[len("Numeric") :], value, operand)
    if op == "BooleanEquals":
        return isinstance(value, bool) and isinstance(operand, bool) and value == operand
    if op.startswith("Timestamp"):
        left, right = _instant(value), _instant(operand)
        if left is None or right is None:
            return False
        return _ordered(op[len("Timestamp") :], left, right)
    raise ValueError(f"unknown comparison operator {op}")


def _ordered(relation: str, left: Any, right: Any) -> bool:
    return {
        "Equals": left == right,
        "LessThan": left < right,
        "GreaterThan": left > right,
        "LessThanEquals": left <= right,
        "GreaterThanEquals": left >= right,
    }[relation]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not is_rfc3339(value):
        return None
    moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def string_matches(value: str, pattern: str) -> bool:
    """Whether `value` matches a StringMatches pattern, in time linear in the text."""
    return wildcard_matches(value, pattern)
