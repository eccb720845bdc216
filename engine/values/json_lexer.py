"""JSON text read the way AWS's streaming JSON parser reads it, one token at a time.

Why a lexer and not ``json.loads``: AWS's matching library compiles a pattern while its parser
reads it, so a semantic error that comes before a syntax error in the text wins, and text after
the closing brace is never read. This lexer yields the tokens in reading order and raises
`JsonSyntaxError` with the parser's own wording exactly where the parser would stop. Well-formed
text takes the faster road in `tokens_from_text`; only text the C parser refuses comes here.
"""

from __future__ import annotations

from collections.abc import Iterator

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
    "JsonSyntaxError",
    "Token",
    "lex",
]

START_OBJECT = "{"
END_OBJECT = "}"
START_ARRAY = "["
END_ARRAY = "]"
FIELD = "field"
STRING = "string"
NUMBER = "number"
TRUE = "true"
FALSE = "false"
NULL = "null"
EOF = "eof"

#: ``(kind, text)``: a field's name, a string's value, a number as written, or the literal.
Token = tuple[str, str]


class JsonSyntaxError(Exception):
    """Raised with the parser's own wording; each compiler turns it into its service's refusal."""


_EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WHITESPACE = " \t\r\n"


def _char_desc(ch: str) -> str:
    code = ord(ch)
    if code < 32 or 127 <= code < 160:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{ch}' (code {code} / 0x{code:x})"
    return f"'{ch}' (code {code})"


def _unexpected(ch: str, why: str) -> JsonSyntaxError:
    return JsonSyntaxError(f"Unexpected character ({_char_desc(ch)}): {why}")


