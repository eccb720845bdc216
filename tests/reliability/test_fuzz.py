"""Short fuzzing of every parser and of run / test-state / put-events (the long run is
scripts/fuzz_reliability.py). Each target must keep its contract on every generated input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fuzz_targets as targets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
CLI = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def _tallied(target: str, check: Any, sample: Any) -> None:
    tally = targets.Tally()
    tally.record(target, sample, check)
    assert not tally.failures, tally.failures[0]


@FAST
@given(targets.json_texts)
def test_strict_json(text: str) -> None:
    _tallied("strict json", targets.strict_json, text)


@FAST
@given(targets.yaml_texts)
def test_definition_loader(text: str) -> None:
    _tallied("definition loader", targets.definition_loader, text)


@FAST
@given(targets.path_texts)
def test_jsonpath(text: str) -> None:
    _tallied("jsonpath", targets.jsonpath, text)


@FAST
@given(targets.intrinsic_texts)
def test_intrinsic_parser(text: str) -> None:
    _tallied("intrinsic parser", targets.intrinsic, text)


@FAST
@given(targets.regex_texts)
def test_user_regex(pattern: str) -> None:
    _tallied("user regex", targets.user_regex, pattern)


@FAST
@given(st.tuples(targets.subjects, targets.wildcards))
def test_string_matches_agrees_with_the_regex_reading(pair: tuple[str, str]) -> None:
    _tallied("StringMatches", targets.string_matches, pair)


@FAST
@given(st.lists(targets.json_values, max_size=12))
def test_array_unique_agrees_with_pairwise_equality(items: list[Any]) -> None:
    _tallied("ArrayUnique", targets.array_unique, items)


@FAST
@given(st.tuples(targets.pattern_values, targets.json_values))
def test_event_pattern(pair: tuple[Any, Any]) -> None:
    _tallied("event pattern", targets.event_pattern, pair)


@FAST
@given(st.tuples(targets.pattern_values, targets.json_values))
def test_filter_policy(pair: tuple[Any, Any]) -> None:
    _tallied("filter policy", targets.filter_policy, pair)


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return targets.machine_files(tmp_path_factory.mktemp("machines"))


@CLI
@given(st.sampled_from(sorted(targets._MACHINES)), targets.json_texts)
def test_cli_run(machines: dict[str, Path], name: str, text: str) -> None:
    _tallied("run", targets.cli_run, (machines[name], text))


@CLI
@given(st.sampled_from(sorted(targets._MACHINES)), targets.json_texts, targets.json_texts)
def test_cli_test_state(machines: dict[str, Path], name: str, text: str, mock: str) -> None:
    _tallied("test-state", targets.cli_test_state, (machines[name], text, mock))


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(targets.json_texts)
def test_cli_put_events(text: str) -> None:
    _tallied("put-events", targets.cli_put_events, text)
