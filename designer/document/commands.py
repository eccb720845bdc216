"""One small undo command per kind of edit.

Each command asks `edits` for the changes its edit makes (computed against the document as it
is when the command is created), then redo applies them in order and undo applies the old
values in reverse. Commands change the document only; views follow its signals.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import ValidationError
from PySide6.QtGui import QUndoCommand

from designer.document import edits
from designer.document.mock_changes import mock_changes_for_removal, mock_changes_for_rename
from designer.document.patch import MISSING, Change, set_change
from designer.document.project_document import RESOURCE_SECTIONS, ProjectDocument
from engine.asl import Scope, Segment, StateAddress

MOVE_COMMAND_ID = 1001


class EditCommand(QUndoCommand):
    """A list of changes applied together; the base of every command."""

    def __init__(self, document: ProjectDocument, text: str, changes: list[Change]) -> None:
        super().__init__(text)
        self.document = document
        self.changes = changes

    def redo(self) -> None:
        for change in self.changes:
            self.document.apply(change, change.new, change.index)

    def undo(self) -> None:
        for change in reversed(self.changes):
            self.document.apply(change, change.old, change.index)


def layout_change(document: ProjectDocument, key: str, value: Any) -> Change:
    """Put the item `key` at `value` on the canvas (MISSING: where the layout puts it)."""
    current = document.position(key)
    return Change("layout", "", (key,), MISSING if current is None else current, value)


class AddStateCommand(EditCommand):
    def __init__(
        self,
        document: ProjectDocument,
        address: StateAddress,
        value: dict[str, Any],
        position: tuple[float, float] | None = None,
    ) -> None:
        changes = edits.add_state(document.definition(address.machine), address, value)
        if position is not None:
            changes.insert(0, layout_change(document, address.layout_key, position))
        super().__init__(document, f"Add {address.name}", changes)


class RemoveStateCommand(EditCommand):
    """Remove a state; predecessors are re-linked, and undo restores them and the state's place."""

    def __init__(self, document: ProjectDocument, address: StateAddress) -> None:
        changes = edits.remove_state(document.definition(address.machine), address)
        if document.position(address.layout_key) is not None:
            changes.append(layout_change(document, address.layout_key, MISSING))
        changes += mock_changes_for_removal(document, address)
        super().__init__(document, f"Delete {address.name}", changes)


class RenameStateCommand(EditCommand):
    def __init__(self, document: ProjectDocument, address: StateAddress, new_name: str) -> None:
        changes = edits.rename_state(document.definition(address.machine), address, new_name)
        position = document.position(address.layout_key)
        if changes and position is not None:
            renamed = StateAddress(address.machine, address.scope, new_name.strip())
            changes.insert(0, layout_change(document, renamed.layout_key, position))
            changes.append(layout_change(document, address.layout_key, MISSING))
        if changes:
            changes += mock_changes_for_rename(document, address, new_name.strip())
        super().__init__(document, f"Rename {address.name} to {new_name.strip()}", changes)


class SetFieldCommand(EditCommand):
    """Set one field of a state (`field=()` replaces the whole state, as the inspector's JSON does)."""

    def __init__(
        self, document: ProjectDocument, address: StateAddress, field: tuple[Segment, ...], value: Any
    ) -> None:
        changes = edits.set_field(document.definition(address.machine), address, field, value)
        label = "/".join(str(f) for f in field) or "definition"
        super().__init__(document, f"Set {label} of {address.name}", changes)


class SetStartCommand(EditCommand):
    def __init__(self, document: ProjectDocument, address: StateAddress) -> None:
        changes = edits.set_start(document.definition(address.machine), address)
        super().__init__(document, f"Start at {address.name}", changes)


class ConnectCommand(EditCommand):
    def __init__(
        self, document: ProjectDocument, source: StateAddress, target: str, kind: str = "next"
    ) -> None:
        changes = edits.connect(document.definition(source.machine), source, target, kind)
        super().__init__(document, f"Connect {source.name} to {target}", changes)


