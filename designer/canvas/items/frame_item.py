"""A state machine on the project canvas: a frame around its states, and the Start marker."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.base import NodeItem, detail_level, elided, font, legible
from designer.canvas.items.card_text import card_fits, paint_card_name
from designer.canvas.items.icons import draw_icon

FRAME_HEADER = 46.0
FRAME_PAD = 28.0


class MachineFrameItem(NodeItem):
    """Holds a machine's top-level states as children; sized around them."""

    card_kind = "title"
    card_align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft

    def __init__(self, machine: str, caption: str = "") -> None:
        super().__init__(300, 200)
        self.machine = machine
        self.caption = caption
        self.summary = ""
        self.summary_is_problem = False
        self._origin = QPointF(0, 0)  # top-left of the frame in its own coordinates
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, True)
        self.setZValue(-1)

    def label(self) -> str:
        return self.machine

    def layout_key(self) -> str:
        return f"stateMachine:{self.machine}"

    def default_tooltip(self) -> str:
        return f"State machine {self.machine}"

    def fit_to_children(self) -> None:
        """Grow or shrink around the states (their positions are relative to this frame)."""
        content = QRectF()
        for child in self.childItems():
            if isinstance(child, NodeItem):
                content = content.united(child.mapRectToParent(child.rect()))
        if content.isNull():
            content = QRectF(0, 0, 240, 80)
        rect = content.adjusted(-FRAME_PAD, -FRAME_PAD - FRAME_HEADER, FRAME_PAD, FRAME_PAD)
        title = QFontMetricsF(font("title")).horizontalAdvance(self.machine)
        caption = QFontMetricsF(font("caption")).horizontalAdvance(self.caption)
        rect.setWidth(max(rect.width(), max(title, caption) + 44 + 110 + 14))
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def grow_to(self, child: NodeItem) -> None:
        """Grow (never shrink) to hold one moved child: the cheap form of `fit_to_children`
        for every frame of a drag; the full fit follows once the move is recorded."""
        box = child.mapRectToParent(child.rect()).adjusted(
            -FRAME_PAD, -FRAME_PAD - FRAME_HEADER, FRAME_PAD, FRAME_PAD
        )
        if not self._rect.contains(box):
            self.prepareGeometryChange()
            self._rect = self._rect.united(box)

    def card_rect(self) -> QRectF:
        r = self._rect
        return QRectF(r.left() + 14, r.top() + 2, r.width() - 28, FRAME_HEADER - 4)

    def outline(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 14, 14)
        return path

    def shape(self) -> QPainterPath:
        # Only the header grabs the mouse, so rubber-band selection works inside the frame.
        path = QPainterPath()
        path.addRect(QRectF(self._rect.left(), self._rect.top(), self._rect.width(), FRAME_HEADER))
        return path

    def header_rect(self) -> QRectF:
        return QRectF(self._rect.left(), self._rect.top(), self._rect.width(), FRAME_HEADER)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme()
        lod = detail_level(painter, option)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(theme.color("frame_border"), 1.2))
        painter.setBrush(theme.color("frame_fill"))
        painter.drawPath(self.outline())
        r = self._rect
        painter.setPen(QPen(theme.color("frame_border"), 1.0))
        painter.drawLine(
            QPointF(r.left() + 1, r.top() + FRAME_HEADER), QPointF(r.right() - 1, r.top() + FRAME_HEADER)
        )
        if not legible("title", lod):
            self.paint_card(painter, theme, lod)
        else:
            draw_icon(
                painter,
                "stateMachine",
                QRectF(r.left() + 14, r.top() + 13, 20, 20),
                theme.color("frame_title"),
            )
            summary_w = 100.0
            width = r.width() - 60 - summary_w
            painter.setPen(theme.color("frame_title"))
            painter.setFont(font("title"))
            title = elided(self.machine, "title", width)
            self.note_label(title, "title", lod)
            title_rect = QRectF(r.left() + 44, r.top() + 5, width, 20)
            painter.drawText(title_rect, Qt.AlignmentFlag.AlignVCenter, title)
            painter.setPen(theme.color("node_caption"))
            painter.setFont(font("caption"))
            painter.drawText(
                QRectF(r.left() + 44, r.top() + 24, width, 16),
                Qt.AlignmentFlag.AlignVCenter,
                elided(self.caption, "caption", width),
            )
            if self.summary:
                painter.setPen(
                    theme.color("catch") if self.summary_is_problem else theme.color("node_caption")
                )
                painter.drawText(
                    QRectF(r.right() - summary_w - 14, r.top() + 5, summary_w, FRAME_HEADER - 10),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    self.summary,
                )
        self.paint_selection(painter, theme)


class StartMarkerItem(NodeItem):
    """The entry point: a small filled pill above the StartAt state."""

    def __init__(self, parent: QGraphicsItem | None = None) -> None:
        super().__init__(64, 24, parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setAcceptHoverEvents(False)
        self.setZValue(2)

    def outline(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 12, 12)
        return path

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(theme.color("node_border"), 1.0))
        painter.setBrush(theme.color("marker_fill"))
        painter.drawPath(self.outline())
        lod = detail_level(painter, option)
        word = self._rect.adjusted(3, 1, -3, -1)
        if not legible("caption", lod) and card_fits("Start", font("caption"), word, lod):
            # Zoomed out: the word alone across the pill, at a legible size (no room for the dot).
            self.painted_label = paint_card_name(
                painter, word, "Start", font("caption"), theme.color("marker_text"), lod
            )
            return
        self.painted_label = None  # the word is drawn small (beside the dot) or not at all
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.type_colors.get("Succeed", "#009E73")))
        painter.drawEllipse(QPointF(13, 12), 4.5, 4.5)
        if legible("caption", lod):
            painter.setPen(theme.color("marker_text"))
            painter.setFont(font("caption"))
            painter.drawText(self._rect.adjusted(22, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, "Start")

    def place_above(self, item: Any, gap: float = 34.0, direction: str = "TB") -> None:
        box = item.mapRectToParent(item.rect()) if item.parentItem() is self.parentItem() else item.rect()
        if direction == "LR":
            self.setPos(box.left() - gap - self._rect.width(), box.center().y() - self._rect.height() / 2)
        else:
            self.setPos(box.center().x() - self._rect.width() / 2, box.top() - gap - self._rect.height())
