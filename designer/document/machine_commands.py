"""Undo commands for whole state machines: settings, rename, add and delete.

A machine's settings live in two places: the definition-level ones (Comment, QueryLanguage,
TimeoutSeconds, Version) in its ASL, the deployment ones (type, logging, tracing) in the
project. A rename or a delete also reaches everything that names the machine: canvas
positions, rule targets, subscriptions, queue consumers, and the machine's ARN in
definitions; each is one undo step that undo reverses exactly.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from designer.document.commands import EditCommand
from designer.document.edits import EditRefused, Plan
from designer.document.patch import MISSING, Change, key_index
from engine.asl import Segment
from engine.project import StateMachineSpec
from engine.resource_refs import ResourceRef, parse_ref

if TYPE_CHECKING:
    from designer.document.project_document import ProjectDocument

DEFINITION_FIELDS = ("Comment", "QueryLanguage", "TimeoutSeconds", "Version")
# AWS: 1-80 characters; the project format also keeps names usable as references and file names.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,80}")
FIRST_STATE = "Pass"
MACHINE_SETTING_COMMAND_ID = 1101


def check_name(document: ProjectDocument, name: str, current: str | None = None) -> str:
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise EditRefused(
            "a state machine name is 1 to 80 letters, digits, '-' or '_' (no spaces, dots or other signs)"
        )
    if name != current and name in document.definitions:
        raise EditRefused(f"a state machine named {name!r} already exists")
    return name


def new_machine_name(document: ProjectDocument, base: str = "StateMachine") -> str:
    taken = set(document.definitions)
    if base not in taken:
        return base
    return next(f"{base}{i}" for i in range(2, len(taken) + 3) if f"{base}{i}" not in taken)


def _machine_value(document: ProjectDocument, name: str) -> dict[str, Any]:
    return {
        "spec": document.project.state_machines[name].to_json(),
        "definition": copy.deepcopy(document.definition(name)),
    }


def _machine_index(document: ProjectDocument, name: str) -> int | None:
    return key_index(document.definitions, (name,))


def _layout_keys(document: ProjectDocument, name: str) -> list[str]:
    own = f"stateMachine:{name}"
    return [k for k in document.project.layout.positions if k == own or k.startswith(own + "/")]


def _arn(document: ProjectDocument, name: str) -> str:
    project = document.project
    return ResourceRef("stateMachine", name).arn(project.account, project.region)


def _names_machine(document: ProjectDocument, text: Any, name: str) -> bool:
    if not isinstance(text, str):
        return False
    ref = parse_ref(text)
    return (
        ref is not None
        and ref.kind == "stateMachine"
        and ref.name == name
        and (not text.startswith("arn:") or text == _arn(document, name))
    )


def _arn_paths(value: Any, arn: str, path: tuple[Segment, ...] = ()) -> Iterator[tuple[Segment, ...]]:
    """Paths of the string values equal to `arn` (a StartExecution's StateMachineArn...)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _arn_paths(item, arn, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _arn_paths(item, arn, (*path, i))
    elif value == arn:
        yield path


def _replace_arn(value: Any, old: str, new: str) -> Any:
    out = copy.deepcopy(value)
    for path in _arn_paths(out, old):
        parent = out
        for segment in path[:-1]:
            parent = parent[segment]
        parent[path[-1]] = new
    return out


def _resource_json(spec: Any) -> dict[str, Any]:
    return json.loads(spec.model_dump_json(by_alias=True, exclude_none=True))


def _reference_changes(document: ProjectDocument, name: str, new: str | None) -> list[Change]:
    """Changes to the rules, subscriptions and consumers that name machine `name`: pointed at
    `new`, or (when `new` is None, the machine is going) removed."""
    project = document.project
    changes: list[Change] = []
    new_ref = f"stateMachine:{new}" if new else None

    def renamed(text: str) -> str:
        return _arn(document, new) if text.startswith("arn:") and new else (new_ref or text)

    for rule_name, rule in project.rules.items():
        if not any(_names_machine(document, t.target, name) for t in rule.targets):
            continue
        old_value = _resource_json(rule)
        value = copy.deepcopy(old_value)
        kept = []
        for target in value.get("targets", []):
            if _names_machine(document, target["target"], name):
                if new is None:
                    continue
                target["target"] = renamed(target["target"])
            kept.append(target)
        value["targets"] = kept
        changes.append(Change("resource", "", ("rule", rule_name), old_value, value))
    for section, field in (("subscriptions", "endpoint"), ("consumers", "target")):
        items = [_resource_json(item) for item in getattr(project, section)]
        if not any(_names_machine(document, item[field], name) for item in items):
            continue
        value = []
        for item in items:
            if _names_machine(document, item[field], name):
                if new is None:
                    continue
                item = {**item, field: renamed(item[field])}
            value.append(item)
        old_value = [_resource_json(item) for item in getattr(project, section)]
        changes.append(Change("resource", "", (section,), old_value, value))
    return changes


def references_to(document: ProjectDocument, name: str) -> list[str]:
    """What names machine `name` in the project, in words (a delete asks about these)."""
    project = document.project
    out = [
        f"rule {rule_name} targets it"
        for rule_name, rule in project.rules.items()
        if any(_names_machine(document, t.target, name) for t in rule.targets)
    ]
    out += [
        f"topic {s.topic} delivers to it"
        for s in project.subscriptions
        if _names_machine(document, s.endpoint, name)
    ]
    out += [
        f"queue {c.queue} is drained by it"
        for c in project.consumers
        if _names_machine(document, c.target, name)
    ]
    return out


class _MergingCommand(EditCommand):
    """Successive edits of the same setting merge into one undo step (a combo box stepped
    through with the arrow keys, a typo fixed in a field), as Qt's own text edits do."""

    key: tuple[Any, ...] = ()

    def id(self) -> int:
        return MACHINE_SETTING_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _MergingCommand) or other.key != self.key:
            return False
        self.changes = [*self.changes, *other.changes]
        return True


