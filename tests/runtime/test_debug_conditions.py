"""Breakpoint conditions as users write them: the grammar, its refusals with positions, and pauses."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from engine.runtime import run_async
from engine.runtime.debug import (
    GRAMMAR,
    BreakCondition,
    ConditionEvaluationError,
    ConditionScope,
    ConditionSyntaxError,
    Debugger,
    parse_condition,
)

ORDER = {"value": 3, "total": 150, "country": "BR", "name": "tv", "tags": [], "flag": False, "ratio": 1.0}
IN_MAP = ConditionScope(
    {"sku": "TV", "qty": 2},
    {"limit": 10, "item": "mine"},
    {"Map": {"Item": {"Index": 2, "Value": {"sku": "TV", "qty": 2}}}},
)


def holds(text: str, scope: ConditionScope | None = None) -> bool:
    return parse_condition(text).holds(scope or ConditionScope(ORDER))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$.value == 3", True),
        ("$.value = 3", True),  # JSONata's equality is accepted too
        ("$.value != 3", False),
        ("$.value == 3.0", True),
        ("$.ratio == 1", True),
        ("$.value < 4 && $.value <= 3 && $.value > 2 && $.value >= 3", True),
        ('$.total > 100 && $.country == "BR"', True),
        ("$.total > 100 && $.country == 'US'", False),
        ("$.total > 1000 || $.country == 'BR'", True),
        ("$.total > 100 and $.value == 4 or $.name == 'tv'", True),  # && binds tighter than ||
        ("!($.value == 3)", False),
        ("!$.flag", True),
        ("not $.flag", True),
        ("$states.input.value = 3", True),
        ("$states.input.country == $.country", True),
        ("$.name < 'ua'", True),  # two strings order
        ("$.tags == []", True),
        ("$.flag == false || $.missing == 1", True),  # || stops at the first true operand
        ("$.value", True),  # a bare path: truthy
        ("$.flag", False),
        ("$.tags", False),
        ("$.missing", False),  # a bare path that selects nothing does not pause, and is no error
        ("{% $states.input.value = 3 %}", True),
        ("{% $states.input.total > 100 and $states.input.country = 'BR' %}", True),
        ("{% $states.input.missing %}", False),  # undefined: no pause
    ],
)
def test_conditions_users_write(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_a_comparison_with_a_missing_field_is_an_error_not_a_silent_false() -> None:
    for text in ("$.missing != null", "$.missing == 1", "$.value == 3 && $.missing < 2"):
        with pytest.raises(ConditionEvaluationError, match=r"'\$\.missing' does not resolve"):
            holds(text)


def test_map_iterations_see_their_item_and_index() -> None:
    assert holds("$states.context.Map.Item.Index == 2", IN_MAP)
    assert holds("$$.Map.Item.Value.sku == 'TV'", IN_MAP)
    assert holds("$index >= 2 && $.qty < $limit", IN_MAP)
    assert holds("{% $index = 2 and $states.context.Map.Item.Value.qty = 2 %}", IN_MAP)
    assert holds("$item == 'mine'", IN_MAP)  # a variable of the same name wins over the short form
    outside = ConditionScope({"sku": "TV"})
    with pytest.raises(ConditionEvaluationError, match=r"\$index is defined only inside a Map iteration"):
        parse_condition("$index == 2").holds(outside)


def test_values_for_print() -> None:
    scope = ConditionScope(ORDER, {"limit": 10})
    assert parse_condition("$.total").value(scope) == 150
    assert parse_condition("$limit").value(scope) == 10
    assert parse_condition("$.value == 3").value(scope) is True
    assert parse_condition("{% $states.input.total * 2 %}").value(scope) == 300
    with pytest.raises(ConditionEvaluationError, match="does not resolve"):
        parse_condition("$.missing").value(scope)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("$$$(", 3, "expected '.' or '['"),
        ("$.value == ", 11, "found the end"),
        ("$.value ==", 11, "found the end"),
        ("total > 100", 1, "unknown name 'total'"),
        ("$.a == 1 == 2", 10, "do not chain"),
        ("$.a & $.b", 5, "write && for and"),
        ("$.a | $.b", 5, "write || for or"),
        ("($.a == 1", 10, "expected ')' to close the '(' at column 1"),
        ("$.a == 1)", 9, "closes nothing"),
        ('$.a == "open', 8, 'no closing "'),
        ("$.a == 1 2", 10, "expected an operator"),
        ("$.a[", 4, "unclosed '['"),
        ("$states.result == 1", 1, "$states holds input and context"),
        ("$.a == {% 1 %}", 8, "JSONata goes around the whole condition"),
        ("{% $states.input.value = %}", 25, "S0207"),
        ("{% $states.input.value = 3", 27, "closing %}"),
        ("{%  %}", 3, "is empty"),
        ("   ", 1, "the condition is empty"),
        ("$.a == #", 8, "unexpected '#'"),
    ],
)
def test_refusals_say_where(text: str, column: int, words: str) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)
    error = caught.value
    assert error.column == column, str(error)
    assert words in error.message
    assert str(error).startswith(f"column {column}: ")
    pointer = error.pointer(indent="")
    assert pointer.splitlines()[0] == text
    assert pointer.splitlines()[1] == " " * (column - 1) + "^"


def test_paths_keep_their_filters_and_functions() -> None:
    scope = ConditionScope({"items": [{"price": 5}, {"price": 20}]})
    assert parse_condition("$.items[?(@.price > 10)].price == [20]").holds(scope)
    assert parse_condition("$.items.length() >= 2").holds(scope)
    assert parse_condition("$['items'][0].price < 10").holds(scope)


def test_order_between_types_is_an_error_not_a_silent_false() -> None:
    with pytest.raises(ConditionEvaluationError, match='cannot compare string "tv" < number 3'):
        holds("$.name < 3")


def test_evaluation_errors_are_reported_once_and_do_not_pause() -> None:
    said: list[tuple[str, str]] = []
    check = BreakCondition.parse("Inner", "$.missing == 3")
    for _ in range(3):
        assert check.holds(ConditionScope({"value": 1}), [lambda s, m: said.append((s, m))]) is False
    assert len(said) == 1
    assert said[0][0] == "Inner"
    assert "could not be evaluated" in said[0][1] and "does not pause" in said[0][1]


def test_the_grammar_names_every_form() -> None:
    for form in (
        "==",
        "=",
        "!=",
        "<=",
        ">=",
        "&&",
        "||",
        "!",
        "$states.input",
        "$item",
        "$index",
        "{% ... %}",
    ):
        assert form in GRAMMAR


def test_the_debugger_refuses_a_condition_that_does_not_parse() -> None:
    with pytest.raises(ConditionSyntaxError):
        Debugger().set_breakpoint("Inner", "$$$(")


MAP_MACHINE: dict[str, Any] = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    },
}
ITEMS = {"items": [{"value": 1}, {"value": 2}, {"value": 3}, {"value": 4}]}


async def _pauses(condition: str) -> tuple[list[Any], list[str], str]:
    debugger = Debugger()
    debugger.set_breakpoint("Inner", condition)
    problems: list[str] = []
    debugger.on_condition_error.append(lambda _state, message: problems.append(message))
    execution = asyncio.ensure_future(run_async(MAP_MACHINE, ITEMS, gate=debugger))
    pauses = []
    while True:
        waiter = asyncio.ensure_future(debugger.next_pause())
        done, _ = await asyncio.wait({waiter, execution}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            break
        pauses.append(waiter.result())
        debugger.resume()
    return pauses, problems, (await execution).status


@pytest.mark.parametrize(
    "condition",
    [
        "$.value == 3",
        "$states.input.value = 3",
        "$index == 2",
        "$$.Map.Item.Value.value == 3",
        "{% $index = 2 %}",
    ],
)
async def test_a_condition_pauses_on_the_right_map_iteration(condition: str) -> None:
    pauses, problems, status = await _pauses(condition)
    assert [(p.state, p.input, p.path) for p in pauses] == [("Inner", {"value": 3}, ("Each", "2"))]
    assert pauses[0].context["Map"]["Item"] == {"Index": 2, "Value": {"value": 3}}
    assert problems == [] and status == "SUCCEEDED"


async def test_a_condition_that_cannot_be_decided_is_said_once_and_never_pauses() -> None:
    pauses, problems, status = await _pauses("$.missing > 1")
    assert pauses == [] and status == "SUCCEEDED"
    assert len(problems) == 1
    assert "at Inner in Each[0]" in problems[0] and "no member 'missing'" in problems[0]
