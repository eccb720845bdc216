"""Diagnostics: what validation reports, shaped like ValidateStateMachineDefinition's answer."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["ERROR", "WARNING"]

# AWS's diagnostic codes (ValidateStateMachineDefinitionDiagnostic).
INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
INVALID_RESOURCE = "INVALID_RESOURCE"
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
DUPLICATE_LABEL_NAME = "DUPLICATE_LABEL_NAME"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
TOO_DEEPLY_NESTED = "TOO_DEEPLY_NESTED"
# The API's own refusal of a definition over the size limit (not a diagnostic code at AWS).
VALIDATION_EXCEPTION = "ValidationException"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: AWS's code and wording, located by a JSON Pointer into the definition."""

    severity: Severity
    code: str
    message: str
    location: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {k: v for k, v in asdict(self).items() if v is not None}
        return out

    def aws_text(self) -> str:
        """The diagnostic as AWS prints it inside an InvalidDefinition error."""
        return f"{self.code}: {self.message} at {self.location if self.location is not None else 'null'}"


def error(code: str, message: str, location: str | None = None) -> Diagnostic:
    return Diagnostic("ERROR", code, message, location)


def warning(code: str, message: str, location: str | None = None) -> Diagnostic:
    return Diagnostic("WARNING", code, message, location)


def invalid_definition_message(diagnostics: list[Diagnostic]) -> str:
    """The message CreateStateMachine gives for these diagnostics (errors only)."""
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    return "Invalid State Machine Definition: '" + ", ".join(d.aws_text() for d in errors) + "'"


def pointer(*parts: str | int) -> str:
    """A location as AWS prints it: JSON Pointer segments, array indices in brackets.

    AWS writes `/States/C/Choices[0]/Next` rather than `/States/C/Choices/0/Next`, and state
    names unescaped; the designer resolves both forms (see `parse_location`).
    """
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f"/{part}"
    return out or "/"


def parse_location(location: str) -> list[str | int]:
    """The path segments of a location written by `pointer` (or a plain JSON Pointer)."""

    segments: list[str | int] = []
    for raw in location.split("/")[1:]:
        match = re.fullmatch(r"(.*?)((?:\[\d+\])+)", raw)
        if match:
            if match.group(1):
                segments.append(match.group(1))
            segments.extend(int(i) for i in re.findall(r"\[(\d+)\]", match.group(2)))
        elif raw.isdigit():
            segments.append(int(raw))
        elif raw:
            segments.append(raw.replace("~1", "/").replace("~0", "~"))
    return segments