class SetMachineFieldCommand(_MergingCommand):
    """Set (MISSING: remove) a top-level field of a machine's definition."""

    def __init__(self, document: ProjectDocument, machine: str, field: str, value: Any) -> None:
        if field not in DEFINITION_FIELDS:
            raise EditRefused(f"{field} is not a setting of the state machine")
        plan = Plan("definition", machine, document.definition(machine))
        plan.set((field,), value, index=_top_level_index(document.definition(machine), field))
        super().__init__(document, f"Set {field} of {machine}", plan.changes)
        self.key = ("definition", machine, field)


def _top_level_index(definition: dict[str, Any], field: str) -> int | None:
    """Where a new top-level field goes: in ASL's usual order, before StartAt for the Comment
    and QueryLanguage, after StartAt for the rest (the code view then reads naturally)."""
    keys = list(definition)
    if field in definition:
        return None
    if field in ("Comment", "QueryLanguage"):
        return keys.index("StartAt") if "StartAt" in keys else 0
    return keys.index("States") if "States" in keys else None


class SetMachineSpecCommand(_MergingCommand):
    """Change the project settings of a machine (type, logging, tracing) as one step."""

    def __init__(
        self, document: ProjectDocument, machine: str, updates: dict[str, Any], setting: str = ""
    ) -> None:
        old = document.project.state_machines[machine].to_json()
        new = copy.deepcopy(old)
        for key, value in updates.items():
            if value is MISSING:
                new.pop(key, None)
            else:
                new[key] = value
        try:
            new = StateMachineSpec.model_validate(new).to_json()
        except ValueError as exc:
            raise EditRefused(str(exc).splitlines()[0]) from None
        changes = [Change("spec", machine, (machine,), old, new)] if new != old else []
        super().__init__(document, f"Change settings of {machine}", changes)
        self.key = ("spec", machine, setting or tuple(sorted(updates)))


class RenameMachineCommand(EditCommand):
    """Rename a machine and everything that names it: positions, references, its ARN."""

    def __init__(
        self,
        document: ProjectDocument,
        old: str,
        new: str,
        position: tuple[float, float] | None = None,
    ) -> None:
        """`position`: where the frame is on the canvas, kept when the layout has not stored it."""
        new = check_name(document, new, old)
        changes: list[Change] = []
        if new != old:
            old_arn, new_arn = _arn(document, old), _arn(document, new)
            value = _machine_value(document, old)
            value["definition"] = _replace_arn(value["definition"], old_arn, new_arn)
            keys = _layout_keys(document, old)
            for key in keys:  # the new positions first, so the renamed frame appears in place
                position = document.position(key)
                new_key = f"stateMachine:{new}" + key.removeprefix(f"stateMachine:{old}")
                changes.append(Change("layout", "", (new_key,), MISSING, position))
            frame_key = f"stateMachine:{new}"
            if position is not None and document.position(f"stateMachine:{old}") is None:
                changes.append(Change("layout", "", (frame_key,), MISSING, position))
            index = _machine_index(document, old)
            changes.append(Change("machine", old, (old,), _machine_value(document, old), MISSING, index))
            changes.append(Change("machine", new, (new,), MISSING, value, index))
            changes += [Change("layout", "", (key,), document.position(key), MISSING) for key in keys]
            changes += _reference_changes(document, old, new)
            for machine in document.machine_names():
                if machine == old:
                    continue
                for path in _arn_paths(document.definition(machine), old_arn):
                    changes.append(Change("definition", machine, path, old_arn, new_arn))
        super().__init__(document, f"Rename state machine {old} to {new}", changes)


class AddMachineCommand(EditCommand):
    """A new machine with one Pass state, at `position` on the canvas when given."""

    def __init__(
        self, document: ProjectDocument, name: str, position: tuple[float, float] | None = None
    ) -> None:
        name = check_name(document, name)
        value = {
            "spec": {},
            "definition": {
                "StartAt": FIRST_STATE,
                "States": {FIRST_STATE: {"Type": "Pass", "End": True}},
            },
        }
        changes = [Change("machine", name, (name,), MISSING, value)]
        if position is not None:
            changes.insert(0, Change("layout", "", (f"stateMachine:{name}",), MISSING, position))
        super().__init__(document, f"Add state machine {name}", changes)


class DeleteMachineCommand(EditCommand):
    """Delete a machine with its positions and what targets it (rules' targets, subscriptions,
    consumers), so the project stays one that loads; undo brings all of it back in place."""

    def __init__(self, document: ProjectDocument, name: str) -> None:
        if name not in document.definitions:
            raise EditRefused(f"no state machine named {name!r}")
        if len(document.definitions) == 1:
            raise EditRefused("a project keeps at least one state machine; add another one first")
        changes = _reference_changes(document, name, None)
        index = _machine_index(document, name)
        changes.append(Change("machine", name, (name,), _machine_value(document, name), MISSING, index))
        changes += [
            Change("layout", "", (key,), document.position(key), MISSING)
            for key in _layout_keys(document, name)
        ]
        super().__init__(document, f"Delete state machine {name}", changes)
