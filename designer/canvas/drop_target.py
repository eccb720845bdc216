"""Where a palette entry dragged over the canvas will land, and the hint that shows it.

While the user drags, the view asks `find_drop_target` on every move and shows the answer:
the transition the new state will be spliced into (highlighted, with a plus where it goes),
or the state it will be appended after (a ghost box below it, joined to its port). The drop
then does exactly what the hint showed. Distances are given in scene units by the view,
from a tolerance in screen pixels, so the hit area is the same at every zoom.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from designer.canvas.items.container_item import ContainerItem
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.patterns import PATTERNS

if TYPE_CHECKING:
    from designer.canvas.scene import DesignerScene

SPLICE_KINDS = ("next", "choice", "default", "catch")
APPEND_REACH = 90.0  # scene units below a state (right of it, left to right) that append to it
GHOST_SIZE = (188.0, 54.0)
PORT_REACH = 10.0  # the port's own radius, around which a drop appends
APPEND_GAP = 56.0  # the rank gap of the layered layout: an appended state sits one rank below


@dataclass
class DropTarget:
    """Where a drop goes: into `edge` at `point`, after the state `after`, or (neither) free."""

    edge: EdgeItem | None = None
    point: QPointF | None = None  # the nearest point of the edge, in scene coordinates
    after: StateItem | None = None


def entry_flows(entry: str) -> tuple[bool, bool]:
    """(can be spliced into a transition, can be appended after a state) for a palette entry."""
    group, _, kind = entry.partition(":")
    if group == "state":
        return kind not in ("Succeed", "Fail"), True
    if group == "pattern":
        pattern = PATTERNS.get(kind)
        flows = pattern is not None and pattern.needs_machine
        return flows, flows
    return False, False


def find_drop_target(scene: DesignerScene, entry: str, pos: QPointF, tolerance: float) -> DropTarget:
    splice, append = entry_flows(entry)
    under = _state_under(scene, pos) if splice or append else None
    if under is not None:
        port = under.mapToScene(under.port_centre())
        if append and open_end(under) and QLineF(port, pos).length() <= tolerance + PORT_REACH:
            return DropTarget(after=under)  # on its output port
        return DropTarget()  # a state under the cursor wins: the drop goes beside it
    if splice:
        found = nearest_edge(scene, pos, tolerance)
        if found is not None:
            return DropTarget(edge=found[0], point=found[1])
    if append:
        after = state_to_append_after(scene, pos, tolerance)
        if after is not None:
            return DropTarget(after=after)
    return DropTarget()


def _state_under(scene: DesignerScene, pos: QPointF) -> StateItem | None:
    """A plain state under `pos` (a container only where no lane is: its header)."""
    for item in scene.items(pos):
        if isinstance(item, ContainerItem):
            if item.lane_at(item.mapFromScene(pos)) is None:
                return item
        elif isinstance(item, StateItem) and item.scene_box().contains(pos):
            return item
    return None


def polyline(edge: EdgeItem) -> list[QPointF]:
    """The edge's route in scene coordinates."""
    return [edge.mapToScene(p) for p in edge._points]


def nearest_on(points: list[QPointF], pos: QPointF) -> tuple[float, QPointF]:
    best = (math.inf, QPointF(pos))
    for a, b in itertools.pairwise(points):
        line = QLineF(a, b)
        length2 = line.dx() ** 2 + line.dy() ** 2
        t = 0.0 if length2 == 0 else ((pos.x() - a.x()) * line.dx() + (pos.y() - a.y()) * line.dy()) / length2
        point = line.pointAt(max(0.0, min(1.0, t)))
        distance = QLineF(point, pos).length()
        if distance < best[0]:
            best = (distance, point)
    return best


def spliceable(edge: EdgeItem) -> bool:
    """A transition between two states, or the Start marker's edge (the new state then
    becomes the first)."""
    if not isinstance(edge.target, StateItem) or len(edge._points) < 2:
        return False
    if edge.kind == "start":
        return True
    return edge.kind in SPLICE_KINDS and bool(edge.field) and isinstance(edge.source, StateItem)


