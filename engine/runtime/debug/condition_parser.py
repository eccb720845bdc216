"""Parsing breakpoint conditions: tokens, then recursive descent, every refusal with its position.

The grammar is stated for users in `engine.runtime.debug.conditions.GRAMMAR`. Paths are cut out
of the text here and handed whole to the engine's JSONPath parser (so `$.items[?(@.price > 10)]`
keeps its filter), and `{% ... %}` bodies to the engine's JSONata compiler; their own syntax
errors come back located in the user's text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from engine.expr import PathSyntaxError, parse_path
from engine.expr.jsonpath import Name
from engine.runtime.debug.condition_ast import (
    AllOf,
    AnyOf,
    Comparison,
    Jsonata,
    Literal,
    Node,
    Not,
    PathOperand,
)


class ConditionSyntaxError(ValueError):
    """A condition that does not parse. `position` is 0-based in `text`; users see `column`."""

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message, self.text, self.position = message, text, max(0, min(position, len(text)))
        super().__init__(f"column {self.column}: {message}")

    @property
    def column(self) -> int:
        return self.position + 1

    def pointer(self, indent: str = "  ") -> str:
        """The condition and a caret under the column at fault, for a terminal or a fixed-width label."""
        return f"{indent}{self.text}\n{indent}{' ' * self.position}^"


@dataclass(frozen=True)
class Token:
    kind: str  # path string number word json cmp and or not ( ) end
    text: str
    start: int
    value: Any = None


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARISONS = ("==", "!=", "<=", ">=", "=", "<", ">")
_WORDS = {"true": True, "false": False, "null": None}
_PATH_STOP = frozenset("=!<>&|,)")
_STATES_MEMBERS = ("input", "context")
WANTED_OPERAND = "a path ($...), a string, a number, true, false, null, [...], {...} or '('"


def parse_tree(text: str) -> Node:
    """The tree of a condition; `ConditionSyntaxError` when it does not parse."""
    body = text.strip()
    if not body:
        raise ConditionSyntaxError("the condition is empty", text, 0)
    if body.startswith("{%"):
        return _jsonata(text)
    return _Parser(text, _tokens(text)).parse()


def _jsonata(text: str) -> Jsonata:
    # Imported here for start-up time: jsonata-python (~90 ms) loads with the first JSONata expression.
    from engine.expr import JsonataSyntaxError, compile_jsonata

    start = text.index("{%") + 2
    end = text.rstrip()
    if not end.endswith("%}") or len(end) < start + 2:
        raise ConditionSyntaxError("the JSONata expression needs a closing %}", text, len(end))
    body = text[start : len(end) - 2]
    if not body.strip():
        raise ConditionSyntaxError("the JSONata expression between {% and %} is empty", text, start)
    try:
        compile_jsonata(body)
    except JsonataSyntaxError as exc:
        last = len(body.rstrip())
        at = _jsonata_location(exc)
        spot = last if "end of expression" in exc.message else min(max(at - 1, 0), last)
        raise ConditionSyntaxError(exc.message, text, start + spot) from None
    return Jsonata(body)


def _jsonata_location(exc: Exception) -> int:
    """Where JSONata gave up (the end of the offending token). The engine raises its own error
    `from None`, which still keeps jsonata-python's exception, and its location, as the context."""
    location = getattr(exc.__context__, "location", None)
    return location if isinstance(location, int) else 0


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "$":
            end = _path_end(text, i)
            tokens.append(Token("path", text[i:end], i, _path(text, i, end)))
            i = end
        elif ch in "\"'":
            end, value = _string(text, i)
            tokens.append(Token("string", text[i:end], i, value))
            i = end
        elif (number := _NUMBER.match(text, i)) is not None:
            tokens.append(Token("number", number.group(), i, json.loads(number.group())))
            i = number.end()
        elif (word := _WORD.match(text, i)) is not None:
            tokens.append(_word(text, word.group(), i))
            i = word.end()
        elif text.startswith(("&&", "||"), i):
            tokens.append(Token("and" if ch == "&" else "or", text[i : i + 2], i))
            i += 2
        elif ch in "&|":
            raise ConditionSyntaxError(f"write {ch * 2} for {'and' if ch == '&' else 'or'}", text, i)
        elif (op := next((c for c in _COMPARISONS if text.startswith(c, i)), None)) is not None:
            tokens.append(Token("cmp", op, i, "==" if op == "=" else op))
            i += len(op)
        elif ch == "!":
            tokens.append(Token("not", ch, i))
            i += 1
        elif ch in "()":
            tokens.append(Token(ch, ch, i))
            i += 1
        elif ch == "{" and text.startswith("{%", i):
            raise ConditionSyntaxError("JSONata goes around the whole condition: {% ... %}", text, i)
        elif ch in "[{":
            end, value = _json_literal(text, i)
            tokens.append(Token("json", text[i:end], i, value))
            i = end
        else:
            raise ConditionSyntaxError(f"unexpected {ch!r}", text, i)
    tokens.append(Token("end", "", len(text.rstrip())))
    return tokens


