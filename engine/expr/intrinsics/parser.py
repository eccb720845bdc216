"""Parser for Step Functions intrinsic function calls (``States.Format(...)`` etc.).

An intrinsic is a function name from a closed list of 18, then arguments:
nested calls, single-quoted strings, numbers, ``true``/``false``/``null`` and
paths (``$.a``, ``$$.x``, ``$var``). Inside a string only ``\\'``, ``\\{``,
``\\}`` and ``\\\\`` are escapes; AWS refuses any other backslash sequence
(e.g. ``\\"``) with "must be a valid JSONPath or a valid intrinsic function
call". Whether a brace was escaped matters to ``States.Format``, so string
literals keep their text split at unescaped ``{}`` placeholders.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from engine.expr.errors import IntrinsicSyntaxError, PathSyntaxError
from engine.expr.jsonpath import Path, parse_path

# AWS reads numbers with Jackson, which refuses literals longer than this.
MAX_NUMBER_LENGTH = 1000

# name -> (minimum, maximum or None for unbounded) argument count, for validators.
INTRINSIC_ARITY: dict[str, tuple[int, int | None]] = {
    "States.Format": (1, None),
    "States.StringToJson": (1, 1),
    "States.JsonToString": (1, 1),
    "States.Array": (0, None),
    "States.ArrayPartition": (2, 2),
    "States.ArrayContains": (2, 2),
    "States.ArrayRange": (3, 3),
    "States.ArrayGetItem": (2, 2),
    "States.ArrayLength": (1, 1),
    "States.ArrayUnique": (1, 1),
    "States.Base64Encode": (1, 1),
    "States.Base64Decode": (1, 1),
    "States.Hash": (2, 2),
    "States.JsonMerge": (3, 3),
    "States.MathRandom": (2, 3),
    "States.MathAdd": (2, 2),
    "States.StringSplit": (2, 2),
    "States.UUID": (0, 0),
}
INTRINSIC_FUNCTIONS = frozenset(INTRINSIC_ARITY)
MAX_NESTING = 10  # AWS documents "up to 10" nested intrinsic functions per field

_LOOKS_LIKE = re.compile(r"\s*States\.\w*\s*\(")
_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_KEYWORDS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
_ESCAPABLE = "'{}\\"


@dataclass(frozen=True, slots=True)
class StringLiteral:
    """A single-quoted string argument.

    ``value`` is the decoded text; ``pieces`` is that text split at the
    unescaped ``{}`` placeholders (one more piece than placeholders), which
    is what ``States.Format`` needs.
    """

    value: str
    pieces: tuple[str, ...]

    @property
    def placeholder_count(self) -> int:
        return len(self.pieces) - 1


@dataclass(frozen=True, slots=True)
class Literal:
    """A number, ``true``, ``false`` or ``null`` argument."""

    value: int | float | bool | None


@dataclass(frozen=True, slots=True)
class IntrinsicCall:
    """``name(args...)``; ``name`` is the full name, e.g. ``'States.Format'``."""

    name: str
    args: tuple[IntrinsicArg, ...]


type IntrinsicArg = IntrinsicCall | StringLiteral | Literal | Path


def looks_like_intrinsic(text: str) -> bool:
    """Cheap test deciding whether a ``.$`` value is meant as an intrinsic rather than a path."""
    return isinstance(text, str) and _LOOKS_LIKE.match(text) is not None


class IntrinsicParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, position: int | None = None) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(
            message, text=self.text, position=self.pos if position is None else position
        )

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse(self) -> IntrinsicCall:
        self.skip_spaces()
        call = self.parse_call(1)
        self.skip_spaces()
        if self.pos != len(self.text):
            raise self.fail("unexpected text after the closing ')'")
        return call

    def parse_call(self, depth: int) -> IntrinsicCall:
        if depth > MAX_NESTING:
            raise self.fail(f"intrinsic functions nest at most {MAX_NESTING} deep")
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise self.fail("expected an intrinsic function name such as States.Format")
        name = match.group()
        if name not in INTRINSIC_FUNCTIONS:
            raise self.fail(f"unknown intrinsic function {name}", start)
        self.pos = match.end()
        self.skip_spaces()
        if self.peek() != "(":
            raise self.fail(f"expected '(' after {name}")
        self.pos += 1
        args: list[IntrinsicArg] = []
        self.skip_spaces()
        if self.peek() == ")":
            self.pos += 1
            return IntrinsicCall(name, ())
        while True:
            args.append(self.parse_arg(depth))
            self.skip_spaces()
            ch = self.peek()
            self.pos += 1
            if ch == ")":
                return IntrinsicCall(name, tuple(args))
            if ch != ",":
                self.pos -= 1
                raise self.fail("expected ',' or ')'" if ch else f"unclosed argument list of {name}")
            self.skip_spaces()

    def parse_arg(self, depth: int) -> IntrinsicArg:
        ch = self.peek()
        if ch == "'":
            return self.read_string()
        if ch == "$":
            return self.read_path()
        if self.text.startswith("States.", self.pos):
            return self.parse_call(depth + 1)
        match = _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            token = match.group()
            if len(token) > MAX_NUMBER_LENGTH:
                raise self.fail(f"a number may have at most {MAX_NUMBER_LENGTH} characters")
            value = int(token) if token.lstrip("-").isdigit() else float(token)
            if isinstance(value, float) and not math.isfinite(value):
                raise self.fail(f"the number {token} is out of range")
            return Literal(value)
        for word, value in _KEYWORDS.items():
            if self.text.startswith(word, self.pos):
                end = self.pos + len(word)
                if end >= len(self.text) or not (self.text[end].isalnum() or self.text[end] == "_"):
                    self.pos = end
                    return Literal(value)
        raise self.fail("expected an argument: a 'string', a number, true, false, null, a path or a call")

    def read_string(self) -> StringLiteral:
        start = self.pos
        self.pos += 1
        text = self.text
        pieces: list[str] = []
        current: list[str] = []
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\":
                nxt = text[self.pos + 1] if self.pos + 1 < len(text) else ""
                if not nxt or nxt not in _ESCAPABLE:
                    shown = f"\\{nxt}" if nxt else "\\ at end of text"
                    raise self.fail(f"illegal escape {shown!r}; only \\' \\{{ \\}} and \\\\ are allowed")
                current.append(nxt)
                self.pos += 2
                continue
            if ch == "'":
                self.pos += 1
                pieces.append("".join(current))
                return StringLiteral("{}".join(pieces), tuple(pieces))
            if ch == "{" and text.startswith("{}", self.pos):
                pieces.append("".join(current))
                current = []
                self.pos += 2
                continue
            current.append(ch)
            self.pos += 1
        raise self.fail("unclosed string literal", start)

    def read_path(self) -> Path:
        """A path runs to the first blank, ',' or ')' outside brackets, parentheses and quotes."""
        start = self.pos
        depth = 0
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in "'\"" and depth:
                close = self.skip_quoted(ch)
                self.pos = close + 1
                continue
            if ch in "[(":
                depth += 1
            elif ch in "])":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (ch == "," or ch.isspace()):
                break
            self.pos += 1
        source = text[start : self.pos]
        try:
            return parse_path(source)
        except PathSyntaxError as exc:
            raise self.fail(f"invalid path argument: {exc.message}", start) from None

    def skip_quoted(self, quote: str) -> int:
        i = self.pos + 1
        while i < len(self.text) and self.text[i] != quote:
            i += 2 if self.text[i] == "\\" else 1
        if i >= len(self.text):
            raise self.fail("unclosed quote in path argument")
        return i


def parse_intrinsic(text: str) -> IntrinsicCall:
    """Parse an intrinsic function call; raises ``IntrinsicSyntaxError`` for text AWS would refuse."""
    if not isinstance(text, str):
        raise IntrinsicSyntaxError(f"an intrinsic call must be a string, not {type(text).__name__}")
    return _parse_cached(text)


@lru_cache(maxsize=2048)
def _parse_cached(text: str) -> IntrinsicCall:
    return IntrinsicParser(text).parse()
