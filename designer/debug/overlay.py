"""Execution status on the canvas, drawn by small items laid over the existing ones.

The canvas items stay as they are: each state gets a `StatusOverlay` child (outline and badge
in the status colour, with an icon so colour is never the only signal), a `BreakpointGutter`
child (the dot at its left edge, clicked to toggle), each taken edge an `EdgeTrail` child, and
each queue a `QueueGauge` child (live depth and a sparkline). `canvas_decorator.CanvasDecorator`
puts them on and takes them off.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import font
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.state_item import StateItem
from engine.runtime.history_view import CAUGHT, FAILED, NOT_RUN, RETRIED, RUNNING, SUCCEEDED

PAUSED = "paused"
# Okabe-Ito, as /shared/UI.md asks: colour plus icon for every status.
STATUS_COLOURS = {
    RUNNING: "#0072B2",
    PAUSED: "#0072B2",
    SUCCEEDED: "#009E73",
    FAILED: "#D55E00",
    CAUGHT: "#E69F00",
    RETRIED: "#F0E442",
}
STATUS_ICONS = {
    RUNNING: "play",
    PAUSED: "pause",
    SUCCEEDED: "check",
    FAILED: "cross",
    CAUGHT: "caught",
    RETRIED: "retry",
}
HINT_CHIP = "no local behaviour: see the Inspector"
HINT_HEIGHT = 16.0
STATUS_WORDS = {
    NOT_RUN: "not run",
    RUNNING: "running",
    PAUSED: "paused here",
    SUCCEEDED: "succeeded",
    FAILED: "failed",
    CAUGHT: "error caught",
    RETRIED: "succeeded after retries",
}
BREAKPOINT_COLOUR = "#C0392B"
INK = "#1F2328"  # icon ink on the yellow badge (white on yellow fails contrast)
EdgeKey = tuple[str, str, str, str, str]  # machine, source path ("" for a start), target path, kind, field


def status_icon_path(kind: str, box: QRectF) -> QPainterPath:
    """An icon in `box`: check, cross, caught (curved arrow), retry (circular arrow), play, pause,
    stop, timeout (an hourglass). Drawn as shapes: a font may lack these characters (U+23F8)."""
    x, y, w, h = box.x(), box.y(), box.width(), box.height()

    def p(px: float, py: float) -> QPointF:
        return QPointF(x + px * w, y + py * h)

    path = QPainterPath()
    if kind == "check":
        path.moveTo(p(0.12, 0.52))
        path.lineTo(p(0.40, 0.80))
        path.lineTo(p(0.88, 0.22))
    elif kind == "cross":
        path.moveTo(p(0.2, 0.2))
        path.lineTo(p(0.8, 0.8))
        path.moveTo(p(0.8, 0.2))
        path.lineTo(p(0.2, 0.8))
    elif kind == "caught":
        path.moveTo(p(0.2, 0.15))
        path.lineTo(p(0.2, 0.5))
        path.quadTo(p(0.2, 0.78), p(0.5, 0.78))
        path.lineTo(p(0.85, 0.78))
        path.moveTo(p(0.66, 0.58))
        path.lineTo(p(0.86, 0.78))
        path.lineTo(p(0.66, 0.98))
    elif kind == "retry":
        centre, radius = p(0.5, 0.5), 0.34 * w
        rect = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        path.arcMoveTo(rect, 60)
        path.arcTo(rect, 60, 280)
        tip = path.currentPosition()
        path.moveTo(tip + QPointF(0.0, -0.26 * h))
        path.lineTo(tip)
        path.lineTo(tip + QPointF(0.26 * w, 0.02 * h))
    elif kind == "play":
        path.moveTo(p(0.3, 0.18))
        path.lineTo(p(0.82, 0.5))
        path.lineTo(p(0.3, 0.82))
        path.closeSubpath()
    elif kind == "pause":
        path.addRect(QRectF(p(0.24, 0.2), p(0.42, 0.8)))
        path.addRect(QRectF(p(0.58, 0.2), p(0.76, 0.8)))
    elif kind == "stop":
        path.addRect(QRectF(p(0.24, 0.24), p(0.76, 0.76)))
    elif kind == "timeout":  # an hourglass
        path.moveTo(p(0.25, 0.15))
        path.lineTo(p(0.75, 0.15))
        path.lineTo(p(0.25, 0.85))
        path.lineTo(p(0.75, 0.85))
        path.closeSubpath()
    return path


def paint_status_badge(painter: QPainter, centre: QPointF, radius: float, status: str) -> None:
    colour = QColor(STATUS_COLOURS.get(status, "#8A94A2"))
    painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
    painter.setBrush(colour)
    painter.drawEllipse(centre, radius, radius)
    ink = QColor(INK if status == RETRIED else "#FFFFFF")
    icon = STATUS_ICONS.get(status, "")
    box = QRectF(centre.x() - radius * 0.62, centre.y() - radius * 0.62, radius * 1.24, radius * 1.24)
    path = status_icon_path(icon, box)
    if icon in ("play", "pause"):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
    else:
        pen = QPen(ink, max(1.4, radius * 0.22))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


class StatusOverlay(QGraphicsItem):
    """The status of one state: an outline in the status colour and an icon badge."""

    def __init__(self, parent: StateItem) -> None:
        super().__init__(parent)
        self.state = parent
        self.status = NOT_RUN
        self.retries = 0
        self.runs = 0
        self.dimmed = False
        self.hint = ""  # how to serve a Task that failed for want of a local behaviour
        self.on_paint: Callable[[StatusOverlay], None] | None = None  # the latency benchmark listens
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(5)

    def set_status(self, status: str, retries: int = 0, runs: int = 0, dimmed: bool = False) -> None:
        if (status, retries, runs, dimmed) != (self.status, self.retries, self.runs, self.dimmed):
            self.status, self.retries, self.runs, self.dimmed = status, retries, runs, dimmed
            self.setVisible(status != NOT_RUN or dimmed)
            self.update()

    def set_hint(self, hint: str) -> None:
        if hint != self.hint:
            self.prepareGeometryChange()  # the hint's chip hangs below the state
            self.hint = hint
            self.update()

    def boundingRect(self) -> QRectF:
        return self.state.rect().adjusted(-14, -14, 14, 14 + (HINT_HEIGHT + 4 if self.hint else 0))

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.hint:
            self._paint_hint(painter, self.state.rect())
        outline = self.state.outline()
        if self.dimmed:
            veil = QColor(self.state.theme().background)
            veil.setAlpha(170)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(veil)
            painter.drawPath(outline)
        if self.status != NOT_RUN:
            colour = QColor(STATUS_COLOURS[self.status])
            if self.status in (RUNNING, PAUSED):
                tint = QColor(colour)
                tint.setAlpha(28)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(tint)
                painter.drawPath(outline)
            width = 4.0 if self.status in (RUNNING, PAUSED) else 3.0
            if self.status == RETRIED:  # the yellow needs a dark rim to read on white
                painter.setPen(QPen(QColor("#8A7A00"), width + 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(outline)
            painter.setPen(QPen(colour, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(outline)
            r = self.state.rect()
            paint_status_badge(painter, QPointF(r.left() + 4, r.top() + 2), 10.0, self.status)
            self._paint_counts(painter, r)
        if self.on_paint is not None:
            self.on_paint(self)

    def _paint_counts(self, painter: QPainter, r: QRectF) -> None:
        chips = []
        if self.retries:
            chips.append((f"↻ {self.retries}", QColor(STATUS_COLOURS[RETRIED]), QColor(INK)))
        if self.runs > 1:
            chips.append((f"×{self.runs}", QColor("#E9EDF2"), QColor(INK)))
        x = r.left() + 18
        painter.setFont(font("badge"))
        for text, fill, ink in chips:
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            chip = QRectF(x, r.top() - 7, width, 15)
            painter.setPen(QPen(QColor("#5A6472"), 0.8))
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, 7, 7)
            painter.setPen(ink)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 4

    def _paint_hint(self, painter: QPainter, r: QRectF) -> None:
        """A chip under the state that says why it failed and that it can be fixed here."""
        painter.setFont(font("badge"))
        text = f"⚠ {HINT_CHIP}"
        width = painter.fontMetrics().horizontalAdvance(text) + 12
        chip = QRectF(r.center().x() - width / 2, r.bottom() + 6, width, HINT_HEIGHT)
        painter.setPen(QPen(QColor(STATUS_COLOURS[FAILED]), 1.0))
        painter.setBrush(QColor("#FFF4EC"))
        painter.drawRoundedRect(chip, 7, 7)
        painter.setPen(QColor("#8A3300"))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)

    def tooltip_text(self) -> str:
        words = STATUS_WORDS.get(self.status, self.status)
        extra = f", {self.retries} retr{'y' if self.retries == 1 else 'ies'}" if self.retries else ""
        runs = f", ran {self.runs} times" if self.runs > 1 else ""
        hint = f"\n{self.hint}" if self.hint else ""
        return f"{words}{extra}{runs}{hint}"


class BreakpointGutter(QGraphicsItem):
    """The breakpoint dot at a state's left edge: click to set or clear (F9 does the same)."""

    SIZE = 14.0

    def __init__(self, parent: StateItem, toggle: Callable[[StateItem], None]) -> None:
        super().__init__(parent)
        self.state = parent
        self.toggle = toggle
        self.enabled = False
        self.condition: str | None = None
        self._hover = False
        self.setAcceptHoverEvents(True)
        self.setZValue(6)
        r = parent.rect()
        self.setPos(r.left() - self.SIZE / 2 - 1, r.center().y() - self.SIZE / 2)
        self.setToolTip("Breakpoint: click to set or clear (F9)")

    def set_breakpoint(self, enabled: bool, condition: str | None = None) -> None:
        if (enabled, condition) != (self.enabled, self.condition):
            self.enabled, self.condition = enabled, condition
            tip = (
                "Breakpoint" + (f" when {condition}" if condition else "") if enabled else "Set a breakpoint"
            )
            self.setToolTip(f"{tip}: click to toggle (F9)")
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self.SIZE + 4, self.SIZE + 4)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(0, 0, self.SIZE, self.SIZE)
        if self.enabled:
            painter.setPen(QPen(QColor("#FFFFFF"), 1.5))
            painter.setBrush(QColor(BREAKPOINT_COLOUR))
            painter.drawEllipse(rect)
            if self.condition:  # a conditional breakpoint: a white bar across the dot
                painter.setPen(QPen(QColor("#FFFFFF"), 2.0))
                painter.drawLine(QPointF(3.5, 7), QPointF(10.5, 7))
        elif self._hover or getattr(self.state, "_hovered", False):
            colour = QColor(BREAKPOINT_COLOUR)
            colour.setAlpha(120)
            painter.setPen(QPen(colour, 1.4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(rect.adjusted(1.5, 1.5, -1.5, -1.5))

    def hoverEnterEvent(self, event: Any) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event: Any) -> None:
        self._hover = False
        self.update()

    def sceneEventFilter(self, watched: QGraphicsItem, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.GraphicsSceneHoverEnter, QEvent.Type.GraphicsSceneHoverLeave):
            self.update()
        return False

    def mousePressEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.toggle(self.state)
            event.accept()
        else:
            event.ignore()


class EdgeTrail(QGraphicsItem):
    """A transition the execution took: the edge redrawn thick in the succeeded colour
    (orange and dashed for a Catch), with a solid arrowhead."""

    def __init__(self, parent: EdgeItem) -> None:
        super().__init__(parent)
        self.edge = parent
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(1)

    def boundingRect(self) -> QRectF:
        return self.edge.boundingRect()

    def refresh(self) -> None:
        self.prepareGeometryChange()
        self.update()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        points = getattr(self.edge, "_points", [])
        path = getattr(self.edge, "_path", None)
        if len(points) < 2 or path is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        catch = self.edge.kind == "catch"
        colour = QColor(STATUS_COLOURS[CAUGHT] if catch else STATUS_COLOURS[SUCCEEDED])
        pen = QPen(colour, 3.4, Qt.PenStyle.DashLine if catch else Qt.PenStyle.SolidLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        tip, before = points[-1], points[-2]
        angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
        size = 11.0
        left = QPointF(tip.x() - size * math.cos(angle - 0.45), tip.y() - size * math.sin(angle - 0.45))
        right = QPointF(tip.x() - size * math.cos(angle + 0.45), tip.y() - size * math.sin(angle + 0.45))
        painter.setPen(QPen(colour, 1.0))
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([tip, left, right]))
        label = self.edge.label_rect()
        if self.edge.text and not label.isNull():  # keep the edge's label readable over the trail
            theme = self.edge.theme()
            painter.setPen(QPen(colour, 1.4))
            painter.setBrush(theme.color("edge_label_fill"))
            painter.drawRoundedRect(label, label.height() / 2, label.height() / 2)
            painter.setPen(theme.color("edge_label_text"))
            painter.setFont(font("label"))
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, self.edge.text)
