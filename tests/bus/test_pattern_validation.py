"""Patterns AWS refuses, with AWS's reasons (the wording the designer shows)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.bus import InvalidEventPatternError, compile_pattern
from engine.bus.pattern.wildcard import complexity

REFUSED: list[tuple[Any, str]] = [
    # structure
    ("[1]", "Filter is not an object"),
    ("", "Filter is not an object"),
    ("{}", "Empty objects are not allowed"),
    ({"a": {}}, "Empty objects are not allowed"),
    ({"a": []}, "Empty arrays are not allowed"),
    ({"a": "x"}, '"a" must be an object or an array'),
    ({"a": [["x"]]}, "Match value must be String, number, true, false, or null"),
    ({"a": [{}]}, "Match expression name not found"),
    ({"a": [{"prefix": "x", "suffix": "y"}]}, "Only one key allowed in match expression"),
    ({"a": [{"PREFIX": "x"}]}, "Unrecognized match type PREFIX"),
    ({"$or": {"a": ["x"]}}, "It must be an Array followed with $or."),
    ({"$or": [{"a": ["x"]}]}, "There must have at least 2 Objects in $or relationship."),
    ({"$or": [{"a": ["x"]}, "b"]}, "Only JSON object is allowed in array of $or relationship."),
    (
        {"$or": [{"a": ["x"]}, {"numeric": ["y"]}]},
        "numeric is Ruler reserved fieldName which cannot be used inside $or.",
    ),
    # operators
    ({"a": [{"prefix": 1}]}, "prefix match pattern must be a string"),
    ({"a": [{"prefix": {"equals-ignore-case": 1}}]}, "equals-ignore-case match pattern must be a string"),
    ({"a": [{"prefix": {"wildcard": "x"}}]}, "Unsupported prefix pattern: wildcard"),
    ({"a": [{"suffix": {}}]}, "Suffix expression name not found"),
    ({"a": [{"exists": "yes"}]}, "exists match pattern must be either true or false."),
    ({"a": [{"exactly": 1}]}, "exact match pattern must be a string"),
    (
        {"a": [{"anything-but": None}]},
        "Value of anything-but must be an array or single string/number value.",
    ),
    (
        {"a": [{"anything-but": ["x", 1]}]},
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    (
        {"a": [{"anything-but": []}]},
        "Inside anything but list, either all values are number or string, mixed type is not supported",
    ),
    ({"a": [{"anything-but": [True]}]}, "Inside anything but list, start|null|boolean is not supported."),
    ({"a": [{"anything-but": {"numeric": [">", 1]}}]}, "Unsupported anything-but pattern: numeric"),
    ({"a": [{"anything-but": {"suffix": ""}}]}, "Null prefix/suffix not allowed"),
    ({"a": [{"anything-but": {"prefix": ["a", ""]}}]}, "Null prefix/suffix not allowed"),
    ({"a": [{"anything-but": {"wildcard": "a**"}}]}, "Consecutive wildcard characters at pos 2"),
    ({"a": [{"anything-but": "x", "b": 1}]}, "Too many elements in numeric expression"),
    # numeric
    ({"a": [{"numeric": []}]}, "Invalid member in numeric match: ]"),
    ({"a": [{"numeric": [5]}]}, "Invalid member in numeric match: 5"),
    ({"a": [{"numeric": ["!=", 5]}]}, "Unrecognized numeric range operator: !="),
    ({"a": [{"numeric": ["=", "5"]}]}, "Value of equals must be numeric"),
    ({"a": [{"numeric": [">="]}]}, "Value of >= must be numeric"),
    ({"a": [{"numeric": ["<", 1, ">", 0]}]}, "Too many elements in numeric expression"),
    ({"a": [{"numeric": [">", 0, 5]}]}, "Bad value in numeric range: 5"),
    ({"a": [{"numeric": [">", 0, "<", 5, 6]}]}, "Too many terms in numeric range expression"),
    ({"a": [{"numeric": [">", 5, "<", 5]}]}, "Bottom must be less than top"),
    ({"a": [{"numeric": [">", 6, "<=", 5]}]}, "Bottom must be less than top"),
    ({"a": [{"numeric": ["<", 6e9]}]}, "Value must be between -5.0E9 and 5.0E9, inclusive"),
    ('{"a": [{"numeric": ["=", 0.0000001]}]}', "Only values upto 6 decimals are supported"),
    ({"a": [{"anything-but": [1e10]}]}, "Value must be between -5.0E9 and 5.0E9, inclusive"),
    # cidr
    ({"a": [{"cidr": "10.0.0.0"}]}, "Malformed CIDR, one '/' required"),
    ({"a": [{"cidr": "10.0.0.0/x"}]}, "Malformed CIDR, mask bits must be an integer"),
    ({"a": [{"cidr": "10.0.0.0/-1"}]}, "Malformed CIDR, mask bits must not be negative"),
    ({"a": [{"cidr": "10.0.0.0/32"}]}, "IPv4 mask bits must be < 32"),
    ({"a": [{"cidr": "::/128"}]}, "IPv6 mask bits must be < 128"),
    ({"a": [{"cidr": "10.0.0.300/8"}]}, "Invalid IP address: 10.0.0.300"),
    ({"a": [{"cidr": "host/8"}]}, "Nonstandard IP address: host"),
    # wildcard
    ({"a": [{"wildcard": "a**b"}]}, "Consecutive wildcard characters at pos 2"),
    ({"a": [{"wildcard": "a\\b"}]}, "Invalid escape character at pos 2"),
    ({"a": [{"wildcard": "a\\"}]}, "Invalid escape character at pos 2"),
    (
        {"a": [{"wildcard": "*a*a*a*a*a*a"}]},
        "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
        "sequences after a wildcard character",
    ),
    # JSON syntax, in the parser's words
    ("{'a': ['x']}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"),
    (
        '{"a": nope}',
        "Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token "
        "'null', 'true' or 'false')",
    ),
    (
        '{"a" ["x"]}',
        "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value",
    ),
    (
        '{"a": ["x"] "b": ["y"]}',
        "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries",
    ),
    (
        '{"a": ["x" "y"]}',
        "Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries",
    ),
    (
        '{"a": ["x"],}',
        "Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
    ),
    ('{"a": ["x"]', "Unexpected end-of-input: expected close marker for Object"),
    ('{"a": [01]}', "Invalid numeric value: Leading zeroes not allowed"),
]


@pytest.mark.parametrize(("pattern", "reason"), REFUSED, ids=[r for _, r in REFUSED])
def test_refused(pattern: Any, reason: str) -> None:
    with pytest.raises(InvalidEventPatternError) as info:
        compile_pattern(pattern)
    assert info.value.reason == reason
    assert str(info.value) == "Event pattern is not valid. Reason: " + reason


def test_first_problem_in_reading_order_wins() -> None:
    """AWS compiles while it parses: a bad operator before a syntax error is what it reports."""
    with pytest.raises(InvalidEventPatternError) as info:
        compile_pattern('{"a": [{"prefix": 1}], "b": ')
    assert info.value.reason == "prefix match pattern must be a string"


@pytest.mark.parametrize(
    "pattern",
    [
        {"a": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]},
        {"a": [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}]},
        {"a": [{"wildcard": "*"}]},
        {"a": [{"numeric": [">=", -5e9, "<=", 5e9]}]},
        {"a": [{"cidr": "::/127"}]},
        {"exists": ["x"], "numeric": [1]},  # reserved words are fine as field names outside $or
        {"exists": [{"exists": True}]},
    ],
)
def test_accepted(pattern: Any) -> None:
    compile_pattern(pattern)


def test_wildcard_complexity_figures() -> None:
    """The counts behind the limit (10): AWS's refused example is just over it."""
    assert complexity(["*:*:*:*:*:event-bus/*"]) == 11
    assert complexity(["arn:aws:events:us-east-1:*:event-bus/*"]) == 3
    assert complexity(["plain"]) == 1
