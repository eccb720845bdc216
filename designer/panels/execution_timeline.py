"""A simple timeline: one bar per state run, from its StateEntered event to its StateExited,
in the status colour with the status icon, and a line at the time-travel cursor."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QScrollArea, QWidget

from designer.debug.overlay import STATUS_COLOURS, paint_status_badge

ROW = 22.0
LABEL_W = 170.0


@dataclass
class Bar:
    label: str
    path: str | None
    start: int  # event ids
    end: int
    status: str


class TimelineCanvas(QWidget):
    bar_clicked = Signal(object)  # state path

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[Bar] = []
        self.length = 1
        self.cursor: int | None = None
        self.setMinimumHeight(60)

    def set_bars(self, bars: list[Bar], length: int, cursor: int | None) -> None:
        self.bars, self.length, self.cursor = bars, max(length, 1), cursor
        self.setMinimumHeight(int(ROW * (len(bars) + 1) + 8))
        self.update()

    def _x(self, event_id: float) -> float:
        width = max(self.width() - LABEL_W - 16, 10)
        return LABEL_W + 8 + width * (event_id - 1) / max(self.length - 1, 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        text = self.palette().text().color()
        for row, bar in enumerate(self.bars):
            y = 4 + row * ROW
            painter.setPen(text)
            painter.drawText(QRectF(4, y, LABEL_W - 8, ROW), Qt.AlignmentFlag.AlignVCenter, bar.label)
            x0, x1 = self._x(bar.start), self._x(bar.end)
            colour = QColor(STATUS_COLOURS.get(bar.status, "#8A94A2"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x0, y + 5, max(x1 - x0, 4), ROW - 10), 3, 3)
            paint_status_badge(painter, QPointF(x0, y + ROW / 2), 6.5, bar.status)
        if self.cursor is not None:
            x = self._x(self.cursor)
            painter.setPen(QPen(QColor("#0072B2"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = int((event.position().y() - 4) // ROW)
        if 0 <= row < len(self.bars):
            self.bar_clicked.emit(self.bars[row].path)


class TimelinePanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(True)
