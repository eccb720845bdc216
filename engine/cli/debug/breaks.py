"""Breakpoints and expressions typed into `statecanvas debug`: checked where they are typed.

`break STATE [if EXPR]` refuses a state the machine does not have (naming the nearest ones) and
a condition that does not parse (with a caret under the column at fault); either way the
session goes on and the next command works. `print EXPR` reads the same grammar, so what a user
tries with `print` is what a condition will see.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from engine.runtime.debug import (
    ConditionEvaluationError,
    ConditionScope,
    ConditionSyntaxError,
    parse_condition,
)


class BreakRefused(ValueError):
    """A `break` the session cannot honour; `str()` is the whole message, caret included."""


def parse_break(text: str, states: Iterable[str]) -> tuple[str, str | None]:
    """`STATE` or `STATE if EXPR` -> (state, condition or None); `BreakRefused` when either is wrong."""
    text = text.strip()
    known = list(dict.fromkeys(states))
    split = None if text in known else re.fullmatch(r"(.+?)\s+if(?:\s+(.*))?", text, re.DOTALL)
    state, condition = (split.group(1), split.group(2) or "") if split else (text, None)
    if not state:
        raise BreakRefused("usage: break STATE [if EXPR]")
    if state not in known:
        raise BreakRefused(f"refused: {unknown_state(state, known)}")
    if condition is None:
        return state, None
    if not condition.strip():
        raise BreakRefused("refused: write a condition after 'if' (the grammar: help)")
    try:
        parse_condition(condition)
    except ConditionSyntaxError as exc:
        raise BreakRefused(
            f"refused: the condition does not parse at column {exc.column}: {exc.message}\n{exc.pointer()}"
        ) from None
    return state, condition.strip()


def unknown_state(name: str, states: list[str]) -> str:
    near = difflib.get_close_matches(name, states, n=4, cutoff=0.5)
    near += [s for s in states if name.lower() in s.lower() and s not in near][: 4 - len(near)]
    if near:
        return f"no state named {name!r}; did you mean {', '.join(near)}?"
    shown = ", ".join(states[:12]) + (", ..." if len(states) > 12 else "")
    return f"no state named {name!r}; the states are {shown}"


def print_expression(text: str, pause: Any, out: TextIO) -> None:
    """`print EXPR` at a pause: the value of a path, the truth of a comparison, or why neither."""
    try:
        condition = parse_condition(text)
    except ConditionSyntaxError as exc:
        print(
            f"the expression does not parse at column {exc.column}: {exc.message}\n{exc.pointer()}", file=out
        )
        return
    scope = ConditionScope(pause.input, dict(pause.variables), dict(pause.context or {}))
    try:
        value = condition.value(scope)
    except ConditionEvaluationError as exc:
        print(f"cannot evaluate {condition.text}: {exc.message}", file=out)
        return
    print(json.dumps(value, ensure_ascii=False), file=out)
