"""Putting groups into the document: a palette pattern, a state dropped on an edge, a quick-add.

Each is one undo macro, so one undo takes the whole group away (a state machine created to
hold it included). If any part is refused, what was already done is undone and the reason
is reported: a pattern goes in whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF

from designer.canvas.drop_target import DropTarget, find_drop_target, ghost_rect
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.patterns import PATTERNS, Namer, to_jsonata
from designer.canvas.spacing import settle_states, settle_top_level, top_level_items
from designer.document.commands import (
    AddResourceCommand,
    AddStateCommand,
    ConnectCommand,
    SetFieldCommand,
    SetStartCommand,
)
from designer.document.edits import EditRefused
from designer.document.field_commands import SetListSectionCommand
from designer.document.paths import Scope, StateAddress, all_state_names
from designer.document.project_document import RESOURCE_SECTIONS

if TYPE_CHECKING:
    from designer.canvas.editor import CanvasEditor
    from designer.canvas.scene import DesignerScene

NODE_HALF = (94.0, 27.0)  # a new node is placed with its centre at the drop point
RESOURCE_HALF = (90.0, 28.0)
EDGE_TOLERANCE = 12.0  # scene units, when no view says how far 12 screen pixels reach


@contextmanager
def all_or_nothing(editor: CanvasEditor, text: str) -> Iterator[None]:
    """One macro; if an edit inside is refused, the part already done is undone."""
    stack = editor.document.undo_stack
    before = stack.index()
    try:
        with editor.document.macro(text):
            yield
    except EditRefused:
        if stack.index() != before:
            stack.undo()
        raise


def edge_field(edge: EdgeItem) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in edge.field.split("/"))


def edge_at(scene: DesignerScene, pos: QPointF, tolerance: float = EDGE_TOLERANCE) -> EdgeItem | None:
    """The transition nearest a scene point, within `tolerance` (not when a state is there)."""
    target = find_drop_target(scene, "state:Pass", pos, tolerance)
    return target.edge


def make_space_for(editor: CanvasEditor, machine: str, scope: Scope, names: list[str], in_flow: bool) -> None:
    """After adding `names`: move them, or their neighbours, so that nothing covers anything."""
    if scope == ():
        settle_states(editor.scene, machine, names, make_space=in_flow)
    projection = editor.scene.machines.get(machine)
    settle_top_level(editor.scene, {projection.frame.layout_key()} if projection is not None else set())


def _new_size(editor: CanvasEditor, address: StateAddress, value: dict[str, Any]) -> tuple[float, float]:
    """The size the canvas will give a new state (its width follows its name)."""
    rect = StateItem(address, value).rect()
    return rect.width(), rect.height()


def _centred_at(editor: CanvasEditor, address: StateAddress, value: dict[str, Any], scene_pos: QPointF):
    """The stored position that centres a new top-level state on `scene_pos` (None in a lane)."""
    local = _frame_position(editor, address.machine, address.scope, scene_pos)
    if local is None:
        return None
    w, h = _new_size(editor, address, value)
    return (round(local.x() - w / 2, 1), round(local.y() - h / 2, 1))


def _frame_position(editor: CanvasEditor, machine: str, scope: Scope, scene_pos: QPointF) -> QPointF | None:
    if scope != ():
        return None
    projection = editor.scene.machines.get(machine)
    return projection.frame.mapFromScene(scene_pos) if projection is not None else None


def _placed(local: QPointF | None, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float] | None:
    if local is None:
        return None
    return (round(local.x() + offset[0] - NODE_HALF[0], 1), round(local.y() + offset[1] - NODE_HALF[1], 1))


def _splice(editor: CanvasEditor, edge: EdgeItem, entry: str, exit_: str | None, exit_scope: Scope) -> None:
    """Point the edge's source (the Start marker: StartAt) at `entry`, and `exit_` (if any)
    at the edge's old target."""
    source, target = edge.source, edge.target
    assert isinstance(target, StateItem)
    document = editor.document
    if edge.kind == "start":
        address = StateAddress(target.address.machine, target.address.scope, entry)
        document.push(SetStartCommand(document, address))
    else:
        assert isinstance(source, StateItem)
        document.push(SetFieldCommand(document, source.address, edge_field(edge), entry))
    if exit_ is not None:
        address = StateAddress(target.address.machine, exit_scope, exit_)
        document.push(SetFieldCommand(document, address, ("Next",), target.address.name))


