"""Recursive-descent parser for the JSONPath dialect Step Functions accepts.

AWS evaluates JSONPath with Jayway JsonPath, so the lexical rules follow
Jayway rather than RFC 9535: a dot name runs until ``.``, ``[`` or ``(``
(so ``$.delivery-partner`` and ``$.a:b`` are plain names), bracket names
keep their backslashes (AWS resolves ``$['Test\\""Name"']`` against the key
``Test\\""Name"``), and slices take no step. On top of Jayway, Step
Functions adds the ``$$`` context-object root and ``$name`` variables.
"""

from __future__ import annotations

from engine.expr.errors import PathSyntaxError
from engine.expr.jsonpath.filter_parser import parse_filter_expression
from engine.expr.jsonpath.path_ast import (
    CONTEXT,
    CURRENT,
    ROOT,
    Call,
    DeepScan,
    Filter,
    Index,
    Indices,
    Name,
    Names,
    Path,
    Segment,
    Selector,
    Slice,
    Wildcard,
)

# Jayway's zero-argument aggregate functions that make sense on a Step Functions path.
PATH_FUNCTIONS = frozenset({"length", "size", "min", "max", "avg", "stddev", "sum", "keys"})

_INDEX_CHARS = frozenset("0123456789-:, ")


def is_variable_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def is_variable_char(ch: str) -> bool:
    return ch == "_" or ch.isalnum()


