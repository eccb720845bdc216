"""Putting one new state on the canvas: dropped on a transition, past a state's output port, or
free (a state of the palette or a Task calling an AWS action), or added with Tab after the
selected state.

The canvas works out what the user asked for (which transition, after which state, where the
box goes); the document names and fills the state and plans the edit as one command. Each is
one undo step that takes the room it needs: in a flow, the states from the new one's row on
move down (right, left to right), and a machine frame that grows pushes its neighbours away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF

from designer.canvas.drop_target import APPEND_GAP, DropTarget, ghost_rect
from designer.canvas.items.state_item import StateItem
from designer.canvas.pattern_insert import (
    all_or_nothing,
    centred_at,
    centred_on,
    make_space_for,
    placement_of,
)
from designer.document.compound_commands import (
    Action,
    AddAfterCommand,
    InsertStateCommand,
    Place,
    new_state_text,
)
from designer.document.edits import EditRefused
from engine.asl import StateAddress

if TYPE_CHECKING:
    from designer.canvas.editor import CanvasEditor


def _centred(editor: CanvasEditor, scene_pos: QPointF) -> Place:
    """Where a new state goes: centred on `scene_pos` (in a lane, wherever the lane puts it)."""

    def place(address: StateAddress, value: dict[str, Any]) -> tuple[float, float] | None:
        return centred_at(editor, address, value, scene_pos)

    return place


def _centred_in_frame(local: QPointF) -> Place:
    """Where a new top-level state goes: centred on `local`, a point of its machine's frame."""

    def place(address: StateAddress, value: dict[str, Any]) -> tuple[float, float] | None:
        return centred_on(local, address, value)

    return place


def add_state(
    editor: CanvasEditor, kind: str, pos: QPointF, target: DropTarget, action: Action | None = None
) -> str:
    """A new state of `kind` (a Task calling `action`, if given) dropped at scene point `pos`:
    into the transition or after the state the drop target names, else where it was dropped
    (in a state machine created for it, outside every frame). Returns its name."""
    placement = placement_of(target)
    if target.edge is not None or target.after is not None:
        source = target.edge.target if target.edge is not None else target.after
        assert isinstance(source, StateItem)
        machine, scope = source.address.machine, source.address.scope
        spot = (
            target.point or pos
            if target.after is None
            else ghost_rect(target.after, editor.scene.direction).center()
        )
        command = InsertStateCommand(
            editor.document, machine, scope, kind, placement, _centred(editor, spot), action
        )
        with all_or_nothing(editor, command.text()):
            editor.document.push(command)
            make_space_for(editor, machine, scope, [command.address.name], in_flow=True)
    else:
        with all_or_nothing(editor, new_state_text(kind, action)):
            machine, scope, local = editor._drop_target(pos)
            if machine is None:
                machine = editor._new_machine(pos)
                scope, local = (), None
            place = _centred_in_frame(local) if local is not None and scope == () else None
            command = InsertStateCommand(editor.document, machine, scope, kind, None, place, action)
            editor.document.push(command)
            make_space_for(editor, machine, scope, [command.address.name], in_flow=False)
    editor.select_state(machine, command.address.path)
    return command.address.name


def quick_add_after(editor: CanvasEditor, item: StateItem, report: Callable[[str], None]) -> str | None:
    """Tab: add a Pass after `item`, between it and its Next if it has one; select it."""
    box = item.scene_box()
    if editor.scene.direction == "LR" and not item.address.scope:
        spot = QPointF(box.right() + APPEND_GAP + box.width() / 2, box.center().y())
    else:
        spot = QPointF(box.center().x(), box.bottom() + APPEND_GAP + box.height() / 2)
    try:
        command = AddAfterCommand(editor.document, item.address, _centred(editor, spot))
        with all_or_nothing(editor, command.text()):
            editor.document.push(command)
            make_space_for(editor, item.address.machine, item.address.scope, [command.address.name], True)
    except EditRefused as exc:
        report(str(exc))
        return None
    editor.select_state(item.address.machine, command.address.path)
    return command.address.name
