"""Edges: transitions inside a machine (Next, Choice rule, Default, Catch, back-edge, start) and
event routes between resources (a second family: another colour, hollow arrowheads)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import LOD_TEXT, NodeItem, detail_level, font
from designer.canvas.routing import route
from designer.theme import LIGHT, Theme

KINDS = ("next", "choice", "default", "catch", "start", "route")
CORNER = 10.0
ARROW = 9.0


class EdgeItem(QGraphicsItem):
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
        self._path = QPainterPath()
        self._points: list[QPointF] = []
        self._label_rect = QRectF()
        self._bounds = QRectF()
        self.setZValue(0.5 if kind != "route" else 3)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, kind != "start")
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
        obstacles = [to_local(o) for o in self.obstacles()]
        if self.kind == "route":
            points = self._route_points(src, dst)
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
        self._path = _rounded(points) if self.kind != "route" else _curve(points)
        self._label_rect = self._place_label()
        self._bounds = (
            self._path.boundingRect().adjusted(-ARROW, -ARROW, ARROW, ARROW).united(self._label_rect)
        )

    def _route_points(self, src: QRectF, dst: QRectF) -> list[QPointF]:
        """Routes run side to side (or top to bottom when boxes overlap horizontally)."""
        if dst.left() > src.right() + 20:
            return [QPointF(src.right(), src.center().y()), QPointF(dst.left(), dst.center().y())]
        if src.left() > dst.right() + 20:
            return [QPointF(src.left(), src.center().y()), QPointF(dst.right(), dst.center().y())]
        if dst.top() > src.bottom():
            return [QPointF(src.center().x(), src.bottom()), QPointF(dst.center().x(), dst.top())]
        return [QPointF(src.center().x(), src.top()), QPointF(dst.center().x(), dst.bottom())]

    def _place_label(self) -> QRectF:
        if not self.text or len(self._points) < 2:
            return QRectF()
        metrics = QFontMetricsF(font("label"))
        w, h = metrics.horizontalAdvance(self.text) + 12, metrics.height() + 4
        anchor = self._label_anchor()
        return QRectF(anchor.x() - w / 2, anchor.y() - h / 2, w, h)

    def _label_anchor(self) -> QPointF:
        pts = self._points
        if self.kind == "route" or len(pts) == 2:
            return QLineF(pts[0], pts[-1]).pointAt(0.5)
        # The longest segment parallel to the cross axis (horizontal in TB) if long enough, else
        # the last segment: the label then sits by the arrow it names.
        segments = list(itertools.pairwise(pts))
        cross = [s for s in segments if (abs(s[0].y() - s[1].y()) < 0.5) == (self.direction == "TB")]
        best = max(cross, key=lambda s: QLineF(*s).length(), default=None)
        if best is not None and QLineF(*best).length() > 90:
            return QLineF(*best).pointAt(0.5)
        a, b = segments[-1]
        return QLineF(a, b).pointAt(0.45)

    def takes_side_route(self) -> bool:
        return self.back or len(self._points) > 4

    def nudge_label(self, dy: float) -> None:
        self.prepareGeometryChange()
        self._label_rect.translate(0, dy)
        self._bounds = self._bounds.united(self._label_rect)

    def label_rect(self) -> QRectF:
        return QRectF(self._label_rect)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        shape = stroker.createStroke(self._path)
        if not self._label_rect.isNull():
            shape.addRect(self._label_rect)
        return shape

    # painting ----------------------------------------------------------------------------------

    def _pen(self, theme: Theme) -> QPen:
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
        if len(self._points) < 2:
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

    def _paint_arrow(self, painter: QPainter, pen: QPen, theme: Theme) -> None:
        tip = self._points[-1]
        before = self._path.pointAtPercent(0.95) if self.kind == "route" else self._points[-2]
        angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
        left = QPointF(tip.x() - ARROW * math.cos(angle - 0.45), tip.y() - ARROW * math.sin(angle - 0.45))
        right = QPointF(tip.x() - ARROW * math.cos(angle + 0.45), tip.y() - ARROW * math.sin(angle + 0.45))
        solid = QPen(pen)
        solid.setStyle(Qt.PenStyle.SolidLine)
        painter.setPen(solid)
        painter.setBrush(theme.color("background") if self.kind == "route" else pen.color())
        painter.drawPolygon(QPolygonF([tip, left, right]))


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


def _curve(points: list[QPointF]) -> QPainterPath:
    a, b = points[0], points[-1]
    path = QPainterPath(a)
    if abs(b.x() - a.x()) >= abs(b.y() - a.y()):
        dx = (b.x() - a.x()) / 2
        path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)
    else:
        dy = (b.y() - a.y()) / 2
        path.cubicTo(QPointF(a.x(), a.y() + dy), QPointF(b.x(), b.y() - dy), b)
    return path
