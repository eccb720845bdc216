"""Debugging a run: the gate the interpreter asks at each state, branch and retry (`gate`), the
`Debugger` that pauses there for the designer and the terminal alike (`debugger`), the threads of
a paused run's branches and iterations (`threads`), and the breakpoint condition language
(`conditions`, built on `condition_parser` and `condition_ast`).

Other packages import the names below from here. They load on first use: the interpreter imports
only the gate, so a run that nobody debugs never loads the debugger or its condition language.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.runtime.debug.conditions import (
        GRAMMAR,
        HELP_LINE,
        BreakCondition,
        ConditionEvaluationError,
        ConditionScope,
        ConditionSyntaxError,
        parse_condition,
    )
    from engine.runtime.debug.debugger import Debugger, Pause
    from engine.runtime.debug.gate import Tracer
    from engine.runtime.debug.threads import PAUSED

_HOMES = {
    "GRAMMAR": "conditions",
    "HELP_LINE": "conditions",
    "BreakCondition": "conditions",
    "ConditionEvaluationError": "conditions",
    "ConditionScope": "conditions",
    "ConditionSyntaxError": "conditions",
    "parse_condition": "conditions",
    "Debugger": "debugger",
    "Pause": "debugger",
    "Tracer": "gate",
    "PAUSED": "threads",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


__all__ = [
    "GRAMMAR",
    "HELP_LINE",
    "PAUSED",
    "BreakCondition",
    "ConditionEvaluationError",
    "ConditionScope",
    "ConditionSyntaxError",
    "Debugger",
    "Pause",
    "Tracer",
    "parse_condition",
]
