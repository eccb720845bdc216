"""Render JSON values the way Step Functions' Java runtime prints them.

AWS evaluates intrinsic functions on the JVM, so the text they produce follows
Java, not Python: ``States.JsonToString`` writes Jackson's compact JSON,
``States.Format`` interpolates ``String.valueOf`` of the argument, which for
an object is ``java.util.Map.toString()`` (``{Arg1=1, Arg2=[]}``, recorded in
the conformance corpus) and for a double is ``Double.toString`` (``1.0``,
``1.0E7``). Python's ``str``/``json.dumps`` differ in each of these, so the
expression languages and the runtime's history render through this module instead.
"""

from __future__ import annotations

import re
from typing import Any

from engine.values.java_double import java_number

_HEX = "0123456789ABCDEF"
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def java_to_string(value: Any) -> str:
    """``String.valueOf`` of a JSON value converted to Java collections (``States.Format``'s rendering).

    Strings are inserted raw (also inside collections), objects print as
    ``{key=value, ...}`` and arrays as ``[a, b]``.
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return java_number(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={java_to_string(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(java_to_string(item) for item in value) + "]"
    return str(value)


def _escape(text: str) -> str:
    out: list[str] = []
    for ch in text:
        short = _SHORT_ESCAPES.get(ch)
        if short is not None:
            out.append(short)
        elif ch < " ":
            code = ord(ch)
            out.append("\\u00" + _HEX[code >> 4] + _HEX[code & 0xF])
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def compact_json(value: Any) -> str:
    """Jackson's compact serialisation: no blanks, non-ASCII kept, doubles via ``Double.toString``."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, (int, float)):
        return java_number(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_escape(str(k))}:{compact_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(compact_json(item) for item in value) + "]"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def json_type_name(value: Any) -> str:
    """The JSON type word AWS uses in its messages: string, number, boolean, null, object, array."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def java_utf8(text: str) -> bytes:
    """`text` as UTF-8 bytes the way Java's `String.getBytes(UTF_8)` makes them.

    JSON strings may hold lone surrogates (`"\\ud800"`); Java encodes each as `?` where Python's
    strict codec raises, so hashes and Base64 of such text match AWS's instead of failing.
    """
    return text.encode("utf-8", "replace")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_lone_surrogates(json_text: str) -> str:
    """JSON text with each lone surrogate written as its `\\uXXXX` escape.

    A JSON string may hold a lone surrogate (`"\\ud800"`), but no UTF-8 file, pipe or SQLite
    column can; a paired one is a single character in Python already. In JSON text such a code
    point can only sit inside a string, so the escape keeps the text valid and the value unchanged.
    """
    if _LONE_SURROGATE.search(json_text) is None:
        return json_text
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def json_type_phrase(value: Any) -> str:
    """A JSON value's type as StateCanvas's own messages name it ("a string", "an object"), shared by
    JSONPath's missing-member messages and the design-time parameter checks so they read alike."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
