"""Patterns, filter policies and the documents they read nest as deeply as Jackson reads, no deeper.

Both compilers and the event and message walks recurse a level at a time. Before the bound, a
pattern 600 levels deep made `statecanvas test-pattern` print "internal error: RecursionError", and
a deep pattern or filter policy sent to `statecanvas serve` was answered with InternalFailure.
Up to Jackson's 1,000 levels everything is read and matched; deeper documents are refused with
Jackson's message (patterns, policies) or, for an SNS message body, simply not filtered on.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_runner import run_cli

from engine.bus.pattern import InvalidEventPatternError, compile_pattern, test_event_pattern
from engine.messaging.sns.filter_policy import InvalidFilterPolicyError, test_filter_policy
from engine.values import MAX_NESTING_DEPTH, JsonSyntaxError, check_nesting, nesting_depth

EVENT = {
    "id": "1",
    "account": "123456789012",
    "source": "s",
    "time": "2026-01-01T00:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail-type": "d",
}


def nested_text(levels: int, leaf: str = '["x"]') -> str:
    """``levels`` objects around ``leaf``: {"a":{"a":...leaf...}}, built without recursion."""
    return '{"a":' * levels + leaf + "}" * levels


def nested_value(levels: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def test_depth_is_measured_in_text_and_in_values_without_recursion() -> None:
    assert nesting_depth('{"a": "[[[{{", "b": [1, {"c": []}]}') == 4
    assert nesting_depth(nested_value(50_000, [1])) == 50_001
    assert nesting_depth("[" * 200_000) == 200_000
    check_nesting(nested_text(MAX_NESTING_DEPTH - 1))
    with pytest.raises(JsonSyntaxError, match=r"Document nesting depth \(1001\) exceeds the maximum"):
        check_nesting(nested_text(MAX_NESTING_DEPTH))


@pytest.mark.parametrize("as_text", [True, False])
def test_a_pattern_at_jacksons_depth_compiles_and_matches_an_event_as_deep(as_text: bool) -> None:
    levels = MAX_NESTING_DEPTH - 1  # 999 objects around an array: 1,000 levels
    pattern: Any = nested_text(levels) if as_text else nested_value(levels, ["x"])
    compile_pattern(pattern)
    event = {**EVENT, "a": nested_value(levels - 1, "x")}
    assert test_event_pattern(pattern, json.dumps(event)) is True
    event["a"] = nested_value(levels - 1, "y")
    assert test_event_pattern(pattern, json.dumps(event)) is False


@pytest.mark.parametrize("levels", [MAX_NESTING_DEPTH, 100_000])
def test_a_deeper_pattern_is_refused_with_jacksons_words(levels: int) -> None:
    with pytest.raises(InvalidEventPatternError, match="Document nesting depth"):
        compile_pattern(nested_text(levels))
    if levels < 10_000:
        with pytest.raises(InvalidEventPatternError, match="Document nesting depth"):
            compile_pattern(nested_value(levels, ["x"]))


def test_filter_policies_nest_to_jacksons_depth_and_no_deeper() -> None:
    levels = MAX_NESTING_DEPTH - 1
    # SNS refuses a policy this deep as too complex; what matters is that it says so.
    with pytest.raises(InvalidFilterPolicyError, match="too complex"):
        test_filter_policy(nested_text(levels), "{}", scope="MessageBody")
    for policy in (nested_text(MAX_NESTING_DEPTH), nested_text(50_000)):
        with pytest.raises(InvalidFilterPolicyError, match="Document nesting depth"):
            test_filter_policy(policy, "{}", scope="MessageBody")


@pytest.mark.parametrize("levels", [900, MAX_NESTING_DEPTH + 5, 9_000, 100_000])
def test_a_deep_message_body_is_filtered_or_left_out_never_raised(levels: int) -> None:
    message = '{"b":' + nested_text(levels, '"x"') + "}"
    delivered = test_filter_policy('{"c": [{"exists": false}]}', message, scope="MessageBody")
    assert delivered is (levels < MAX_NESTING_DEPTH)


@pytest.mark.parametrize("levels", [600, 999, 5_000])
def test_cli_test_pattern_answers_deep_patterns(levels: int) -> None:
    event = json.dumps({**EVENT, "a": nested_value(min(levels, 998), "x")})
    done = run_cli(["test-pattern", "--event-pattern", nested_text(levels), "--event", event, "--explain"])
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    if levels < MAX_NESTING_DEPTH:
        assert done.returncode == 0 and json.loads(done.stdout)["Result"] is (levels == 999)
    else:
        assert done.returncode == 2 and "Document nesting depth" in done.stderr
