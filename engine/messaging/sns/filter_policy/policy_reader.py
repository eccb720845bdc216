"""The policy as SNS's parser reads it: compact JSON text, token by token, with columns.

SNS parses the policy into a JSON tree, writes it back out compactly (numbers as Java writes them)
and hands that text to its matching library, which reads it as a stream of tokens and stops at the
first problem. Its error messages quote that compact text and the column the reader had reached,
and the column depends on how far each token had been consumed (a string value is only half-read
until its text is asked for). The tokens and their places come from `engine.values`, shared with
EventBridge's pattern compiler; this module replays the reader's consumption rules over them, so
the compiler drives it exactly as the library drives its parser.
"""

from __future__ import annotations

from typing import Any

from engine.values import (
    END_OBJECT,
    FIELD,
    STRING,
    JsonSyntaxError,
    PlacedToken,
    compact_layout,
    java_number,
    tokens_from_object,
)


def compact(value: Any) -> tuple[str, list[PlacedToken]]:
    """The compact JSON text of ``value`` and its placed tokens, as SNS's tree writer produces it."""
    try:
        return compact_layout(tokens_from_object(value, java_number))
    except JsonSyntaxError as error:  # a parsed policy holding a value JSON has no text for
        raise TypeError(str(error)) from None


class PolicyReader:
    """Reads tokens the way the library's parser does, tracking how much text it has consumed.

    Reading a field name also reads the start of its value (the whole value for numbers and
    keywords, just the opening quote for strings); a string's text is consumed when asked for.
    ``column`` is the 1-based column the parser would report at this point.
    """

    def __init__(self, tokens: list[PlacedToken]) -> None:
        self._tokens = tokens
        self._index = -1
        self._consumed = 0

    @property
    def current(self) -> PlacedToken:
        return self._tokens[self._index]

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
        if previous is not None and previous.kind == FIELD:
            pass  # the value's start was consumed with its field name
        elif token.kind == FIELD and self._index + 1 < len(self._tokens):
            self._consumed = _consumed_on_arrival(self._tokens[self._index + 1])
        else:
            self._consumed = _consumed_on_arrival(token)
        return token.kind

    def text(self) -> str:
        """The current token's text; for a string this finishes reading it."""
        token = self.current
        if token.kind == STRING:
            self._consumed = max(self._consumed, token.end)
        return token.text


def _consumed_on_arrival(token: PlacedToken) -> int:
    return token.start + 1 if token.kind == STRING else token.end
