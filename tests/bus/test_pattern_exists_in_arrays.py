"""`exists: false` beside other fields inside an array of objects: one element must satisfy them all.

EventBridge (event-ruler) matches such a pattern when some element of the array has the other
fields and lacks the absent one; a field present elsewhere in the array does not spoil it.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import RuleSet, test_event_pattern

ENVELOPE = {
    "id": "1",
    "account": "1",
    "source": "s",
    "time": "2024-01-01T00:00:00Z",
    "region": "r",
    "detail-type": "t",
}
PATTERN = {"detail": {"d": {"a": [{"exists": True}], "b": [{"exists": False}]}}}


@pytest.mark.parametrize(
    "detail, expected",
    [
        ({"d": [{"a": 1, "b": 2}, {"a": 3}]}, True),  # the second element has a and lacks b
        ({"d": [{"a": 3}, {"a": 1, "b": 2}]}, True),
        ({"d": [{"a": 1}]}, True),
        ({"d": {"a": 1}}, True),
        ({"d": [{"a": 1, "b": 2}]}, False),
        ({"d": [{"b": 1}, {"a": 2, "b": 3}]}, False),  # the only element with a has b too
        ({"d": [{"a": 1, "b": 2}, {"c": 3}]}, False),  # the element without b has no a
        ({"d": {"a": 1, "b": 2}}, False),
    ],
)
def test_exists_false_is_decided_within_the_element_the_other_fields_matched(
    detail: dict[str, Any], expected: bool
) -> None:
    event = {**ENVELOPE, "detail": detail}
    assert test_event_pattern(PATTERN, event) is expected
    assert (RuleSet({"r": PATTERN}).matches(event) == ["r"]) is expected


def test_values_and_absence_in_one_element() -> None:
    pattern = {"detail": {"items": {"status": ["open"], "closedAt": [{"exists": False}]}}}
    event = {
        **ENVELOPE,
        "detail": {"items": [{"status": "open", "closedAt": "x"}, {"status": "done"}, {"status": "open"}]},
    }
    assert test_event_pattern(pattern, event)
    event["detail"]["items"].pop()
    assert not test_event_pattern(pattern, event)


def test_exists_false_alone_still_wants_the_path_absent_from_the_whole_event() -> None:
    pattern = {"detail": {"d": {"b": [{"exists": False}]}}}
    assert not test_event_pattern(pattern, {**ENVELOPE, "detail": {"d": [{"a": 1, "b": 2}, {"a": 3}]}})
    assert test_event_pattern(pattern, {**ENVELOPE, "detail": {"d": [{"a": 1}]}})
