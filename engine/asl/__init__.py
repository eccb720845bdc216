"""The Amazon States Language: models, loading, canonical writing, graphs and validation.

The names below are what the rest of StateCanvas uses; import them from here rather than from the
modules inside the package, which may move.
"""

from engine.asl.diagnostics import (
    Diagnostic,
    error,
    invalid_definition_message,
    parse_location,
    pointer,
    warning,
)
from engine.asl.document import dump_definition, load_definition, load_state, to_json_value
from engine.asl.loader import (
    MAX_DEFINITION_LENGTH,
    DefinitionLoadError,
    load_document,
    parse_text,
    read_text_file,
)
from engine.asl.model import (
    COMPARISON_OPERATORS,
    Catcher,
    ChoiceState,
    FailState,
    MapState,
    ParallelState,
    PassState,
    RawState,
    Retrier,
    StateMachine,
    SucceedState,
    TaskState,
    WaitState,
)
from engine.asl.model.choice_rule import NUMERIC_OPERATORS, TYPE_TEST_OPERATORS
from engine.asl.validation import (
    JSONATA_ONLY,
    JSONPATH_ONLY,
    OPTIMIZED,
    PREDEFINED_ERRORS,
    STATE_FIELDS,
    ResourceInfo,
    classify_resource,
    copy_json,
    is_rfc3339,
    json_value_problem,
    load_error_diagnostic,
    validate,
    validate_file,
)
from engine.asl.variables import assigned_variables, variable_references
from engine.asl.yaml12 import resolves_as_non_string

__all__ = [
    "COMPARISON_OPERATORS",
    "JSONATA_ONLY",
    "JSONPATH_ONLY",
    "MAX_DEFINITION_LENGTH",
    "NUMERIC_OPERATORS",
    "OPTIMIZED",
    "PREDEFINED_ERRORS",
    "STATE_FIELDS",
    "TYPE_TEST_OPERATORS",
    "Catcher",
    "ChoiceState",
    "DefinitionLoadError",
    "Diagnostic",
    "FailState",
    "MapState",
    "ParallelState",
    "PassState",
    "RawState",
    "ResourceInfo",
    "Retrier",
    "StateMachine",
    "SucceedState",
    "TaskState",
    "WaitState",
    "assigned_variables",
    "classify_resource",
    "copy_json",
    "dump_definition",
    "error",
    "invalid_definition_message",
    "is_rfc3339",
    "json_value_problem",
    "load_definition",
    "load_document",
    "load_error_diagnostic",
    "load_state",
    "parse_location",
    "parse_text",
    "pointer",
    "read_text_file",
    "resolves_as_non_string",
    "to_json_value",
    "validate",
    "validate_file",
    "variable_references",
    "warning",
]
