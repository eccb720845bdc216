"""JSON as a stream of tokens, the one form in which AWS's matching library reads a pattern.

EventBridge patterns and SNS filter policies are both compiled by a library that reads JSON token
by token and stops at the first problem, so which problem is reported depends on reading order.
Both compilers therefore consume the same stream: ``(kind, text)`` tokens, where ``text`` is a
field's name, a string's value, a number as written, or the literal. The tokens come from JSON text
(`tokens_from_text`: a repeated key is seen twice, a number keeps its exact text) or from an
already-parsed value (`tokens_from_object`, with the number spelling the caller's service uses).
`compact_layout` writes tokens out as compact JSON and says where each one sits in that text,
for refusals that quote the text and a column, as SNS's do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from engine.values.json_lexer import (
    END_ARRAY,
    END_OBJECT,
    EOF,
    FALSE,
    FIELD,
    NULL,
    NUMBER,
    START_ARRAY,
    START_OBJECT,
    STRING,
    TRUE,
    JsonSyntaxError,
    Token,
    lex,
)

__all__ = [
    "END_ARRAY",
    "END_OBJECT",
    "EOF",
    "FALSE",
    "FIELD",
    "NULL",
    "NUMBER",
    "START_ARRAY",
    "START_OBJECT",
    "STRING",
    "TRUE",
    "JsonNumber",
    "JsonSyntaxError",
    "PlacedToken",
    "Token",
    "TokenStream",
    "compact_layout",
    "python_number_text",
    "tokens_from_object",
    "tokens_from_text",
]


class JsonNumber(str):
    """A JSON number kept as its text (values parsed from JSON text hand numbers over as this type)."""

    __slots__ = ()


class _Pairs(list):  # type: ignore[type-arg]
    """An object parsed by the fast path, kept as its (key, value) pairs (repeated keys count)."""

    __slots__ = ()


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def tokens_from_text(text: str) -> Iterator[Token]:
    """Tokens of JSON ``text``; a syntax error surfaces only when its token is reached.

    Well-formed JSON (the usual case) is parsed by the C parser and walked, which gives the same
    tokens faster; anything the C parser refuses goes through the streaming lexer, which reports
    the first problem in reading order.
    """
    try:
        parsed = json.loads(
            text,
            object_pairs_hook=_Pairs,
            parse_int=JsonNumber,
            parse_float=JsonNumber,
            parse_constant=_refuse_constant,
        )
    except (ValueError, RecursionError):
        return lex(text)
    return tokens_from_object(parsed)


def python_number_text(value: int | float) -> str:
    """A number as Python's ``json`` writes it (what a client serialising a ``dict`` sends)."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise JsonSyntaxError(f"Non-standard number {value!r} is not JSON")
        return repr(value)
    return str(int(value))


def tokens_from_object(
    value: Any, number_text: Callable[[int | float], str] = python_number_text
) -> Iterator[Token]:
    """Tokens of an already-parsed value (dicts, lists, str, numbers, bools, None).

    ``number_text`` spells the numbers that are not already `JsonNumber` text.
    """
    if type(value) is _Pairs:
        yield (START_OBJECT, "{")
        for key, item in value:
            yield (FIELD, key)
            yield from tokens_from_object(item, number_text)
        yield (END_OBJECT, "}")
    elif type(value) is JsonNumber:
        yield (NUMBER, str(value))
    elif isinstance(value, dict):
        yield (START_OBJECT, "{")
        for key, item in value.items():
            yield (FIELD, str(key))
            yield from tokens_from_object(item, number_text)
        yield (END_OBJECT, "}")
    elif isinstance(value, (list, tuple)):
        yield (START_ARRAY, "[")
        for item in value:
            yield from tokens_from_object(item, number_text)
        yield (END_ARRAY, "]")
    elif isinstance(value, str):
        yield (STRING, value)
    elif value is True:
        yield (TRUE, "true")
    elif value is False:
        yield (FALSE, "false")
    elif value is None:
        yield (NULL, "null")
    elif isinstance(value, (int, float)):
        yield (NUMBER, number_text(value))
    else:
        raise JsonSyntaxError(f"A value of type {type(value).__name__} is not JSON")


class TokenStream:
    """A cursor over tokens that turns syntax errors into the compiler's error type lazily."""

    def __init__(self, tokens: Iterator[Token]) -> None:
        self._tokens = tokens
        self.kind = EOF
        self.text = ""

    def next(self) -> str:
        """Advances and returns the new token's kind (``EOF`` at the end)."""
        token = next(self._tokens, None)
        self.kind, self.text = token if token is not None else (EOF, "")
        return self.kind


class PlacedToken(NamedTuple):
    """A token and where it sits in the compact text: ``start``/``end`` are character offsets."""

    kind: str
    text: str
    start: int
    end: int


def compact_layout(tokens: Iterable[Token]) -> tuple[str, list[PlacedToken]]:
    """The compact JSON text of ``tokens`` (no blanks, non-ASCII kept) and each token's place in it."""
    pieces: list[str] = []
    placed: list[PlacedToken] = []
    position = 0
    has_member: list[bool] = []  # per open container: a member was written (the next needs a comma)
    after_field = False

    def put(text: str) -> int:
        nonlocal position
        pieces.append(text)
        position += len(text)
        return position

    for kind, text in tokens:
        if kind in (END_OBJECT, END_ARRAY):
            has_member.pop()
            start = position
            placed.append(PlacedToken(kind, text, start, put(text)))
            continue
        if after_field:
            after_field = False  # a field's value follows its colon
        elif has_member:
            if has_member[-1]:
                put(",")
            has_member[-1] = True
        start = position
        if kind == FIELD:
            placed.append(PlacedToken(kind, text, start, put(json.dumps(text, ensure_ascii=False))))
            put(":")
            after_field = True
        elif kind == STRING:
            placed.append(PlacedToken(kind, text, start, put(json.dumps(text, ensure_ascii=False))))
        else:
            placed.append(PlacedToken(kind, text, start, put(text)))
            if kind in (START_OBJECT, START_ARRAY):
                has_member.append(False)
    return "".join(pieces), placed
