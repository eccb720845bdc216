"""Each pattern operator on its own, with the edge cases AWS's matcher defines."""

from __future__ import annotations

from typing import Any

import pytest

from engine.bus import InvalidEventError, explain, test_event_pattern


def match(pattern: Any, event: Any) -> bool:
    return test_event_pattern(pattern, event, require_envelope=False)


CASES: list[tuple[str, Any, Any, bool]] = [
    # exact values
    ("string", {"a": ["x"]}, {"a": "x"}, True),
    ("string case-sensitive", {"a": ["x"]}, {"a": "X"}, False),
    ("string vs number", {"a": ["5"]}, {"a": 5}, False),
    ("number vs string", {"a": [5]}, {"a": "5"}, False),
    ("number by value", {"a": [5]}, {"a": 5.0}, True),
    ("number exponent", {"a": [300]}, '{"a": 3e2}', True),
    ("number float text", '{"a": [1.50]}', '{"a": 1.5}', True),
    ("number other", {"a": [5]}, {"a": 6}, False),
    ("number beyond range by text", '{"a": [123456789012]}', '{"a": 123456789012}', True),
    ("number beyond range differs", '{"a": [123456789012]}', '{"a": 123456789012.0}', False),
    ("seven decimals by text", '{"a": [0.1234567]}', '{"a": 0.1234567}', True),
    ("true", {"a": [True]}, {"a": True}, True),
    ("true vs string", {"a": [True]}, {"a": "true"}, False),
    ("false vs 0", {"a": [False]}, {"a": 0}, False),
    ("null", {"a": [None]}, {"a": None}, True),
    ("null vs missing", {"a": [None]}, {"b": 1}, False),
    ("null vs string", {"a": [None]}, {"a": "null"}, False),
    ("empty string", {"a": [""]}, {"a": ""}, True),
    ("empty string vs null", {"a": [""]}, {"a": None}, False),
    ("ip by address", {"a": ["10.0.0.1"]}, {"a": "10.000.0.1"}, True),
    ("ipv6 by address", {"a": ["2001:db8::1"]}, {"a": "2001:0db8:0:0:0:0:0:1"}, True),
    ("list is or", {"a": ["x", "y"]}, {"a": "y"}, True),
    ("event array any", {"a": ["x"]}, {"a": ["w", "x"]}, True),
    ("event array none", {"a": ["x"]}, {"a": ["w"]}, False),
    ("empty event array", {"a": [None]}, {"a": []}, False),
    # prefix / suffix
    ("prefix", {"a": [{"prefix": "ab"}]}, {"a": "abc"}, True),
    ("prefix miss", {"a": [{"prefix": "ab"}]}, {"a": "xabc"}, False),
    ("prefix empty matches any string", {"a": [{"prefix": ""}]}, {"a": "q"}, True),
    ("prefix not numbers", {"a": [{"prefix": "1"}]}, {"a": 12}, False),
    ("prefix ignore case", {"a": [{"prefix": {"equals-ignore-case": "AB"}}]}, {"a": "aBc"}, True),
    ("suffix", {"a": [{"suffix": ".png"}]}, {"a": "x.png"}, True),
    ("suffix case", {"a": [{"suffix": ".png"}]}, {"a": "x.PNG"}, False),
    ("suffix ignore case", {"a": [{"suffix": {"equals-ignore-case": ".png"}}]}, {"a": "x.PNG"}, True),
    ("suffix empty", {"a": [{"suffix": ""}]}, {"a": ""}, True),
    ("equals-ignore-case", {"a": [{"equals-ignore-case": "AbC"}]}, {"a": "aBc"}, True),
    ("equals-ignore-case whole", {"a": [{"equals-ignore-case": "abc"}]}, {"a": "abcd"}, False),
    ("exactly", {"a": [{"exactly": "x"}]}, {"a": "x"}, True),
    # anything-but
    ("anything-but string", {"a": [{"anything-but": "x"}]}, {"a": "y"}, True),
    ("anything-but excluded", {"a": [{"anything-but": "x"}]}, {"a": "x"}, False),
    ("anything-but missing", {"a": [{"anything-but": "x"}]}, {"b": "y"}, False),
    ("anything-but null", {"a": [{"anything-but": "x"}]}, {"a": None}, True),
    ("anything-but number vs string", {"a": [{"anything-but": 5}]}, {"a": "5"}, True),
    ("anything-but number by value", {"a": [{"anything-but": [5, 6]}]}, {"a": 5.0}, False),
    ("anything-but array any element", {"a": [{"anything-but": "x"}]}, {"a": ["x", "y"]}, True),
    ("anything-but array all excluded", {"a": [{"anything-but": "x"}]}, {"a": ["x", "x"]}, False),
    ("anything-but prefix", {"a": [{"anything-but": {"prefix": "us-"}}]}, {"a": "us-east-1"}, False),
    ("anything-but prefix other", {"a": [{"anything-but": {"prefix": "us-"}}]}, {"a": "eu-west-1"}, True),
    ("anything-but prefix number", {"a": [{"anything-but": {"prefix": "1"}}]}, {"a": 12}, True),
    ("anything-but suffix list", {"a": [{"anything-but": {"suffix": [".a", ".b"]}}]}, {"a": "f.b"}, False),
    ("anything-but ignore case", {"a": [{"anything-but": {"equals-ignore-case": ["X"]}}]}, {"a": "x"}, False),
    ("anything-but wildcard", {"a": [{"anything-but": {"wildcard": "*/lib/*"}}]}, {"a": "/usr/lib/x"}, False),
    (
        "anything-but wildcard other",
        {"a": [{"anything-but": {"wildcard": "*/lib/*"}}]},
        {"a": "/bin/x"},
        True,
    ),
    ("anything-but wildcard empty", {"a": [{"anything-but": {"wildcard": ""}}]}, {"a": ""}, False),
    # numeric
    ("numeric >", {"a": [{"numeric": [">", 0]}]}, {"a": 1}, True),
    ("numeric > edge", {"a": [{"numeric": [">", 0]}]}, {"a": 0}, False),
    ("numeric >= edge", {"a": [{"numeric": [">=", 0]}]}, {"a": 0}, True),
    ("numeric < edge", {"a": [{"numeric": ["<", 10]}]}, {"a": 10}, False),
    ("numeric <= edge", {"a": [{"numeric": ["<=", 10]}]}, {"a": 10}, True),
    ("numeric range", {"a": [{"numeric": [">", 0, "<=", 5]}]}, {"a": 5}, True),
    ("numeric range top", {"a": [{"numeric": [">", 0, "<", 5]}]}, {"a": 5}, False),
    ("numeric =", {"a": [{"numeric": ["=", 301.8]}]}, {"a": 301.8}, True),
    ("numeric negative", {"a": [{"numeric": [">=", -5, "<", -1]}]}, {"a": -3.5}, True),
    ("numeric string", {"a": [{"numeric": [">", 0]}]}, {"a": "5"}, False),
    ("numeric null", {"a": [{"numeric": [">", 0]}]}, {"a": None}, False),
    ("numeric out of range event", {"a": [{"numeric": [">", 0]}]}, {"a": 6e9}, False),
    ("numeric precision", {"a": [{"numeric": ["=", 0.000001]}]}, {"a": 0.000001}, True),
    ("numeric array", {"a": [{"numeric": [">", 10]}]}, {"a": [1, 20]}, True),
    # exists
    ("exists true", {"a": [{"exists": True}]}, {"a": "x"}, True),
    ("exists true null", {"a": [{"exists": True}]}, {"a": None}, True),
    ("exists true missing", {"a": [{"exists": True}]}, {"b": 1}, False),
    ("exists true object", {"a": [{"exists": True}]}, {"a": {"b": 1}}, False),
    ("exists true empty array", {"a": [{"exists": True}]}, {"a": []}, False),
    ("exists true array", {"a": [{"exists": True}]}, {"a": [1]}, True),
    ("exists false", {"a": [{"exists": False}]}, {"b": 1}, True),
    ("exists false present", {"a": [{"exists": False}]}, {"a": None}, False),
    ("exists false object", {"a": [{"exists": False}]}, {"a": {"b": 1}}, True),
    ("exists false empty array", {"a": [{"exists": False}]}, {"a": []}, True),
    ("exists false in some element", {"a": {"c": [{"exists": False}]}}, {"a": [{"b": 1}, {"c": 2}]}, False),
    ("exists or value", {"a": [{"exists": False}, "x"]}, {"a": "x"}, True),
    # cidr
    ("cidr v4", {"a": [{"cidr": "10.0.0.0/24"}]}, {"a": "10.0.0.255"}, True),
    ("cidr v4 out", {"a": [{"cidr": "10.0.0.0/24"}]}, {"a": "10.0.1.0"}, False),
    ("cidr v4 not ip", {"a": [{"cidr": "10.0.0.0/24"}]}, {"a": "10.0.0.256"}, False),
    ("cidr low end as written", {"a": [{"cidr": "10.0.0.5/24"}]}, {"a": "10.0.0.4"}, False),
    ("cidr v6", {"a": [{"cidr": "2001:db8::/32"}]}, {"a": "2001:db8:ffff::1"}, True),
    ("cidr family", {"a": [{"cidr": "10.0.0.0/8"}]}, {"a": "::a00:1"}, False),
    # wildcard
    ("wildcard", {"a": [{"wildcard": "*.png"}]}, {"a": "x.png"}, True),
    ("wildcard middle", {"a": [{"wildcard": "a*c"}]}, {"a": "abbbc"}, True),
    ("wildcard empty run", {"a": [{"wildcard": "a*c"}]}, {"a": "ac"}, True),
    ("wildcard miss", {"a": [{"wildcard": "a*c"}]}, {"a": "abcd"}, False),
    ("wildcard escaped star", {"a": [{"wildcard": "a\\*c"}]}, {"a": "a*c"}, True),
    ("wildcard escaped star literal", {"a": [{"wildcard": "a\\*c"}]}, {"a": "abc"}, False),
    ("wildcard escaped backslash", {"a": [{"wildcard": "a\\\\*"}]}, {"a": "a\\zz"}, True),
    ("wildcard multiline", {"a": [{"wildcard": "a*"}]}, {"a": "a\nb"}, True),
    ("wildcard number", {"a": [{"wildcard": "1*"}]}, {"a": 12}, False),
    ("wildcard empty", {"a": [{"wildcard": ""}]}, {"a": ""}, True),
    # structure
    ("nested", {"a": {"b": ["x"]}}, {"a": {"b": "x"}}, True),
    ("dotted pattern key", {"a.b": ["x"]}, {"a": {"b": "x"}}, True),
    ("dotted event key", {"a": {"b": ["x"]}}, {"a.b": "x"}, True),
    ("object not leaf", {"a": ["x"]}, {"a": {"b": "x"}}, False),
    ("json string is not an object", {"a": {"b": ["x"]}}, {"a": '{"b": "x"}'}, False),
    ("and", {"a": ["x"], "b": ["y"]}, {"a": "x", "b": "z"}, False),
    ("or", {"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"a": "q", "b": "y"}, True),
    ("or none", {"$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"a": "q", "b": "q"}, False),
    (
        "or nested",
        {"c": ["1"], "$or": [{"a": ["x"]}, {"$or": [{"b": ["y"]}, {"d": ["z"]}]}]},
        {"c": "1", "d": "z"},
        True,
    ),
    ("or inside object", {"d": {"$or": [{"a": ["x"]}, {"b": ["y"]}]}}, {"d": {"b": "y"}}, True),
    ("or keeps outer field", {"c": ["1"], "$or": [{"a": ["x"]}, {"b": ["y"]}]}, {"c": "2", "b": "y"}, False),
    ("repeated key last wins", '{"a": ["x"], "a": ["y"]}', {"a": "y"}, True),
    ("repeated key first lost", '{"a": ["x"], "a": ["y"]}', {"a": "x"}, False),
    ("repeated event key", {"a": ["y"]}, '{"a": "x", "a": "y"}', True),
    ("text after the pattern is not read", '{"a": ["x"]} trailing', {"a": "x"}, True),
    # array consistency
    (
        "same element",
        {"a": {"b": ["1"], "c": ["2"]}},
        {"a": [{"b": "1", "c": "2"}, {"b": "3", "c": "4"}]},
        True,
    ),
    (
        "across elements",
        {"a": {"b": ["1"], "c": ["4"]}},
        {"a": [{"b": "1", "c": "2"}, {"b": "3", "c": "4"}]},
        False,
    ),
    (
        "different arrays",
        {"a": {"b": ["1"]}, "d": {"e": ["4"]}},
        {"a": [{"b": "1"}], "d": [{"e": "9"}, {"e": "4"}]},
        True,
    ),
    (
        "nested arrays",
        {"a": {"b": {"c": ["1"], "d": ["2"]}}},
        {"a": [{"b": [{"c": "1", "d": "0"}, {"c": "0", "d": "2"}]}]},
        False,
    ),
    (
        "outer array shared",
        {"a": {"x": ["1"], "b": {"d": ["2"]}}},
        {"a": [{"x": "1", "b": [{"d": "0"}, {"d": "2"}]}, {"x": "0", "b": [{"d": "0"}]}]},
        True,
    ),
]


@pytest.mark.parametrize(("pattern", "event", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_operator(pattern: Any, event: Any, expected: bool) -> None:
    assert match(pattern, event) is expected
    assert (explain(pattern, event) == []) is expected


def test_envelope_is_required_by_test_event_pattern() -> None:
    with pytest.raises(InvalidEventError) as info:
        test_event_pattern({"a": ["x"]}, {"a": "x"})
    assert str(info.value) == "Parameter Event is not valid."
    envelope = {"id": "1", "account": "1", "source": "s", "time": "t", "region": "r", "detail-type": "d"}
    assert test_event_pattern({"source": ["s"]}, envelope)


@pytest.mark.parametrize("event", ["not json", "[1]", '"x"', "{", b"\xff", 5])
def test_bad_events(event: Any) -> None:
    with pytest.raises(InvalidEventError):
        test_event_pattern({"a": ["x"]}, event)


def test_explain_says_which_field_and_why() -> None:
    pattern = {
        "source": ["shop"],
        "detail": {"total": [{"numeric": [">", 100]}], "coupon": [{"exists": False}]},
    }
    event = {"source": "shop", "detail": {"total": 50, "coupon": "X"}}
    assert explain(pattern, event) == [
        'detail.coupon: the pattern wants it absent (exists: false), but the event has "X"',
        'detail.total: 50 does not match numeric [">", 100]',
    ]
    assert explain(pattern, {"detail": {"total": 500}}) == [
        'source: not in the event (the pattern wants "shop")',
    ]
    assert explain({"$or": [{"a": ["1"]}, {"b": [{"prefix": "x"}]}]}, {"a": "2", "b": "y"}) == [
        '$or branch 1 of 2: a: "2" does not match "1"',
        '$or branch 2 of 2: b: "y" does not match prefix "x"',
    ]
    assert explain({"a": {"b": ["1"], "c": ["4"]}}, {"a": [{"b": "1", "c": "2"}, {"b": "3", "c": "4"}]}) == [
        "a.b, a.c: each matches, but not within one element of the same array",
    ]
