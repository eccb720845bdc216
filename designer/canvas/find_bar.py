"""Find (Ctrl+F): type part of a name, Enter jumps to the next match and selects it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from designer.canvas.items.base import NodeItem
from designer.canvas.scene import DesignerScene


def find_items(scene: DesignerScene, text: str) -> list[NodeItem]:
    needle = text.strip().casefold()
    if not needle:
        return []
    found = [i for i in scene.items() if isinstance(i, NodeItem) and needle in i.label().casefold()]
    found.sort(key=lambda i: (i.scenePos().y(), i.scenePos().x()))
    return found


class FindBar(QWidget):
    jump = Signal(object)  # the NodeItem to reveal

    def __init__(self, scene: DesignerScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.matches: list[NodeItem] = []
        self.index = -1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(QLabel("Find:"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("state, machine or resource name")
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit, 1)
        self.count = QLabel("")
        layout.addWidget(self.count)
        for text, tip, slot in (
            ("↑", "Previous match (Shift+Enter)", self.previous),
            ("↓", "Next match (Enter)", self.next),
            ("✕", "Close (Esc)", self.close_bar),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.edit.textChanged.connect(self._search)
        self.edit.returnPressed.connect(self.next)
        self.hide()

    def open(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        elif (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.previous()
        else:
            super().keyPressEvent(event)

    def _search(self, text: str) -> None:
        self.matches = find_items(self.scene, text)
        self.index = -1
        self.count.setText(f"{len(self.matches)} found" if text else "")
        if self.matches:
            self.next()

    def next(self) -> None:
        self._step(1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.matches:
            self.matches = find_items(self.scene, self.edit.text())
        if not self.matches:
            return
        self.index = (self.index + delta) % len(self.matches)
        item = self.matches[self.index]
        self.count.setText(f"{self.index + 1} of {len(self.matches)}")
        self.scene.clearSelection()
        item.setSelected(True)
        self.jump.emit(item)
