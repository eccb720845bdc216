"""The one JSON token stream both matchers read: from text, from a parsed value, laid out compactly."""

from __future__ import annotations

import pytest

from engine.values import (
    END_ARRAY,
    END_OBJECT,
    FIELD,
    NUMBER,
    START_ARRAY,
    START_OBJECT,
    STRING,
    TRUE,
    JsonSyntaxError,
    compact_layout,
    java_number,
    tokens_from_object,
    tokens_from_text,
)


def test_text_and_parsed_value_give_the_same_tokens() -> None:
    text = '{"a": [1.50, "x", true], "b": {"c": -2}}'
    parsed = {"a": [1.5, "x", True], "b": {"c": -2}}
    from_text = list(tokens_from_text(text))
    assert from_text[:4] == [(START_OBJECT, "{"), (FIELD, "a"), (START_ARRAY, "["), (NUMBER, "1.50")]
    assert [kind for kind, _ in from_text] == [kind for kind, _ in tokens_from_object(parsed)]


def test_repeated_keys_in_text_are_each_seen() -> None:
    assert [t for t in tokens_from_text('{"a": 1, "a": 2}') if t[0] == FIELD] == [(FIELD, "a"), (FIELD, "a")]


def test_a_syntax_error_surfaces_only_when_its_token_is_reached() -> None:
    tokens = tokens_from_text('{"a": [1, }')
    assert next(tokens) == (START_OBJECT, "{")
    assert next(tokens) == (FIELD, "a")
    assert next(tokens) == (START_ARRAY, "[")
    assert next(tokens) == (NUMBER, "1")
    with pytest.raises(JsonSyntaxError, match="Unexpected character"):
        next(tokens)


def test_numbers_of_a_parsed_value_are_spelled_as_the_service_spells_them() -> None:
    assert list(tokens_from_object([1e10]))[1] == (NUMBER, "10000000000.0")
    assert list(tokens_from_object([1e10], java_number))[1] == (NUMBER, "1.0E10")
    with pytest.raises(JsonSyntaxError):
        list(tokens_from_object([float("nan")]))


def test_compact_layout_places_every_token_in_the_compact_text() -> None:
    text, placed = compact_layout(tokens_from_object({"k": ["é", 1], "t": True, "o": {}}))
    assert text == '{"k":["é",1],"t":true,"o":{}}'
    for token in placed:
        shown = text[token.start : token.end]
        if token.kind in (FIELD, STRING):
            assert shown == f'"{token.text}"'
        else:
            assert shown == token.text
    assert [t.kind for t in placed][-3:] == [START_OBJECT, END_OBJECT, END_OBJECT]
    assert (placed[5].kind, placed[5].start) == (END_ARRAY, 11)
    assert placed[7] == (TRUE, "true", 17, 21)
