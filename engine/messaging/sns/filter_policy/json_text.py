"""The policy as SNS's parser sees it: compact JSON text read token by token, with positions.

SNS parses the policy into a JSON tree, writes it back out compactly and hands that text to its
matching library, which reads it as a stream of tokens and stops at the first problem. Its error
messages quote that compact text and the column the reader had reached, and the column depends on
how far each token had been consumed (a string value is only half-read until its text is asked
for). To give the same messages we serialise the tree the same way (Java's number formatting
included) and replay the reader's consumption rules here; the compiler drives this stream exactly
as the library drives its parser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

START_OBJECT = "{"
END_OBJECT = "}"
START_ARRAY = "["
END_ARRAY = "]"
FIELD_NAME = "field"
VALUE_STRING = "string"
VALUE_NUMBER = "number"
VALUE_TRUE = "true"
VALUE_FALSE = "false"
VALUE_NULL = "null"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the compact text: ``start``/``end`` are character offsets, ``node`` the JSON value."""

    kind: str
    text: str
    start: int
    end: int
    node: Any = None


def java_number_text(value: int | float) -> str:
    """A number as Java (and so the policy's compact form) prints it: ``1.0E10``, ``100.0``, ``7``."""
    if isinstance(value, bool):  # bool is an int subclass; never a number here
        raise TypeError("not a number")
    if isinstance(value, int):
        return str(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if str(value).startswith("-") else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int)
    shown = "".join(map(str, digits))
    power = len(shown) - 1 + exponent
    mantissa = shown[0] + "." + (shown[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{power}"


def compact(value: Any) -> tuple[str, list[Token]]:
    """The compact JSON text of ``value`` and its tokens, as SNS's tree writer would produce it."""
    pieces: list[str] = []
    tokens: list[Token] = []
    _emit(value, pieces, tokens, [0])
    return "".join(pieces), tokens


def _emit(value: Any, pieces: list[str], tokens: list[Token], pos: list[int]) -> None:
    def put(text: str) -> tuple[int, int]:
        start = pos[0]
        pieces.append(text)
        pos[0] += len(text)
        return start, pos[0]

    if isinstance(value, dict):
        start, end = put("{")
        tokens.append(Token(START_OBJECT, "{", start, end, value))
        for index, (key, item) in enumerate(value.items()):
            if index:
                put(",")
            start, end = put(json.dumps(str(key), ensure_ascii=False))
            tokens.append(Token(FIELD_NAME, str(key), start, end))
            put(":")
            _emit(item, pieces, tokens, pos)
        start, end = put("}")
        tokens.append(Token(END_OBJECT, "}", start, end, value))
    elif isinstance(value, list):
        start, end = put("[")
        tokens.append(Token(START_ARRAY, "[", start, end, value))
        for index, item in enumerate(value):
            if index:
                put(",")
            _emit(item, pieces, tokens, pos)
        start, end = put("]")
        tokens.append(Token(END_ARRAY, "]", start, end, value))
    elif isinstance(value, str):
        start, end = put(json.dumps(value, ensure_ascii=False))
        tokens.append(Token(VALUE_STRING, value, start, end, value))
    elif value is True or value is False or value is None:
        kind = {True: VALUE_TRUE, False: VALUE_FALSE, None: VALUE_NULL}[value]
        start, end = put(kind)
        tokens.append(Token(kind, kind, start, end, value))
    elif isinstance(value, int | float):
        text = java_number_text(value)
        start, end = put(text)
        tokens.append(Token(VALUE_NUMBER, text, start, end, value))
    else:
        raise TypeError(f"not a JSON value: {type(value).__name__}")


class TokenStream:
    """Reads tokens the way the library's parser does, tracking how much text it has consumed.

    Reading a field name also reads the start of its value (the whole value for numbers and
    keywords, just the opening quote for strings); a string's text is consumed when asked for.
    ``column`` is the 1-based column the parser would report at this point.
    """

    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = -1
        self._consumed = 0

    @property
    def current(self) -> Token:
        return self._tokens[self._index]

    def peek(self) -> Token:
        """The token after the current one (the value of the field just read)."""
        return self._tokens[min(self._index + 1, len(self._tokens) - 1)]

    @property
    def column(self) -> int:
        return self._consumed + 1

    def next_token(self) -> str:
        """Advance and return the new token's kind (``END_OBJECT`` past the end, as a safe stop)."""
        previous = self._tokens[self._index] if self._index >= 0 else None
        self._index += 1
        if self._index >= len(self._tokens):
            self._index = len(self._tokens) - 1
            return END_OBJECT
        token = self._tokens[self._index]
        if previous is not None and previous.kind == FIELD_NAME:
            pass  # the value's start was consumed with its field name
        elif token.kind == FIELD_NAME and self._index + 1 < len(self._tokens):
            self._consumed = _consumed_on_arrival(self._tokens[self._index + 1])
        else:
            self._consumed = _consumed_on_arrival(token)
        return token.kind

    def text(self) -> str:
        """The current token's text; for a string this finishes reading it."""
        token = self.current
        if token.kind == VALUE_STRING:
            self._consumed = max(self._consumed, token.end)
        return token.text


def _consumed_on_arrival(token: Token) -> int:
    return token.start + 1 if token.kind == VALUE_STRING else token.end
