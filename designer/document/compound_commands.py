"""One command per compound edit: whatever a state or pattern put into a flow touches, one undo
step takes back exactly.

Each command asks `compound_edits` for the plan against the document as it is when the command
is made. Where new items go on the canvas is the caller's answer: `place` is asked for the new
state's position once the document has named and filled it (its box follows its name), and a
group comes with the positions of its parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from designer.document.commands import EditCommand, layout_change, resource_addition
from designer.document.compound_edits import (
    Inserted,
    OnTransition,
    Placement,
    add_after,
    insert_action_task,
    insert_group,
    insert_new_state,
)
from designer.document.field_commands import list_section_change
from designer.document.groups import PatternGroup
from designer.document.patch import Change
from designer.document.project_document import ProjectDocument
from engine.asl import Scope, StateAddress
from engine.services import TaskTarget

Position = tuple[float, float]
Place = Callable[[StateAddress, dict[str, Any]], Position | None]
Action = tuple[str, TaskTarget]  # (Task resource, the call it names)


def new_state_text(kind: str, action: Action | None = None) -> str:
    """What undo calls adding a state of `kind` (or a Task calling `action`) on its own."""
    return f"Add {action[1].title}" if action is not None else f"Add {kind}"


def _positioned(document: ProjectDocument, inserted: Inserted, place: Place | None) -> list[Change]:
    position = place(inserted.address, inserted.value) if place is not None else None
    if position is None:
        return inserted.changes
    return [layout_change(document, inserted.address.layout_key, position), *inserted.changes]


class InsertStateCommand(EditCommand):
    """A new state of `kind` (or a Task calling an AWS action) put where the user asked: into a
    transition, after a state whose flow ends, or on its own."""

    def __init__(
        self,
        document: ProjectDocument,
        machine: str,
        scope: Scope,
        kind: str,
        placement: Placement,
        place: Place | None = None,
        action: Action | None = None,
    ) -> None:
        definition = document.definition(machine)
        if action is None:
            inserted = insert_new_state(definition, machine, scope, kind, placement)
        else:
            inserted = insert_action_task(definition, machine, scope, action, placement)
        self.address = inserted.address
        name = inserted.address.name
        if action is not None or placement is None:
            text = new_state_text(kind, action)
        elif isinstance(placement, OnTransition):
            text = f"Insert {name}"
        else:
            text = f"Add {name} after {placement.state}"
        super().__init__(document, text, _positioned(document, inserted, place))


class AddAfterCommand(EditCommand):
    """A Pass after a state (Tab), between it and its Next when it has one."""

    def __init__(self, document: ProjectDocument, address: StateAddress, place: Place | None = None) -> None:
        inserted = add_after(document.definition(address.machine), address)
        self.address = inserted.address
        text = f"Add {inserted.address.name} after {address.name}"
        super().__init__(document, text, _positioned(document, inserted, place))


class InsertGroupCommand(EditCommand):
    """A palette pattern's states wired in where the user put them (in `machine` and `scope`),
    with its resources and subscriptions; `positions` maps state names and resource keys
    (`queue:jobs`) to where they go on the canvas."""

    def __init__(
        self,
        document: ProjectDocument,
        text: str,
        group: PatternGroup,
        where: tuple[str, Scope] | None,
        placement: Placement,
        positions: dict[str, Position],
    ) -> None:
        changes: list[Change] = []
        if where is not None and group.states:
            machine, scope = where
            plan = insert_group(
                document.definition(machine), machine, scope, group.states, group.entry, group.exit, placement
            )
            for name in group.states:
                if name in positions:
                    key = StateAddress(machine, scope, name).layout_key
                    changes.append(layout_change(document, key, positions[name]))
            changes += plan
        for kind, name, spec in group.resources:
            changes += resource_addition(document, kind, name, spec, positions.get(f"{kind}:{name}"))
        if group.subscriptions:
            existing = [s.to_json() for s in document.project.subscriptions]
            changes.append(list_section_change(document, "subscriptions", existing + group.subscriptions))
        super().__init__(document, text, changes)
