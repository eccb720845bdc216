"""Palette patterns dropped on the canvas, and what every drop into a flow shares.

The canvas decides what the user asked for (the `Placement` a drop target stands for, which
pattern, where each part goes on the canvas); the document plans the edit as one command. The
room the new items need is made in the same undo macro, so one undo takes the whole group away
(a state machine created to hold it included). If any part is refused, nothing stays: a
pattern goes in whole or not at all, and the reason is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF

from designer.canvas.drop_target import DropTarget, find_drop_target, ghost_rect
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.patterns import PATTERNS
from designer.canvas.spacing import settle_states, settle_top_level, top_level_items
from designer.document.compound_commands import InsertGroupCommand
from designer.document.compound_edits import After, OnTransition, Placement
from designer.document.edits import EditRefused
from designer.document.groups import Namer, PatternGroup
from designer.document.project_document import RESOURCE_SECTIONS
from engine.asl import Scope, StateAddress, all_state_names

if TYPE_CHECKING:
    from designer.canvas.editor import CanvasEditor

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


def placement_of(target: DropTarget) -> Placement:
    """What a drop target asks of the document: into the edge's transition (the Start marker's
    edge: the scope's StartAt), after a state, or nothing (a free drop)."""
    edge = target.edge
    if edge is not None:
        if edge.kind == "start":
            return OnTransition(None)
        assert isinstance(edge.source, StateItem)
        return OnTransition(edge.source.address.name, edge_field(edge))
    if target.after is not None:
        return After(target.after.address.name)
    return None


def edge_field(edge: EdgeItem) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in edge.field.split("/"))


def make_space_for(editor: CanvasEditor, machine: str, scope: Scope, names: list[str], in_flow: bool) -> None:
    """After adding `names`: move them, or their neighbours, so that nothing covers anything."""
    if scope == ():
        settle_states(editor.scene, machine, names, make_space=in_flow)
    projection = editor.scene.machines.get(machine)
    settle_top_level(editor.scene, {projection.frame.layout_key()} if projection is not None else set())


def _new_size(address: StateAddress, value: dict[str, Any]) -> tuple[float, float]:
    """The size the canvas will give a new state (its width follows its name)."""
    rect = StateItem(address, value).rect()
    return rect.width(), rect.height()


def centred_on(local: QPointF, address: StateAddress, value: dict[str, Any]) -> tuple[float, float]:
    """The stored position that centres a new state on `local` (a point of its frame)."""
    w, h = _new_size(address, value)
    return (round(local.x() - w / 2, 1), round(local.y() - h / 2, 1))


def centred_at(
    editor: CanvasEditor, address: StateAddress, value: dict[str, Any], scene_pos: QPointF
) -> tuple[float, float] | None:
    """The stored position that centres a new top-level state on `scene_pos` (None in a lane)."""
    local = _frame_position(editor, address.machine, address.scope, scene_pos)
    return centred_on(local, address, value) if local is not None else None


def _frame_position(editor: CanvasEditor, machine: str, scope: Scope, scene_pos: QPointF) -> QPointF | None:
    if scope != ():
        return None
    projection = editor.scene.machines.get(machine)
    return projection.frame.mapFromScene(scene_pos) if projection is not None else None


def _placed(local: QPointF | None, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float] | None:
    if local is None:
        return None
    return (round(local.x() + offset[0] - NODE_HALF[0], 1), round(local.y() + offset[1] - NODE_HALF[1], 1))


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
    if not pattern.needs_machine:
        target = DropTarget()
    placement = placement_of(target)
    in_flow = placement is not None
    with all_or_nothing(editor, f"Insert {pattern.label}"):
        machine: str | None = None
        scope: Scope = ()
        local: QPointF | None = None
        anchor = target.point or pos
        if target.after is not None:
            anchor = ghost_rect(target.after, editor.scene.direction).center()
        source = target.edge.target if target.edge is not None else target.after  # (one scope: either end)
        if isinstance(source, StateItem):
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
        positions = {
            name: spot
            for name in group.states
            if (spot := _placed(local, group.offsets.get(name, (0.0, 0.0)))) is not None
        }
        for key in _resource_keys(group):
            dx, dy = group.offsets.get(key, (0.0, 0.0))
            positions[key] = (
                round(pos.x() + dx - RESOURCE_HALF[0], 1),
                round(pos.y() + dy - RESOURCE_HALF[1], 1),
            )
        where = (machine, scope) if machine is not None else None
        text = f"Insert {pattern.label}"
        document.push(InsertGroupCommand(document, text, group, where, placement, positions))
        if machine is not None and group.states:
            make_space_for(editor, machine, scope, list(group.states), in_flow)
        else:
            settle_top_level(editor.scene, set(top_level_items(editor.scene)) - set(_resource_keys(group)))
    if machine is not None and group.entry is not None:
        editor.select_state(machine, StateAddress(machine, scope, group.entry).path)
    return [*group.states, *_resource_keys(group)]


def _resource_keys(group: PatternGroup) -> list[str]:
    return [f"{kind}:{name}" for kind, name, _ in group.resources]
