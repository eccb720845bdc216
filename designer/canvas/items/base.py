"""What every node on the canvas shares: a rectangle, edges, a selection outline, a problem badge.

Painters read colours from the scene's theme. Below the zoom where a node's name would be drawn
smaller than `LEGIBLE_PX` screen pixels, a node is a simplified card with its name only, written at
a fixed on-screen size (card_text.py): a zoomed-out canvas shows names, never empty boxes. Small
decorations (icons, edge labels) are left out below `LOD_TEXT`; a problem badge keeps its digits legible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.items.card_text import (
    LEGIBLE_PX,
    PaintedLabel,
    card_font,
    legible_scale,
    paint_card_name,
    screen_pixels,
)
from designer.canvas.theme import LIGHT, Theme

if TYPE_CHECKING:
    from designer.canvas.items.edge_item import EdgeItem

LOD_TEXT = 0.4
BADGE_RADIUS = 9.0
BADGE_MAX_RADIUS = 12.0  # what the bounding rectangle's margin holds (with the pen)
BADGE_SCREEN_RADIUS = 7.5  # zoomed out, the badge is about this many screen pixels across, halved


def detail_level(painter: QPainter, option: QStyleOptionGraphicsItem) -> float:
    return option.levelOfDetailFromTransform(painter.worldTransform())


_FONTS: dict[str, QFont] = {}


def font(kind: str) -> QFont:
    """Shared fonts (created on first use, once a QApplication exists)."""
    if kind not in _FONTS:
        f = QFont()
        if kind == "name":
            f.setPointSizeF(9.5)
            f.setWeight(QFont.Weight.DemiBold)
        elif kind == "title":
            f.setPointSizeF(10.5)
            f.setWeight(QFont.Weight.Bold)
        elif kind == "caption":
            f.setPointSizeF(8.0)
        elif kind == "label":
            f.setPointSizeF(7.5)
        elif kind == "badge":
            f.setPointSizeF(7.0)
            f.setWeight(QFont.Weight.Bold)
        _FONTS[kind] = f
    return _FONTS[kind]


def elided(text: str, kind: str, width: float) -> str:
    return QFontMetricsF(font(kind)).elidedText(text, Qt.TextElideMode.ElideRight, width)


def legible(kind: str, lod: float) -> bool:
    """Whether text in the shared font `kind` reads at zoom `lod` (else: draw a card)."""
    return screen_pixels(font(kind).pointSizeF()) * lod >= LEGIBLE_PX


class NodeItem(QGraphicsItem):
    """A box on the canvas that edges attach to."""

    card_kind = "name"  # the shared font a simplified card writes the name in
    card_align = Qt.AlignmentFlag.AlignCenter

    def __init__(self, width: float, height: float, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self._rect = QRectF(0, 0, width, height)
        self._brect: QRectF | None = None  # a subclass's bounding rectangle, made once per size
        self.edges: list[EdgeItem] = []
        self.problems: list[str] = []
        self.warnings_only = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, True)
        self.setAcceptHoverEvents(True)
        self._hovered = False
        self.painted_label: PaintedLabel | None = None  # the name as last painted (tests read it)

    # geometry ----------------------------------------------------------------------------------

    def rect(self) -> QRectF:
        return QRectF(self._rect)

    def set_size(self, width: float, height: float) -> None:
        if width != self._rect.width() or height != self._rect.height():
            self.prepareGeometryChange()
            self._rect = QRectF(0, 0, width, height)
            self._brect = None

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-4, -BADGE_RADIUS - 2, BADGE_RADIUS + 2, 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def outline(self) -> QPainterPath:
        """The node's silhouette, used for fill, border and the selection outline."""
        path = QPainterPath()
        path.addRoundedRect(self._rect, 10, 10)
        return path

    def scene_box(self) -> QRectF:
        return self.mapRectToScene(self._rect)

    # identity ----------------------------------------------------------------------------------

    def layout_key(self) -> str | None:
        """The project layout key that stores this item's position, when it is movable."""
        return None

    def label(self) -> str:
        return ""

    def card_rect(self) -> QRectF:
        """Where a simplified card writes the name, in item coordinates."""
        return self._rect.adjusted(8, 2, -8, -2)

    def legible_scale(self) -> float:
        """The smallest zoom at which this node's name can be read whole (0: it has none)."""
        text = self.label()
        if not text:
            return 0.0
        card = self.card_rect()
        return legible_scale(text, font(self.card_kind), card.width(), card.height())

    def note_label(self, shown: str, kind: str, lod: float) -> None:
        """Record a name drawn in full detail, as `paint_card_name` records a card's."""
        pixels = screen_pixels(font(kind).pointSizeF()) * lod
        self.painted_label = PaintedLabel((shown,), pixels, shown == self.label())

    def paint_card(self, painter: QPainter, theme: Theme, lod: float) -> None:
        """The name alone, at a fixed on-screen size: what a node shows when zoomed out."""
        self.painted_label = paint_card_name(
            painter,
            self.card_rect(),
            self.label(),
            font(self.card_kind),
            theme.color("node_text"),
            lod,
            self.card_align,
        )

    def theme(self) -> Theme:
        scene = self.scene()
        return getattr(scene, "theme", LIGHT) if scene is not None else LIGHT

    # behaviour ---------------------------------------------------------------------------------

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_moved"):
                scene.node_moved(self)
        return super().itemChange(change, value)

    def hoverEnterEvent(self, event: Any) -> None:
        self._hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:
        self._hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    def set_problems(self, messages: list[str], *, warnings_only: bool = False) -> None:
        """The problems the engine found here; `warnings_only` when none of them is an error
        (StateCanvas's own design-time checks), which the badge shows in the warning colour."""
        if messages != self.problems or warnings_only != self.warnings_only:
            self.problems = messages
            self.warnings_only = warnings_only
            self.setToolTip("\n".join(f"• {m}" for m in messages) if messages else self.default_tooltip())
            self.update()

    def default_tooltip(self) -> str:
        return ""

    # painting helpers --------------------------------------------------------------------------

    def paint_selection(self, painter: QPainter, theme: Theme) -> None:
        if self.isSelected():
            pen = QPen(theme.color("accent"), 3.0)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self.outline())

    def paint_badge(self, painter: QPainter, theme: Theme, lod: float) -> None:
        """The problem count in a red corner badge; zoomed out, the badge grows (within the
        bounding rectangle) and its digits keep a legible on-screen size."""
        if not self.problems:
            return
        centre = QPointF(self._rect.right() - 2, self._rect.top() + 2)
        radius = BADGE_RADIUS
        if lod > 0:
            radius = min(BADGE_MAX_RADIUS, max(BADGE_RADIUS, BADGE_SCREEN_RADIUS / lod))
        painter.setPen(QPen(theme.color("node_fill"), 1.5))
        painter.setBrush(theme.color("warning" if self.warnings_only else "badge_fill"))
        painter.drawEllipse(centre, radius, radius)
        text = str(len(self.problems)) if len(self.problems) < 10 else "9+"
        painter.setPen(QColor("#000000") if self.warnings_only else theme.color("badge_text"))
        if legible("badge", lod):
            painter.setFont(font("badge"))
            box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        elif lod > 0:
            side = 2 * radius * lod
            painter.save()
            painter.translate(centre)
            painter.scale(1 / lod, 1 / lod)
            painter.setFont(card_font(font("badge"), LEGIBLE_PX))
            painter.drawText(QRectF(-side / 2, -side / 2, side, side), Qt.AlignmentFlag.AlignCenter, text)
            painter.restore()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme()
        painter.setPen(QPen(theme.color("node_border"), 1.2))
        painter.setBrush(theme.color("node_fill"))
        painter.drawPath(self.outline())
        self.paint_selection(painter, theme)
