"""Plans of definition edits: each function returns the list of changes one user edit makes.

Plans work on a scratch copy so that each change is computed against the result of the ones
before it; the document applies them for real when the undo command runs. The rules about
transitions live here (and only here): which fields name a target, how a removal re-links
its predecessors, how a rename follows every reference.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.document.patch import MISSING, Change, Root, read, set_change, write
from engine.asl import Scope, Segment, StateAddress, all_state_names, scope_states, unique_name

END_CAPABLE = ("Pass", "Task", "Wait", "Parallel", "Map")
CONNECT_KINDS = ("next", "choice", "default", "catch")


class EditRefused(ValueError):
    """An edit that would make no sense (a duplicate name, a Succeed with a Next...)."""


class Plan:
    """Changes to one root, computed one after another on a working copy."""

    def __init__(self, root: Root, machine: str, data: Any) -> None:
        self.root: Root = root
        self.machine = machine
        self.work = copy.deepcopy(data)
        self.changes: list[Change] = []

    def get(self, path: tuple[Segment, ...]) -> Any:
        return read(self.work, path)

    def set(self, path: tuple[Segment, ...], value: Any, index: int | None = None) -> None:
        change = set_change(self.root, self.machine, self.work, path, value, index)
        if change.old is MISSING and change.new is MISSING:
            return
        if change.old == change.new and change.old is not MISSING:
            return
        write(self.work, path, value, index)
        self.changes.append(change)


def references(state: Any) -> list[tuple[tuple[Segment, ...], str]]:
    """(path below the state, target) for each field of `state` that names a state of its scope."""
    if not isinstance(state, dict):
        return []
    out: list[tuple[tuple[Segment, ...], str]] = []
    if isinstance(state.get("Next"), str):
        out.append((("Next",), state["Next"]))
    if isinstance(state.get("Default"), str):
        out.append((("Default",), state["Default"]))
    for key in ("Choices", "Catch"):
        items = state.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("Next"), str):
                    out.append(((key, i, "Next"), item["Next"]))
    return out


def add_state(definition: dict[str, Any], address: StateAddress, value: Any) -> list[Change]:
    plan = Plan("definition", address.machine, definition)
    if address.name in all_state_names(definition):
        raise EditRefused(f"a state named {address.name!r} already exists in this state machine")
    if not isinstance(plan.get((*address.scope, "States")), dict):
        plan.set((*address.scope, "States"), {})
    if not isinstance(plan.get((*address.scope, "StartAt")), str) or not scope_states(
        plan.work, address.scope
    ):
        plan.set((*address.scope, "StartAt"), address.name)
    plan.set(address.segments, value)
    return plan.changes


def remove_state(definition: dict[str, Any], address: StateAddress) -> list[Change]:
    """Remove a state and re-link what pointed at it to its own Next, when it had one."""
    plan = Plan("definition", address.machine, definition)
    states = scope_states(definition, address.scope)
    if address.name not in states:
        raise EditRefused(f"no state named {address.name!r}")
    removed = states[address.name]
    successor = removed.get("Next") if isinstance(removed, dict) else None
    if successor not in states or successor == address.name:
        successor = None
    for name, state in states.items():
        if name == address.name:
            continue
        base = (*address.scope, "States", name)
        # Walk indices from the end so that deleting a rule does not shift the next one.
        for field, target in reversed(references(state)):
            if target != address.name:
                continue
            if successor is not None:
                plan.set((*base, *field), successor)
            elif field == ("Next",):
                plan.set((*base, "Next"), MISSING)
                if state.get("Type") in END_CAPABLE:
                    plan.set((*base, "End"), True)
            elif field == ("Default",):
                plan.set((*base, "Default"), MISSING)
            else:
                # Replace the whole list: list elements are never deleted one by one, so undo
                # never has to guess whether an index means "replace" or "insert".
                items = [item for i, item in enumerate(plan.get((*base, field[0]))) if i != field[1]]
                plan.set((*base, field[0]), items or MISSING)
    if plan.get((*address.scope, "StartAt")) == address.name:
        others = [n for n in states if n != address.name]
        plan.set((*address.scope, "StartAt"), successor or (others[0] if others else MISSING))
    plan.set(address.segments, MISSING)
    return plan.changes


def rename_state(definition: dict[str, Any], address: StateAddress, new_name: str) -> list[Change]:
    new_name = new_name.strip()
    if not new_name:
        raise EditRefused("a state needs a name")
    if len(new_name) > 80:
        raise EditRefused("state names are at most 80 characters")
    if new_name == address.name:
        return []
    if new_name in all_state_names(definition):
        raise EditRefused(f"a state named {new_name!r} already exists in this state machine")
    plan = Plan("definition", address.machine, definition)
    states = scope_states(definition, address.scope)
    index = list(states).index(address.name)
    value = copy.deepcopy(states[address.name])
    for field, target in references(value):
        if target == address.name:
            write(value, field, new_name)
    plan.set(address.segments, MISSING)
    plan.set((*address.scope, "States", new_name), value, index)
    # Apply the references of other states now that the renamed one is in place.
    for name, state in states.items():
        if name == address.name:
            continue
        for field, target in references(state):
            if target == address.name:
                plan.set((*address.scope, "States", name, *field), new_name)
    if plan.get((*address.scope, "StartAt")) == address.name:
        plan.set((*address.scope, "StartAt"), new_name)
    return plan.changes


def set_field(
    definition: dict[str, Any], address: StateAddress, field: tuple[Segment, ...], value: Any
) -> list[Change]:
    """Set (or with MISSING delete) one field of a state; an empty `field` replaces the state."""
    plan = Plan("definition", address.machine, definition)
    if plan.get(address.segments) is MISSING:
        raise EditRefused(f"no state named {address.name!r}")
    if not field and not isinstance(value, dict):
        raise EditRefused("a state is a JSON object")
    plan.set((*address.segments, *field), value)
    if field == ("Next",) and value is not MISSING:
        plan.set((*address.segments, "End"), MISSING)
    if field == ("End",) and value is True:
        plan.set((*address.segments, "Next"), MISSING)
    return plan.changes


def set_start(definition: dict[str, Any], address: StateAddress) -> list[Change]:
    plan = Plan("definition", address.machine, definition)
    plan.set((*address.scope, "StartAt"), address.name)
    return plan.changes


def default_choice_rule(definition: dict[str, Any], target: str) -> dict[str, Any]:
    """A placeholder rule to edit: a condition the author will want to change, pointing at `target`."""
    if definition.get("QueryLanguage") == "JSONata":
        return {"Condition": "{% true %}", "Next": target}
    return {"Variable": "$.type", "StringEquals": target, "Next": target}


def connect(
    definition: dict[str, Any], source: StateAddress, target: str, kind: str = "next"
) -> list[Change]:
    """Add a transition from `source` to `target` in the same scope.

    `next` sets Next (a Choice gets a new rule instead), `choice` adds a rule, `default` sets
    a Choice's Default, `catch` adds a catcher for States.ALL.
    """
    if kind not in CONNECT_KINDS:
        raise EditRefused(f"unknown kind of transition {kind!r}")
    states = scope_states(definition, source.scope)
    state = states.get(source.name)
    if not isinstance(state, dict):
        raise EditRefused(f"no state named {source.name!r}")
    if target not in states:
        raise EditRefused(f"{target!r} is not in the same scope as {source.name!r}")
    state_type = state.get("Type")
    if state_type in ("Succeed", "Fail"):
        raise EditRefused(f"a {state_type} state ends the execution; it cannot have a next state")
    if kind == "next" and state_type == "Choice":
        kind = "choice"
    plan = Plan("definition", source.machine, definition)
    base = source.segments
    if kind == "next":
        plan.set((*base, "Next"), target)
        plan.set((*base, "End"), MISSING)
    elif kind == "choice":
        if state_type != "Choice":
            raise EditRefused("only a Choice state has choice rules")
        rules = state.get("Choices") if isinstance(state.get("Choices"), list) else []
        plan.set((*base, "Choices"), [*rules, default_choice_rule(definition, target)])
    elif kind == "default":
        if state_type != "Choice":
            raise EditRefused("only a Choice state has a Default")
        plan.set((*base, "Default"), target)
    else:
        if state_type not in ("Task", "Parallel", "Map"):
            raise EditRefused("only Task, Parallel and Map states can catch errors")
        catchers = state.get("Catch") if isinstance(state.get("Catch"), list) else []
        plan.set((*base, "Catch"), [*catchers, {"ErrorEquals": ["States.ALL"], "Next": target}])
    return plan.changes


def remap_names(states: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """A copy of a States object with states (nested ones too) renamed by `mapping`.

    References to names outside the copy that the mapping does not know stay as they are.
    """
    out: dict[str, Any] = {}
    for name, state in states.items():
        value = copy.deepcopy(state)
        for field, target in references(value):
            if target in mapping:
                write(value, field, mapping[target])
        if isinstance(value, dict):
            scopes = list(value.get("Branches") or []) if value.get("Type") == "Parallel" else []
            scopes += [value[k] for k in ("ItemProcessor", "Iterator") if isinstance(value.get(k), dict)]
            for scope in scopes:
                if isinstance(scope, dict) and isinstance(scope.get("States"), dict):
                    scope["States"] = remap_names(scope["States"], mapping)
                    if scope.get("StartAt") in mapping:
                        scope["StartAt"] = mapping[scope["StartAt"]]
        out[mapping.get(name, name)] = value
    return out


def nested_names(states: dict[str, Any]) -> set[str]:
    return all_state_names({"States": states})


def paste_states(
    definition: dict[str, Any], machine: str, scope: Scope, states: dict[str, Any]
) -> tuple[list[Change], dict[str, str]]:
    """Add copies of `states` to `scope`, renamed where their names are taken.

    Transitions between pasted states follow the renames; transitions to states that are not
    in the target scope are dropped (the copy then ends there) so the paste never dangles.
    """
    taken = set(all_state_names(definition))
    mapping: dict[str, str] = {}
    for name in sorted(nested_names(states)):
        new = unique_name(name, taken)
        taken.add(new)
        mapping[name] = new
    renamed = remap_names(states, mapping)
    existing = set(scope_states(definition, scope))
    allowed = existing | set(renamed)
    plan = Plan("definition", machine, definition)
    for name, value in renamed.items():
        if isinstance(value, dict):
            for field, target in reversed(references(value)):
                if target not in allowed:
                    if field == ("Next",):
                        del value["Next"]
                        if value.get("Type") in END_CAPABLE:
                            value["End"] = True
                    elif field == ("Default",):
                        del value["Default"]
                    else:
                        del value[field[0]][field[1]]
        address = StateAddress(machine, scope, name)
        if not isinstance(plan.get((*scope, "States")), dict):
            plan.set((*scope, "States"), {})
        if not isinstance(plan.get((*scope, "StartAt")), str):
            plan.set((*scope, "StartAt"), name)
        plan.set(address.segments, value)
    return plan.changes, {old: new for old, new in mapping.items() if old in states}


def disconnect(definition: dict[str, Any], source: StateAddress, field: tuple[Segment, ...]) -> list[Change]:
    """Remove one transition (as named by its field: Next, Default, Choices/i/Next, Catch/i/Next)."""
    plan = Plan("definition", source.machine, definition)
    state = plan.get(source.segments)
    if not isinstance(state, dict):
        raise EditRefused(f"no state named {source.name!r}")
    if field == ("Next",):
        plan.set((*source.segments, "Next"), MISSING)
        if state.get("Type") in END_CAPABLE:
            plan.set((*source.segments, "End"), True)
    elif field == ("Default",):
        plan.set((*source.segments, "Default"), MISSING)
    elif len(field) == 3 and field[0] in ("Choices", "Catch") and isinstance(field[1], int):
        items = [item for i, item in enumerate(state.get(field[0]) or []) if i != field[1]]
        plan.set((*source.segments, field[0]), items or MISSING)
    else:
        raise EditRefused(f"{'/'.join(map(str, field))} is not a transition")
    return plan.changes
