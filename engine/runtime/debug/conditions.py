"""Breakpoint conditions as users write them: one grammar for the terminal and the window.

A condition is parsed when it is typed (`parse_condition`), so one that does not parse is refused
there with the column of the error and never reaches a run to count silently as false. At a
pause it is decided against the state's input, its variables and the context object
(`scope_at`); a condition that cannot be decided there (a missing field in a comparison, a
string ordered against a number) does not pause, and `BreakCondition` says so once.

Paths go to the engine's JSONPath evaluator and `{% ... %}` to its JSONata: nothing is `eval`ed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.runtime.debug.condition_ast import ConditionEvaluationError, ConditionScope, Node, truthy
from engine.runtime.debug.condition_parser import ConditionSyntaxError, parse_tree

__all__ = [
    "GRAMMAR",
    "HELP_LINE",
    "BreakCondition",
    "Condition",
    "ConditionEvaluationError",
    "ConditionScope",
    "ConditionSyntaxError",
    "parse_condition",
    "scope_at",
    "truthy",
]

GRAMMAR = """\
conditions (break STATE if EXPR):
  a comparison over JSONPath operands, joined with && (and), || (or), ! (not) and parentheses:
    $.value == 3      $.total > 100 && $.country == "BR"      !($.retry || $.skip)
  comparisons: == or = (equal), !=, <, <=, >, >=  (order compares two numbers or two strings)
  operands: $... the state input, $$... or $states.context... the context object,
    $states.input... the input again, $name a variable, "text" or 'text', numbers, true, false,
    null, and arrays and objects written as JSON ([], ["a", 1], {"k": 2})
  in a Map iteration: $item and $index (short for $states.context.Map.Item.Value and .Index)
  a bare path pauses when it selects a value other than false, null, 0, "", [] or {}
  {% ... %} is JSONata, with $states.input, $states.context, the variables, $item and $index
  a condition that does not parse is refused with its column; one that cannot be decided at a
  state (a missing field in a comparison) does not pause there, and the first such error is shown"""

HELP_LINE = (
    '$.total > 100 && $.country == "BR" · $states.input.value = 3 · in a Map: $item, $index · '
    "a bare path pauses when truthy · {% JSONata %} · == = != < <= > >= && || ! ( )"
)


@dataclass(frozen=True)
class Condition:
    """A parsed condition: `holds` decides a pause, `value` is what `print EXPR` shows."""

    text: str
    tree: Node

    def holds(self, scope: ConditionScope) -> bool:
        """Raises `ConditionEvaluationError` when the condition cannot be decided on this scope."""
        return self.tree.truth(scope)

    def value(self, scope: ConditionScope) -> Any:
        return self.tree.value(scope)


def parse_condition(text: str) -> Condition:
    """Parse a condition; raises `ConditionSyntaxError` (message, position, caret) when it does not parse."""
    return Condition(text.strip(), parse_tree(text))


def scope_at(point: Any) -> ConditionScope:
    """The scope of a state about to run (a `gate.StatePoint`): its input, the variables of
    its frame and the context object, which carries `Map.Item` inside an iteration."""
    env = point.env
    context = env.context_object(point.name, env.clock.now(), point.frame) if env is not None else {}
    return ConditionScope(point.data, dict(point.variables), context)


@dataclass
class BreakCondition:
    """The condition of one breakpoint over one run: each distinct evaluation error is reported once
    (a Map of a thousand items lacking a field says it one time), and counts as "does not pause"."""

    state: str
    condition: Condition
    reported: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, state: str, text: str) -> BreakCondition:
        return cls(state, parse_condition(text))

    def holds_at(self, point: Any, listeners: Iterable[Callable[[str, str], None]]) -> bool:
        path = tuple(point.path)
        where = " in " + " / ".join(f"{s}[{i}]" for s, i in zip(path[::2], path[1::2], strict=False))
        return self.holds(scope_at(point), listeners, where if path else "")

    def holds(
        self, scope: ConditionScope, listeners: Iterable[Callable[[str, str], None]], where: str = ""
    ) -> bool:
        try:
            return self.condition.holds(scope)
        except ConditionEvaluationError as exc:
            if exc.message not in self.reported:
                self.reported.add(exc.message)
                message = (
                    f"the condition {self.condition.text} could not be evaluated at {self.state}{where}: "
                    f"{exc.message}; the breakpoint does not pause there"
                )
                for listener in list(listeners):
                    listener(self.state, message)
            return False
