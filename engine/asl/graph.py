"""The transition graph of one scope (a machine, a Parallel branch or a Map item processor)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import networkx as nx


class HasTransitions(Protocol):
    def transitions(self) -> list[tuple[str, str]]: ...

    @property
    def is_terminal(self) -> bool: ...


START = "\x00start"  # the entry pseudo-node; no state name can contain NUL


def scope_graph(start_at: Any, states: Mapping[str, HasTransitions]) -> nx.DiGraph:
    """A DiGraph of the scope's states.

    Nodes are state names (attributes: `terminal`, and `missing=True` for names that are
    targeted but not defined); the pseudo-node `START` points at StartAt. Edges carry `field`,
    the JSON Pointer suffix below the source state that names the target (e.g. `/Choices[0]/Next`).
    """
    graph = nx.DiGraph()
    for name, state in states.items():
        graph.add_node(name, terminal=state.is_terminal, missing=False)
    graph.add_node(START, terminal=False, missing=False)
    if isinstance(start_at, str):
        if start_at not in graph:
            graph.add_node(start_at, terminal=False, missing=True)
        graph.add_edge(START, start_at, field="/StartAt")
    for name, state in states.items():
        for field, target in state.transitions():
            if not isinstance(target, str):
                continue
            if target not in graph:
                graph.add_node(target, terminal=False, missing=True)
            if not graph.has_edge(name, target):
                graph.add_edge(name, target, field=_bracketed(field))
    return graph


def reachable_states(graph: nx.DiGraph) -> set[str]:
    """Names of the defined states reachable from the scope's StartAt."""
    reached = nx.descendants(graph, START)
    return {n for n in reached if not graph.nodes[n]["missing"]}


def _bracketed(field: str) -> str:
    """`/Choices/0/Next` -> `/Choices[0]/Next`, the form AWS uses in locations."""
    parts = field.split("/")
    out = ""
    for part in parts[1:]:
        out += f"[{part}]" if part.isdigit() else f"/{part}"
    return out
