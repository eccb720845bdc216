"""Edges: transitions inside a machine (Next, Choice rule, Default, Catch, back-edge, start) and
event routes between resources (a second family: another colour, hollow arrowheads)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import LOD_TEXT, NodeItem, detail_level, font
from designer.canvas.obstacles import BoxIndex
from designer.canvas.routing import orthogonal_route, route
from designer.canvas.theme import LIGHT, Theme

KINDS = ("next", "choice", "default", "catch", "start", "route")
CORNER = 10.0
ARROW = 9.0
_PENS: dict[tuple, QPen] = {}  # (theme, kind, back-edge, selected) -> pen, made once
_NO_PEN = QPen(Qt.PenStyle.NoPen)  # the bounding box is the rectangle itself, no pen around it
_END_MARGIN = 12.0  # room around a route's end nodes for their own controls
_SHAPE_MODES = (Qt.ItemSelectionMode.IntersectsItemShape, Qt.ItemSelectionMode.ContainsItemShape)


class EdgeItem(QGraphicsRectItem):
    """An edge; its rectangle (never drawn) is its bounding box. Qt asks every item of a frame
    for its bounding box on each paint and hit test: kept on the C++ side, that costs no call
    into Python, which on a machine of thousands of edges is most of a frame."""

    def __init__(
        self,
        source: NodeItem,
        target: NodeItem,
        kind: str = "next",
        label: str = "",
        parent: QGraphicsItem | None = None,
    ) -> None:
        super().__init__(parent)
        self.source, self.target = source, target
        self.kind = kind
        self.text = label
        self.field = ""  # JSON path below the source state naming the target ("Next", "Choices/0/Next")
        self.back = False
        self.direction = "TB"
        self.exit_offset = 0.0
        self.entry_offset = 0.0
        self.lane = 0
        self.obstacles: Callable[[], Sequence[QRectF]] = list
        # The scope's boxes in this edge's coordinates, set while its edges are rerouted from
        # one shared index; `obstacles` is walked otherwise.
        self.index: BoxIndex | None = None
        self.soft: Callable[[], Sequence[QRectF]] = list  # regions a route may cross at a cost
        self.sides: tuple[str, str] | None = None  # a route's exit and entry sides
        # A route's own way of finding its points (in scene coordinates), set by the pass that
        # routes it; None when it has none, or when that way found no path.
        self.router: Callable[[], list[QPointF] | None] | None = None
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._segments: list[QRectF] = []  # each segment's box, with room for the arrowhead
        self._spans: list[tuple[float, float, float, float]] = []  # the same: left, top, right, bottom
        self._shape: QPainterPath | None = None
        self._points: list[QPointF] = []
        self._label_rect = QRectF()
        self._bounds = QRectF()
        self.setPen(_NO_PEN)
        # Routes pass over frames and containers but under nodes, so a route that leaves a state
        # never covers the state's own controls (its port, its breakpoint dot).
        self.setZValue(0.5 if kind != "route" else 1.5)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, kind != "start")
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)  # exposedRect
        source.edges.append(self)
        target.edges.append(self)

    def detach(self) -> None:
        for node in (self.source, self.target):
            if self in node.edges:
                node.edges.remove(self)

    def theme(self) -> Theme:
        scene = self.scene()
        return getattr(scene, "theme", LIGHT) if scene is not None else LIGHT

    # geometry ----------------------------------------------------------------------------------

    def update_path(self) -> None:
        parent = self.parentItem()
        to_local = parent.mapRectFromScene if parent is not None else (lambda r: QRectF(r))
        src = to_local(self.source.scene_box())
        dst = to_local(self.target.scene_box())
        staged = self.router() if self.kind == "route" and self.router is not None else None
        index = self.index
        obstacles = (
            []
            if staged is not None
            else index.without((self.source, self.target))
            if index is not None
            else [to_local(o) for o in self.obstacles()]
        )
        if staged is not None:
            points = staged
        elif self.kind == "route":
            points = orthogonal_route(
                src,
                dst,
                obstacles,
                sides=self.sides,
                exit_offset=self.exit_offset,
                entry_offset=self.entry_offset,
                soft=[to_local(s) for s in self.soft()],
            )
        else:
            points = route(
                src,
                dst,
                obstacles,
                back=self.back,
                direction=self.direction,
                exit_offset=self.exit_offset,
                entry_offset=self.entry_offset,
                lane=self.lane,
            )
        self.prepareGeometryChange()
        self._points = points
        self._path = _rounded(points)
        self._arrow = _arrowhead(points) if len(points) >= 2 else QPolygonF()
        pad = ARROW + 2
        self._segments = [
            QRectF(a, b).normalized().adjusted(-pad, -pad, pad, pad) for a, b in itertools.pairwise(points)
        ]
        self._spans = [(r.left(), r.top(), r.right(), r.bottom()) for r in self._segments]
        self._shape = None
        self._label_rect = self._place_label()
        self._bounds = (
            self._path.boundingRect().adjusted(-ARROW, -ARROW, ARROW, ARROW).united(self._label_rect)
        )
        self.setRect(self._bounds)

    def _place_label(self) -> QRectF:
        if not self.text or len(self._points) < 2:
            return QRectF()
        metrics = QFontMetricsF(font("label"))
        w, h = metrics.horizontalAdvance(self.text) + 12, metrics.height() + 4
        anchor = self._label_anchor(w, h)
        return QRectF(anchor.x() - w / 2, anchor.y() - h / 2, w, h)

    def _label_anchor(self, w: float = 0.0, h: float = 0.0) -> QPointF:
        pts = self._points
        if len(pts) == 2:
            return QLineF(pts[0], pts[-1]).pointAt(0.5)
        segments = list(itertools.pairwise(pts))
        if self.kind == "route":  # the longest run, away from both ends
            return QLineF(*max(segments, key=lambda s: QLineF(*s).length())).pointAt(0.5)
        # The longest segment parallel to the cross axis (horizontal in TB) if long enough; else
        # the last segment, by the arrow it names, when the label fits there clear of the
        # arrowhead; else the cross segment after all (a pill on the jog reads better than one
        # sitting on the arrowhead and the target's border).
        cross = [s for s in segments if (abs(s[0].y() - s[1].y()) < 0.5) == (self.direction == "TB")]
        best = max(cross, key=lambda s: QLineF(*s).length(), default=None)
        if best is not None and QLineF(*best).length() > 90:
            return QLineF(*best).pointAt(0.5)
        a, b = segments[-1]
        last = QLineF(a, b)
        extent = h if self.direction == "TB" else w
        clear = ARROW + 4 + extent / 2  # from the tip to the label's centre
        if last.length() >= clear + extent / 2 + 2 or best is None:
            return last.pointAt(max(0.0, min(0.45, 1 - clear / max(last.length(), 1e-6))))
        return QLineF(*best).pointAt(0.5)

    def takes_side_route(self) -> bool:
        return self.back or len(self._points) > 4

    def nudge_label(self, dy: float) -> None:
        self.prepareGeometryChange()
        self._label_rect.translate(0, dy)
        self._shape = None
        self._bounds = self._bounds.united(self._label_rect)
        self.setRect(self._bounds)

    def label_rect(self) -> QRectF:
        return QRectF(self._label_rect)

    def shape(self) -> QPainterPath:
        # Hit tests ask for this on every mouse move over the edge; stroke once per path.
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = stroker.createStroke(self._path)
            if not self._label_rect.isNull():
                self._shape.addRect(self._label_rect)
            if self.kind == "route":
                # A route is drawn over frames, so over the states inside them too: it must not
                # take the clicks meant for its ends (a state's port, its breakpoint dot).
                for node in (self.source, self.target):
                    ends = QPainterPath()
                    rect = self.mapFromScene(node.sceneBoundingRect()).boundingRect()
                    ends.addRect(rect.adjusted(-_END_MARGIN, -_END_MARGIN, _END_MARGIN, _END_MARGIN))
                    self._shape = self._shape.subtracted(ends)
        return self._shape

    def contains(self, point: QPointF) -> bool:
        # Qt asks this of every edge whose bounding box holds the mouse, and a long edge's box
        # covers much of the graph. Until the stroke is made, the segments' boxes (which hold
        # all of it) answer most of them without making it; once made, it answers fastest.
        if (
            self._shape is None
            and not self._label_rect.contains(point)
            and not any(s.contains(point) for s in self._segments)
        ):
            return False
        return self.shape().contains(point)

    def collidesWithPath(
        self, path: QPainterPath, mode: Qt.ItemSelectionMode = Qt.ItemSelectionMode.IntersectsItemShape
    ) -> bool:
        if mode in _SHAPE_MODES:
            area = path.controlPointRect()
            if not area.width():  # as Qt widens a line's box, so that it can intersect
                area.adjust(-0.00001, 0, 0.00001, 0)
            if not area.height():
                area.adjust(0, -0.00001, 0, 0.00001)
            if not self._label_rect.intersects(area) and not any(s.intersects(area) for s in self._segments):
                return False
        return super().collidesWithPath(path, mode)

    # painting ----------------------------------------------------------------------------------

    def _pen(self, theme: Theme) -> QPen:
        key = (theme.name, id(theme), self.kind, self.back, self.isSelected())
        pen = _PENS.get(key)
        if pen is None:
            pen = _PENS[key] = self._make_pen(theme)
        return pen

    def _make_pen(self, theme: Theme) -> QPen:
        if self.kind == "catch":
            pen = QPen(theme.color("catch"), 1.6, Qt.PenStyle.DashLine)
        elif self.kind == "route":
            pen = QPen(theme.color("route"), 1.8)
        elif self.back:
            pen = QPen(theme.color("back_edge"), 1.6, Qt.PenStyle.DotLine)
        else:
            pen = QPen(theme.color("edge"), 1.5)
        if self.isSelected():
            pen.setColor(theme.color("accent"))
            pen.setWidthF(pen.widthF() + 1.2)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if len(self._points) < 2 or not self._shows_in(option.exposedRect):
            return
        theme = self.theme()
        lod = detail_level(painter, option)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = self._pen(theme)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        self._paint_arrow(painter, pen, theme)
        if self.text and lod >= LOD_TEXT:
            painter.setPen(QPen(pen.color(), 1.0))
            painter.setBrush(theme.color("edge_label_fill"))
            radius = self._label_rect.height() / 2
            painter.drawRoundedRect(self._label_rect, radius, radius)
            painter.setPen(theme.color("catch") if self.kind == "catch" else theme.color("edge_label_text"))
            painter.setFont(font("label"))
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.text)

    def _shows_in(self, exposed: QRectF) -> bool:
        """Whether any of the edge is in the exposed rectangle. A long edge round the side has a
        bounding box over half the graph; repainting a moved state nearby must not draw it."""
        if exposed.isEmpty() or exposed.contains(self._bounds):
            return True
        if self._label_rect.intersects(exposed):
            return True
        # Called for every edge whose box meets the repainted area (on a large machine hundreds
        # of long ones per frame), so compared as floats; QRectF.intersects, as the segments'
        # boxes are never empty.
        el, et, er, eb = exposed.left(), exposed.top(), exposed.right(), exposed.bottom()
        return any(
            left < er and el < right and top < eb and et < bottom for left, top, right, bottom in self._spans
        )

    def crosses(self, boxes: Sequence[QRectF]) -> bool:
        """Whether the edge's path or label meets any of `boxes` (in this edge's coordinates)."""
        return any(
            segment.intersects(box) for box in boxes for segment in [*self._segments, self._label_rect]
        )

    def _paint_arrow(self, painter: QPainter, pen: QPen, theme: Theme) -> None:
        if pen.style() != Qt.PenStyle.SolidLine:
            solid = QPen(pen)
            solid.setStyle(Qt.PenStyle.SolidLine)
            pen = solid
        painter.setPen(pen)
        painter.setBrush(theme.color("background") if self.kind == "route" else pen.color())
        painter.drawPolygon(self._arrow)


def _arrowhead(points: list[QPointF]) -> QPolygonF:
    tip = points[-1]
    before = points[-2]
    angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
    left = QPointF(tip.x() - ARROW * math.cos(angle - 0.45), tip.y() - ARROW * math.sin(angle - 0.45))
    right = QPointF(tip.x() - ARROW * math.cos(angle + 0.45), tip.y() - ARROW * math.sin(angle + 0.45))
    return QPolygonF([tip, left, right])


def _rounded(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    for i in range(1, len(points) - 1):
        a, b, c = points[i - 1], points[i], points[i + 1]
        r = min(CORNER, QLineF(a, b).length() / 2, QLineF(b, c).length() / 2)
        p1 = QLineF(b, a).pointAt(r / max(QLineF(b, a).length(), 1e-6))
        p2 = QLineF(b, c).pointAt(r / max(QLineF(b, c).length(), 1e-6))
        path.lineTo(p1)
        path.quadTo(b, p2)
    path.lineTo(points[-1])
    return path
