"""StateCanvas's engine: the Amazon States Language, validation and (soon) execution.

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

__all__ = ["DefinitionLoadError", "Diagnostic", "StateMachine", "dump_definition", "load_definition",
           "validate"]
