"""The EventBridge TestEventPattern corpus recorded against AWS: every case, counted.

Each case gives a pattern and an event (``*_wire`` is the exact text sent to AWS; it matters
where a key repeats) and AWS's answer: true, false, InvalidEventPatternException with AWS's
reason, or ValidationException for a bad event.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.bus import InvalidEventError, InvalidEventPatternError, RuleSet, explain, test_event_pattern

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "event-patterns"


def _cases() -> list[dict[str, Any]]:
    if not CORPUS.is_dir():
        pytest.skip(f"the event-pattern corpus is not at {CORPUS}; conformance tests skipped")
    cases = []
    for path in sorted(CORPUS.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        case["_file"] = path.name
        cases.append(case)
    return cases


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


def test_event_pattern_corpus(report_figure: Any) -> None:
    cases = _cases()
    failures = []
    for case in cases:
        ok, why = _agrees(case)
        if not ok:
            failures.append(f"{case['_file']}: {why}")
    passed = len(cases) - len(failures)
    report_figure(f"event patterns: {passed}/{len(cases)}")
    print(f"event patterns: {passed}/{len(cases)}")
    assert not failures, "\n".join(failures)


def test_corpus_through_ruleset_and_explain() -> None:
    """The same verdicts through RuleSet (one rule per case, all cases in one set) and explain."""
    cases = [c for c in _cases() if isinstance(c["expected"], bool)]
    rules = RuleSet({c["_file"]: _wire(c, "pattern") for c in cases})
    for case in cases:
        event = _wire(case, "event")
        assert (case["_file"] in rules.matches(event)) is case["expected"], case["_file"]
        assert (explain(_wire(case, "pattern"), event) == []) is case["expected"], case["_file"]