class PathParser:
    """Parses one path text; ``allow_current`` admits an ``@`` root (inside filters)."""

    def __init__(self, text: str, *, allow_current: bool = False) -> None:
        self.text = text
        self.pos = 0
        self.allow_current = allow_current

    def fail(self, message: str, position: int | None = None) -> PathSyntaxError:
        return PathSyntaxError(message, text=self.text, position=self.pos if position is None else position)

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            found = repr(self.peek()) if self.peek() else "end of path"
            raise self.fail(f"expected {ch!r}, found {found}")
        self.pos += 1

    # -- top level -------------------------------------------------------

    def parse(self) -> Path:
        root = self.parse_root()
        segments: list[Segment] = []
        while self.pos < len(self.text):
            if segments and isinstance(segments[-1], Call):
                raise self.fail("a function call must be the last part of a path")
            ch = self.peek()
            if ch == ".":
                segments.append(self.parse_dot())
            elif ch == "[":
                segments.append(self.parse_bracket())
            else:
                raise self.fail(f"expected '.' or '[', found {ch!r}")
        return Path(self.text, root, tuple(segments))

    def parse_root(self) -> str:
        text = self.text
        if not text:
            raise PathSyntaxError("empty path")
        if text[0] == "@" and self.allow_current:
            self.pos = 1
            return CURRENT
        if text[0] != "$":
            raise self.fail("a path must start with '$'", 0)
        if text.startswith("$$"):
            self.pos = 2
            return CONTEXT
        if len(text) > 1 and is_variable_start(text[1]):
            end = 2
            while end < len(text) and is_variable_char(text[end]):
                end += 1
            self.pos = end
            return text[1:end]
        self.pos = 1
        return ROOT

    # -- dot forms ---------------------------------------------------------

    def parse_dot(self) -> Segment:
        self.pos += 1  # the '.'
        if self.peek() == ".":
            self.pos += 1
            return DeepScan(self.parse_scan_selector())
        if not self.peek():
            raise self.fail("a path must not end with '.'")
        if self.peek() == "*":
            self.pos += 1
            return Wildcard()
        if self.peek() == "[":  # Jayway accepts '$.[0]' as '$[0]'
            return self.parse_bracket()
        return self.parse_name(allow_call=True)

    def parse_scan_selector(self) -> Selector:
        ch = self.peek()
        if not ch:
            raise self.fail("a path must not end with '..'")
        if ch == ".":
            raise self.fail("'...' is not valid")
        if ch == "*":
            self.pos += 1
            return Wildcard()
        if ch == "[":
            return self.parse_bracket()
        seg = self.parse_name(allow_call=False)
        assert isinstance(seg, Name)
        return seg

    def parse_name(self, *, allow_call: bool) -> Name | Call:
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos] not in ".[(":
            if text[self.pos].isspace():
                raise self.fail("use bracket notation ['a b'] for names containing blanks")
            self.pos += 1
        name = text[start : self.pos]
        if not name:
            raise self.fail("empty name")
        if self.peek() != "(":
            return Name(name)
        if not allow_call:
            raise self.fail("a function cannot follow '..'")
        if name not in PATH_FUNCTIONS:
            raise self.fail(f"unknown path function {name}()", start)
        self.pos += 1
        if self.peek() != ")":
            raise self.fail(f"path function {name}() takes no arguments")
        self.pos += 1
        return Call(name)

    # -- bracket forms -----------------------------------------------------

    def parse_bracket(self) -> Selector:
        open_pos = self.pos
        self.pos += 1  # the '['
        self.skip_spaces()
        ch = self.peek()
        if ch in ("'", '"'):
            seg: Selector = self.parse_quoted_names(ch)
        elif ch == "*":
            self.pos += 1
            seg = Wildcard()
        elif ch == "?":
            seg = self.parse_filter()
        elif ch and ch in _INDEX_CHARS:
            seg = self.parse_indices()
        elif not ch:
            raise self.fail("unclosed '['", open_pos)
        else:
            raise self.fail(f"unexpected {ch!r} after '['; expected a quote, a number, ':', '*' or '?'")
        self.skip_spaces()
        if self.peek() != "]":
            raise self.fail("expected ']'" if self.peek() else "unclosed '['")
        self.pos += 1
        return seg

    def parse_quoted_names(self, quote: str) -> Name | Names:
        names: list[str] = []
        while True:
            self.skip_spaces()
            if self.peek() != quote:
                raise self.fail(f"expected a name in {quote}quotes{quote}")
            names.append(self.read_quoted(quote))
            self.skip_spaces()
            if self.peek() == ",":
                self.pos += 1
                continue
            break
        return Name(names[0]) if len(names) == 1 else Names(tuple(names))

    def read_quoted(self, quote: str) -> str:
        """Read a quoted bracket name. A backslash protects the next character, but
        both are kept: AWS (an older Jayway) does not unescape bracket names."""
        start = self.pos
        self.pos += 1
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\":
                self.pos += 2
                continue
            if ch == quote:
                self.pos += 1
                return text[start + 1 : self.pos - 1]
            self.pos += 1
        raise self.fail(f"unclosed {quote} quote", start)

    def parse_indices(self) -> Index | Indices | Slice:
        start = self.pos
        end = self.text.find("]", start)
        if end < 0:
            raise self.fail("unclosed '['")
        body = self.text[start:end]
        if any(ch not in _INDEX_CHARS for ch in body):
            raise self.fail(f"invalid index expression {body!r}", start)
        self.pos = end
        if ":" in body:
            parts = body.split(":")
            if len(parts) > 2:
                raise self.fail("slices with a step are not supported", start)
            lo, hi = (self.to_int(p, start, optional=True) for p in parts)
            if lo is None and hi is None:
                raise self.fail("a slice needs a start or an end", start)
            return Slice(lo, hi)
        if "," in body:
            return Indices(tuple(self.to_int(p, start) for p in body.split(",")))  # type: ignore[misc]
        value = self.to_int(body, start)
        assert value is not None
        return Index(value)

    def to_int(self, part: str, where: int, *, optional: bool = False) -> int | None:
        part = part.strip()
        if not part:
            if optional:
                return None
            raise self.fail("empty index", where)
        digits = part[1:] if part.startswith("-") else part
        if not digits.isdigit() or not digits.isascii():
            raise self.fail(f"invalid index {part!r}", where)
        return int(part)

    def parse_filter(self) -> Filter:
        self.pos += 1  # the '?'
        self.skip_spaces()
        if self.peek() != "(":
            raise self.fail("expected '(' after '?'")
        open_pos = self.pos
        close = find_closing_paren(self.text, open_pos)
        if close < 0:
            raise self.fail("unclosed '(' in filter", open_pos)
        source = self.text[open_pos + 1 : close]
        try:
            expr = parse_filter_expression(source, _parse_filter_path)
        except PathSyntaxError as exc:
            raise self.fail(f"invalid filter: {exc.message}", open_pos) from None
        self.pos = close + 1
        return Filter(expr, source)


def find_closing_paren(text: str, open_pos: int) -> int:
    """Index of the ')' matching the '(' at open_pos, skipping quoted strings; -1 if none."""
    depth = 0
    i = open_pos
    while i < len(text):
        ch = text[i]
        if ch in ("'", '"'):
            i += 1
            while i < len(text) and text[i] != ch:
                i += 2 if text[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def parse_path_uncached(text: str, *, allow_current: bool = False) -> Path:
    if not isinstance(text, str):
        raise PathSyntaxError(f"a path must be a string, not {type(text).__name__}")
    return PathParser(text, allow_current=allow_current).parse()


def _parse_filter_path(text: str) -> Path:
    """A path inside a filter, where ``@`` (the candidate node) may start it."""
    return parse_path_uncached(text, allow_current=True)
