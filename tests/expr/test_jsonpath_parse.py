"""Parsing of the Step Functions JSONPath dialect (Jayway-flavoured)."""

from __future__ import annotations

import pytest

from engine.expr import CONTEXT, ROOT, PathSyntaxError, parse_path
from engine.expr.jsonpath import Call, DeepScan, Filter, Index, Indices, Name, Names, Slice, Wildcard
from engine.expr.jsonpath.filter_ast import And, Comparison, Exists, Literal, Not, Or, PathOperand, Regex


@pytest.mark.parametrize(
    ("text", "root", "segments"),
    [
        ("$", ROOT, ()),
        ("$$", CONTEXT, ()),
        ("$.a.b", ROOT, (Name("a"), Name("b"))),
        ("$$.Execution.Input", CONTEXT, (Name("Execution"), Name("Input"))),
        ("$$.Map.Item.Value", CONTEXT, (Name("Map"), Name("Item"), Name("Value"))),
        ("$$.Task.Token", CONTEXT, (Name("Task"), Name("Token"))),
        ("$myVar", "myVar", ()),
        ("$my_var.field[0]", "my_var", (Name("field"), Index(0))),
        ("$.delivery-partner", ROOT, (Name("delivery-partner"),)),
        ("$$.Execution.Input.input-value", CONTEXT, (Name("Execution"), Name("Input"), Name("input-value"))),
        ("$['a b']", ROOT, (Name("a b"),)),
        ('$["x"]', ROOT, (Name("x"),)),
        ("$[ 'x' ]", ROOT, (Name("x"),)),
        ("$[0]", ROOT, (Index(0),)),
        ("$.a[-1]", ROOT, (Name("a"), Index(-1))),
        ("$[*]", ROOT, (Wildcard(),)),
        ("$.*", ROOT, (Wildcard(),)),
        ("$.a.*.b", ROOT, (Name("a"), Wildcard(), Name("b"))),
        ("$..a", ROOT, (DeepScan(Name("a")),)),
        ("$..*", ROOT, (DeepScan(Wildcard()),)),
        ("$..[0]", ROOT, (DeepScan(Index(0)),)),
        ("$.a[1:3]", ROOT, (Name("a"), Slice(1, 3))),
        ("$.a[:2]", ROOT, (Name("a"), Slice(None, 2))),
        ("$.a[-2:]", ROOT, (Name("a"), Slice(-2, None))),
        ("$.a[1:]", ROOT, (Name("a"), Slice(1, None))),
        ("$[0,1]", ROOT, (Indices((0, 1)),)),
        ("$[0, -1]", ROOT, (Indices((0, -1)),)),
        ("$['a','b']", ROOT, (Names(("a", "b")),)),
        ("$.a.length()", ROOT, (Name("a"), Call("length"))),
        ("$.items[*].itemValue", ROOT, (Name("items"), Wildcard(), Name("itemValue"))),
    ],
)
def test_parses(text: str, root: str, segments: tuple) -> None:
    path = parse_path(text)
    assert path.root == root
    assert path.segments == segments
    assert str(path) == text


def test_bracket_names_keep_backslashes() -> None:
    """AWS resolves $['Test\\""Name"'] against the key Test\\""Name" (recorded in the corpus)."""
    path = parse_path('$[\'Test\\""Name"\']')
    assert path.segments == (Name('Test\\""Name"'),)
    assert parse_path("$['it\\'s']").segments == (Name("it\\'s"),)


def test_filters() -> None:
    (seg,) = parse_path("$[?(@.price < 10)]").segments
    assert isinstance(seg, Filter)
    assert seg.expr == Comparison("<", PathOperand(parse_path_at("@.price")), Literal(10))

    (seg,) = parse_path("$[?(@.a == 'x' && @.b)]").segments
    assert isinstance(seg, Filter) and isinstance(seg.expr, And)
    assert isinstance(seg.expr.operands[1], Exists)

    (seg,) = parse_path("$[?(@.isbn)]").segments
    assert isinstance(seg, Filter) and isinstance(seg.expr, Exists)

    (seg,) = parse_path("$[?(!@.a || (@.b >= -1.5 && @.c != null))]").segments
    assert isinstance(seg, Filter) and isinstance(seg.expr, Or)
    assert isinstance(seg.expr.operands[0], Not)

    (seg,) = parse_path("$[?(@.name =~ /ab.*/i)]").segments
    assert isinstance(seg, Filter) and seg.expr == Comparison(
        "=~", PathOperand(parse_path_at("@.name")), Regex("ab.*", "i")
    )

    (seg,) = parse_path("$[?(@.size in ['S', 'M'])]").segments
    assert isinstance(seg, Filter) and seg.expr == Comparison(
        "in", PathOperand(parse_path_at("@.size")), Literal(("S", "M"))
    )

    (seg,) = parse_path("$[?(@.a[?(@.b == 1)])]").segments
    assert isinstance(seg, Filter) and isinstance(seg.expr, Exists)


def parse_path_at(text: str):
    from engine.expr.jsonpath.path_parser import parse_path_uncached

    return parse_path_uncached(text, allow_current=True)


@pytest.mark.parametrize(
    ("text", "definite", "reference"),
    [
        ("$", True, True),
        ("$.a[0].b", True, True),
        ("$$.Task.Token", True, True),
        ("$var.x", True, True),
        ("$.a[*]", False, False),
        ("$..a", False, False),
        ("$.a[1:2]", False, False),
        ("$.a[0,1]", False, False),
        ("$.a[?(@.b)]", False, False),
        ("$['a','b']", True, False),  # Jayway merges a trailing name union into one object
        ("$['a','b'].c", False, False),
        ("$.a.length()", True, False),
        ("$.a[*].length()", True, False),
    ],
)
def test_definite_and_reference(text: str, definite: bool, reference: bool) -> None:
    path = parse_path(text)
    assert path.is_definite is definite
    assert path.is_reference_path is reference


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a.b",
        "@.a",
        "$.",
        "$..",
        "$...a",
        "$.a b",
        "$a b",
        "$[",
        "$['a'",
        "$['a]",
        "$[]",
        "$[a]",
        "$[1:2:3]",
        "$[:]",
        "$[1",
        "$x-",
        "$.a.nosuchfn()",
        "$.a.length(1)",
        "$.a.length().b",
        "$[?(@.a ==)]",
        "$[?(@.a",
        "$[?@.a]",
        "$[?(@.a == 'x)]",
        "$[?(1)]",
        "$[?(@.a =~ 'x')]",
        " $.a",
    ],
)
def test_refuses(text: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_dot_names_run_to_the_next_dot_or_bracket() -> None:
    """Jayway reads a dot name up to '.', '[' or '(' so odd characters are part of the name."""
    assert parse_path("$.a]").segments == (Name("a]"),)
    assert parse_path("$.a:b$c").segments == (Name("a:b$c"),)


def test_error_reports_position() -> None:
    with pytest.raises(PathSyntaxError) as info:
        parse_path("$.a[x]")
    assert info.value.position == 4
    assert "$.a[x]" in str(info.value)


def test_parse_is_cached() -> None:
    assert parse_path("$.cached.path") is parse_path("$.cached.path")


def test_paths_are_hashable() -> None:
    assert len({parse_path("$[?(@.a in [1, 2])]"), parse_path("$.b")}) == 2


@pytest.mark.parametrize("value", [None, 1, {"a": 1}, ["$"]])
def test_non_strings_are_syntax_errors(value: object) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(value)  # type: ignore[arg-type]
