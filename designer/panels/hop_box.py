"""In the Choreography panel, while the debugged story is paused at a hop: where the event or
message is, what happened there (the rules matched and not, the queue's depth, the fan-out), and
the event or message itself as JSON, as a paused state shows its input."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.panels.execution_common import JsonEdit


class HopBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()  # one line, so the event keeps the room; the tooltip has all of it
        self.title.setMinimumWidth(1)
        self.title.setStyleSheet("color: #0072B2; font-weight: bold")
        layout.addWidget(self.title)
        self.payload = JsonEdit(read_only=True)
        self.payload.setToolTip("The event or message at this hop (F10 moves it on to the next hop)")
        layout.addWidget(self.payload, 1)
        self.setVisible(False)

    def show_hop(self, hop: Any) -> None:
        """Show `hop` (an engine.project.hops.Hop), or hide when nothing is paused at a hop."""
        if hop is None:
            self.setVisible(False)
            self.title.setText("")
            self.payload.setPlainText("")
            return
        self.title.setText(f"Paused at {hop.kind} {hop.name}: {hop.summary()}")
        self.title.setToolTip(self.title.text())
        self.payload.set_value(hop.payload)
        self.setVisible(True)
