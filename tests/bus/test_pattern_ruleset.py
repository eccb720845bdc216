"""RuleSet: many patterns compiled together give the same answers as one pattern at a time."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.bus import InvalidEventError, InvalidEventPatternError, RuleSet, test_event_pattern

# -- a small world of paths and values, so that generated patterns and events often meet ---------
KEYS = ["a", "b", "c"]
STRINGS = ["", "x", "xy", "X", "yx", "10.0.0.1"]
NUMBERS = [0, 1, 2.5, 5, -3]
scalars = st.one_of(st.sampled_from(STRINGS), st.sampled_from(NUMBERS), st.sampled_from([True, False, None]))


def _events() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.one_of(scalars, st.lists(scalars, max_size=3))
    inner = st.dictionaries(st.sampled_from(KEYS), leaf, max_size=3)
    value = st.one_of(leaf, inner, st.lists(inner, max_size=2))
    return st.dictionaries(st.sampled_from(KEYS), value, max_size=3)


operand = st.one_of(
    scalars,
    st.builds(lambda s: {"prefix": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"suffix": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"equals-ignore-case": s}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"prefix": {"equals-ignore-case": s}}, st.sampled_from(STRINGS)),
    st.builds(lambda s: {"anything-but": s}, st.sampled_from(STRINGS[1:])),
    st.builds(lambda n: {"anything-but": [n]}, st.sampled_from(NUMBERS)),
    st.builds(lambda n: {"numeric": [">=", n]}, st.sampled_from(NUMBERS)),
    st.builds(lambda n: {"numeric": ["<", n]}, st.sampled_from(NUMBERS)),
    st.builds(lambda b: {"exists": b}, st.booleans()),
    st.builds(lambda s: {"wildcard": s}, st.sampled_from(["*", "x*", "*y", "x*y"])),
    st.just({"cidr": "10.0.0.0/24"}),
)


def _patterns() -> st.SearchStrategy[dict[str, Any]]:
    field = st.lists(operand, min_size=1, max_size=3)
    inner = st.dictionaries(st.sampled_from(KEYS), field, min_size=1, max_size=2)
    body = st.dictionaries(st.sampled_from(KEYS), st.one_of(field, inner), min_size=1, max_size=3)
    with_or = st.builds(_with_or, body, body, body)
    return st.one_of(body, body, with_or)


def _with_or(outer: dict[str, Any], one: dict[str, Any], two: dict[str, Any]) -> dict[str, Any]:
    """``outer AND (one OR two)``; a branch repeating an outer key would replace it (AWS's rule for
    repeated keys), which the reference below does not model, so branches use other keys."""
    one = {k: v for k, v in one.items() if k not in outer} or {"c": ["x"]}
    two = {k: v for k, v in two.items() if k not in outer} or {"c": ["y"]}
    return {**{k: v for k, v in outer.items() if k != "c"}, "$or": [one, two]}


def _single(pattern: Any, event: Any) -> bool:
    return test_event_pattern(pattern, event, require_envelope=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_patterns(), min_size=1, max_size=12), st.lists(_events(), min_size=1, max_size=5))
def test_ruleset_agrees_with_each_pattern(
    patterns: list[dict[str, Any]], events: list[dict[str, Any]]
) -> None:
    named = {f"r{i}": p for i, p in enumerate(patterns)}
    rules = RuleSet(named)
    for event in events:
        assert rules.matches(event) == [n for n, p in named.items() if _single(p, event)]


# -- an independent reference for events without arrays of objects ------------------------------
def _leaves(event: Any, path: list[str]) -> list[Any] | None:
    node = event
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    if isinstance(node, list):
        return [v for v in node if not isinstance(v, (dict, list))] or None
    return None if isinstance(node, dict) else [node]


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _accepts(op: Any, v: Any) -> bool:
    if not isinstance(op, dict):
        if _is_num(op):
            return _is_num(v) and v == op
        return type(v) is type(op) and v == op
    ((name, arg),) = op.items()
    if name == "prefix":
        if isinstance(arg, dict):
            return isinstance(v, str) and v.lower().startswith(arg["equals-ignore-case"].lower())
        return isinstance(v, str) and v.startswith(arg)
    if name == "suffix":
        return isinstance(v, str) and v.endswith(arg)
    if name == "equals-ignore-case":
        return isinstance(v, str) and v.lower() == arg.lower()
    if name == "anything-but":
        if isinstance(arg, list):
            return not (_is_num(v) and v in arg)
        return not (isinstance(v, str) and v == arg)
    if name == "numeric":
        return _is_num(v) and (v >= arg[1] if arg[0] == ">=" else v < arg[1])
    if name == "exists":
        return bool(arg)
    if name == "wildcard":
        head, _, tail = arg.partition("*")
        return (
            isinstance(v, str) and len(v) >= len(head) + len(tail) and v.startswith(head) and v.endswith(tail)
        )
    if name == "cidr":
        return isinstance(v, str) and v.startswith("10.0.0.")
    raise AssertionError(name)


def _reference(pattern: dict[str, Any], event: dict[str, Any], path: list[str] | None = None) -> bool:
    path = path or []
    for key, spec in pattern.items():
        if key == "$or":
            if not any(_reference(branch, event, path) for branch in spec):
                return False
        elif isinstance(spec, dict):
            if not _reference(spec, event, [*path, key]):
                return False
        else:
            values = _leaves(event, [*path, key])
            if values is None:
                if not any(isinstance(op, dict) and op.get("exists") is False for op in spec):
                    return False
            elif not any(_accepts(op, v) for op in spec for v in values if op != {"exists": False}):
                return False
    return True


def _flat_events() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.one_of(scalars, st.lists(scalars, max_size=3))
    inner = st.dictionaries(st.sampled_from(KEYS), leaf, max_size=3)
    return st.dictionaries(st.sampled_from(KEYS), st.one_of(leaf, inner), max_size=3)


@settings(max_examples=300, deadline=None)
@given(_patterns(), _flat_events())
def test_matches_reference_semantics(pattern: dict[str, Any], event: dict[str, Any]) -> None:
    assert _single(pattern, event) is _reference(pattern, event)


# -- add / remove / order -------------------------------------------------------------------------
def test_add_remove_and_order() -> None:
    rules = RuleSet()
    rules.add("b", {"source": ["s"]})
    rules.add("a", '{"source": [{"prefix": "s"}]}')
    rules.add("c", {"detail": {"n": [{"numeric": [">", 1]}]}})
    event = {"source": "s", "detail": {"n": 2}}
    assert rules.matches(event) == ["b", "a", "c"]
    rules.add("b", {"source": ["t"]})  # replacing keeps the place
    assert rules.matches(json.dumps(event)) == ["a", "c"]
    assert rules.matches({"source": "t"}) == ["b"]
    rules.remove("a")
    assert "a" not in rules and len(rules) == 2 and list(rules) == ["b", "c"]
    assert rules.matches(event) == ["c"]
    with pytest.raises(KeyError):
        rules.remove("a")


def test_invalid_pattern_leaves_the_set_unchanged() -> None:
    rules = RuleSet({"ok": {"a": ["x"]}})
    with pytest.raises(InvalidEventPatternError):
        rules.add("ok", {"a": []})
    assert rules.matches({"a": "x"}) == ["ok"]


def test_bad_event() -> None:
    with pytest.raises(InvalidEventError):
        RuleSet({"r": {"a": ["x"]}}).matches("[]")


def test_many_rules_only_matching_ones() -> None:
    rules = RuleSet(
        {
            f"r{i}": {
                "source": [f"app{i % 50}"],
                "detail-type": [f"T{i % 7}"],
                "detail": {"n": [{"numeric": [">=", i % 3]}]},
            }
            for i in range(2000)
        }
    )
    event = {"source": "app7", "detail-type": "T0", "detail": {"n": 1}}
    expected = [f"r{i}" for i in range(2000) if i % 50 == 7 and i % 7 == 0 and i % 3 <= 1]
    assert rules.matches(event) == expected