class _Lexer:
    """Produces tokens lazily from JSON text, raising where the streaming parser would."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.stack: list[str] = []  # "{" or "[" per open container
        self.first: list[bool] = []  # no member read yet in the container

    def _skip(self) -> str:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos
        return text[pos] if pos < len(text) else ""

    def _string(self) -> str:
        text, pos = self.text, self.pos + 1
        out: list[str] = []
        while True:
            end = pos
            while end < len(text) and text[end] not in '"\\' and ord(text[end]) >= 32:
                end += 1
            out.append(text[pos:end])
            if end >= len(text):
                raise JsonSyntaxError(
                    "Unexpected end-of-input: was expecting closing quote for a string value"
                )
            ch = text[end]
            if ch == '"':
                self.pos = end + 1
                return "".join(out)
            if ch != "\\":
                raise JsonSyntaxError(
                    f"Illegal unquoted character ({_char_desc(ch)}): has to be escaped "
                    "using backslash to be included in string value"
                )
            if end + 1 >= len(text):
                raise JsonSyntaxError("Unexpected end-of-input in character escape sequence")
            esc = text[end + 1]
            if esc == "u":
                digits = text[end + 2 : end + 6]
                if len(digits) < 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                    bad = next((c for c in digits if c not in "0123456789abcdefABCDEF"), "")
                    if not bad:
                        raise JsonSyntaxError("Unexpected end-of-input in character escape sequence")
                    raise _unexpected(bad, "expected a hex-digit for character escape sequence")
                out.append(chr(int(digits, 16)))
                pos = end + 6
            elif esc in _ESCAPES:
                out.append(_ESCAPES[esc])
                pos = end + 2
            else:
                raise JsonSyntaxError(f"Unrecognized character escape {_char_desc(esc)}")

    def _number(self) -> str:
        text, start = self.text, self.pos
        pos = start
        if text[pos] == "-":
            pos += 1
            if pos >= len(text) or not text[pos].isdigit():
                nxt = text[pos] if pos < len(text) else ""
                if not nxt:
                    raise JsonSyntaxError("Unexpected end-of-input in number value")
                raise JsonSyntaxError(
                    f"Unexpected character ({_char_desc(nxt)}) in numeric value: "
                    "expected digit (0-9) to follow minus sign, for valid numeric value"
                )
        if text[pos] == "0" and pos + 1 < len(text) and text[pos + 1].isdigit():
            raise JsonSyntaxError("Invalid numeric value: Leading zeroes not allowed")
        while pos < len(text) and "0" <= text[pos] <= "9":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            if pos >= len(text) or not "0" <= text[pos] <= "9":
                nxt = text[pos] if pos < len(text) else ""
                if not nxt:
                    raise JsonSyntaxError("Unexpected end-of-input in number value")
                raise JsonSyntaxError(
                    f"Unexpected character ({_char_desc(nxt)}) in numeric value: "
                    "Decimal point not followed by a digit"
                )
            while pos < len(text) and "0" <= text[pos] <= "9":
                pos += 1
        if pos < len(text) and text[pos] in "eE":
            pos += 1
            if pos < len(text) and text[pos] in "+-":
                pos += 1
            if pos >= len(text) or not "0" <= text[pos] <= "9":
                nxt = text[pos] if pos < len(text) else ""
                if not nxt:
                    raise JsonSyntaxError("Unexpected end-of-input in number value")
                raise JsonSyntaxError(
                    f"Unexpected character ({_char_desc(nxt)}) in numeric value: "
                    "Exponent indicator not followed by a digit"
                )
            while pos < len(text) and "0" <= text[pos] <= "9":
                pos += 1
        self.pos = pos
        return text[start:pos]

    def _word(self) -> str:
        text, pos = self.text, self.pos
        end = pos
        while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
            end += 1
        return text[pos:end]

    def _value(self) -> Token:
        """Reads the value starting at the current position (whitespace already skipped)."""
        ch = self.text[self.pos] if self.pos < len(self.text) else ""
        if ch == '"':
            return (STRING, self._string())
        if ch == "{" or ch == "[":
            self.pos += 1
            self.stack.append(ch)
            self.first.append(True)
            return (START_OBJECT if ch == "{" else START_ARRAY, ch)
        if ch == "-" or ch.isdigit():
            return (NUMBER, self._number())
        if not ch:
            return (EOF, "")
        if ch.isalpha() or ch in "_$":
            word = self._word()
            if word in (TRUE, FALSE, NULL):
                self.pos += len(word)
                return (word, word)
            raise JsonSyntaxError(f"Unrecognized token '{word}': was expecting {_EXPECTED_VALUE}")
        raise _unexpected(ch, f"expected a valid value {_EXPECTED_VALUE}")

    def _close(self, ch: str) -> Token:
        want = "}" if self.stack[-1] == "{" else "]"
        if ch != want:
            kind = "Object" if want == "}" else "Array"
            raise JsonSyntaxError(
                f"Unexpected close marker '{ch}': expected '{want}' (for {kind} starting "
                "at the matching opening marker)"
            )
        self.pos += 1
        self.stack.pop()
        self.first.pop()
        return (END_OBJECT if ch == "}" else END_ARRAY, ch)

    def tokens(self) -> Iterator[Token]:
        pending: Token | None = None
        while True:
            if pending is not None:
                token, pending = pending, None
                yield token
                continue
            ch = self._skip()
            if not self.stack:
                yield self._value()
                if not self.stack:
                    return
                continue
            top = self.stack[-1]
            kind = "Object" if top == "{" else "Array"
            if ch and ch in "}]":
                yield self._close(ch)
                if not self.stack:
                    return
                continue
            if not ch:
                raise JsonSyntaxError(f"Unexpected end-of-input: expected close marker for {kind}")
            if not self.first[-1]:
                if ch != ",":
                    raise _unexpected(ch, f"was expecting comma to separate {kind} entries")
                self.pos += 1
                ch = self._skip()
                if top == "{" and ch == "}":
                    raise _unexpected(ch, "was expecting double-quote to start field name")
                if top == "[" and ch == "]":
                    raise _unexpected(ch, f"expected a valid value {_EXPECTED_VALUE}")
            self.first[-1] = False
            if top == "[":
                if not ch:
                    raise JsonSyntaxError("Unexpected end-of-input: expected close marker for Array")
                yield self._value()
                continue
            if ch != '"':
                if not ch:
                    raise JsonSyntaxError("Unexpected end-of-input: expected close marker for Object")
                raise _unexpected(ch, "was expecting double-quote to start field name")
            name = self._string()
            ch = self._skip()
            if ch != ":":
                if not ch:
                    raise JsonSyntaxError("Unexpected end-of-input: expected close marker for Object")
                raise _unexpected(ch, "was expecting a colon to separate field name and value")
            self.pos += 1
            self._skip()
            # The streaming parser reads the value's first token together with the name.
            pending = self._value()
            if pending[0] == EOF:
                raise JsonSyntaxError("Unexpected end-of-input: expected close marker for Object")
            yield (FIELD, name)


def lex(text: str) -> Iterator[Token]:
    """Tokens of JSON ``text`` in reading order; a syntax error surfaces when its token is reached."""
    return _Lexer(text).tokens()
