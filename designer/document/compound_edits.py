"""Edits that change several places of a definition at once, each planned as one list of changes.

Putting a state into a flow touches the new state, the state (or the StartAt) whose transition
it takes over, and the new state's own way on; a palette pattern adds several states and wires
its entry and exit in. The canvas says what the user asked for (a `Placement`: into which
transition, after which state, or free; which kind or pattern) and these functions alone decide
how the definition changes. Each is composed of the single edits of `edits`, chained on one
working copy, so the rules about transitions stay in one place, and the command that applies
the result is one undo step that restores the exact JSON.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from designer.document.edits import (
    EditRefused,
    add_state,
    connect,
    default_choice_rule,
    nested_names,
    remap_names,
    set_field,
    set_start,
)
from designer.document.groups import to_jsonata
from designer.document.patch import Change, read, write
from designer.document.templates import state_template
from engine.asl import (
    Scope,
    Segment,
    StateAddress,
    all_state_names,
    get_in,
    scope_states,
    unique_name,
)
from engine.services import TaskTarget, request_skeleton, task_target

TERMINAL = ("Succeed", "Fail")


@dataclass(frozen=True)
class OnTransition:
    """Into the transition `field` of the state `source` (Next, Default, Choices/i/Next,
    Catch/i/Next) or, with no source, into the scope's StartAt."""

    source: str | None
    field: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class After:
    """As the Next of `state`, a state whose flow ends."""

    state: str


Placement = OnTransition | After | None  # None: on its own, wired to nothing


@dataclass
class Inserted:
    """One new state: where it is, what it holds, and the changes that put it there."""

    address: StateAddress
    value: dict[str, Any]
    changes: list[Change]


class Chain:
    """Single edits planned one after another: each is computed against the definition the ones
    before it leave, and together they are one list of changes."""

    def __init__(self, definition: dict[str, Any]) -> None:
        self.work = copy.deepcopy(definition)
        self.changes: list[Change] = []

    def then(self, changes: list[Change]) -> None:
        for change in changes:
            write(self.work, change.path, change.new, change.index)
        self.changes += changes


# -- new states ---------------------------------------------------------------------------------


