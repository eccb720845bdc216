"""Under a queue on the canvas, while events flow: its live depth and a sparkline of it.

The gauge is laid out from the font's own measurements (a counts line, a dead-letter badge at
its right, the sparkline below both), so that no part of it runs into another at any font size
or screen density; a fixed 14-unit text row used to spill onto the sparkline with larger fonts.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import font
from designer.canvas.items.resource_items import ResourceItem

PAD = 6.0
GAP = 3.0
SPARK_HEIGHT = 11.0
DLQ_COLOUR = "#C24E00"


@dataclass(frozen=True)
class GaugeLayout:
    counts: QRectF  # "3 visible · 1 in flight"
    badge: QRectF | None  # "DLQ 2", when the queue has a dead-letter queue
    spark: QRectF
    height: float


class QueueGauge(QGraphicsItem):
    """Under a queue: its live depth (visible, in flight, dead-lettered) and a sparkline."""

    def __init__(self, parent: ResourceItem) -> None:
        super().__init__(parent)
        self.queue = parent
        self.samples: list[int] = []
        self.visible_count = 0
        self.in_flight = 0
        self.dlq: int | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(4)
        self.setPos(0, parent.rect().bottom() + 4)

    def set_depth(self, visible: int, in_flight: int, dlq: int | None, samples: list[int]) -> None:
        had_badge = self.dlq is not None
        self.visible_count, self.in_flight, self.dlq, self.samples = visible, in_flight, dlq, samples[-60:]
        if had_badge != (dlq is not None):
            self.prepareGeometryChange()
        self.queue.depth = visible
        self.queue.update()
        self.update()

    def counts_text(self) -> str:
        return f"{self.visible_count} visible · {self.in_flight} in flight"

    def badge_text(self) -> str:
        return f"DLQ {self.dlq}"

    def layout(self) -> GaugeLayout:
        metrics = QFontMetricsF(font("label"))
        line = metrics.height()
        width = self.queue.rect().width()
        badge = None
        right = width - PAD
        if self.dlq is not None:
            badge_width = metrics.horizontalAdvance(self.badge_text()) + 10
            badge = QRectF(right - badge_width, PAD - 1, badge_width, line + 2)
            right = badge.left() - GAP
        counts = QRectF(PAD, PAD, max(right - PAD, 0.0), line)
        top = max(counts.bottom(), badge.bottom() if badge is not None else 0.0) + GAP
        spark = QRectF(PAD, top, width - 2 * PAD, SPARK_HEIGHT)
        return GaugeLayout(counts, badge, spark, spark.bottom() + PAD - 2)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.queue.rect().width(), self.layout().height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.queue.theme()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        parts = self.layout()
        rect = QRectF(0, 0, self.queue.rect().width(), parts.height)
        painter.setPen(QPen(theme.color("lane_border"), 1.0))
        painter.setBrush(theme.color("node_fill"))
        painter.drawRoundedRect(rect, 5, 5)
        painter.setFont(font("label"))
        painter.setPen(theme.color("node_text"))
        metrics = QFontMetricsF(font("label"))
        counts = metrics.elidedText(self.counts_text(), Qt.TextElideMode.ElideRight, parts.counts.width())
        painter.drawText(parts.counts, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, counts)
        if parts.badge is not None:
            warn = QColor(DLQ_COLOUR if self.dlq else "#6B7480")
            painter.setPen(QPen(warn, 1.0))
            fill = QColor(warn)
            fill.setAlpha(30)
            painter.setBrush(fill)
            painter.drawRoundedRect(parts.badge, parts.badge.height() / 2, parts.badge.height() / 2)
            painter.drawText(parts.badge, Qt.AlignmentFlag.AlignCenter, self.badge_text())
        self._paint_spark(painter, parts.spark, QColor(theme.type_colors.get(self.queue.kind, "#0072B2")))

    def _paint_spark(self, painter: QPainter, spark: QRectF, accent: QColor) -> None:
        theme = self.queue.theme()
        if len(self.samples) < 2:
            painter.setPen(QPen(theme.color("lane_border"), 1.0, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(spark.left(), spark.bottom()), QPointF(spark.right(), spark.bottom()))
            return
        top = max(max(self.samples), 1)
        step = spark.width() / (len(self.samples) - 1)

        def point(i: int, value: int) -> QPointF:
            return QPointF(spark.left() + i * step, spark.bottom() - spark.height() * value / top)

        line = QPainterPath(point(0, self.samples[0]))
        for i, value in enumerate(self.samples[1:], start=1):
            line.lineTo(point(i, value))
        painter.setPen(QPen(accent, 1.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(line)
