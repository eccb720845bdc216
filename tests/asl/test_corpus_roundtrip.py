"""Loading and writing every corpus definition gives back the same JSON value."""

from __future__ import annotations

import json
from typing import Any

from engine.asl import RawState, dump_definition, load_definition, load_state
from engine.asl.model import MapState, ParallelState


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


def test_every_object_definition_round_trips(asl_cases, report_figure) -> None:
    definitions = [c for c in asl_cases if isinstance(c["definition"], dict)]
    differ = []
    for case in definitions:
        definition = case["definition"]
        if "Type" in definition and "States" not in definition:
            written = load_state(definition).to_json()  # a lone state, as TestState takes it
        else:
            written = json.loads(dump_definition(load_definition(definition)))
        if written != definition:
            differ.append(case["_file"])
    report_figure(
        f"round trip (load, write canonical JSON, compare): "
        f"{len(definitions) - len(differ)}/{len(definitions)}"
    )
    assert not differ, differ


def test_runnable_definitions_load_into_typed_models(asl_cases) -> None:
    """Definitions AWS ran parse into the typed models, not the raw fallback."""
    untyped = []
    for case in asl_cases:
        if case["kind"] != "execution":
            continue
        machine = load_definition(case["definition"])
        raw = _raw_states(machine)
        if raw:
            untyped.append(f"{case['_file']}: {raw}")
    assert not untyped, "\n".join(untyped)


def test_canonical_text_is_stable(asl_cases) -> None:
    """Writing what was read from canonical text gives the same text."""
    for case in asl_cases[:200]:
        definition = case["definition"]
        if not isinstance(definition, dict) or "Type" in definition:
            continue
        once = dump_definition(load_definition(definition))
        assert dump_definition(load_definition(once)) == once
