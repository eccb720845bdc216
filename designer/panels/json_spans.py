"""Where each value of a JSON text starts and ends, by path: to highlight a state in the code view.

A small scanner over text that already parsed; it relies on `json`'s own string scanner.
"""

from __future__ import annotations

import re
from json.decoder import scanstring

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")

Path = tuple[str | int, ...]


def value_spans(text: str) -> dict[Path, tuple[int, int]]:
    spans: dict[Path, tuple[int, int]] = {}
    try:
        _value(text, _skip(text, 0), (), spans)
    except (ValueError, IndexError, RecursionError):
        return spans
    return spans


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _value(text: str, pos: int, path: Path, spans: dict[Path, tuple[int, int]]) -> int:
    start = pos
    ch = text[pos]
    if ch == "{":
        pos = _skip(text, pos + 1)
        if text[pos] == "}":
            pos += 1
        else:
            while True:
                key, pos = scanstring(text, pos + 1)
                pos = _skip(text, pos)
                if text[pos] != ":":
                    raise ValueError("expected ':'")
                pos = _value(text, _skip(text, pos + 1), (*path, key), spans)
                pos = _skip(text, pos)
                if text[pos] == ",":
                    pos = _skip(text, pos + 1)
                    continue
                if text[pos] != "}":
                    raise ValueError("expected '}'")
                pos += 1
                break
    elif ch == "[":
        pos = _skip(text, pos + 1)
        index = 0
        if text[pos] == "]":
            pos += 1
        else:
            while True:
                pos = _skip(text, _value(text, pos, (*path, index), spans))
                index += 1
                if text[pos] == ",":
                    pos = _skip(text, pos + 1)
                    continue
                if text[pos] != "]":
                    raise ValueError("expected ']'")
                pos += 1
                break
    elif ch == '"':
        _, pos = scanstring(text, pos + 1)
    else:
        match = _SCALAR.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected {ch!r}")
        pos = match.end()
    spans[path] = (start, pos)
    return pos


def key_start(text: str, span: tuple[int, int]) -> int:
    """The start of the line holding the key of the value at `span` (to include `"Name": {`)."""
    line_start = text.rfind("\n", 0, span[0]) + 1
    return line_start
