"""A small overview of the whole scene in a corner of the view; click or drag in it to move there.

The overview must never hide what it summarises: it shows only when part of the scene is out of
sight, in a corner of the view with no state, resource or edge under it; when every corner holds
content it folds into a small button (which a user can open, and fold again, at will).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QGraphicsView, QToolButton

if TYPE_CHECKING:
    from designer.canvas.view import CanvasView

SIZE = (180, 120)
MARGIN = 12
BUTTON = 24


def map_icon(colour: QColor) -> QIcon:
    """A folded map: what the overview button shows (drawn, so no font or theme can lose it)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2.2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    points = [QPointF(4, 8), QPointF(12, 4), QPointF(20, 8), QPointF(28, 4)]
    bottom = [QPointF(p.x(), p.y() + 20) for p in points]
    painter.drawPolygon([*points, *reversed(bottom)])
    for top, low in zip(points[1:-1], bottom[1:-1], strict=True):
        painter.drawLine(top, low)
    painter.end()
    return QIcon(pixmap)


class Minimap(QGraphicsView):
    def __init__(self, main: CanvasView) -> None:
        super().__init__(main.scene(), main)
        self.main = main
        self.folded: bool | None = None  # None: placed automatically; else as the user chose
        self.corner = "bottom-right"
        self._dragging = False
        self._content: QRectF | None = None  # the scene's content, measured when the scene changes
        self.setFixedSize(*SIZE)
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QFrame.Shape.Box)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggle = QToolButton(main)
        self.toggle.setFixedSize(BUTTON, BUTTON)
        self.toggle.setIconSize(QSize(BUTTON - 6, BUTTON - 6))
        self.toggle.setIcon(map_icon(QColor("#5A6472")))
        self.toggle.clicked.connect(self._toggled)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self.refit)
        main.scene().changed.connect(self._scene_changed)
        self.place()

    def _scene_changed(self, _rects: object) -> None:
        self._timer.start()

    def _toggled(self) -> None:
        self.folded = self.isVisible()
        self.place()

    # where it goes ------------------------------------------------------------------------------

    def _corner_rect(self, corner: str, size: tuple[int, int]) -> QRect:
        viewport = self.main.viewport().geometry()
        x = viewport.left() + MARGIN if "left" in corner else viewport.right() - size[0] - MARGIN + 1
        y = viewport.top() + MARGIN if "top" in corner else viewport.bottom() - size[1] - MARGIN + 1
        return QRect(x, y, *size)

    def covers_content(self, rect: QRect) -> bool:
        """Whether anything drawn in the view lies under `rect` (a machine frame's shape is its
        header: the empty inside of a frame is not content)."""
        viewport = self.main.viewport().geometry()
        area = self.main.mapToScene(rect.translated(-viewport.topLeft()).adjusted(-4, -4, 4, 4))
        items = self.main.scene().items(area, Qt.ItemSelectionMode.IntersectsItemShape)
        return any(item.isVisible() for item in items)

    def everything_visible(self) -> bool:
        content = self._content if self._content is not None else self.main.scene().content_rect()
        visible = self.main.mapToScene(self.main.viewport().rect()).boundingRect()
        return content.isEmpty() or visible.contains(content)

    def place(self) -> None:
        """Hidden when the whole scene is in sight; else in a corner where it covers nothing, or
        folded into its button when every corner holds content (or the user folded it)."""
        if self._dragging:
            return  # never move away from under the user's mouse
        if self.everything_visible():
            self.hide()
            self.toggle.hide()
            return
        corners = ("bottom-right", "bottom-left", "top-right", "top-left")
        free = next((c for c in corners if not self.covers_content(self._corner_rect(c, SIZE))), None)
        if self.folded is False or (self.folded is None and free is not None):
            self.corner = free or self.corner
            self.setGeometry(self._corner_rect(self.corner, SIZE))
            self.show()
            self.raise_()
            self.toggle.setToolTip("Fold the overview map")
            self.toggle.move(self.geometry().topRight() - QPoint(BUTTON - 1, 0))
        else:
            self.hide()
            spot = next(
                (c for c in corners if not self.covers_content(self._corner_rect(c, (BUTTON, BUTTON)))),
                "bottom-right",
            )
            self.toggle.setToolTip("Show the overview map")
            self.toggle.move(self._corner_rect(spot, (BUTTON, BUTTON)).topLeft())
        self.toggle.show()
        self.toggle.raise_()

    # drawing and moving -------------------------------------------------------------------------

    def refresh(self) -> None:
        self.place()
        self.viewport().update()

    def refit(self) -> None:
        rect = self._content = self.main.scene().content_rect()
        if not rect.isEmpty():
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.refresh()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, self.main.scene().theme.color("background"))

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        theme = self.main.scene().theme
        visible = self.main.mapToScene(self.main.viewport().rect()).boundingRect()
        colour = QColor(theme.accent)
        painter.setPen(QPen(colour, 1.5 / max(self.transform().m11(), 1e-3)))
        colour.setAlpha(28)
        painter.setBrush(colour)
        painter.drawRect(visible)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._dragging = True
        self.main.centerOn(self.mapToScene(event.position().toPoint()))
        self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.main.centerOn(self.mapToScene(event.position().toPoint()))
            self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False
        self.refresh()  # the view moved: the corner it sits in may hold content now

    def wheelEvent(self, event) -> None:
        event.ignore()
