"""Keeping the canvas free of overlaps as it is edited: each function reads where the items
are now and pushes one `MoveCommand` for what has to move (inside the caller's macro, so
the edit and the room made for it are one undo step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF

from designer.canvas.items.base import NodeItem
from designer.canvas.placement import free_offset, make_room, overlapping
from designer.document.commands import MoveCommand

if TYPE_CHECKING:
    from designer.canvas.machine_projection import MachineProjection
    from designer.canvas.scene import DesignerScene
    from designer.document.project_document import ProjectDocument

Move = tuple[Any, tuple[float, float]]  # (stored position or None, new position)
Moves = dict[str, Move]


def top_state_boxes(projection: MachineProjection) -> dict[str, QRectF]:
    """The top-level states' boxes in the frame's coordinates; the Start marker counts as
    part of the state it points at (it moves with it)."""
    view = projection.top
    boxes = {name: item.mapRectToParent(item.rect()) for name, item in view.items.items()}
    marker = view.start_marker
    start_at = projection.definition.get("StartAt")
    if marker is not None and marker.isVisible() and start_at in boxes:
        boxes[start_at] = boxes[start_at].united(marker.mapRectToParent(marker.rect()))
    return boxes


def _push(document: ProjectDocument, moves: Moves, text: str) -> None:
    if moves:
        document.push(MoveCommand(document, moves, text))


def move_of(document: ProjectDocument, item: NodeItem, new: tuple[float, float]) -> Move:
    """A MoveCommand entry: the stored position (None when the item's place was computed, so
    that undo leaves the layout as it was and the scene puts the item back) and the new one."""
    key = item.layout_key()
    return (document.position(key) if key else None), (round(new[0], 1), round(new[1], 1))


def _moved(document: ProjectDocument, item: NodeItem, delta: QPointF) -> Move:
    return move_of(document, item, (item.pos().x() + delta.x(), item.pos().y() + delta.y()))


def settle_states(scene: DesignerScene, machine: str, names: list[str], make_space: bool = False) -> None:
    """Make sure the top-level states `names` (just added or moved together) cover no other.

    With `make_space` (a state inserted into a flow), the states from the new one's row on
    move down (right, left to right) to make room; otherwise, or when that cannot help,
    the new states slide as a group to the nearest free spot.
    """
    projection = scene.machines.get(machine)
    if projection is None or () not in projection.scopes:
        return
    view = projection.top
    group = [n for n in names if n in view.items]
    if not group:
        return
    boxes = top_state_boxes(projection)
    mine = [boxes[n] for n in group]
    others = {n: b for n, b in boxes.items() if n not in group}
    if make_space:
        bounds = mine[0]
        for box in mine[1:]:
            bounds = bounds.united(box)
        room = make_room(bounds, others, scene.direction)
        if room is not None:
            own, pushed = room
            items = view.items
            moves = {
                items[n].address.layout_key: _moved(scene.document, items[n], d) for n, d in pushed.items()
            }
            if not own.isNull():
                moves.update(
                    {items[n].address.layout_key: _moved(scene.document, items[n], own) for n in group}
                )
            _push(scene.document, moves, "Make room")
            return
    delta = free_offset(mine, list(others.values()))
    if delta.isNull():
        return
    moves = {view.items[n].address.layout_key: _moved(scene.document, view.items[n], delta) for n in group}
    _push(scene.document, moves, "Find free space")


def top_level_items(scene: DesignerScene) -> dict[str, NodeItem]:
    items: dict[str, NodeItem] = {p.frame.layout_key(): p.frame for p in scene.machines.values()}
    items.update({item.layout_key(): item for item in scene.resources.items.values()})
    return items


def settle_top_level(scene: DesignerScene, keep: set[str] | frozenset[str] = frozenset()) -> None:
    """Move machine frames and resources off one another, the items in `keep` (a frame that
    just grew, the item the user is working on) staying where they are."""
    items = top_level_items(scene)
    boxes = {key: item.scene_box() for key, item in items.items()}
    moves: Moves = {}
    for _ in range(len(items)):
        pairs = overlapping(boxes)
        if not pairs:
            break
        a, b = pairs[0]
        mover = _mover(a, b, keep, boxes)
        others = [box for key, box in boxes.items() if key != mover]
        delta = free_offset([boxes[mover]], others)
        if delta.isNull():
            break
        item = items[mover]
        boxes[mover] = boxes[mover].translated(delta)
        start = moves[mover][1] if mover in moves else (item.pos().x(), item.pos().y())
        moves[mover] = move_of(scene.document, item, (start[0] + delta.x(), start[1] + delta.y()))
    _push(scene.document, moves, "Make room")


def _mover(a: str, b: str, keep: set[str] | frozenset[str], boxes: dict[str, QRectF]) -> str:
    """Which of two overlapping top-level items moves: not a kept one; else the smaller."""
    if a in keep and b not in keep:
        return b
    if b in keep and a not in keep:
        return a
    area = {k: boxes[k].width() * boxes[k].height() for k in (a, b)}
    return a if area[a] < area[b] else b
