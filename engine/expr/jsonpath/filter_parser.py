"""Parser for Jayway filter expressions, the ``...`` in ``[?(...)]``.

Grammar (lowest precedence first)::

    or      := and ('||' and)*
    and     := unary ('&&' unary)*
    unary   := '!' unary | '(' or ')' | operand [operator operand]
    operand := path | 'str' | "str" | number | true | false | null | /regex/flags | [literal, ...]

A bare path operand is an existence test. Embedded paths are delimited by
scanning to the first blank or operator character outside brackets, then
handed to the path parser with ``@`` allowed as a root.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.expr.errors import PathSyntaxError
from engine.expr.jsonpath.filter_ast import (
    And,
    Comparison,
    Exists,
    FilterExpr,
    Literal,
    LiteralValue,
    Not,
    Operand,
    Or,
    PathOperand,
    Regex,
)
from engine.expr.user_regex import UserRegexError, compile_flagged

if TYPE_CHECKING:
    from engine.expr.jsonpath.path_ast import Path

_SYMBOL_OPERATORS = ("==", "!=", "<=", ">=", "=~", "<", ">")
_WORD_OPERATORS = ("subsetof", "contains", "noneof", "anyof", "empty", "size", "nin", "in")
_PATH_STOP = frozenset("=!<>~&|),")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_KEYWORDS: dict[str, LiteralValue] = {"true": True, "false": False, "null": None}


class FilterParser:
    """Parses one filter; ``parse_path`` reads the paths inside it (``@``-rooted ones allowed).

    The path parser hands itself in, because paths contain filters and filters contain paths.
    """

    def __init__(self, text: str, parse_path: Callable[[str], Path]) -> None:
        self.text = text
        self.pos = 0
        self.parse_path = parse_path

    def fail(self, message: str) -> PathSyntaxError:
        return PathSyntaxError(message, text=self.text, position=self.pos)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse(self) -> FilterExpr:
        expr = self.parse_or()
        self.skip_spaces()
        if self.pos != len(self.text):
            raise self.fail(f"unexpected {self.peek()!r}")
        return expr

    def parse_or(self) -> FilterExpr:
        items = [self.parse_and()]
        while self.take("||"):
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> FilterExpr:
        items = [self.parse_unary()]
        while self.take("&&"):
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def take(self, token: str) -> bool:
        self.skip_spaces()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def parse_unary(self) -> FilterExpr:
        self.skip_spaces()
        if self.peek() == "!" and not self.text.startswith("!=", self.pos):
            self.pos += 1
            return Not(self.parse_unary())
        if self.peek() == "(":
            self.pos += 1
            inner = self.parse_or()
            if not self.take(")"):
                raise self.fail("expected ')'")
            return inner
        left = self.parse_operand()
        op = self.read_operator()
        if op is None:
            if not isinstance(left, PathOperand):
                raise self.fail("a condition without an operator must be a path")
            return Exists(left.path)
        right = self.parse_operand()
        if op == "=~" and not isinstance(right, Regex):
            raise self.fail("'=~' needs a /regex/ on its right")
        return Comparison(op, left, right)

    def read_operator(self) -> str | None:
        self.skip_spaces()
        for op in _SYMBOL_OPERATORS:
            if self.text.startswith(op, self.pos):
                self.pos += len(op)
                return op
        for op in _WORD_OPERATORS:
            end = self.pos + len(op)
            if self.text.startswith(op, self.pos) and (end >= len(self.text) or not self.text[end].isalnum()):
                self.pos = end
                return op
        return None

    def parse_operand(self) -> Operand:
        self.skip_spaces()
        ch = self.peek()
        if ch in ("@", "$"):
            return PathOperand(self.read_path())
        if ch in ("'", '"'):
            return Literal(self.read_string(ch))
        if ch == "/":
            return self.read_regex()
        if ch == "[":
            return Literal(self.read_array())
        return Literal(self.read_scalar())

    def read_path(self) -> Path:
        start = self.pos
        depth = 0
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in "'\"" and depth:
                self.read_string(ch)
                continue
            if ch in "[(":
                depth += 1
            elif ch in "])":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (ch.isspace() or ch in _PATH_STOP):
                break
            self.pos += 1
        return self.parse_path(text[start : self.pos])

    def read_string(self, quote: str) -> str:
        start = self.pos
        self.pos += 1
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\" and self.pos + 1 < len(text):
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            self.pos += 1
            if ch == quote:
                return "".join(out)
            out.append(ch)
        self.pos = start
        raise self.fail("unclosed string")

    def read_regex(self) -> Regex:
        start = self.pos
        self.pos += 1
        text = self.text
        while self.pos < len(text) and text[self.pos] != "/":
            self.pos += 2 if text[self.pos] == "\\" else 1
        if self.pos >= len(text):
            self.pos = start
            raise self.fail("unclosed regular expression")
        pattern = text[start + 1 : self.pos]
        self.pos += 1
        flag_start = self.pos
        while self.pos < len(text) and text[self.pos] in "imsx":
            self.pos += 1
        flags = text[flag_start : self.pos]
        try:
            compile_flagged(pattern, flags)
        except UserRegexError as exc:
            raise self.fail(f"invalid regular expression: {exc}") from None
        return Regex(pattern, flags)

    def read_array(self) -> tuple:
        self.pos += 1
        items: list[LiteralValue] = []
        self.skip_spaces()
        if self.peek() == "]":
            self.pos += 1
            return ()
        while True:
            item = self.parse_operand()
            if not isinstance(item, Literal):
                raise self.fail("array literals may hold only literals")
            items.append(item.value)
            self.skip_spaces()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "]":
                self.pos += 1
                return tuple(items)
            else:
                raise self.fail("expected ',' or ']' in array literal")

    def read_scalar(self) -> LiteralValue:
        match = _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            token = match.group()
            return int(token) if token.lstrip("-").isdigit() else float(token)
        for word, value in _KEYWORDS.items():
            end = self.pos + len(word)
            if self.text.startswith(word, self.pos) and (
                end >= len(self.text) or not self.text[end].isalnum()
            ):
                self.pos = end
                return value
        word = _BARE_WORD.match(self.text, self.pos)
        if word:
            # Jayway reads an unquoted word as a string ("@.Name == Receipt"), and definitions
            # that AWS accepts rely on it.
            self.pos = word.end()
            return word.group()
        found = repr(self.peek()) if self.peek() else "end of filter"
        raise self.fail(f"expected a path or a literal, found {found}")


_BARE_WORD = re.compile(r"[A-Za-z_][\w-]*")


def parse_filter_expression(text: str, parse_path: Callable[[str], Path]) -> FilterExpr:
    """The filter ``text`` (inside ``[?(...)]``), its paths read by ``parse_path``."""
    if not text.strip():
        raise PathSyntaxError("empty filter")
    return FilterParser(text, parse_path).parse()
