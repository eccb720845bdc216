"""A definition that validates never raises inside the engine: run, TestState and export.

Hypothesis draws definitions from right and wrong values for every field (see
`definition_strategies`); validation refuses many, and each one it accepts must run, test-state
and export with every failure reported as AWS reports it, never as an exception. The budget here
is short; `scripts/fuzz_engine.py` runs the same targets for as long as it is given.
"""

from __future__ import annotations

from typing import Any

from definition_strategies import definitions, inputs
from hypothesis import HealthCheck, given, settings
from never_raises_targets import Tally, check_definition

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@_SETTINGS
@given(definitions(), inputs())
def test_accepted_definitions_run_and_test_state_without_raising(
    definition: dict[str, Any], data: Any
) -> None:
    tally = Tally()
    check_definition(definition, data, tally, export=False)
    assert not tally.failures, tally.failures[0]


@settings(_SETTINGS, max_examples=10)
@given(definitions(), inputs())
def test_accepted_definitions_export_without_raising(definition: dict[str, Any], data: Any) -> None:
    tally = Tally()
    check_definition(definition, data, tally, export=True)
    assert not tally.failures, tally.failures[0]
