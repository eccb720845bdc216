"""A group of new states and resources put into the document in one edit (a palette pattern).

`PatternGroup` is what a pattern adds: states for one scope, with the entry a transition is
pointed at and the exit that goes on to the old target, event resources, subscriptions, and
where each part goes relative to the drop point. Names come from the `Namer`, so a group added
twice gets `Call service 2`, `jobs-2` and the references between its parts follow. Groups are
written in JSONPath; `to_jsonata` rewrites a state for a machine whose QueryLanguage is JSONata.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from designer.document.templates import unique_resource_name
from engine.asl import unique_name

Offset = tuple[float, float]


@dataclass
class PatternGroup:
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # one scope, insertion order
    entry: str | None = None  # where the flow comes in
    exit: str | None = None  # the state whose Next continues the flow (None: the group ends it)
    resources: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (kind, name, spec)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    offsets: dict[str, Offset] = field(default_factory=dict)  # state name or "kind:name" -> offset


class Namer:
    """Unique names for a group's parts, given what the project already holds."""

    def __init__(self, state_names: set[str], resource_names: dict[str, set[str]], project: Any) -> None:
        self.states = set(state_names)
        self.resources = {k: set(v) for k, v in resource_names.items()}
        self.project = project

    def state(self, base: str) -> str:
        name = unique_name(base, self.states)
        self.states.add(name)
        return name

    def resource(self, kind: str, base: str) -> str:
        taken = self.resources.setdefault(kind, set())
        name = unique_resource_name(base, taken)
        taken.add(name)
        return name

    def existing(self, kind: str) -> list[str]:
        return sorted(self.resources.get(kind, set()))

    def arn(self, service: str, resource: str) -> str:
        account = getattr(self.project, "account", "123456789012")
        region = getattr(self.project, "region", "us-east-1")
        return f"arn:aws:{service}:{region}:{account}:{resource}"


def _jsonata_text(path: str) -> str:
    if path.startswith("$$."):
        return "{% $states.context." + path[3:] + " %}"
    if path == "States.UUID()":
        return "{% $uuid() %}"
    if path == "$":
        return "{% $states.input %}"
    return "{% $states.input." + path.removeprefix("$.") + " %}"


def _template_to_jsonata(value: Any, source: str = "input") -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.endswith(".$") and isinstance(item, str):
                text = _jsonata_text(item)
                if source == "result":
                    text = text.replace("$states.input", "$states.result")
                out[key[:-2]] = text
            else:
                out[key] = _template_to_jsonata(item, source)
        return out
    if isinstance(value, list):
        return [_template_to_jsonata(v, source) for v in value]
    return value


def to_jsonata(state: dict[str, Any]) -> dict[str, Any]:
    """A pattern state rewritten for a JSONata machine (the JSONPath fields it uses, translated)."""
    state = copy.deepcopy(state)
    if state.get("Type") == "Pass" and "Parameters" in state:
        state["Output"] = _template_to_jsonata(state.pop("Parameters"))
    if "Parameters" in state:
        state["Arguments"] = _template_to_jsonata(state.pop("Parameters"))
    selector = state.pop("ResultSelector", None)
    result_path = state.pop("ResultPath", None)
    if isinstance(result_path, str) and result_path.startswith("$."):
        key = result_path[2:]
        result = "$states.result"
        if isinstance(selector, dict):
            parts = ", ".join(
                f"'{k}': {_template_to_jsonata({k + '.$': v}, 'result')[k][3:-3]}"
                for k, v in selector.items()
            )
            result = "{" + parts + "}"
        state["Output"] = "{% $merge([$states.input, {'" + key + "': " + result + "}]) %}"
    if "ItemsPath" in state:
        state["Items"] = _jsonata_text(state.pop("ItemsPath"))
    for catcher in state.get("Catch") or []:
        path = catcher.pop("ResultPath", None)
        if isinstance(path, str) and path.startswith("$."):
            catcher["Output"] = "{% $merge([$states.input, {'" + path[2:] + "': $states.errorOutput}]) %}"
    for key in ("ItemProcessor",):
        if isinstance(state.get(key), dict):
            inner = state[key].get("States") or {}
            state[key]["States"] = {k: to_jsonata(v) for k, v in inner.items()}
    for branch in state.get("Branches") or []:
        branch["States"] = {k: to_jsonata(v) for k, v in (branch.get("States") or {}).items()}
    return state
