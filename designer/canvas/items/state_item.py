"""A state on the canvas: rounded box with a type icon, name and caption; Choice with diamond
corners; Succeed and Fail as pills with a check or a cross."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import NodeItem, detail_level, elided, font, legible
from designer.canvas.items.icons import draw_icon
from designer.canvas.labels import state_caption
from engine.asl import StateAddress

STATE_WIDTH = 188.0
STATE_HEIGHT = 54.0
PILL_WIDTH = 156.0
PILL_HEIGHT = 42.0
PORT_RADIUS = 5.5
ICON_BOX = 28.0
MAX_WIDTH = 300.0


def state_type(value: Any) -> str:
    kind = value.get("Type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else "?"


class StateItem(NodeItem):
    def __init__(self, address: StateAddress, value: Any, parent: QGraphicsItem | None = None) -> None:
        kind = state_type(value)
        pill = kind in ("Succeed", "Fail")
        super().__init__(_width_for(address.name, value, pill), PILL_HEIGHT if pill else STATE_HEIGHT, parent)
        self.address = address
        self.value = value
        self.is_start = False
        self.movable_in_scope = not address.scope  # nested states follow their container's layout
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, self.movable_in_scope)
        self.setZValue(2)
        self.setToolTip(self.default_tooltip())

    @property
    def kind(self) -> str:
        return state_type(self.value)

    def label(self) -> str:
        return self.address.name

    def layout_key(self) -> str | None:
        return self.address.layout_key if self.movable_in_scope else None

    def default_tooltip(self) -> str:
        comment = self.value.get("Comment") if isinstance(self.value, dict) else None
        return f"{self.address.name} ({self.kind})" + (f"\n{comment}" if isinstance(comment, str) else "")

    def set_value(self, value: Any) -> None:
        self.value = value
        self.setToolTip(self.default_tooltip() if not self.problems else self.toolTip())
        self.update()

    @property
    def is_terminal(self) -> bool:
        return isinstance(self.value, dict) and (
            self.value.get("End") is True or self.kind in ("Succeed", "Fail")
        )

    def can_have_next(self) -> bool:
        return self.kind not in ("Succeed", "Fail")

    # geometry ----------------------------------------------------------------------------------

    def outline(self) -> QPainterPath:
        r = self._rect
        path = QPainterPath()
        if self.kind in ("Succeed", "Fail"):
            path.addRoundedRect(r, r.height() / 2, r.height() / 2)
        elif self.kind == "Choice":
            c = 14.0
            path.moveTo(r.left() + c, r.top())
            path.lineTo(r.right() - c, r.top())
            path.lineTo(r.right(), r.center().y())
            path.lineTo(r.right() - c, r.bottom())
            path.lineTo(r.left() + c, r.bottom())
            path.lineTo(r.left(), r.center().y())
            path.closeSubpath()
        else:
            path.addRoundedRect(r, 10, 10)
        return path

    def port_centre(self) -> QPointF:
        return QPointF(self._rect.center().x(), self._rect.bottom())

    def port_hit(self, local: QPointF) -> bool:
        if not self.can_have_next():
            return False
        d = local - self.port_centre()
        return d.x() * d.x() + d.y() * d.y() <= (PORT_RADIUS + 4) ** 2

    def boundingRect(self) -> QRectF:
        # Asked for every state on every repaint (Qt culls a frame's children one by one).
        if self._brect is None:
            self._brect = super().boundingRect().adjusted(0, 0, 0, PORT_RADIUS + 8)
        return self._brect

    # painting ----------------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme()
        lod = detail_level(painter, option)
        accent = theme.type_color(self.kind)
        pill = self.kind in ("Succeed", "Fail")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        border = accent if pill else theme.color("node_border")
        painter.setPen(QPen(border, 1.6 if pill else 1.2))
        painter.setBrush(theme.color("node_fill"))
        painter.drawPath(self.outline())
        if legible("name", lod):
            self._paint_content(painter, theme, accent, pill, lod)
        else:  # a card: the type colour as a stripe where the icon was, and the name
            if not pill:
                stripe = 14.0 if self.kind == "Choice" else 8.0
                painter.fillRect(
                    QRectF(self._rect.left() + stripe, self._rect.top() + 8, 6, self._rect.height() - 16),
                    accent,
                )
            self.paint_card(painter, theme, lod)
        if self.is_terminal and not pill:
            self._paint_end_cap(painter, theme)
        self._paint_port(painter, theme)
        self.paint_selection(painter, theme)
        self.paint_badge(painter, theme, lod)

    def _paint_port(self, painter: QPainter, theme: Any) -> None:
        if (self._hovered or self.isSelected()) and self.can_have_next():
            painter.setPen(QPen(theme.color("node_fill"), 1.5))
            painter.setBrush(theme.color("accent"))
            painter.drawEllipse(self.port_centre(), PORT_RADIUS, PORT_RADIUS)

    def card_rect(self) -> QRectF:
        if self.kind in ("Succeed", "Fail"):  # the round ends leave room for a line of text
            return self._rect.adjusted(6, 3, -6, -3)
        if self.kind == "Choice":
            return self._rect.adjusted(24, 3, -16, -3)
        return self._rect.adjusted(18, 3, -8, -3)

    def _paint_content(self, painter: QPainter, theme: Any, accent: QColor, pill: bool, lod: float) -> None:
        r = self._rect
        inset = 22.0 if self.kind == "Choice" else 12.0
        icon_rect = QRectF(r.left() + inset, r.center().y() - ICON_BOX / 2, ICON_BOX, ICON_BOX)
        if pill:
            icon_rect = QRectF(r.left() + 10, r.center().y() - 12, 24, 24)
        tint = QColor(accent)
        tint.setAlpha(34)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
        painter.drawEllipse(icon_rect) if pill else painter.drawRoundedRect(icon_rect, 7, 7)
        draw_icon(painter, self.kind, icon_rect.adjusted(6, 6, -6, -6), accent, 1.7 if pill else 1.5)
        text_left = icon_rect.right() + 9
        text_width = r.right() - text_left - (18 if self.kind == "Choice" else 10)
        painter.setPen(theme.color("node_text"))
        painter.setFont(font("name"))
        name = elided(self.address.name, "name", text_width)
        self.note_label(name, "name", lod)
        if pill:
            painter.drawText(
                QRectF(text_left, r.top(), text_width, r.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
            return
        painter.drawText(
            QRectF(text_left, r.top() + 8, text_width, 20),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            name,
        )
        painter.setPen(theme.color("node_caption"))
        painter.setFont(font("caption"))
        painter.drawText(
            QRectF(text_left, r.top() + 27, text_width, 18),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            elided(state_caption(self.value), "caption", text_width),
        )

    def _paint_end_cap(self, painter: QPainter, theme: Any) -> None:
        """A short stem and bar under a state with End: true: the execution ends here."""
        x, y = self._rect.center().x(), self._rect.bottom()
        painter.setPen(QPen(theme.color("edge"), 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(x, y), QPointF(x, y + 9))
        painter.drawLine(QPointF(x - 7, y + 9), QPointF(x + 7, y + 9))


def _width_for(name: str, value: Any, pill: bool) -> float:
    """Wide enough for the name and caption (within limits), so names are rarely cut short."""
    name_w = QFontMetricsF(font("name")).horizontalAdvance(name)
    caption_w = 0.0 if pill else QFontMetricsF(font("caption")).horizontalAdvance(state_caption(value))
    chrome = 52.0 if pill else (12 + ICON_BOX + 9 + 14 + (12 if state_type(value) == "Choice" else 0))
    base = PILL_WIDTH if pill else STATE_WIDTH
    return float(min(MAX_WIDTH, max(base, round(max(name_w, caption_w) + chrome + 8))))
