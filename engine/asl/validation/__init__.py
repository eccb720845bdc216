"""Static validation of ASL definitions with AWS's diagnostic codes, wording and locations.

The walk works on the raw JSON value rather than on the pydantic model: AWS validates the
document the user wrote, and a definition with mistakes must still produce every diagnostic
(a model would stop at the first field it cannot type).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.asl.diagnostics import (
    INVALID_JSON_DESCRIPTION,
    SCHEMA_VALIDATION_FAILED,
    VALIDATION_EXCEPTION,
    Diagnostic,
    error,
)
from engine.asl.loader import MAX_DEFINITION_LENGTH, DefinitionLoadError, parse_text, read_text_file
from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker
from engine.asl.validation.fields import (
    JSONATA_ONLY,
    JSONPATH_ONLY,
    PREDEFINED_ERRORS,
    STATE_FIELDS,
    TOP_LEVEL_FIELDS,
)
from engine.asl.validation.graph_rules import check_graphs
from engine.asl.validation.json_values import copy_json, json_value_problem
from engine.asl.validation.resources import OPTIMIZED, ResourceInfo, classify_resource
from engine.asl.validation.scope import QUERY_LANGUAGES, Scope, check_state, check_states_object
from engine.asl.validation.timestamps import is_rfc3339
from engine.deep_nesting import nesting_headroom

__all__ = [
    "JSONATA_ONLY",
    "JSONPATH_ONLY",
    "OPTIMIZED",
    "PREDEFINED_ERRORS",
    "STATE_FIELDS",
    "ResourceInfo",
    "classify_resource",
    "copy_json",
    "is_rfc3339",
    "json_value_problem",
    "load_error_diagnostic",
    "validate",
    "validate_file",
]


def validate(
    definition: Any, *, machine_type: str = "STANDARD", test_state: bool = False
) -> list[Diagnostic]:
    """Diagnostics for a definition (a dict, or JSON/YAML text), as ValidateStateMachineDefinition.

    `machine_type` is "STANDARD" or "EXPRESS" (Express machines refuse `.sync` and callbacks).
    With `test_state`, a single state (an object with a `Type`) is accepted as TestState takes
    it: its transitions may name states that are not there.
    """
    if isinstance(definition, (str, bytes)):
        text = definition.decode("utf-8", "replace") if isinstance(definition, bytes) else definition
        if not text.strip():
            return [error(SCHEMA_VALIDATION_FAILED, msg.NOT_A_JSON_OBJECT)]
        try:
            definition = parse_text(text).value
        except DefinitionLoadError as exc:
            return [load_error_diagnostic(exc)]
        problem = json_value_problem(definition)  # YAML in block style nests without brackets
        if problem is not None:
            return [error(INVALID_JSON_DESCRIPTION, problem[0], problem[1] if problem[1] != "/" else None)]
    else:
        problem = json_value_problem(definition)
        if problem is not None:
            return [error(INVALID_JSON_DESCRIPTION, problem[0], problem[1] if problem[1] != "/" else None)]
        size = _compact_length(definition)
        if size is None:
            return [error(INVALID_JSON_DESCRIPTION, "The definition is nested too deeply to read")]
        if size > MAX_DEFINITION_LENGTH:
            return [error(VALIDATION_EXCEPTION, msg.definition_too_large(MAX_DEFINITION_LENGTH))]
    if not isinstance(definition, dict):
        return [error(SCHEMA_VALIDATION_FAILED, msg.NOT_A_JSON_OBJECT)]
    checker = Checker(machine_type=machine_type)
    with nesting_headroom():  # the walk recurses; definitions may nest 1,000 levels
        if test_state and "Type" in definition and "States" not in definition:
            _check_single_state(checker, definition)
            return checker.diagnostics
        _check_machine(checker, definition)
        if not checker.has_errors:
            check_graphs(checker, definition)
    return checker.diagnostics


def validate_file(path: str | Path, *, machine_type: str = "STANDARD") -> list[Diagnostic]:
    """Diagnostics for a definition file; unreadable files give one located diagnostic."""
    try:
        text = read_text_file(path)
        if not text.strip():
            return [error(SCHEMA_VALIDATION_FAILED, msg.NOT_A_JSON_OBJECT)]
        value = parse_text(
            text, source=str(path), prefer="yaml" if str(path).lower().endswith((".yaml", ".yml")) else "json"
        ).value
    except DefinitionLoadError as exc:
        return [load_error_diagnostic(exc)]
    if value is None:
        return [error(SCHEMA_VALIDATION_FAILED, msg.NOT_A_JSON_OBJECT)]
    return validate(value, machine_type=machine_type)


def load_error_diagnostic(exc: DefinitionLoadError) -> Diagnostic:
    location = None
    if exc.line is not None:
        location = f"line {exc.line}" + (f", column {exc.column}" if exc.column is not None else "")
    if exc.code == VALIDATION_EXCEPTION:
        return error(VALIDATION_EXCEPTION, msg.definition_too_large(MAX_DEFINITION_LENGTH))
    message = exc.message
    if message.startswith("Unrecognized token") and "\n at " in message:
        location = message.split("\n at ", 1)[1]
    return error(INVALID_JSON_DESCRIPTION if exc.code != "IO" else "IO_ERROR", message, location)


def _compact_length(definition: Any) -> int | None:
    """The definition's length as compact JSON text (what AWS measures); None when too deep to write."""
    try:
        return len(json.dumps(definition, ensure_ascii=False, separators=(",", ":")))
    except RecursionError:
        return None
    except (TypeError, ValueError):
        return 0


def _check_machine(checker: Checker, definition: dict[str, Any]) -> None:
    missing = [f for f in ("States", "StartAt") if f not in definition]
    if missing:
        checker.error(msg.required(missing), "/")
    for field in definition:
        if field not in TOP_LEVEL_FIELDS:
            checker.error(msg.not_supported(field), "/")
    checker.expect_string(definition, "StartAt", "")
    checker.expect_string(definition, "Comment", "")
    if "Version" in definition and definition["Version"] != "1.0":
        checker.error(msg.one_of_values(["1.0"]), "/Version")
    if "TimeoutSeconds" in definition:
        checker.expect_integer(definition, "TimeoutSeconds", "", low=0, high=99_999_999)
    language = "JSONPath"
    if "QueryLanguage" in definition and checker.expect_enum(
        definition, "QueryLanguage", "", QUERY_LANGUAGES
    ):
        language = definition["QueryLanguage"]
    scope = Scope("", language, language == "JSONata")
    check_states_object(checker, definition, "", scope)


def _check_single_state(checker: Checker, state: dict[str, Any]) -> None:
    language = state.get("QueryLanguage", "JSONPath")
    language = language if language in QUERY_LANGUAGES else "JSONPath"
    check_state(checker, "", state, "", Scope("", language, False), named=False)