def nearest_edge(scene: DesignerScene, pos: QPointF, tolerance: float) -> tuple[EdgeItem, QPointF] | None:
    """The transition nearest `pos` within `tolerance` (its label counts as part of it)."""
    box = QRectF(pos.x() - tolerance, pos.y() - tolerance, 2 * tolerance, 2 * tolerance)
    best: tuple[float, EdgeItem, QPointF] | None = None
    for item in scene.items(box, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
        if not (isinstance(item, EdgeItem) and spliceable(item)):
            continue
        distance, point = nearest_on(polyline(item), pos)
        label = item.mapRectToScene(item.label_rect()) if not item.label_rect().isNull() else QRectF()
        if not label.isNull() and label.contains(pos):
            distance = 0.0
        if distance <= tolerance and (best is None or distance < best[0]):
            best = (distance, item, point)
    return (best[1], best[2]) if best is not None else None


def open_end(item: StateItem) -> bool:
    """A state whose flow stops here though it could go on (End, or no transition at all)."""
    value = item.value
    if not isinstance(value, dict) or item.kind in ("Succeed", "Fail", "Choice"):
        return False
    return not isinstance(value.get("Next"), str)


def append_zone(item: StateItem, direction: str, tolerance: float) -> QRectF:
    """The area past a state's output port where a drop appends to it."""
    box = item.scene_box()
    reach = max(APPEND_REACH, 2 * tolerance)
    if direction == "LR" and not item.address.scope:
        return QRectF(box.right(), box.top(), reach, box.height()).adjusted(
            -tolerance, -tolerance, 0, tolerance
        )
    return QRectF(box.left(), box.bottom(), box.width(), reach).adjusted(-tolerance, -tolerance, tolerance, 0)


def state_to_append_after(scene: DesignerScene, pos: QPointF, tolerance: float) -> StateItem | None:
    """The open-ended state whose append zone holds `pos` (the nearest port if several).

    Only states whose box comes within reach above (or left of) `pos` can qualify, so the
    scene's index finds the few to look at however big the machine is."""
    reach = max(APPEND_REACH, 2 * tolerance) + tolerance
    near = QRectF(pos.x() - reach, pos.y() - reach, reach + tolerance, reach + tolerance)
    best: tuple[float, StateItem] | None = None
    for item in scene.items(near, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
        if not isinstance(item, StateItem) or not open_end(item) or not item.isVisible():
            continue
        if append_zone(item, scene.direction, tolerance).contains(pos):
            distance = QLineF(item.mapToScene(item.port_centre()), pos).length()
            if best is None or distance < best[0]:
                best = (distance, item)
    return best[1] if best is not None else None


def ghost_rect(after: StateItem, direction: str, size: tuple[float, float] = GHOST_SIZE) -> QRectF:
    """Where a state appended after `after` goes, in scene coordinates."""
    box = after.scene_box()
    w, h = size
    if direction == "LR" and not after.address.scope:
        return QRectF(box.right() + APPEND_GAP, box.center().y() - h / 2, w, h)
    return QRectF(box.center().x() - w / 2, box.bottom() + APPEND_GAP, w, h)


class DropHint:
    """The overlay that shows a drag's target: a highlighted edge with a plus, or a ghost box."""

    def __init__(self, scene: DesignerScene) -> None:
        self.scene = scene
        self.target = DropTarget()
        self.path_item: QGraphicsPathItem | None = None
        self.marker: QGraphicsPathItem | None = None

    @property
    def edge(self) -> EdgeItem | None:
        return self.target.edge

    @property
    def after(self) -> StateItem | None:
        return self.target.after

    def forget(self) -> None:
        """The scene is about to clear its items (ours with them)."""
        self.path_item = self.marker = None
        self.target = DropTarget()

    def _items(self) -> tuple[QGraphicsPathItem, QGraphicsPathItem]:
        if self.path_item is None or self.marker is None:
            self.path_item = QGraphicsPathItem()
            self.path_item.setZValue(20)
            self.marker = QGraphicsPathItem()
            self.marker.setZValue(21)
            self.marker.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
            plus = QPainterPath()
            plus.addEllipse(QPointF(0, 0), 10, 10)
            for a, b in (((-5, 0), (5, 0)), ((0, -5), (0, 5))):
                plus.moveTo(*a)
                plus.lineTo(*b)
            self.marker.setPath(plus)
        for item in (self.path_item, self.marker):
            if item.scene() is None:
                self.scene.addItem(item)
        return self.path_item, self.marker

    def show(self, target: DropTarget) -> None:
        self.target = target
        if target.edge is None and target.after is None:
            self.hide()
            return
        path_item, marker = self._items()
        accent = QColor(self.scene.theme.color("accent"))
        glow = QColor(accent)
        glow.setAlpha(110)
        if target.edge is not None:
            points = polyline(target.edge)
            path = QPainterPath(points[0])
            for p in points[1:]:
                path.lineTo(p)
            pen = QPen(glow, 7.0)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            path_item.setPen(pen)
            path_item.setBrush(Qt.BrushStyle.NoBrush)
            centre = target.point or points[len(points) // 2]
        else:
            assert target.after is not None
            ghost = ghost_rect(target.after, self.scene.direction)
            port = target.after.mapToScene(target.after.port_centre())
            path = QPainterPath(port)
            lr = self.scene.direction == "LR" and not target.after.address.scope
            entry = (
                QPointF(ghost.left(), ghost.center().y()) if lr else QPointF(ghost.center().x(), ghost.top())
            )
            path.lineTo(entry)
            path.addRoundedRect(ghost, 10, 10)
            pen = QPen(accent, 1.6, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            path_item.setPen(pen)
            fill = QColor(accent)
            fill.setAlpha(28)
            path_item.setBrush(QBrush(fill))
            centre = ghost.center()
        path_item.setPath(path)
        marker.setPen(QPen(QColor("white"), 2.0))
        marker.setBrush(QBrush(accent))
        marker.setPos(centre)

    def hide(self) -> None:
        """Take the overlay off the scene (hidden items would still count in its bounds)."""
        self.target = DropTarget()
        for item in (self.path_item, self.marker):
            if item is not None and item.scene() is not None:
                item.scene().removeItem(item)

    def shown(self) -> bool:
        return self.path_item is not None and self.path_item.scene() is not None
