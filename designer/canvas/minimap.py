"""A small overview of the whole scene in the view's corner; click or drag in it to move there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGraphicsView

if TYPE_CHECKING:
    from designer.canvas.view import CanvasView

SIZE = (180, 120)
MARGIN = 12


class Minimap(QGraphicsView):
    def __init__(self, main: CanvasView) -> None:
        super().__init__(main.scene(), main)
        self.main = main
        self.setFixedSize(*SIZE)
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QFrame.Shape.Box)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self.refit)
        main.scene().changed.connect(self._scene_changed)
        self.place()

    def _scene_changed(self, _rects: object) -> None:
        self._timer.start()

    def place(self) -> None:
        parent = self.main.viewport()
        self.move(
            parent.width() - SIZE[0] - MARGIN + self.main.viewport().x(),
            parent.height() - SIZE[1] - MARGIN + self.main.viewport().y(),
        )

    def refresh(self) -> None:
        self.viewport().update()

    def refit(self) -> None:
        rect = self.main.scene().content_rect()
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
        self.main.centerOn(self.mapToScene(event.position().toPoint()))
        self.refresh()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.main.centerOn(self.mapToScene(event.position().toPoint()))
            self.refresh()

    def wheelEvent(self, event) -> None:
        event.ignore()
