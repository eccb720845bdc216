"""The Amazon States Language: models, loading, canonical writing, graphs and validation."""

from engine.asl.diagnostics import Diagnostic, invalid_definition_message
from engine.asl.document import dump_definition, load_definition, load_state, to_json_value
from engine.asl.loader import DefinitionLoadError
from engine.asl.model import RawState, StateMachine
from engine.asl.validation import validate, validate_file

__all__ = [
    "DefinitionLoadError",
    "Diagnostic",
    "RawState",
    "StateMachine",
    "dump_definition",
    "invalid_definition_message",
    "load_definition",
    "load_state",
    "to_json_value",
    "validate",
    "validate_file",
]
