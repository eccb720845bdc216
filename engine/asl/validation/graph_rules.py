"""Graph rules: transitions to missing states, unreachable states, no way to end."""

from __future__ import annotations

from typing import Any

from engine.asl.diagnostics import MISSING_END_STATE, MISSING_TRANSITION_TARGET
from engine.asl.graph import START, reachable_states, scope_graph
from engine.asl.model.containers import RawState
from engine.asl.validation import messages as msg
from engine.asl.validation.checker import Checker


def check_graphs(checker: Checker, definition: dict[str, Any]) -> None:
    """Check the machine's scope, then every nested scope, in document order."""
    states = definition.get("States") or {}
    views = {name: RawState(state, "") for name, state in states.items()}
    graph = scope_graph(definition.get("StartAt"), views)
    _report_missing_targets(checker, graph, "")
    if not any(view.is_terminal for view in views.values()):
        # AWS reports this instead of the unreachable states (and only for the machine itself).
        checker.error(msg.NO_TERMINAL_STATE, None, code=MISSING_END_STATE)
    else:
        _report_unreachable(checker, graph, views, "")
    _check_nested(checker, states, "")


def _check_scope(checker: Checker, scope: dict[str, Any], loc: str) -> None:
    states = scope.get("States") or {}
    views = {name: RawState(state, "") for name, state in states.items()}
    graph = scope_graph(scope.get("StartAt"), views)
    _report_missing_targets(checker, graph, loc)
    _report_unreachable(checker, graph, views, loc)
    _check_nested(checker, states, loc)


def _check_nested(checker: Checker, states: dict[str, Any], loc: str) -> None:
    for name, state in states.items():
        where = f"{loc}/States/{name}"
        for i, branch in enumerate(state.get("Branches") or []):
            _check_scope(checker, branch, f"{where}/Branches[{i}]")
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                _check_scope(checker, state[key], f"{where}/{key}")


def _report_missing_targets(checker: Checker, graph: Any, loc: str) -> None:
    for source, target, data in graph.edges(data=True):
        if graph.nodes[target]["missing"]:
            where = f"{loc}{data['field']}" if source == START else f"{loc}/States/{source}{data['field']}"
            checker.error(msg.missing_target(target), where, code=MISSING_TRANSITION_TARGET)


def _report_unreachable(checker: Checker, graph: Any, views: dict[str, RawState], loc: str) -> None:
    reached = reachable_states(graph)
    for name in views:
        if name not in reached:
            checker.error(msg.unreachable(name), f"{loc}/States/{name}", code=MISSING_TRANSITION_TARGET)
