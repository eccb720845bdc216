"""`CanvasView`: zoom around the cursor, pan (middle-drag or Space+drag), fit, rubber band,
drops from the palette, a minimap in the corner."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from designer.canvas.drop_target import DropTarget
from designer.canvas.editor import CanvasEditor
from designer.canvas.items.base import NodeItem, font
from designer.canvas.items.card_text import LEGIBLE_PX, screen_pixels
from designer.canvas.items.state_item import StateItem
from designer.canvas.minimap import Minimap
from designer.canvas.scene import DesignerScene

PALETTE_MIME = "application/x-statecanvas-palette"
MIN_SCALE, MAX_SCALE = 0.08, 4.0
GRID = 24.0
DROP_REACH_PIXELS = 12.0  # how near a transition (on screen) a palette drop splices into it


class CanvasView(QGraphicsView):
    context_menu_requested = Signal(object, QPoint)  # item under the cursor (or None), global position
    rename_requested = Signal(object)  # a StateItem

    def __init__(self, scene: DesignerScene, editor: CanvasEditor, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.editor = editor
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        # The dotted grid is drawn once per zoom and scroll, not on every frame of a drag.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._pan_from: QPoint | None = None
        self._space = False
        self._palette_drag = False
        self.minimap = Minimap(self)
        self.setSceneRect(QRectF(-5000, -5000, 10000, 10000))

    # zoom and pan ------------------------------------------------------------------------------

    def scale_factor(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        target = max(MIN_SCALE, min(MAX_SCALE, self.scale_factor() * factor))
        factor = target / self.scale_factor()
        if anchor is None:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(factor, factor)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.minimap.refresh()

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(0.8)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15**steps, event.position())
        event.accept()

    def fit(self, readable: bool = False) -> None:
        """Show everything; with `readable`, never so small that a name cannot be read whole
        (a large project then opens on its top-left corner and the minimap shows the rest)."""
        rect = self.scene().content_rect()
        if rect.isEmpty():
            return
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.scale_factor()
        floor = self.readable_scale() if readable else 0.0
        if scale > 1.2 or scale < floor:
            scale = 1.2 if scale > 1.2 else floor
            self.setTransform(self.transform().fromScale(scale, scale))
            visible = self.mapToScene(self.viewport().rect()).boundingRect()
            x = rect.center().x() if visible.width() >= rect.width() else rect.left() + visible.width() / 2
            y = rect.center().y() if visible.height() >= rect.height() else rect.top() + visible.height() / 2
            self.centerOn(x, y)
        self.minimap.refit()

    def readable_scale(self) -> float:
        """The smallest zoom at which every name on the canvas reads whole: on a simplified card
        when it fits one (card_text.py), else in full detail, where boxes are sized for names."""
        full_detail = LEGIBLE_PX / screen_pixels(font("name").pointSizeF())
        need = max(
            (i.legible_scale() for i in self.scene().items() if isinstance(i, NodeItem) and i.isVisible()),
            default=0.0,
        )
        return max(MIN_SCALE, min(need, full_detail))

    def centre(self) -> None:
        selected = self.scene().selectedItems()
        rect = QRectF()
        for item in selected:
            rect = rect.united(item.sceneBoundingRect())
        self.centerOn((rect if not rect.isNull() else self.scene().content_rect()).center())
        self.minimap.refresh()

    def reveal(self, item: QGraphicsItem) -> None:
        self.centerOn(item)
        self.minimap.refresh()

    def _start_pan(self, pos: QPoint) -> None:
        self._pan_from = pos
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and self._space
        ):
            self._start_pan(event.position().toPoint())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position().toPoint() - self._pan_from
            self._pan_from = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            self.minimap.refresh()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self.minimap.refresh()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self._state_at(event.position().toPoint())
        if item is not None:
            self.rename_requested.emit(item)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            return
        super().keyReleaseEvent(event)

    def contextMenuEvent(self, event) -> None:
        item = self.itemAt(event.pos())
        while (
            item is not None
            and item.parentItem() is not None
            and not item.flags() & QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        ):
            item = item.parentItem()
        if item is not None and not item.isSelected():
            self.scene().clearSelection()
            item.setSelected(True)
        self.context_menu_requested.emit(item, event.globalPos())

    def _state_at(self, pos: QPoint) -> StateItem | None:
        for item in self.items(pos):
            if isinstance(item, StateItem):
                return item
        return None

    # drops from the palette --------------------------------------------------------------------

    def drop_tolerance(self) -> float:
        """How near (in scene units) a drop must be to a transition to go into it: a fixed
        reach on screen, whatever the zoom."""
        return DROP_REACH_PIXELS / max(self.scale_factor(), 1e-6)

    @staticmethod
    def _palette_entry(event) -> str | None:
        mime = event.mimeData()
        if not mime.hasFormat(PALETTE_MIME):
            return None
        return bytes(mime.data(PALETTE_MIME).data()).decode("utf-8")

    def dragEnterEvent(self, event) -> None:
        if self._palette_entry(event) is not None:
            self._palette_drag = True  # the palette's drag: the view answers it, not the scene
            event.acceptProposedAction()
            self._show_drop_target(event)
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if self._palette_entry(event) is not None:
            event.acceptProposedAction()
            self._show_drop_target(event)
        else:
            super().dragMoveEvent(event)

    def dragLeaveEvent(self, event) -> None:
        if self.scene().drop_hint.shown() or self._palette_drag:
            self._palette_drag = False
            self.scene().show_drop_target(DropTarget())
            event.accept()
        else:
            super().dragLeaveEvent(event)

    def _show_drop_target(self, event) -> None:
        entry = self._palette_entry(event)
        pos = self.mapToScene(event.position().toPoint())
        target = self.editor.drop_target(entry, pos, self.drop_tolerance()) if entry else DropTarget()
        self.scene().show_drop_target(target)

    def dropEvent(self, event) -> None:
        entry = self._palette_entry(event)
        if entry is not None:
            self._palette_drag = False
            self.scene().show_drop_target(DropTarget())
            self.editor.add_from_palette(
                entry, self.mapToScene(event.position().toPoint()), self.drop_tolerance()
            )
            event.acceptProposedAction()
            self.setFocus()
        else:
            super().dropEvent(event)

    # look --------------------------------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        theme = self.scene().theme
        painter.fillRect(rect, theme.color("background"))
        if self.scale_factor() < 0.45:
            return
        painter.setPen(QPen(theme.color("grid"), 1.6 / self.scale_factor()))
        left = int(rect.left() // GRID) * GRID
        top = int(rect.top() // GRID) * GRID
        points = []
        y = top
        while y < rect.bottom():
            x = left
            while x < rect.right():
                points.append(QPointF(x, y))
                x += GRID
            y += GRID
        painter.drawPoints(points)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.minimap.place()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.minimap.refresh()
