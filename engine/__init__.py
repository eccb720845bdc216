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
from engine.runtime import Execution, run, run_async, test_state

__all__ = ["DefinitionLoadError", "Diagnostic", "Execution", "StateMachine", "dump_definition",
           "load_definition", "run", "run_async", "test_state", "validate"]
