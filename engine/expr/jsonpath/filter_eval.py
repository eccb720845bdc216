"""Evaluation of filter expressions against one candidate node.

Comparisons follow Jayway where it matters for Step Functions users:
numbers compare by value (``1 == 1.0``) but never equal booleans, ordering
works between two numbers or two strings only, a missing operand makes a
comparison false except for ``!=`` and ``nin`` (their negations hold), and
``=~`` must match the whole string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.expr.errors import PathNotFoundError
from engine.expr.jsonpath.filter_ast import (
    And,
    Comparison,
    Exists,
    FilterExpr,
    Literal,
    Not,
    Operand,
    Or,
    PathOperand,
    Regex,
)
from engine.expr.user_regex import compile_flagged

if TYPE_CHECKING:
    from engine.expr.jsonpath.path_ast import Path
    from engine.expr.jsonpath.path_eval import Scope

#: How a filter reads the paths inside it (``evaluate_path(path, scope, current)``): paths contain
#: filters and filters contain paths, so the path evaluator hands itself in rather than being imported.
PathEvaluator = Callable[["Path", "Scope", Any], Any]

_MISSING = object()


def test_filter(expr: FilterExpr, node: Any, scope: Scope, evaluate_path: PathEvaluator) -> bool:
    if isinstance(expr, Comparison):
        left = operand_value(expr.left, node, scope, evaluate_path)
        return compare(expr.op, left, operand_value(expr.right, node, scope, evaluate_path))
    if isinstance(expr, Exists):
        try:
            found = evaluate_path(expr.path, scope, node)
        except PathNotFoundError:
            return False
        return bool(found) if not expr.path.is_definite else True
    if isinstance(expr, Not):
        return not test_filter(expr.operand, node, scope, evaluate_path)
    if isinstance(expr, And):
        return all(test_filter(e, node, scope, evaluate_path) for e in expr.operands)
    if isinstance(expr, Or):
        return any(test_filter(e, node, scope, evaluate_path) for e in expr.operands)
    raise TypeError(f"unexpected filter node {expr!r}")  # pragma: no cover


def operand_value(operand: Operand, node: Any, scope: Scope, evaluate_path: PathEvaluator) -> Any:
    if isinstance(operand, Literal):
        return thaw(operand.value)
    if isinstance(operand, Regex):
        return operand
    assert isinstance(operand, PathOperand)
    try:
        return evaluate_path(operand.path, scope, node)
    except PathNotFoundError:
        return _MISSING


def thaw(value: Any) -> Any:
    return [thaw(v) for v in value] if isinstance(value, tuple) else value


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def json_equal(a: Any, b: Any) -> bool:
    if is_number(a) and is_number(b):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b


def contains(items: list[Any], value: Any) -> bool:
    return any(json_equal(item, value) for item in items)


def compare(op: str, left: Any, right: Any) -> bool:
    if op == "!=":
        return left is _MISSING or right is _MISSING or not json_equal(left, right)
    if op == "nin":
        return not compare("in", left, right)
    if left is _MISSING or right is _MISSING:
        return False
    if op == "==":
        return json_equal(left, right)
    if op in ("<", "<=", ">", ">="):
        if not ((is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
            return False
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
    if op == "=~":
        if not isinstance(left, str) or not isinstance(right, Regex):
            return False
        return compile_flagged(right.pattern, right.flags).fullmatch(left) is not None
    if op == "in":
        return isinstance(right, list) and contains(right, left)
    if op == "contains":
        if isinstance(left, list):
            return contains(left, right)
        return isinstance(left, str) and isinstance(right, str) and right in left
    if op in ("subsetof", "anyof", "noneof"):
        if not (isinstance(left, list) and isinstance(right, list)):
            return False
        hits = [contains(right, item) for item in left]
        return all(hits) if op == "subsetof" else any(hits) if op == "anyof" else not any(hits)
    if op == "size":
        return isinstance(left, (list, str)) and is_number(right) and len(left) == right
    if op == "empty":
        return isinstance(left, (list, str, dict)) and isinstance(right, bool) and (len(left) == 0) == right
    raise ValueError(f"unknown filter operator {op!r}")  # pragma: no cover
