"""The thread picker of the Run panel: the debugged execution's threads (its top level, each
Parallel branch, each Map iteration) with where each one is. Choosing one that is paused makes it
the one Step Over, Step Into and Step Out act on, and the one the canvas and the state data show."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget


@dataclass(frozen=True)
class ThreadRow:
    number: int
    label: str  # "Parallel Fan/branch 2"
    where: str  # "paused at B1", "waiting in Fan", "running"
    paused: bool  # only a paused thread can be chosen: the others are not at a state


class ThreadPicker(QWidget):
    thread_chosen = Signal(int)  # the number of the thread the user chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Thread"))
        self.combo = QComboBox()
        self.combo.setToolTip(
            "The branches and iterations of the paused execution. All stop when one pauses; choose "
            "one to step it (F10, F11, Shift+F11) and to see its data. Continue (F5) resumes them all."
        )
        self.combo.setAccessibleName("Thread to step")
        self.combo.activated.connect(self._activated)
        layout.addWidget(self.combo, 1)
        self.held = QLabel("")
        layout.addWidget(self.held)
        self._rows: list[ThreadRow] = []
        self.hide()

    def set_threads(self, rows: list[ThreadRow], selected: int | None) -> None:
        """Show `rows`, `selected` chosen; hidden while there is no other thread to choose."""
        if rows != self._rows:
            self._rows = list(rows)
            self.combo.blockSignals(True)
            try:
                self.combo.clear()
                model = self.combo.model()
                for row in rows:
                    self.combo.addItem(f"{row.number}  {row.label} · {row.where}", row.number)
                    if not row.paused and isinstance(model, QStandardItemModel):
                        model.item(self.combo.count() - 1).setEnabled(False)
            finally:
                self.combo.blockSignals(False)
        position = self.combo.findData(selected) if selected is not None else -1
        if position != self.combo.currentIndex():
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(position)
            self.combo.blockSignals(False)
        paused = sum(1 for row in rows if row.paused)
        self.held.setText(f"{paused} paused" if paused else "")
        self.setVisible(len(rows) > 1)

    def rows(self) -> list[ThreadRow]:
        return list(self._rows)

    def _activated(self, index: int) -> None:
        number = self.combo.itemData(index)
        if isinstance(number, int):
            self.thread_chosen.emit(number)
