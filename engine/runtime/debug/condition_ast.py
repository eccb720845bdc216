"""The parsed form of a breakpoint condition and how each part is evaluated.

Every node answers two questions: `value(scope)` (what it computes; a path that selects
nothing is an error here, so a comparison with a missing field is reported rather than
quietly false) and `truth(scope)` (whether it lets the breakpoint pause; a bare path that
selects nothing is simply false, which is what "pause when this field is set" means).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.expr import Path, PathNotFoundError, evaluate
from engine.expr.jsonpath import json_equal
from engine.values import compact_json, json_type_name


class ConditionEvaluationError(Exception):
    """A condition that parsed but cannot be decided on this input (a missing field, mixed types)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ConditionScope:
    """What a condition can see: the state input, the variables in scope and the context object.

    `context` is the `$$` object; inside a Map iteration it holds `Map.Item.Index` and
    `Map.Item.Value`, which the short forms `$index` and `$item` name.
    """

    input: Any
    variables: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def map_item(self) -> Mapping[str, Any] | None:
        item = (self.context.get("Map") or {}).get("Item")
        return item if isinstance(item, Mapping) else None

    def bindings(self) -> dict[str, Any]:
        """Names a `$name` operand or a JSONata expression can use: the variables, `$states`, and
        `$item`/`$index` inside a Map iteration (a variable of the same name wins)."""
        names: dict[str, Any] = {}
        item = self.map_item
        if item is not None:
            names["item"], names["index"] = item.get("Value"), item.get("Index")
        names.update(self.variables)
        names["states"] = {"input": self.input, "context": dict(self.context)}
        return names


def truthy(value: Any) -> bool:
    """JSON truth: false, null, 0, "" and empty arrays and objects are false; everything else true."""
    return bool(value)


class Node:
    def value(self, scope: ConditionScope) -> Any:
        raise NotImplementedError

    def truth(self, scope: ConditionScope) -> bool:
        return truthy(self.value(scope))


@dataclass(frozen=True)
class Literal(Node):
    constant: Any

    def value(self, scope: ConditionScope) -> Any:
        return self.constant


@dataclass(frozen=True)
class PathOperand(Node):
    path: Path

    def value(self, scope: ConditionScope) -> Any:
        try:
            return evaluate(self.path, scope.input, context=dict(scope.context), variables=scope.bindings())
        except PathNotFoundError as exc:
            raise ConditionEvaluationError(_unresolved(self.path.text, exc.message)) from None

    def truth(self, scope: ConditionScope) -> bool:
        try:
            return truthy(self.value(scope))
        except ConditionEvaluationError:
            return False


def _unresolved(text: str, message: str) -> str:
    short_form = text == "$item" or text.startswith(("$item.", "$item[", "$index"))
    if short_form and "is not defined" in message:
        return f"{text} is defined only inside a Map iteration"
    return message


@dataclass(frozen=True)
class Comparison(Node):
    op: str  # "==", "!=", "<", "<=", ">", ">="
    left: Node
    right: Node

    def value(self, scope: ConditionScope) -> bool:
        left, right = self.left.value(scope), self.right.value(scope)
        if self.op == "==":
            return json_equal(left, right)
        if self.op == "!=":
            return not json_equal(left, right)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        if not numbers and not (isinstance(left, str) and isinstance(right, str)):
            raise ConditionEvaluationError(
                f"cannot compare {json_type_name(left)} {_shown(left)} {self.op} "
                f"{json_type_name(right)} {_shown(right)}: order compares two numbers or two strings"
            )
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[self.op]


def _shown(value: Any) -> str:
    text = compact_json(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def value(self, scope: ConditionScope) -> bool:
        return not self.operand.truth(scope)


@dataclass(frozen=True)
class AllOf(Node):
    operands: tuple[Node, ...]

    def value(self, scope: ConditionScope) -> bool:
        return all(operand.truth(scope) for operand in self.operands)


@dataclass(frozen=True)
class AnyOf(Node):
    operands: tuple[Node, ...]

    def value(self, scope: ConditionScope) -> bool:
        return any(operand.truth(scope) for operand in self.operands)


@dataclass(frozen=True)
class Jsonata(Node):
    """`{% ... %}`: the engine's JSONata, with `$states` and the variables bound as in a state."""

    body: str

    def _evaluate(self, scope: ConditionScope) -> Any:
        # Imported here for start-up time: jsonata-python (~90 ms) loads with the first JSONata expression.
        from engine.expr import JsonataEvaluationError, evaluate_jsonata

        names = scope.bindings()
        states = names.pop("states")
        try:
            return evaluate_jsonata(self.body, states=states, variables=names)
        except JsonataEvaluationError as exc:
            raise ConditionEvaluationError(exc.message) from None

    def value(self, scope: ConditionScope) -> Any:
        # Imported here for start-up time: jsonata-python (~90 ms) loads with the first JSONata expression.
        from engine.expr import UNDEFINED

        result = self._evaluate(scope)
        if result is UNDEFINED:
            raise ConditionEvaluationError("the JSONata expression returned nothing (undefined)")
        return result

    def truth(self, scope: ConditionScope) -> bool:
        # Imported here for start-up time: jsonata-python (~90 ms) loads with the first JSONata expression.
        from engine.expr import UNDEFINED

        result = self._evaluate(scope)
        return False if result is UNDEFINED else truthy(result)
