"""Parsing of intrinsic function calls."""

from __future__ import annotations

import pytest

from engine.expr import (
    INTRINSIC_FUNCTIONS,
    IntrinsicCall,
    IntrinsicSyntaxError,
    Literal,
    Path,
    StringLiteral,
    looks_like_intrinsic,
    parse_intrinsic,
    parse_path,
)


def test_format_with_path() -> None:
    call = parse_intrinsic("States.Format('Hello {}, welcome to {}!', $.name, $place)")
    assert call.name == "States.Format"
    template, name, place = call.args
    assert isinstance(template, StringLiteral)
    assert template.pieces == ("Hello ", ", welcome to ", "!")
    assert template.placeholder_count == 2
    assert name == parse_path("$.name")
    assert isinstance(place, Path) and place.root == "place"


def test_nested_calls_and_literals() -> None:
    text = (
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
        "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"
    )
    call = parse_intrinsic(text)
    assert call.name == "States.ArrayGetItem"
    split, add = call.args
    assert isinstance(split, IntrinsicCall) and split.name == "States.StringSplit"
    assert split.args[1] == StringLiteral("-", ("-",))
    assert isinstance(add, IntrinsicCall) and add.args[1] == Literal(-1)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1), ("-3", -3), ("2.5", 2.5), ("-0.5", -0.5), ("true", True), ("false", False), ("null", None)],
)
def test_scalar_literals(text: str, value: object) -> None:
    (arg,) = parse_intrinsic(f"States.Array({text})").args
    assert arg == Literal(value)
    assert type(arg.value) is type(value)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("literal", "value", "pieces"),
    [
        ("'it\\'s'", "it's", ("it's",)),
        ("'\\{\\}'", "{}", ("{}",)),  # escaped braces are not a placeholder
        ("'a\\\\b'", "a\\b", ("a\\b",)),
        ("'{}'", "{}", ("", "")),
        ("'Hello\nWorld'", "Hello\nWorld", ("Hello\nWorld",)),  # raw newline from JSON "\n"
        ('\'{"a": "b"}\'', '{"a": "b"}', ('{"a": "b"}',)),
        ("''", "", ("",)),
    ],
)
def test_string_literals(literal: str, value: str, pieces: tuple[str, ...]) -> None:
    (arg,) = parse_intrinsic(f"States.Format({literal})").args
    assert arg == StringLiteral(value, pieces)


def test_path_arguments() -> None:
    call = parse_intrinsic("States.Array($.a[0], $.b['x,y'], $$.Map.Item.Value, $v, $.c.length(), $ )")
    assert [str(a) for a in call.args] == [
        "$.a[0]",
        "$.b['x,y']",
        "$$.Map.Item.Value",
        "$v",
        "$.c.length()",
        "$",
    ]


def test_whitespace_and_empty_calls() -> None:
    assert parse_intrinsic("States.UUID()") == IntrinsicCall("States.UUID", ())
    assert parse_intrinsic("States.Array( 1 ,2 )").args == (Literal(1), Literal(2))


def test_all_eighteen_functions_are_known() -> None:
    assert len(INTRINSIC_FUNCTIONS) == 18
    for name in INTRINSIC_FUNCTIONS:
        assert parse_intrinsic(f"{name}()").name == name


@pytest.mark.parametrize(
    "text",
    [
        'States.StringToJson(\'{"text":"An \\"escaped double quote\\" here"}\')',
        "States.Format('He said, \\\"Hello, {}!\\\"', 'Test \\\"Name\\\" Here')",
        "States.Format('\\n')",
        "States.Format('a\\')",
        "States.Nope(1)",
        "states.Format('x')",
        "States.Format",
        "States.Format('x'",
        "States.Format('x)",
        "States.Format('x',)",
        "States.Format('x' 'y')",
        "States.Format('x') trailing",
        'States.Format("x")',
        "States.Array(True)",
        "States.Array(nul)",
        "States.Array($.a b)",
        "States.Array($.)",
        "States.Array(@.a)",
        "States.Array(" * 11 + ")" * 11,
    ],
)
def test_refuses(text: str) -> None:
    with pytest.raises(IntrinsicSyntaxError):
        parse_intrinsic(text)


def test_nesting_limit_allows_ten() -> None:
    assert parse_intrinsic("States.Array(" * 10 + ")" * 10).name == "States.Array"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Format('x')", True),
        ("States.Nope(1)", True),  # meant as an intrinsic, so the intrinsic parser reports it
        ("$.a", False),
        ("$$.States", False),
        ("States", False),
        ("Hello", False),
    ],
)
def test_looks_like_intrinsic(text: str, expected: bool) -> None:
    assert looks_like_intrinsic(text) is expected
