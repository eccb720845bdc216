"""Shaping what a target receives: constant Input, InputPath, and InputTransformer templates.

A target gets the whole event unless its rule says otherwise. The three alternatives are
checked when the target is put (as PutTargets does, so a bad template fails at design time,
not on the first event) and applied per event at delivery.

Templates follow AWS's quoting rules, which decide whether a value is inserted as JSON or as
text: outside double quotes in a JSON template a value goes in as JSON (a string gains its
quotes); inside double quotes it goes in as bare text, unescaped, with the quotes of an
object or array removed so that the string stays a string; in a plain-text template values
go in as text. The `aws.events.event` variables go in as raw JSON wherever they stand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from engine.bus.api_errors import ValidationException
from engine.expr import PathNotFoundError, PathSyntaxError, evaluate, parse_path
from engine.expr.jsonpath import ROOT, Index, Name, Wildcard

MAX_INPUT_PATHS = 100
MAX_PATH_LENGTH = 256
MAX_TEMPLATE_LENGTH = 8192
MAX_INPUT_LENGTH = 8192

RULE_ARN = "aws.events.rule-arn"
RULE_NAME = "aws.events.rule-name"
INGESTION_TIME = "aws.events.event.ingestion-time"
EVENT = "aws.events.event"
EVENT_JSON = "aws.events.event.json"
RESERVED = (RULE_ARN, RULE_NAME, INGESTION_TIME, EVENT, EVENT_JSON)
_RAW_JSON = frozenset({EVENT, EVENT_JSON})  # inserted unescaped, whatever the context

_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


def _error(message: str) -> ValidationException:
    return ValidationException(message)


def check_json_path(path: Any, what: str) -> None:
    """Accept only the JSONPath EventBridge evaluates: `$`, dotted members, indices, wildcards.

    Filters, slices, deep scans, functions and bracketed names parse in the Step Functions
    dialect but EventBridge refuses them, so they are refused here too.
    """
    if not isinstance(path, str) or not path or len(path) > MAX_PATH_LENGTH:
        raise _error(f"{what} is not a valid JSON path.")
    try:
        parsed = parse_path(path)
    except PathSyntaxError:
        raise _error(f"{what} is not a valid JSON path.") from None
    if parsed.root != ROOT or "['" in path or '["' in path:
        raise _error(f"{what} is not a valid JSON path.")
    if not all(isinstance(segment, Name | Index | Wildcard) for segment in parsed.segments):
        raise _error(f"{what} is not a valid JSON path.")


def check_input(text: Any, target_id: str) -> None:
    """A constant Input must be JSON text (any JSON value), at most 8192 characters."""
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        raise _error(f"Input for target {target_id} is not a valid JSON text.")
    try:
        json.loads(text)
    except ValueError:
        raise _error(f"Input for target {target_id} is not a valid JSON text.") from None


def apply_input_path(event: dict[str, Any], path: str) -> str:
    """The part of the event an InputPath selects, as JSON text (`null` when it selects nothing)."""
    try:
        value = evaluate(path, event)
    except PathNotFoundError:
        value = None
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class _Slot:
    """One placeholder in a template, and whether it stands inside a JSON string."""

    name: str
    start: int
    end: int
    in_string: bool


@dataclass(frozen=True)
class InputTransformer:
    """InputPathsMap (variable -> JSONPath into the event) and the InputTemplate that uses them."""

    input_template: str
    input_paths_map: dict[str, str] = field(default_factory=dict)

    @property
    def is_json_template(self) -> bool:
        """AWS applies the JSON rules when the template is an object, i.e. surrounded by braces."""
        text = self.input_template.strip()
        return text.startswith("{") and text.endswith("}")

    def variables(self) -> frozenset[str]:
        return frozenset(self.input_paths_map) | frozenset(RESERVED)

    # Validation (PutTargets) -------------------------------------------------------------------

    def validate(self, target_id: str) -> None:
        """Raise the ValidationException PutTargets would for this transformer."""
        paths = self.input_paths_map
        if not isinstance(paths, dict):
            raise _error(f"InputPathsMap for target {target_id} must be a map of strings.")
        if len(paths) > MAX_INPUT_PATHS:
            raise _error(
                f"1 validation error detected: Value at 'targets.{target_id}.member.inputTransformer."
                f"inputPathsMap' failed to satisfy constraint: Map must have length less than or equal "
                f"to {MAX_INPUT_PATHS}"
            )
        for key, path in paths.items():
            if key in RESERVED:
                raise _error(
                    f"InputPathsMap for target {target_id} uses the reserved variable name {key}; "
                    "predefined aws.events variables cannot be redefined."
                )
            if not isinstance(key, str) or not _KEY.fullmatch(key) or len(key) > MAX_PATH_LENGTH:
                raise _error(
                    f"InputPathsMap key {key!r} for target {target_id} is not valid: it must match "
                    r"[A-Za-z0-9\_\-]+."
                )
            if key.upper().startswith("AWS"):
                raise _error(f"InputPathsMap key {key} for target {target_id} must not start with 'AWS'.")
            check_json_path(path, f"InputPathsMap value {path!r} for target {target_id}")
        template = self.input_template
        if not isinstance(template, str) or not template or len(template) > MAX_TEMPLATE_LENGTH:
            raise _error(f"Invalid InputTemplate for target {target_id} : its length must be 1 to 8192.")
        if self.is_json_template:
            self._validate_json_template(target_id)

    def _validate_json_template(self, target_id: str) -> None:
        """The template with every placeholder filled must be a JSON object, with no placeholder keys."""
        marker = "\ue000slot\ue000"  # a private-use character: legal in JSON strings, absent from templates
        probe = self._fill(lambda slot: marker if slot.in_string else "null")
        try:
            parsed = json.loads(probe)
        except ValueError as exc:
            raise _error(f"Invalid InputTemplate for target {target_id} : {exc.msg}.") from None
        if not isinstance(parsed, dict):
            raise _error(f"Invalid InputTemplate for target {target_id} : it must be a JSON object.")
        if _has_placeholder_key(parsed, marker):
            raise _error(
                f"Invalid InputTemplate for target {target_id} : "
                "a placeholder cannot be used as an object key."
            )

    # Rendering (delivery) ----------------------------------------------------------------------

    def render(self, event: dict[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: str) -> str:
        """The text the target receives for this event."""
        values: dict[str, Any] = {}
        for key, path in self.input_paths_map.items():
            try:
                values[key] = evaluate(path, event)
            except PathNotFoundError:
                values[key] = _MISSING
        values[RULE_ARN] = rule_arn
        values[RULE_NAME] = rule_name
        values[INGESTION_TIME] = ingestion_time
        values[EVENT] = {k: v for k, v in event.items() if k != "detail"}
        values[EVENT_JSON] = event
        json_template = self.is_json_template
        return self._fill(lambda slot: _text_for(values[slot.name], slot, json_template))

    def _slots(self) -> list[_Slot]:
        """Placeholders naming a known variable, with whether each sits inside a JSON string.

        Any other `<...>` is left as written: a template may contain angle brackets of its own.
        """
        known = self.variables()
        template = self.input_template
        slots: list[_Slot] = []
        in_string = False
        i = 0
        while i < len(template):
            char = template[i]
            if char == "\\" and in_string:
                i += 2
                continue
            if char == '"':
                in_string = not in_string
            elif char == "<":
                match = _PLACEHOLDER.match(template, i)
                if match and match.group(1) in known:
                    slots.append(_Slot(match.group(1), i, match.end(), in_string))
                    i = match.end()
                    continue
            i += 1
        return slots

    def _fill(self, text_for: Any) -> str:
        parts: list[str] = []
        position = 0
        for slot in self._slots():
            parts.append(self.input_template[position : slot.start])
            parts.append(text_for(slot))
            position = slot.end
        parts.append(self.input_template[position:])
        return "".join(parts)


def _text_for(value: Any, slot: _Slot, json_template: bool) -> str:
    if slot.name in _RAW_JSON:
        return _compact(value)
    if value is _MISSING:
        # A path that selects nothing defines no value: nothing inside text, null where JSON is due.
        return "null" if json_template and not slot.in_string else ""
    if slot.in_string:
        if isinstance(value, str):
            return value  # AWS does not escape inserted text
        if isinstance(value, dict | list):
            return _compact(value).replace('"', "")
        return _compact(value)
    if json_template:
        return _compact(value)
    return value if isinstance(value, str) else _compact(value)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _has_placeholder_key(value: Any, marker: str) -> bool:
    if isinstance(value, dict):
        return any(marker in key or _has_placeholder_key(v, marker) for key, v in value.items())
    if isinstance(value, list):
        return any(_has_placeholder_key(v, marker) for v in value)
    return False
