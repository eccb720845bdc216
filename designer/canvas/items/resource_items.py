"""Event resources: bus (a rail rules hang from), rule (pattern gist), queue (a tray with a depth
meter), DLQ (a queue with a warning corner), topic (a fan) and function (a λ box)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import NodeItem, detail_level, elided, font, legible
from designer.canvas.items.icons import draw_icon
from designer.canvas.theme import Theme

SIZES = {
    "bus": (300.0, 58.0),
    "rule": (204.0, 66.0),
    "queue": (184.0, 58.0),
    "dlq": (184.0, 58.0),
    "topic": (176.0, 56.0),
    "function": (172.0, 50.0),
}
CAPTIONS = {
    "bus": "event bus",
    "rule": "rule",
    "queue": "queue",
    "dlq": "dead-letter queue",
    "topic": "topic",
    "function": "function",
}


class ResourceItem(NodeItem):
    def __init__(self, kind: str, name: str, lines: list[str] | None = None, caption: str = "") -> None:
        width, height = SIZES[kind]
        super().__init__(_fitted_width(kind, name, width), height)
        self.kind = kind  # bus, rule, queue, dlq, topic, function
        self.name = name
        self.lines = lines or []
        self.caption = caption or CAPTIONS[kind]
        self.depth = 0  # messages waiting (queues), filled in by the runtime views
        self.disabled = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setZValue(2)
        self.setToolTip(self.default_tooltip())

    @property
    def project_kind(self) -> str:
        return "queue" if self.kind == "dlq" else self.kind

    def label(self) -> str:
        return self.name

    def layout_key(self) -> str:
        return f"{self.project_kind}:{self.name}"

    def default_tooltip(self) -> str:
        return "\n".join([f"{self.caption} {self.name}", *self.lines])

    def set_content(self, lines: list[str], caption: str, disabled: bool = False) -> None:
        self.lines, self.caption, self.disabled = lines, caption, disabled
        self.setToolTip(self.default_tooltip())
        self.update()

    def outline(self) -> QPainterPath:
        path = QPainterPath()
        r = self._rect
        if self.kind == "bus":
            path.addRoundedRect(r, 8, 8)
        elif self.kind in ("queue", "dlq"):
            path.addRoundedRect(r, 6, 6)
        else:
            path.addRoundedRect(r, 10, 10)
        return path

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme()
        lod = detail_level(painter, option)
        accent = theme.type_color(self.kind)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        border = QPen(accent if self.kind in ("bus", "dlq") else theme.color("node_border"), 1.3)
        if self.disabled:
            border.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.setBrush(theme.color("node_fill"))
        painter.drawPath(self.outline())
        if self.kind == "bus":
            self._paint_rail(painter, theme, accent)
        elif self.kind in ("queue", "dlq"):
            self._paint_tray(painter, theme, accent)
        if self.kind == "dlq":
            self._paint_warning_corner(painter, theme)
        if legible("name", lod):
            self._paint_text(painter, theme, accent, lod)
        else:
            self.paint_card(painter, theme, lod)
        self.paint_selection(painter, theme)
        self.paint_badge(painter, theme, lod)

    def _text_left(self) -> float:
        return 46.0

    def card_rect(self) -> QRectF:
        """Clear of the depth meter (queues), the rail (bus) and the warning corner (DLQ)."""
        r = self._rect
        left = 20.0 if self.kind == "dlq" else 8.0
        right = 42.0 if self.kind in ("queue", "dlq") else 8.0
        bottom = 16.0 if self.kind == "bus" else 2.0
        return r.adjusted(left, 2, -right, -bottom)

    def _paint_text(self, painter: QPainter, theme: Theme, accent: QColor, lod: float) -> None:
        r = self._rect
        icon_rect = QRectF(12, 10 if self.kind != "bus" else 8, 26, 26)
        tint = QColor(accent)
        tint.setAlpha(34)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
        painter.drawRoundedRect(icon_rect, 7, 7)
        draw_icon(painter, self.kind, icon_rect.adjusted(5, 5, -5, -5), accent, 1.6)
        left = self._text_left()
        right_margin = 46.0 if self.kind in ("queue", "dlq") else 10.0
        width = r.width() - left - right_margin
        painter.setPen(theme.color("node_text"))
        painter.setFont(font("name"))
        name = elided(self.name, "name", width)
        self.note_label(name, "name", lod)
        painter.drawText(QRectF(left, 6, width, 18), Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(font("caption"))
        painter.setPen(theme.color("node_caption"))
        y = 23.0
        for line in [self.caption, *self.lines] if self.kind != "rule" else self.lines or [self.caption]:
            if y + 14 > r.height() - (16 if self.kind == "bus" else 2):
                break
            painter.drawText(
                QRectF(left, y, width, 15), Qt.AlignmentFlag.AlignVCenter, elided(line, "caption", width)
            )
            y += 14.0

    def _paint_rail(self, painter: QPainter, theme: Theme, accent: QColor) -> None:
        """The bus as a rail along the bottom, with hooks where rules hang."""
        r = self._rect
        rail = QRectF(r.left() + 10, r.bottom() - 13, r.width() - 20, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(rail, 3, 3)
        painter.setPen(QPen(accent, 1.6))
        for i in range(1, 6):
            x = rail.left() + i * rail.width() / 6
            painter.drawLine(QPointF(x, rail.bottom()), QPointF(x, r.bottom()))

    def _paint_tray(self, painter: QPainter, theme: Theme, accent: QColor) -> None:
        """A depth meter: five cells at the right, filled as messages wait."""
        r = self._rect
        meter = QRectF(r.right() - 36, r.top() + 12, 24, r.height() - 24)
        painter.setPen(QPen(accent, 1.3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        tray = QPainterPath(QPointF(meter.left(), meter.top()))
        tray.lineTo(meter.left(), meter.bottom())
        tray.lineTo(meter.right(), meter.bottom())
        tray.lineTo(meter.right(), meter.top())
        painter.drawPath(tray)
        cells = 5
        filled = min(cells, self.depth if self.depth < cells else cells)
        cell_h = (meter.height() - 4) / cells
        for i in range(cells):
            cell = QRectF(
                meter.left() + 3, meter.bottom() - 2 - (i + 1) * cell_h + 1, meter.width() - 6, cell_h - 2
            )
            colour = QColor(accent)
            colour.setAlpha(200 if i < filled else 40)
            painter.fillRect(cell, colour)

    def _paint_warning_corner(self, painter: QPainter, theme: Theme) -> None:
        r = self._rect
        corner = QPainterPath(QPointF(r.left(), r.top() + 18))
        corner.lineTo(r.left(), r.top() + 6)
        corner.quadTo(r.left(), r.top(), r.left() + 6, r.top())
        corner.lineTo(r.left() + 18, r.top())
        corner.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.color("warning"))
        painter.drawPath(corner)


def _fitted_width(kind: str, name: str, base: float) -> float:
    """Wide enough for the name (captions may be cut short; the tooltip has them whole)."""
    chrome = 46.0 + (46.0 if kind in ("queue", "dlq") else 12.0)
    return float(
        min(320.0, max(base, round(QFontMetricsF(font("name")).horizontalAdvance(name) + chrome + 6)))
    )
