"""The validation walk's shared state: where we are, which language rules, what was found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.asl.diagnostics import SCHEMA_VALIDATION_FAILED, Diagnostic, error, warning
from engine.asl.validation import messages as msg

JSON_TYPE_NAMES = {
    str: "STRING",
    bool: "BOOLEAN",
    int: "INTEGER",
    float: "NUMBER",
    dict: "OBJECT",
    list: "ARRAY",
}


@dataclass(slots=True)
class Checker:
    machine_type: str = "STANDARD"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    state_names: dict[str, str] = field(default_factory=dict)  # name -> first location
    labels: dict[str, str] = field(default_factory=dict)

    def error(self, message: str, location: str | None, code: str = SCHEMA_VALIDATION_FAILED) -> None:
        self.diagnostics.append(error(code, message, location))

    def warn(self, code: str, message: str, location: str | None) -> None:
        self.diagnostics.append(warning(code, message, location))

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "ERROR" for d in self.diagnostics)

    # Typed field readers: each reports AWS's wording and says whether the value is usable.

    def expect_string(self, obj: dict[str, Any], key: str, loc: str, *, nonempty: bool = False) -> bool:
        if key not in obj:
            return False
        value = obj[key]
        if not isinstance(value, str):
            self.error(msg.expected_type("STRING"), f"{loc}/{key}")
            return False
        if nonempty and value == "":
            self.error(msg.EMPTY, f"{loc}/{key}")
            return False
        return True

    def expect_bool(self, obj: dict[str, Any], key: str, loc: str) -> bool:
        if key in obj and not isinstance(obj[key], bool) and not is_placeholder(obj[key]):
            self.error(msg.expected_type("BOOLEAN"), f"{loc}/{key}")
            return False
        return key in obj

    def expect_object(self, obj: dict[str, Any], key: str, loc: str) -> bool:
        if key in obj and not isinstance(obj[key], dict):
            self.error(msg.expected_type("OBJECT"), f"{loc}/{key}")
            return False
        return key in obj

    def expect_array(self, obj: dict[str, Any], key: str, loc: str, *, nonempty: bool = False) -> bool:
        if key not in obj:
            return False
        if not isinstance(obj[key], list):
            self.error(msg.expected_type("ARRAY"), f"{loc}/{key}")
            return False
        if nonempty and not obj[key]:
            self.error(msg.EMPTY, f"{loc}/{key}")
            return False
        return True

    def expect_integer(
        self, obj: dict[str, Any], key: str, loc: str, *, low: int | None = None, high: int | None = None
    ) -> bool:
        if key not in obj:
            return False
        value = obj[key]
        if is_placeholder(value):
            return False
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.error(msg.expected_type("INTEGER"), f"{loc}/{key}")
                return False
        return self._in_range(value, key, loc, low, high)

    def expect_number(
        self, obj: dict[str, Any], key: str, loc: str, *, low: float | None = None, high: float | None = None
    ) -> bool:
        if key not in obj:
            return False
        value = obj[key]
        if is_placeholder(value):
            return False
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(msg.expected_type("NUMBER"), f"{loc}/{key}")
            return False
        return self._in_range(value, key, loc, low, high)

    def expect_enum(self, obj: dict[str, Any], key: str, loc: str, values: tuple[str, ...]) -> bool:
        if key not in obj:
            return False
        if not isinstance(obj[key], str):
            self.error(msg.expected_type("STRING"), f"{loc}/{key}")
            return False
        if obj[key] not in values:
            self.error(msg.one_of_values(values), f"{loc}/{key}")
            return False
        return True

    def _in_range(self, value: float, key: str, loc: str, low: float | None, high: float | None) -> bool:
        if low is not None and value < low:
            self.error(msg.minimum(low), f"{loc}/{key}")
            return False
        if high is not None and value > high:
            self.error(msg.maximum(high), f"{loc}/{key}")
            return False
        return True


_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def is_placeholder(value: Any) -> bool:
    """A `${Name}` string that SAM's DefinitionSubstitutions or `Fn::Sub` fill in at deploy time.

    Its real value is unknown until then, so typed checks accept it wherever a value goes.
    """
    return isinstance(value, str) and _PLACEHOLDER.fullmatch(value.strip()) is not None


def substitute_placeholders(text: str, replacement: str = "0") -> str:
    """`text` with each `${...}` placeholder replaced, for parsing what surrounds it."""
    return _PLACEHOLDER.sub(replacement, text)


def is_jsonata_text(value: Any) -> bool:
    """True for a string that is a JSONata expression in Step Functions' `{% ... %}` wrapping."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4
