"""The EventBridge TestEventPattern corpus recorded against AWS: one test per case, counted.

Each case gives a pattern and an event (``*_wire`` is the exact text sent to AWS; it matters
where a key repeats) and AWS's answer: true, false, InvalidEventPatternException with AWS's
reason, or ValidationException for a bad event.
"""

from __future__ import annotations

from typing import Any

import pytest
from corpus_cases import EVENT_PATTERNS, case_id, folder_cases, params
from figures import Figures

from engine.bus import InvalidEventError, InvalidEventPatternError, RuleSet, explain, test_event_pattern

CASES = params(EVENT_PATTERNS.is_dir(), EVENT_PATTERNS, lambda: folder_cases(EVENT_PATTERNS))
VERDICTS = params(
    EVENT_PATTERNS.is_dir(),
    EVENT_PATTERNS,
    lambda: [c for c in folder_cases(EVENT_PATTERNS) if isinstance(c["expected"], bool)],
)


def _wire(case: dict[str, Any], key: str) -> Any:
    wire = case.get(f"{key}_wire")
    return wire if isinstance(wire, str) else case[key]


def _outcome(case: dict[str, Any]) -> tuple[object, str | None]:
    try:
        return test_event_pattern(_wire(case, "pattern"), _wire(case, "event")), None
    except InvalidEventPatternError as exc:
        return exc.code, str(exc)
    except InvalidEventError as exc:
        return exc.code, str(exc)


def _agrees(case: dict[str, Any]) -> tuple[bool, str]:
    got, message = _outcome(case)
    expected = case["expected"]
    if isinstance(expected, bool):
        return got is expected, f"expected {expected}, got {got} {message or ''}"
    want = case["error"]["message"]
    return (got == expected and message == want), f"expected {expected}: {want!r}, got {got}: {message!r}"


def _render(outcomes: list[bool]) -> list[str]:
    return [f"event patterns: {sum(outcomes)}/{len(outcomes)}"]


@pytest.mark.parametrize("case", CASES)
def test_event_pattern_case_agrees_with_aws(case: dict[str, Any], figures: Figures) -> None:
    ok, why = _agrees(case)
    figures.record("event patterns", case_id(case), ok, render=_render, total=len(CASES))
    assert ok, why


@pytest.fixture(scope="module")
def all_rules() -> RuleSet:
    """One rule per case that has a verdict, every such case in one set."""
    cases = [c for c in folder_cases(EVENT_PATTERNS) if isinstance(c["expected"], bool)]
    return RuleSet({c["_file"]: _wire(c, "pattern") for c in cases})


@pytest.mark.parametrize("case", VERDICTS)
def test_case_verdict_through_ruleset_and_explain(case: dict[str, Any], all_rules: RuleSet) -> None:
    """The same verdict through RuleSet (all cases' rules in one set) and explain."""
    event = _wire(case, "event")
    assert (case["_file"] in all_rules.matches(event)) is case["expected"]
    assert (explain(_wire(case, "pattern"), event) == []) is case["expected"]
