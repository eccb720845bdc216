"""Where a state lives in a definition, written as the engine writes diagnostic locations.

A state's path is the location of its object: `/States/Check` at the top level,
`/States/P/Branches[0]/States/Y` inside a Parallel branch, `/States/M/ItemProcessor/States/Z`
inside a Map. Using the diagnostics' own form means a diagnostic maps to its state by prefix.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.asl import parse_location, pointer

Segment = str | int
Scope = tuple[Segment, ...]  # path from the definition root to an object holding StartAt/States

PROCESSOR_KEYS = ("ItemProcessor", "Iterator")


@dataclass(frozen=True, slots=True)
class StateAddress:
    """One state of one machine: the scope holding it and its name."""

    machine: str
    scope: Scope
    name: str

    @property
    def path(self) -> str:
        return state_path(self.scope, self.name)

    @property
    def segments(self) -> tuple[Segment, ...]:
        return (*self.scope, "States", self.name)

    @property
    def layout_key(self) -> str:
        return f"stateMachine:{self.machine}{self.path}"

    @classmethod
    def parse(cls, machine: str, path: str) -> StateAddress:
        scope, name = split_state_path(path)
        return cls(machine, scope, name)


def state_path(scope: Scope, name: str) -> str:
    return pointer(*scope, "States", name)


def split_state_path(path: str) -> tuple[Scope, str]:
    segments = parse_location(path)
    if len(segments) < 2 or segments[-2] != "States" or not isinstance(segments[-1], str):
        raise ValueError(f"not a state path: {path!r}")
    return tuple(segments[:-2]), segments[-1]


def get_in(root: Any, segments: tuple[Segment, ...] | list[Segment]) -> Any:
    """The value at `segments`, or None when any step is missing or of the wrong shape."""
    value = root
    for seg in segments:
        if isinstance(seg, int):
            if not isinstance(value, list) or seg >= len(value):
                return None
        elif not isinstance(value, dict) or seg not in value:
            return None
        value = value[seg]
    return value


def scope_states(definition: Any, scope: Scope) -> dict[str, Any]:
    states = get_in(definition, (*scope, "States"))
    return states if isinstance(states, dict) else {}


def child_scopes(state_segments: tuple[Segment, ...], state: Any) -> list[Scope]:
    """The scopes a container state holds: one per Parallel branch, or the Map's item processor."""
    if not isinstance(state, dict):
        return []
    out: list[Scope] = []
    if state.get("Type") == "Parallel" and isinstance(state.get("Branches"), list):
        out += [
            (*state_segments, "Branches", i) for i, b in enumerate(state["Branches"]) if isinstance(b, dict)
        ]
    if state.get("Type") == "Map":
        for key in PROCESSOR_KEYS:
            if isinstance(state.get(key), dict):
                out.append((*state_segments, key))
                break
    return out


def iter_states(definition: Any, scope: Scope = ()) -> Iterator[tuple[Scope, str, Any]]:
    """Every state of a definition, depth first, as (scope, name, state value)."""
    for name, state in scope_states(definition, scope).items():
        yield scope, name, state
        for inner in child_scopes((*scope, "States", name), state):
            yield from iter_states(definition, inner)


def all_state_names(definition: Any) -> set[str]:
    return {name for _, name, _ in iter_states(definition)}


def owning_state(location: str | None) -> str | None:
    """The path of the innermost state a diagnostic location points into, if any."""
    if not location or not location.startswith("/"):
        return None
    segments = parse_location(location)
    best: str | None = None
    for i in range(len(segments) - 1):
        if segments[i] == "States" and isinstance(segments[i + 1], str):
            best = pointer(*segments[: i + 2])
    return best


def unique_name(base: str, taken: set[str]) -> str:
    """`base`, or `base 2`, `base 3`...: the first not taken (state names are machine-wide)."""
    if base not in taken:
        return base
    n = 2
    while f"{base} {n}" in taken:
        n += 1
    return f"{base} {n}"