# -- palette patterns ---------------------------------------------------------------------------


def insert_pattern(
    editor: CanvasEditor, pattern_id: str, pos: QPointF, target: DropTarget | None = None
) -> list[str]:
    """Insert a palette pattern at scene point `pos`: spliced into the transition the drop
    target names, appended after its state, or placed free (making room in each case)."""
    pattern = PATTERNS[pattern_id]
    document = editor.document
    if target is None:
        target = find_drop_target(editor.scene, f"pattern:{pattern_id}", pos, EDGE_TOLERANCE)
    edge = target.edge if pattern.needs_machine else None
    after = target.after if pattern.needs_machine and edge is None else None
    added: list[str] = []
    with all_or_nothing(editor, f"Insert {pattern.label}"):
        machine: str | None = None
        scope: Scope = ()
        local: QPointF | None = None
        anchor = target.point or pos
        if after is not None:
            anchor = ghost_rect(after, editor.scene.direction).center()
        if edge is not None or after is not None:
            source = edge.target if edge is not None else after  # (one scope: either end)
            assert isinstance(source, StateItem)
            machine, scope = source.address.machine, source.address.scope
            local = _frame_position(editor, machine, scope, anchor)
        elif pattern.needs_machine:
            machine, scope, local = editor._drop_target(pos)
            if machine is None:
                machine = editor._new_machine(pos)
                scope, local = (), QPointF(0, 0)
        states = all_state_names(document.definition(machine)) if machine else set()
        resources = {kind: set(document.resource_names(kind)) for kind in RESOURCE_SECTIONS}
        group = pattern.build(Namer(states, resources, document.project))
        jsonata = machine is not None and document.definition(machine).get("QueryLanguage") == "JSONata"
        for name, value in group.states.items():
            assert machine is not None
            address = StateAddress(machine, scope, name)
            position = _placed(local, group.offsets.get(name, (0.0, 0.0)))
            document.push(
                AddStateCommand(document, address, to_jsonata(value) if jsonata else value, position)
            )
            added.append(name)
        if edge is not None and group.entry is not None:
            _splice(editor, edge, group.entry, group.exit, scope)
        elif after is not None and group.entry is not None:
            document.push(ConnectCommand(document, after.address, group.entry, "next"))
        for kind, name, spec in group.resources:
            dx, dy = group.offsets.get(f"{kind}:{name}", (0.0, 0.0))
            where = (round(pos.x() + dx - RESOURCE_HALF[0], 1), round(pos.y() + dy - RESOURCE_HALF[1], 1))
            document.push(AddResourceCommand(document, kind, name, spec, where))
            added.append(f"{kind}:{name}")
        if group.subscriptions:
            existing = [s.to_json() for s in document.project.subscriptions]
            document.push(
                SetListSectionCommand(document, "subscriptions", existing + group.subscriptions, "Subscribe")
            )
        if machine is not None and group.states:
            make_space_for(editor, machine, scope, list(group.states), edge is not None or after is not None)
        else:
            settle_top_level(editor.scene, set(top_level_items(editor.scene)) - set(_resource_keys(group)))
    if machine is not None and group.entry is not None:
        editor.select_state(machine, StateAddress(machine, scope, group.entry).path)
    return added


def _resource_keys(group: Any) -> list[str]:
    return [f"{kind}:{name}" for kind, name, _ in group.resources]
