"""The timeline: one bar per state run, from its StateEntered event to its StateExited, in the
status colour with the status icon; a time axis with tick labels above the bars, each bar's
duration beside it (and in its tooltip), a marker at each retry attempt with its back-off hatched,
and a line at the time-travel cursor.

The axis is time since the execution started when time passed during the run (a real clock, or
Waits and back-offs on the virtual clock); a run on the virtual clock with no Wait takes no time
at all, and its bars are then laid out in event order, which the axis says. A run on the virtual
clock has two times: the events' own (virtual: what the run would take on AWS) and the wall clock
(when the designer received each event: what the user waited); a picker above the labels
switches the axis between them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QComboBox, QScrollArea, QToolTip, QWidget

from designer.debug.overlay import STATUS_COLOURS, paint_status_badge
from engine.runtime.history_view import Attempt, moment

ROW = 22.0
LABEL_W = 170.0
AXIS_H = 22.0
RIGHT_PAD = 64.0  # room for the last bar's duration
TICK_SPACING = 90.0  # pixels between tick labels, about


@dataclass
class Bar:
    label: str
    path: str | None
    start: int  # event ids
    end: int
    status: str
    attempts: list[Attempt] = field(default_factory=list)  # shown when the state was retried


VIRTUAL, WALL = "virtual", "wall"
MARKER_HIT = 5.0  # pixels either side of an attempt marker that show its tooltip


def event_times(events: list[dict[str, Any]]) -> dict[int, float]:
    """Seconds since the first event, per event id (events without a readable time are left out)."""
    stamps: dict[int, float] = {}
    for event in events:
        seconds = moment(event.get("timestamp"))
        if seconds is not None and isinstance(event.get("id"), int):
            stamps[event["id"]] = seconds
    return relative(stamps)


def relative(stamps: dict[int, float]) -> dict[int, float]:
    """Epoch seconds per event id, as seconds since the earliest."""
    if not stamps:
        return {}
    first = min(stamps.values())
    return {eid: seconds - first for eid, seconds in stamps.items()}


def attempt_text(attempt: Attempt) -> str:
    """One line of a tooltip: attempt 2 · failed ShelfBusy after 120 ms · back-off 5 s."""
    text = f"attempt {attempt.number} · {attempt.outcome}"
    if attempt.error:
        text += f" {attempt.error}"
    if attempt.started is not None and attempt.ended is not None:
        text += f" after {duration_text(attempt.ended - attempt.started)}"
    if attempt.backoff is not None:
        text += f" · back-off {duration_text(attempt.backoff)}"
    return text


def duration_text(seconds: float) -> str:
    """1.25 s, 340 ms, 2 min 5 s, 1 h 2 min: short and exact enough to compare bars."""
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{round(seconds)} s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(round(seconds) // 60, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def nice_step(span: float, count: int) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `count` ticks over `span`."""
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class TimelineCanvas(QWidget):
    bar_clicked = Signal(object)  # state path

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[Bar] = []
        self.length = 1
        self.cursor: int | None = None
        self.virtual: dict[int, float] = {}
        self.wall: dict[int, float] = {}
        self.setMinimumHeight(60)
        self.setMouseTracking(False)
        self.clock = QComboBox(self)
        self.clock.addItem("virtual time", VIRTUAL)
        self.clock.addItem("wall-clock time", WALL)
        self.clock.setToolTip(
            "Virtual time: the events' timestamps, what the run would take on AWS (Waits and "
            "back-offs included).\nWall-clock time: when the designer received each event."
        )
        self.clock.setFixedWidth(int(LABEL_W - 8))
        self.clock.move(4, 0)
        self.clock.currentIndexChanged.connect(lambda _i: self.update())
        self.clock.hide()

    def set_bars(
        self,
        bars: list[Bar],
        length: int,
        cursor: int | None,
        times: dict[int, float] | None = None,
        wall: dict[int, float] | None = None,
    ) -> None:
        """`times`: seconds since the start per event id (the events' timestamps); `wall`: the same
        by the wall clock, for a run whose timestamps are virtual (the axis can then show either)."""
        self.bars, self.length, self.cursor = bars, max(length, 1), cursor
        self.virtual, self.wall = times or {}, wall or {}
        self.clock.setVisible(bool(self.wall))
        self.setMinimumHeight(int(AXIS_H + ROW * (len(bars) + 1) + 8))
        self.update()

    @property
    def times(self) -> dict[int, float]:
        """The times the axis shows: the wall clock's when chosen, else the events' own."""
        if self.wall and self.clock.currentData() == WALL:
            return self.wall
        return self.virtual

    # scale ---------------------------------------------------------------------------------------

    @property
    def span(self) -> float:
        """Seconds from the first event to the last, or 0 when no time passed."""
        return max(self.times.values(), default=0.0)

    @property
    def timed(self) -> bool:
        return self.span > 0

    def _width(self) -> float:
        return max(self.width() - LABEL_W - 8 - RIGHT_PAD, 10)

    def _x_time(self, seconds: float) -> float:
        return LABEL_W + 8 + self._width() * seconds / self.span

    def _x(self, event_id: float) -> float:
        if self.timed:
            return self._x_time(self._time_of(int(event_id)))
        return LABEL_W + 8 + self._width() * (event_id - 1) / max(self.length - 1, 1)

    def _time_of(self, event_id: int) -> float:
        """The time of an event, or of the closest earlier one with a time."""
        while event_id > 0 and event_id not in self.times:
            event_id -= 1
        return self.times.get(event_id, 0.0)

    def duration(self, bar: Bar) -> float | None:
        if not self.times:
            return None
        return max(self._time_of(bar.end) - self._time_of(bar.start), 0.0)

    def ticks(self) -> list[tuple[float, str]]:
        """(x, label) of each tick on the axis."""
        count = max(int(self._width() // TICK_SPACING), 1)
        if self.timed:
            step = nice_step(self.span, count)
            values = [i * step for i in range(int(self.span / step + 1e-9) + 1)]
            return [(self._x_time(v), duration_text(v) if v else "0") for v in values]
        step = max(1, math.ceil(nice_step(max(self.length - 1, 1), count)))
        return [(self._x(e), f"event {e}") for e in range(1, self.length + 1, step)]

    def bar_rect(self, row: int) -> QRectF:
        bar = self.bars[row]
        y = AXIS_H + 4 + row * ROW
        x0, x1 = self._x(bar.start), self._x(bar.end)
        return QRectF(x0, y + 5, max(x1 - x0, 4), ROW - 10)

    # painting --------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        text = self.palette().text().color()
        self._paint_axis(painter, text)
        metrics = QFontMetricsF(self.font())
        for row, bar in enumerate(self.bars):
            y = AXIS_H + 4 + row * ROW
            painter.setPen(text)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, LABEL_W - 8)
            painter.drawText(QRectF(4, y, LABEL_W - 8, ROW), Qt.AlignmentFlag.AlignVCenter, label)
            rect = self.bar_rect(row)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STATUS_COLOURS.get(bar.status, "#8A94A2")))
            painter.drawRoundedRect(rect, 3, 3)
            paint_status_badge(painter, QPointF(rect.left(), y + ROW / 2), 6.5, bar.status)
            self._paint_attempts(painter, bar, rect)
            seconds = self.duration(bar)
            if seconds is not None:
                painter.setPen(self.palette().placeholderText().color())
                painter.drawText(
                    QRectF(rect.right() + 8, y, RIGHT_PAD + LABEL_W, ROW),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    duration_text(seconds),
                )
        if self.cursor is not None:
            x = self._x(self.cursor)
            painter.setPen(QPen(QColor("#0072B2"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, AXIS_H - 4), QPointF(x, self.height()))
        painter.end()

    def attempt_x(self, attempt: Attempt) -> tuple[float, float | None]:
        """x of an attempt's start, and of its failure when a back-off followed (else None)."""
        start = self._x(attempt.started_id)
        if attempt.backoff is None or attempt.ended_id is None:
            return start, None
        return start, self._x(attempt.ended_id)

    def _paint_attempts(self, painter: QPainter, bar: Bar, rect: QRectF) -> None:
        """A tick at each attempt's start; the back-off after a failed attempt hatched."""
        if len(bar.attempts) < 2:
            return
        ink = QColor("#1B1B1B")
        for k, attempt in enumerate(bar.attempts):
            x, failed_at = self.attempt_x(attempt)
            if failed_at is not None and k + 1 < len(bar.attempts):
                following = self._x(bar.attempts[k + 1].started_id)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(STATUS_COLOURS.get("retried", "#F0E442")))
                gap = QRectF(failed_at, rect.top(), max(following - failed_at, 2.0), rect.height())
                painter.drawRect(gap)
                painter.setBrush(QBrush(ink, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(gap)
            painter.setPen(QPen(ink, 2.0))
            painter.drawLine(QPointF(x, rect.top() - 3), QPointF(x, rect.bottom() + 3))

    def attempt_at(self, row: int, x: float) -> Attempt | None:
        """The attempt whose marker (the nearest) or back-off lies under x on a row."""
        attempts = self.bars[row].attempts if len(self.bars[row].attempts) > 1 else []
        near = [(abs(x - self.attempt_x(a)[0]), a.number, a) for a in attempts]
        hits = sorted((d, n, a) for d, n, a in near if d <= MARKER_HIT)
        if hits:
            return hits[0][2]
        for attempt, following in itertools.pairwise(attempts):
            failed_at = self.attempt_x(attempt)[1]
            if failed_at is not None and failed_at <= x <= self._x(following.started_id):
                return attempt
        return None

    def _paint_axis(self, painter: QPainter, text: QColor) -> None:
        faint = QColor(text)
        faint.setAlpha(60)
        painter.setPen(text)
        caption = "time since start" if self.timed else "event order"  # no time passed: see the tooltip
        if not self.clock.isVisible():  # else the clock picker stands there
            painter.drawText(QRectF(4, 0, LABEL_W - 8, AXIS_H - 4), Qt.AlignmentFlag.AlignVCenter, caption)
        painter.setPen(QPen(faint, 1.0))
        painter.drawLine(QPointF(LABEL_W, AXIS_H - 4), QPointF(self.width() - 4, AXIS_H - 4))
        metrics = QFontMetricsF(self.font())
        last_right = -1e9
        for x, label in self.ticks():
            painter.setPen(QPen(faint, 1.0))
            painter.drawLine(QPointF(x, AXIS_H - 8), QPointF(x, self.height()))
            width = metrics.horizontalAdvance(label)
            left = min(max(x - width / 2, LABEL_W), self.width() - width - 4)
            if left > last_right + 6:  # never write one tick's label over the previous one
                painter.setPen(text)
                painter.drawText(QRectF(left, 0, width + 2, AXIS_H - 8), Qt.AlignmentFlag.AlignVCenter, label)
                last_right = left + width

    # mouse -------------------------------------------------------------------------------------

    def row_at(self, y: float) -> int | None:
        row = int((y - AXIS_H - 4) // ROW)
        return row if y >= AXIS_H + 4 and 0 <= row < len(self.bars) else None

    def axis_tooltip(self) -> str:
        if self.timed:
            which = "By the wall clock: t" if self.times is self.wall and self.wall else "T"
            return f"{which}ime since the execution started; it ran {duration_text(self.span)}."
        return "No time passed during this run (the virtual clock moves only for Waits): bars in event order."

    def tooltip_for(self, row: int) -> str:
        bar = self.bars[row]
        lines = [f"{bar.label}: {bar.status}", f"events {bar.start} to {bar.end}"]
        seconds = self.duration(bar)
        if seconds is not None:
            start = self._time_of(bar.start)
            lines.insert(1, f"took {duration_text(seconds)}, from {duration_text(start) if start else '0'}")
        if len(bar.attempts) > 1:
            lines += [attempt_text(attempt) for attempt in bar.attempts]
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.row_at(event.pos().y())
            if event.pos().y() < AXIS_H:
                QToolTip.showText(event.globalPos(), self.axis_tooltip(), self)
            elif row is None:
                QToolTip.hideText()
            else:
                attempt = self.attempt_at(row, event.pos().x())
                text = attempt_text(attempt) if attempt is not None else self.tooltip_for(row)
                QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        if row is not None:
            self.bar_clicked.emit(self.bars[row].path)


class TimelinePanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(True)
