"""Inside a queue on the canvas, while events flow: its live depth and a sparkline of it.

The gauge takes the place of the queue's caption, inside the queue's own box, so that it never
covers a neighbour, an edge or a label (hung under the queue, it covered whatever the layout put
there). Its parts are laid out from the font's measurements (a counts line, a dead-letter badge
at its right, the sparkline below both), so that none runs into another at any font size. When
the queue is drawn as a zoomed-out card the gauge steps aside: the queue's depth meter alone
shows the depth, and the tooltip tells the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import detail_level, font, legible
from designer.canvas.items.resource_items import ResourceItem

PAD = 2.0
GAP = 2.0
SPARK_MIN, SPARK_MAX = 5.0, 11.0
DLQ_COLOUR = "#C24E00"
TEXT_LEFT, METER_ROOM, TOP = 46.0, 44.0, 23.0  # the caption's place in a queue (resource_items.py)


@dataclass(frozen=True)
class GaugeLayout:
    counts: QRectF  # "3 visible · 1 in flight"
    badge: QRectF | None  # "DLQ 2", when the queue has a dead-letter queue
    spark: QRectF
    height: float  # from the top of the caption's place


class QueueGauge(QGraphicsItem):
    """In a queue: its live depth (visible, in flight, dead-lettered) and a sparkline."""

    def __init__(self, parent: ResourceItem) -> None:
        super().__init__(parent)
        self.queue = parent
        self.samples: list[int] = []
        self.visible_count = 0
        self.in_flight = 0
        self.dlq: int | None = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(4)

    def set_depth(self, visible: int, in_flight: int, dlq: int | None, samples: list[int]) -> None:
        self.visible_count, self.in_flight, self.dlq, self.samples = visible, in_flight, dlq, samples[-60:]
        self.setToolTip(
            f"{self.queue.name}: {self.counts_text()}" + (f", {self.dlq} dead-lettered" if dlq else "")
        )
        self.queue.depth = visible
        self.queue.update()
        self.update()

    def counts_text(self) -> str:
        return f"{self.visible_count} visible · {self.in_flight} in flight"

    def counts_fitting(self, width: float) -> str:
        """The counts in the words that fit `width`: in full, shorter, or the two numbers."""
        metrics = QFontMetricsF(font("label"))
        v, f = self.visible_count, self.in_flight
        for text in (self.counts_text(), f"{v} visible · {f} flying", f"{v} vis · {f} fly", f"{v} · {f}"):
            if metrics.horizontalAdvance(text) <= width:
                return text
        return metrics.elidedText(f"{v} · {f}", Qt.TextElideMode.ElideRight, width)

    def badge_text(self) -> str:
        return f"DLQ {self.dlq}"

    def area(self) -> QRectF:
        """Where the queue writes its caption: between its icon column and its depth meter."""
        r = self.queue.rect()
        return QRectF(
            r.left() + TEXT_LEFT, r.top() + TOP, r.width() - TEXT_LEFT - METER_ROOM, r.height() - TOP - 3
        )

    def layout(self) -> GaugeLayout:
        area = self.area()
        metrics = QFontMetricsF(font("label"))
        line = metrics.height()
        badge = None
        right = area.right()
        if self.dlq is not None:
            badge_width = metrics.horizontalAdvance(self.badge_text()) + 8
            badge = QRectF(right - badge_width, area.top(), badge_width, line)
            right = badge.left() - GAP
        counts = QRectF(area.left(), area.top(), max(right - area.left(), 0.0), line)
        top = counts.bottom() + GAP
        height = max(SPARK_MIN, min(SPARK_MAX, area.bottom() - PAD - top))
        spark = QRectF(area.left(), top, area.width(), height)
        return GaugeLayout(counts, badge, spark, spark.bottom() + PAD - area.top())

    def boundingRect(self) -> QRectF:
        area = self.area()
        return QRectF(area.left(), area.top(), area.width(), max(area.height(), self.layout().height))

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not legible("name", detail_level(painter, option)):
            return  # a zoomed-out card: its name alone; the depth meter shows the depth
        theme = self.queue.theme()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        parts = self.layout()
        painter.fillRect(self.boundingRect(), theme.color("node_fill"))  # in place of the caption
        painter.setFont(font("label"))
        painter.setPen(theme.color("node_text"))
        counts = self.counts_fitting(parts.counts.width())
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