class PasteStatesCommand(EditCommand):
    def __init__(
        self,
        document: ProjectDocument,
        machine: str,
        scope: Scope,
        states: dict[str, Any],
        positions: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        changes, mapping = edits.paste_states(document.definition(machine), machine, scope, states)
        self.names = [mapping.get(n, n) for n in states]
        for old, (x, y) in (positions or {}).items():
            key = StateAddress(machine, scope, mapping.get(old, old)).layout_key
            changes.insert(0, layout_change(document, key, (x, y)))
        super().__init__(document, f"Paste {len(states)} state(s)", changes)


class ReplaceDefinitionCommand(EditCommand):
    """Replace a machine's whole definition (the code view's edits, an import)."""

    def __init__(self, document: ProjectDocument, machine: str, definition: dict[str, Any]) -> None:
        old = copy.deepcopy(document.definition(machine))
        change = Change("definition", machine, (), old, copy.deepcopy(definition))
        super().__init__(document, f"Edit {machine} as JSON", [change])


class MoveCommand(EditCommand):
    """Canvas positions of items; successive moves of the same items merge into one step."""

    def __init__(
        self,
        document: ProjectDocument,
        moves: dict[str, tuple[tuple[float, float] | None, tuple[float, float]]],
        text: str = "Move",
    ) -> None:
        changes = [
            Change("layout", "", (key,), MISSING if old is None else old, new)
            for key, (old, new) in moves.items()
        ]
        super().__init__(document, text, changes)

    def id(self) -> int:
        return MOVE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveCommand) or other.text() != self.text() or self.text() != "Move":
            return False
        if {c.path for c in other.changes} != {c.path for c in self.changes}:
            return False
        news = {c.path: c.new for c in other.changes}
        self.changes = [Change(c.root, c.machine, c.path, c.old, news[c.path]) for c in self.changes]
        return True


def resource_addition(
    document: ProjectDocument,
    kind: str,
    name: str,
    value: dict[str, Any],
    position: tuple[float, float] | None = None,
) -> list[Change]:
    """The changes that add a resource (kind 'stateMachine': a whole machine) at `position`;
    refused when the name is taken or the project model would refuse the spec."""
    if kind == "stateMachine":
        if name in document.definitions:
            raise edits.EditRefused(f"a state machine named {name!r} already exists")
        change = Change("machine", name, (name,), MISSING, copy.deepcopy(value))
    else:
        if name in document.resource_names(kind):
            raise edits.EditRefused(f"a {kind} named {name!r} already exists")
        _check_spec(kind, value)
        change = Change("resource", "", (kind, name), MISSING, copy.deepcopy(value))
    changes = [change]
    if position is not None:
        changes.insert(0, layout_change(document, f"{kind}:{name}", position))
    return changes


class AddResourceCommand(EditCommand):
    """Add a bus, rule, queue, topic or function; or (kind 'stateMachine') a whole machine."""

    def __init__(
        self,
        document: ProjectDocument,
        kind: str,
        name: str,
        value: dict[str, Any],
        position: tuple[float, float] | None = None,
    ) -> None:
        changes = resource_addition(document, kind, name, value, position)
        super().__init__(document, f"Add {kind} {name}", changes)


class RemoveResourceCommand(EditCommand):
    def __init__(self, document: ProjectDocument, kind: str, name: str) -> None:
        if kind == "stateMachine":
            old = {
                "spec": document.project.state_machines[name].to_json(),
                "definition": copy.deepcopy(document.definition(name)),
            }
            changes = [Change("machine", name, (name,), old, MISSING)]
        else:
            old = json.loads(document.resource(kind, name).model_dump_json(by_alias=True, exclude_none=True))
            changes = [Change("resource", "", (kind, name), old, MISSING)]
        if document.position(f"{kind}:{name}") is not None:
            changes.append(layout_change(document, f"{kind}:{name}", MISSING))
        super().__init__(document, f"Delete {kind} {name}", changes)


class SetResourceCommand(EditCommand):
    def __init__(self, document: ProjectDocument, kind: str, name: str, value: dict[str, Any]) -> None:
        _check_spec(kind, value)
        current = {kind: {name: json.loads(document.resource(kind, name).model_dump_json(by_alias=True))}}
        change = set_change("resource", "", current, (kind, name), value)
        super().__init__(document, f"Edit {kind} {name}", [change])


class DisconnectCommand(EditCommand):
    def __init__(self, document: ProjectDocument, source: StateAddress, field: tuple[Segment, ...]) -> None:
        changes = edits.disconnect(document.definition(source.machine), source, field)
        super().__init__(document, f"Remove transition from {source.name}", changes)


def _check_spec(kind: str, value: Any) -> None:
    """Refuse a resource spec the project model would refuse, before it reaches the undo stack."""
    try:
        RESOURCE_SECTIONS[kind][1].model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"]) or kind
        raise edits.EditRefused(f"{where}: {first['msg']}") from None
