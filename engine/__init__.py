"""StateCanvas's engine: the Amazon States Language, validation and execution.

This package never imports Qt; the designer depends on it, never the other way round.
The names below are the library contract (see the architecture notes); keep them stable.
"""

from engine.asl import (
    DefinitionLoadError,
    Diagnostic,
    StateMachine,
    dump_definition,
    load_definition,
    validate,
)
from engine.bus import InvalidEventError, InvalidEventPatternError, RuleSet, test_event_pattern
from engine.messaging import InvalidFilterPolicyError, test_filter_policy
from engine.runtime import Execution, run, run_async, test_state

__all__ = [
    "DefinitionLoadError",
    "Diagnostic",
    "Execution",
    "InvalidEventError",
    "InvalidEventPatternError",
    "InvalidFilterPolicyError",
    "RuleSet",
    "StateMachine",
    "dump_definition",
    "load_definition",
    "run",
    "run_async",
    "test_event_pattern",
    "test_filter_policy",
    "test_state",
    "validate",
]
