"""Loading and writing every corpus definition gives back the same JSON value, one test per case."""

from __future__ import annotations

import json
from typing import Any

import pytest
from corpus_cases import asl_cases, asl_params, case_id
from figures import Figures

from engine.asl import RawState, dump_definition, load_definition, load_state
from engine.asl.model import MapState, ParallelState

OBJECT_DEFINITIONS = asl_params(lambda case: isinstance(case["definition"], dict))
EXECUTIONS = asl_params(lambda case: case["kind"] == "execution")
# Whole machines among the first 200 cases by file name: a sample, as writing twice is slow.
_FIRST = {case["_file"] for case in asl_cases()[:200]}
STABLE = asl_params(
    lambda case: (
        case["_file"] in _FIRST and isinstance(case["definition"], dict) and "Type" not in case["definition"]
    )
)


def _raw_states(machine: Any) -> list[str]:
    found = []
    for name, state in (machine.states or {}).items():
        if isinstance(state, RawState):
            found.append(name)
        elif isinstance(state, ParallelState):
            for branch in state.branches:
                found += _raw_states(branch)
        elif isinstance(state, MapState) and state.processor is not None:
            found += _raw_states(state.processor)
    return found


def _render_round_trip(outcomes: list[bool]) -> list[str]:
    return [f"round trip (load, write canonical JSON, compare): {sum(outcomes)}/{len(outcomes)}"]


@pytest.mark.parametrize("case", OBJECT_DEFINITIONS)
def test_object_definition_round_trips(case: dict[str, Any], figures: Figures) -> None:
    definition = case["definition"]
    if "Type" in definition and "States" not in definition:
        written = load_state(definition).to_json()  # a lone state, as TestState takes it
    else:
        written = json.loads(dump_definition(load_definition(definition)))
    figures.record(
        "round trip",
        case_id(case),
        written == definition,
        render=_render_round_trip,
        total=len(OBJECT_DEFINITIONS),
    )
    assert written == definition


@pytest.mark.parametrize("case", EXECUTIONS)
def test_runnable_definition_loads_into_typed_models(case: dict[str, Any]) -> None:
    """Definitions AWS ran parse into the typed models, not the raw fallback."""
    assert not _raw_states(load_definition(case["definition"]))


@pytest.mark.parametrize("case", STABLE)
def test_canonical_text_is_stable(case: dict[str, Any]) -> None:
    """Writing what was read from canonical text gives the same text."""
    once = dump_definition(load_definition(case["definition"]))
    assert dump_definition(load_definition(once)) == once
