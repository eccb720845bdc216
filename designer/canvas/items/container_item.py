"""Parallel and Map states: containers with a header, holding their inner states.

Parallel shows its branches as side-by-side lanes; Map shows its item processor in a stacked
frame (cards behind it say "many times"), with the Map's label and concurrency in the header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import LOD_TEXT, detail_level, elided, font, legible
from designer.canvas.items.icons import draw_icon
from designer.canvas.items.state_item import STATE_WIDTH, StateItem
from designer.canvas.labels import state_caption
from engine.asl import Scope, StateAddress

HEADER = 48.0
LANE_PAD = 16.0
LANE_LABEL = 20.0
LANE_GAP = 12.0
OUTER_PAD = 12.0
STACK_OFFSET = 5.0


@dataclass
class Lane:
    scope: Scope
    label: str
    rect: QRectF

    @property
    def content_origin(self) -> QPointF:
        return QPointF(self.rect.left() + LANE_PAD, self.rect.top() + LANE_LABEL + LANE_PAD / 2)


class ContainerItem(StateItem):
    def __init__(self, address: StateAddress, value: Any, parent: QGraphicsItem | None = None) -> None:
        super().__init__(address, value, parent)
        self.lanes: list[Lane] = []
        self.setZValue(1)

    @property
    def is_map(self) -> bool:
        return self.kind == "Map"

    def arrange(self, lanes: list[tuple[Scope, str, float, float]]) -> list[Lane]:
        """Size the container around lanes whose contents measure (width, height)."""
        x = OUTER_PAD
        height = max((h for *_, h in lanes), default=40.0) + LANE_LABEL + LANE_PAD * 2
        self.lanes = []
        for scope, label, w, _h in lanes:
            width = max(w + 2 * LANE_PAD, 150.0)
            self.lanes.append(Lane(scope, label, QRectF(x, HEADER, width, height)))
            x += width + LANE_GAP
        total_w = max(x - LANE_GAP + OUTER_PAD, STATE_WIDTH + 40)
        if self.lanes:
            # Spread spare width over the lanes so that they fill the header's width.
            spare = total_w - (x - LANE_GAP + OUTER_PAD)
            if spare > 0:
                self.lanes[-1].rect.setWidth(self.lanes[-1].rect.width() + spare)
        self.set_size(total_w, HEADER + height + OUTER_PAD)
        return self.lanes

    def lane_at(self, local: QPointF) -> Lane | None:
        return next((lane for lane in self.lanes if lane.rect.contains(local)), None)

    def outline(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 12, 12)
        return path

    def port_centre(self) -> QPointF:
        return QPointF(self._rect.center().x(), self._rect.bottom())

    def boundingRect(self) -> QRectF:
        extra = 2 * STACK_OFFSET if self.is_map else 0.0
        return super().boundingRect().adjusted(0, 0, extra, extra)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme()
        lod = detail_level(painter, option)
        accent = theme.type_color(self.kind)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.is_map:
            for step in (2, 1):
                painter.setPen(QPen(theme.color("node_border"), 1.0))
                painter.setBrush(theme.color("container_fill"))
                painter.drawRoundedRect(
                    self._rect.translated(step * STACK_OFFSET, step * STACK_OFFSET), 12, 12
                )
        painter.setPen(QPen(theme.color("node_border"), 1.2))
        painter.setBrush(theme.color("container_fill"))
        painter.drawPath(self.outline())
        # The header band in the type colour, faintly.
        band = QColor(accent)
        band.setAlpha(26)
        header = QPainterPath()
        header.addRoundedRect(QRectF(self._rect.left(), self._rect.top(), self._rect.width(), HEADER), 12, 12)
        header.addRect(
            QRectF(self._rect.left(), self._rect.top() + HEADER / 2, self._rect.width(), HEADER / 2)
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(band)
        painter.drawPath(header.simplified())
        for lane in self.lanes:
            painter.setPen(
                QPen(
                    theme.color("lane_border"),
                    1.0,
                    Qt.PenStyle.DashLine if self.is_map else Qt.PenStyle.SolidLine,
                )
            )
            painter.setBrush(theme.color("lane_fill"))
            painter.drawRoundedRect(lane.rect, 8, 8)
        if not legible("name", lod):
            self.paint_card(painter, theme, lod)  # the name across the header, lanes unlabelled
            if self.is_terminal:
                self._paint_end_cap(painter, theme)
        else:
            icon_rect = QRectF(12, 10, 28, 28)
            tint = QColor(accent)
            tint.setAlpha(40)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint)
            painter.drawRoundedRect(icon_rect, 7, 7)
            draw_icon(painter, self.kind, icon_rect.adjusted(6, 6, -6, -6), accent)
            width = self._rect.width() - 60
            painter.setPen(theme.color("node_text"))
            painter.setFont(font("name"))
            name = elided(self.address.name, "name", width)
            self.note_label(name, "name", lod)
            painter.drawText(QRectF(48, 6, width, 20), Qt.AlignmentFlag.AlignVCenter, name)
            painter.setPen(theme.color("node_caption"))
            painter.setFont(font("caption"))
            painter.drawText(
                QRectF(48, 25, width, 18),
                Qt.AlignmentFlag.AlignVCenter,
                elided(self._header_caption(), "caption", width),
            )
            painter.setFont(font("label"))
            for lane in self.lanes:
                painter.drawText(
                    QRectF(lane.rect.left() + 10, lane.rect.top() + 2, lane.rect.width() - 20, LANE_LABEL),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    elided(lane.label, "label", lane.rect.width() - 20),
                )
            if self.is_terminal:
                self._paint_end_cap(painter, theme)
        if (self._hovered or self.isSelected()) and lod >= LOD_TEXT:
            painter.setPen(QPen(theme.color("node_fill"), 1.5))
            painter.setBrush(theme.color("accent"))
            painter.drawEllipse(self.port_centre(), 5.5, 5.5)
        self.paint_selection(painter, theme)
        self.paint_badge(painter, theme, lod)

    def card_rect(self) -> QRectF:
        return QRectF(self._rect.left() + 10, self._rect.top() + 2, self._rect.width() - 20, HEADER - 4)

    def _header_caption(self) -> str:
        caption = state_caption(self.value)
        if self.is_map and isinstance(self.value, dict) and isinstance(self.value.get("Label"), str):
            caption += f" · label {self.value['Label']}"
        return caption


def lane_labels(value: Any) -> list[tuple[str, str]]:
    """(scope key, label) of each lane of a container state's value."""
    if not isinstance(value, dict):
        return []
    if value.get("Type") == "Parallel":
        return [("Branches", f"Branch {i + 1}") for i, _ in enumerate(value.get("Branches") or [])]
    key = "ItemProcessor" if "ItemProcessor" in value else "Iterator"
    return [(key, "Item processor" if key == "ItemProcessor" else "Iterator")]