def _word(text: str, word: str, start: int) -> Token:
    if word in _WORDS:
        return Token("word", word, start, _WORDS[word])
    if word in ("and", "or", "not"):
        return Token(word, word, start)
    raise ConditionSyntaxError(
        f"unknown name {word!r}: a path starts with '$' (e.g. $.{word}); JSONata goes inside {{% ... %}}",
        text,
        start,
    )


def _path_end(text: str, start: int) -> int:
    """Where the path starting at `start` ends: at a blank or an operator outside brackets and quotes.
    A path function's `()` belongs to the path; any other '(' ends it."""
    depth, quote, i = 0, "", start
    while i < len(text):
        ch = text[i]
        if quote:
            i += 2 if ch == "\\" else 1
            quote = "" if ch == quote else quote
            continue
        if depth and ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif not depth:
            if ch.isspace() or ch in _PATH_STOP:
                break
            if ch == "(":
                if not text.startswith("()", i):
                    break
                i += 1
        i += 1
    return i


def _path(text: str, start: int, end: int) -> Any:
    source = text[start:end]
    try:
        path = parse_path(source)
    except PathSyntaxError as exc:
        message = exc.message
        suffix = f" (at position {exc.position} in {exc.text!r})"
        message = message.removesuffix(suffix).removesuffix(f" (in {exc.text!r})")
        raise ConditionSyntaxError(message, text, start + (exc.position or 0)) from None
    if path.root == "states":
        first = path.segments[0] if path.segments else None
        if not isinstance(first, Name) or first.name not in _STATES_MEMBERS:
            raise ConditionSyntaxError(
                "before a state runs $states holds input and context: write $states.input... "
                "or $states.context...",
                text,
                start,
            )
    return path


def _json_literal(text: str, start: int) -> tuple[int, Any]:
    """An array or object written as JSON (`[]`, `["a", 1]`, `{"k": 2}`), up to its matching bracket."""
    closing = {"[": "]", "{": "}"}
    stack, quote, i = [closing[text[start]]], False, start + 1
    while i < len(text) and stack:
        ch = text[i]
        if quote:
            quote = ch != '"'
            i += 2 if ch == "\\" else 1
            continue
        if ch == '"':
            quote = True
        elif ch in closing:
            stack.append(closing[ch])
        elif ch in "]}" and ch != stack.pop():
            raise ConditionSyntaxError(f"this {ch!r} does not match", text, i)
        i += 1
    if stack:
        raise ConditionSyntaxError(f"this {text[start]!r} has no closing {stack[0]!r}", text, start)
    try:
        return i, json.loads(text[start:i])
    except json.JSONDecodeError as exc:
        raise ConditionSyntaxError(f"not JSON: {exc.msg}", text, start + exc.pos) from None


def _string(text: str, start: int) -> tuple[int, str]:
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    if i >= len(text):
        raise ConditionSyntaxError(f"this string has no closing {quote}", text, start)
    raw = text[start + 1 : i]
    if quote == "'":
        return i + 1, re.sub(r"\\(.)", r"\1", raw)
    try:
        return i + 1, json.loads(text[start : i + 1])
    except json.JSONDecodeError as exc:
        raise ConditionSyntaxError(f"bad escape in string: {exc.msg}", text, start + exc.pos) from None


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text, self.tokens, self.at = text, tokens, 0

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self, message: str, token: Token) -> ConditionSyntaxError:
        return ConditionSyntaxError(message, self.text, token.start)

    def parse(self) -> Node:
        node = self.either()
        token = self.peek()
        if token.kind == ")":
            raise self.fail("this ')' closes nothing", token)
        if token.kind != "end":
            raise self.fail(
                f"expected an operator (== != < <= > >= && ||) or the end, found {token.text!r}", token
            )
        return node

    def either(self) -> Node:
        operands = [self.both()]
        while self.peek().kind == "or":
            self.take()
            operands.append(self.both())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def both(self) -> Node:
        operands = [self.negation()]
        while self.peek().kind == "and":
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def negation(self) -> Node:
        if self.peek().kind == "not":
            self.take()
            return Not(self.negation())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        if self.peek().kind != "cmp":
            return left
        op = self.take().value
        right = self.operand()
        if self.peek().kind == "cmp":
            raise self.fail("comparisons do not chain: join them with &&", self.peek())
        return Comparison(op, left, right)

    def operand(self) -> Node:
        token = self.take()
        if token.kind == "path":
            return PathOperand(token.value)
        if token.kind in ("string", "number", "word", "json"):
            return Literal(token.value)
        if token.kind == "(":
            inner = self.either()
            close = self.peek()
            if close.kind != ")":
                found = "the end" if close.kind == "end" else repr(close.text)
                raise self.fail(
                    f"expected ')' to close the '(' at column {token.start + 1}, found {found}", close
                )
            self.take()
            return inner
        found = "the end of the condition" if token.kind == "end" else repr(token.text)
        raise self.fail(f"expected {WANTED_OPERAND}, found {found}", token)
