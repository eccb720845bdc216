"""Name a state in place: a line edit over its name; Enter or leaving commits, Esc cancels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsView, QLineEdit

from designer.canvas.items.state_item import StateItem


class InlineRename(QLineEdit):
    def __init__(
        self, view: QGraphicsView, item: StateItem, commit: Callable[[StateItem, str], object]
    ) -> None:
        super().__init__(item.address.name, view.viewport())
        self.item = item
        self._commit = commit
        self._done = False
        box = item.mapRectToScene(
            QRectF(item.rect().left() + 44, item.rect().top() + 6, item.rect().width() - 52, 24)
        )
        rect = view.mapFromScene(box).boundingRect()
        self.setGeometry(rect.x(), rect.y(), max(rect.width(), 120), max(rect.height(), 24))
        self.selectAll()
        self.returnPressed.connect(self.finish)
        self.editingFinished.connect(self.finish)
        self.show()
        self.setFocus()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._done = True
            self.deleteLater()
            return
        super().keyPressEvent(event)

    def finish(self) -> None:
        if self._done:
            return
        self._done = True
        text = self.text().strip()
        item = self.item
        self.deleteLater()
        if text and text != item.address.name:
            self._commit(item, text)
