"""Debugging a run: the gate the interpreter asks at each state, branch and retry (`gate`), the
`Debugger` that pauses there for the designer and the terminal alike (`debugger`), the threads of
a paused run's branches and iterations (`threads`), and the breakpoint condition language
(`conditions`, built on `condition_parser` and `condition_ast`).

Other packages import the names below from here. They load on first use: the interpreter imports
only the gate, so a run that nobody debugs never loads the debugger or its condition language.
"""

from typing import TYPE_CHECKING

from engine.lazy_exports import lazy_exports

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


__getattr__ = lazy_exports(__name__, {name: f"{__name__}.{home}" for name, home in _HOMES.items()})


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
