"""Put-event templates for the Choreography panel: one realistic event per rule.

An empty `Detail` matches a rule's pattern but makes every consumer fail on its first field, so
a template is built from what the project itself says an event carries:

1. the rule's pattern gives Source, DetailType and any detail fields it tests;
2. the state machine that puts this event (an `events:putEvents` Task with that Source and
   DetailType) gives the detail's shape: literal fields as written, and `key.$` paths (or a
   `Detail.$` path or JsonMerge of paths) resolved against that machine's default input or,
   when it has none, against the event that starts it;
3. when nothing in the project produces the event, the machines it reaches (directly or
   through a queue) give the detail fields they read (`$.detail.X`, `$states.input.detail.X`),
   with placeholder values.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from designer.panels.pattern_sandbox import event_from_pattern
from engine.project import Project, RuleSpec

PLACEHOLDER = "example"
_JSONPATH_DETAIL = re.compile(r"^\$\.detail\.([A-Za-z_][\w-]*)")
_JSONATA_DETAIL = re.compile(r"\$states\.input\.detail\.([A-Za-z_]\w*)")
_SIMPLE_PATH = re.compile(r"^\$((?:\.[A-Za-z_][\w-]*)*)$")
_MISSING = object()


def event_templates(project: Project, definitions: dict[str, dict[str, Any]]) -> list[tuple[str, list[Any]]]:
    """(label, [PutEvents entry]) for every rule with an event pattern, in the project's order."""
    out = []
    templates = _Templates(project, definitions)
    for name in project.rules:
        entry = templates.entry(name, frozenset())
        if entry is not None:
            out.append((f"{name} ({entry['DetailType']})", [entry]))
    return out


class _Templates:
    def __init__(self, project: Project, definitions: dict[str, dict[str, Any]]) -> None:
        self.project = project
        self.definitions = definitions

    def entry(self, rule_name: str, seen: frozenset[str]) -> dict[str, Any] | None:
        """The template entry for a rule; `seen` stops a loop of machines feeding each other."""
        rule = self.project.rules[rule_name]
        if rule.event_pattern is None or rule_name in seen:
            return None
        event = event_from_pattern(rule.event_pattern)
        source, detail_type = event.get("source"), event.get("detail-type")
        if not isinstance(source, str) or not isinstance(detail_type, str):
            return None
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
        produced = self.produced_detail(source, detail_type, seen | {rule_name})
        if produced is None:
            produced = _detail_fields_read(self.project, self.definitions, rule)
        return {
            "EventBusName": rule.bus,
            "Source": source,
            "DetailType": detail_type,
            "Detail": _merge(produced, detail),
        }

    def produced_detail(self, source: str, detail_type: str, seen: frozenset[str]) -> dict[str, Any] | None:
        """The detail a machine of the project puts for (source, detail type), or None."""
        for machine, definition in self.definitions.items():
            for entry in _put_entries(definition):
                if entry.get("Source") != source or entry.get("DetailType") != detail_type:
                    continue
                sample = self.sample_input(machine, seen)
                template = entry.get("Detail")
                if isinstance(template, dict):
                    return _fill(template, sample)
                merged = _resolve_merge(entry.get("Detail.$"), sample)
                if merged is not None:
                    return merged
        return None

    def sample_input(self, machine: str, seen: frozenset[str]) -> Any:
        """The machine's default input, or else the event that starts it (as its input)."""
        spec = self.project.state_machines.get(machine)
        if spec is not None and spec.default_input is not None:
            return spec.default_input
        for name, rule in self.project.rules.items():
            if machine in _machines_started(self.project, rule):
                entry = self.entry(name, seen)
                if entry is not None:
                    return {
                        "source": entry["Source"],
                        "detail-type": entry["DetailType"],
                        "detail": entry["Detail"],
                    }
        return None


def _merge(base: dict[str, Any], pattern_fields: dict[str, Any]) -> dict[str, Any]:
    """The produced detail with the fields the pattern tests set so that the pattern matches."""
    merged = copy.deepcopy(base)
    for key, value in pattern_fields.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# -- the producer ---------------------------------------------------------------------------------


def _put_entries(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The PutEvents entries of every events:putEvents Task in a definition."""
    for state in _states(definition):
        if "events:putEvents" not in str(state.get("Resource", "")):
            continue
        arguments = state.get("Parameters") or state.get("Arguments")
        entries = arguments.get("Entries") if isinstance(arguments, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                yield entry


def _resolve_merge(expression: Any, sample: Any) -> dict[str, Any] | None:
    """`Detail.$` as a path, or as States.JsonMerge of paths: what of it the sample can tell."""
    if not isinstance(expression, str):
        return None
    merge = re.fullmatch(r"States\.JsonMerge\(\s*([^,]+?)\s*,\s*([^,]+?)\s*,\s*false\s*\)", expression)
    parts = [merge.group(1), merge.group(2)] if merge else [expression]
    out: dict[str, Any] = {}
    for part in parts:
        value = _resolve(part, sample)
        if isinstance(value, dict):
            out.update(copy.deepcopy(value))
    return out or None


def _fill(template: dict[str, Any], sample: Any) -> dict[str, Any]:
    """A payload template with `key.$` paths resolved against `sample`; fields that cannot be known
    (context paths, intrinsic functions, JSONata, values the sample lacks) are left out."""
    out: dict[str, Any] = {}
    for key, value in template.items():
        if key.endswith(".$"):
            resolved = _resolve(value, sample) if isinstance(value, str) else _MISSING
            if resolved is not _MISSING:
                out[key[:-2]] = copy.deepcopy(resolved)
        elif isinstance(value, dict):
            out[key] = _fill(value, sample)
        elif not (isinstance(value, str) and value.startswith("{%")):
            out[key] = copy.deepcopy(value)
    return out


def _resolve(path: str, sample: Any) -> Any:
    match = _SIMPLE_PATH.match(path)
    if match is None or sample is None:
        return _MISSING
    value = sample
    for part in filter(None, match.group(1).split(".")):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


# -- the consumers --------------------------------------------------------------------------------


def _machines_started(project: Project, rule: RuleSpec) -> list[str]:
    """The state machines a rule's targets start, directly or through a queue's consumer."""
    machines: list[str] = []
    for target in rule.targets:
        kind, _, name = str(target.target).partition(":")
        if kind == "stateMachine":
            machines.append(name)
        elif kind == "queue":
            for consumer in project.consumers:
                queue = str(consumer.queue).split(":")[-1]
                consumer_kind, _, consumer_name = str(consumer.target).partition(":")
                if queue == name and consumer_kind == "stateMachine":
                    machines.append(consumer_name)
    return machines


def _detail_fields_read(
    project: Project, definitions: dict[str, dict[str, Any]], rule: RuleSpec
) -> dict[str, Any]:
    """The detail fields read by the machines the rule's targets start (directly or via a queue),
    with a placeholder each: a list for a field a Map iterates, text otherwise."""
    fields: dict[str, Any] = {}
    for machine in _machines_started(project, rule):
        for key, text in _strings(definitions.get(machine) or {}):
            for found in (_JSONPATH_DETAIL.match(text), *_JSONATA_DETAIL.finditer(text)):
                if found is None:
                    continue
                field = found.group(1)
                if key in ("ItemsPath", "Items"):
                    fields[field] = []
                else:
                    fields.setdefault(field, PLACEHOLDER)
    return fields


def _states(scope: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for state in (scope.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        yield state
        for branch in state.get("Branches") or []:
            if isinstance(branch, dict):
                yield from _states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from _states(state[key])


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(field name, text) of every string in a definition."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