def rename_inner(value: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    """`value` with the states inside it (a container's branches or item processor) renamed
    where their names are in `taken`: state names are unique machine-wide, nested ones too."""
    inner: dict[str, Any] = {}
    for branch in value.get("Branches") or []:
        inner.update(branch.get("States") or {})
    for key in ("ItemProcessor", "Iterator"):
        if isinstance(value.get(key), dict):
            inner.update(value[key].get("States") or {})
    if not inner:
        return value
    mapping: dict[str, str] = {}
    used = set(taken)
    for name in sorted(nested_names(inner)):
        mapping[name] = unique_name(name, used)
        used.add(mapping[name])
    renamed = remap_names({"_": value}, mapping)["_"]
    return renamed if get_in(renamed, ("Type",)) else value


def new_state(definition: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    """A state of `kind` from its template, named after its type (numbered when taken)."""
    taken = all_state_names(definition)
    name = unique_name(kind, taken)
    return name, rename_inner(state_template(kind), taken | {name})


def action_target(resource: str) -> TaskTarget:
    """The service integration a palette action stands for; refused when it is none."""
    target = task_target(resource)
    if target is None:
        raise EditRefused(f"{resource} is not a Step Functions service integration.")
    return target


def action_name(title: str, taken: set[str]) -> str:
    """`Amazon DynamoDB PutItem` -> `DynamoDB PutItem`, numbered when taken."""
    words = title.split()
    if len(words) > 2 and words[0] in ("Amazon", "AWS"):
        words = words[1:]
    base = " ".join(words)[:70]
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    return name


def with_request(
    definition: dict[str, Any], value: dict[str, Any], resource: str, target: TaskTarget
) -> dict[str, Any]:
    """`value` calling `resource` (whose call is `target`), its request skeleton in Parameters
    (Arguments in JSONata)."""
    language = str(value.get("QueryLanguage") or definition.get("QueryLanguage") or "")
    field = "Arguments" if language == "JSONata" else "Parameters"
    state = {k: v for k, v in value.items() if k not in ("Parameters", "Arguments")}
    state["Resource"] = resource
    state[field] = request_skeleton(target, language)
    return state


# -- into a flow --------------------------------------------------------------------------------


def transition_target(definition: dict[str, Any], scope: Scope, transition: OnTransition) -> str:
    """The state the transition leads to now."""
    states = scope_states(definition, scope)
    if transition.source is None:
        target = get_in(definition, (*scope, "StartAt"))
    else:
        source = states.get(transition.source)
        target = read(source, transition.field) if isinstance(source, dict) and transition.field else None
    if not isinstance(target, str) or target not in states:
        raise EditRefused("that transition does not lead to a state of this scope")
    return target


def into_flow(definition: dict[str, Any], value: dict[str, Any], target: str) -> dict[str, Any]:
    """`value` made to go on to `target`: a Choice by a placeholder rule and its Default (both
    keep the flow going where it went), any other state by its Next."""
    kind = value.get("Type")
    if kind in TERMINAL:
        raise EditRefused(f"a {kind} state ends the execution; it cannot go between two states")
    value = copy.deepcopy(value)
    value.pop("End", None)
    if kind == "Choice":
        value["Choices"] = [default_choice_rule(definition, target)]
        value["Default"] = target
    else:
        value["Next"] = target
    return value


def placed(
    definition: dict[str, Any], scope: Scope, value: dict[str, Any], placement: Placement
) -> dict[str, Any]:
    """`value` as it will be stored at `placement` (on a transition it takes the way on)."""
    if isinstance(placement, OnTransition):
        return into_flow(definition, value, transition_target(definition, scope, placement))
    return value


def _point(chain: Chain, machine: str, scope: Scope, transition: OnTransition, entry: str) -> None:
    """Make the transition lead to `entry`."""
    if transition.source is None:
        chain.then(set_start(chain.work, StateAddress(machine, scope, entry)))
    else:
        source = StateAddress(machine, scope, transition.source)
        chain.then(set_field(chain.work, source, transition.field, entry))


def _wire_in(chain: Chain, machine: str, scope: Scope, placement: Placement, entry: str) -> None:
    if isinstance(placement, OnTransition):
        _point(chain, machine, scope, placement, entry)
    elif isinstance(placement, After):
        chain.then(connect(chain.work, StateAddress(machine, scope, placement.state), entry, "next"))


def insert_state(
    definition: dict[str, Any], address: StateAddress, value: dict[str, Any], placement: Placement
) -> list[Change]:
    """Add a state as stored at `placement` (see `placed`) and wire it in there."""
    chain = Chain(definition)
    chain.then(add_state(chain.work, address, value))
    _wire_in(chain, address.machine, address.scope, placement, address.name)
    return chain.changes


def insert_new_state(
    definition: dict[str, Any], machine: str, scope: Scope, kind: str, placement: Placement
) -> Inserted:
    """A new state of `kind` where the user put it: into a transition, after a state, or free."""
    name, value = new_state(definition, kind)
    address = StateAddress(machine, scope, name)
    value = placed(definition, scope, value, placement)
    return Inserted(address, value, insert_state(definition, address, value, placement))


def insert_action_task(
    definition: dict[str, Any],
    machine: str,
    scope: Scope,
    action: tuple[str, TaskTarget],
    placement: Placement,
) -> Inserted:
    """A Task that calls an AWS action, named for it (`DynamoDB PutItem`), its request skeleton
    filled, where the user put it."""
    resource, target = action
    name = action_name(target.title, all_state_names(definition))
    address = StateAddress(machine, scope, name)
    value = placed(definition, scope, state_template("Task"), placement)
    value = with_request(definition, value, resource, target)
    return Inserted(address, value, insert_state(definition, address, value, placement))


def add_after(definition: dict[str, Any], address: StateAddress) -> Inserted:
    """A Pass after the state at `address`, between it and its Next if it has one (a Choice
    gets it as a new rule, or as its Default when it has none)."""
    state = read(definition, address.segments)
    kind = state.get("Type") if isinstance(state, dict) else None
    if not isinstance(state, dict) or kind in TERMINAL:
        shown = kind if isinstance(kind, str) else "?"
        raise EditRefused(f"A {shown} state ends the execution: nothing can come after it.")
    name = unique_name("Pass", all_state_names(definition))
    value: dict[str, Any] = {"Type": "Pass"}
    following = state.get("Next") if isinstance(state.get("Next"), str) else None
    if following is not None and kind != "Choice":
        value["Next"] = following
    else:
        value["End"] = True
    new = StateAddress(address.machine, address.scope, name)
    chain = Chain(definition)
    chain.then(add_state(chain.work, new, value))
    if kind == "Choice":
        rule = "choice" if isinstance(state.get("Default"), str) else "default"
        chain.then(connect(chain.work, address, name, rule))
    else:
        chain.then(set_field(chain.work, address, ("Next",), name))
    return Inserted(new, value, chain.changes)


def insert_group(
    definition: dict[str, Any],
    machine: str,
    scope: Scope,
    states: dict[str, dict[str, Any]],
    entry: str | None,
    exit_: str | None,
    placement: Placement,
) -> list[Change]:
    """Add a group of states to one scope (in JSONata where the machine speaks it) and wire it
    in: the transition then leads to `entry` and `exit_` goes on to its old target, or `entry`
    comes after the state placed after."""
    target = (
        transition_target(definition, scope, placement)
        if isinstance(placement, OnTransition) and entry is not None
        else None
    )
    jsonata = definition.get("QueryLanguage") == "JSONata"
    chain = Chain(definition)
    for name, value in states.items():
        chain.then(
            add_state(chain.work, StateAddress(machine, scope, name), to_jsonata(value) if jsonata else value)
        )
    if entry is None:
        return chain.changes
    _wire_in(chain, machine, scope, placement, entry)
    if target is not None and exit_ is not None:
        chain.then(set_field(chain.work, StateAddress(machine, scope, exit_), ("Next",), target))
    return chain.changes
