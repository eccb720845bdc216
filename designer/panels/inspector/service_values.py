"""The values of the Request form's fields: finding a member in a request, showing it as text,
reading typed text back as the member's type (a path or an expression stays text).
"""

from __future__ import annotations

import copy
import json
from typing import Any


def lookup(request: dict[str, Any], path: tuple[str, ...]) -> tuple[Any, bool] | None:
    """(value, written as `Name.$`) of a member in the request, or None."""
    holder: Any = request
    for part in path[:-1]:
        holder = holder.get(part) if isinstance(holder, dict) else None
    if not isinstance(holder, dict):
        return None
    name = path[-1]
    if f"{name}.$" in holder:
        return holder[f"{name}.$"], True
    if name in holder:
        return copy.deepcopy(holder[name]), False
    return None


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def parse_value(kind: str, text: str) -> tuple[Any, str | None]:
    if kind in ("integer", "long"):
        try:
            return int(text), None
        except ValueError:
            return None, "Expected a whole number, a $.path or a {% %} expression."
    if kind in ("float", "double"):
        try:
            return float(text), None
        except ValueError:
            return None, "Expected a number, a $.path or a {% %} expression."
    if kind == "boolean":
        if text.lower() in ("true", "false"):
            return text.lower() == "true", None
        return None, "Expected true or false, a $.path or a {% %} expression."
    if kind in ("list", "map", "structure", "json"):
        try:
            return json.loads(text), None
        except ValueError as exc:
            if kind == "json":
                return text, None  # a member no model types: plain text is a string
            return None, f"Expected JSON: {exc}"
    return text, None


def placeholder(kind: str, language: str) -> str:
    dynamic = "{% … %}" if language == "JSONata" else "$.path"
    if not kind:
        return f"a {dynamic} from the input"
    shown = {"list": "[ … ] JSON", "map": "{ … } JSON", "structure": "{ … } JSON", "json": "JSON or text"}
    return f"{shown.get(kind, kind)} · or {dynamic}"
