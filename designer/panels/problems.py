"""The problems panel: every diagnostic of every machine; activating one selects its culprit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from designer.debug.status_glyphs import mark_icon
from designer.document.project_document import ProjectDocument

MACHINE_ROLE = Qt.ItemDataRole.UserRole + 1
LOCATION_ROLE = Qt.ItemDataRole.UserRole + 2


class ProblemsPanel(QWidget):
    activated = Signal(str, str)  # machine, location

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setHeaderLabels(["", "Code", "Message", "Location", "State machine"])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree)
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemClicked.connect(self._activate)
        document.diagnostics_changed.connect(lambda _m: self.refresh())
        document.document_reset.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        self._empty = True
        for machine in self.document.machine_names():
            for diagnostic in self.document.diagnostics.get(machine, []):
                error = diagnostic.severity == "ERROR"
                location = diagnostic.location or ""
                row = QTreeWidgetItem(["", diagnostic.code, diagnostic.message, location, machine])
                # Drawn marks (a font may lack the characters), in colour and shape both.
                row.setIcon(0, mark_icon("cross" if error else "warning", "#C24E00" if error else "#B87A00"))
                row.setToolTip(0, diagnostic.severity.title())
                row.setToolTip(2, diagnostic.message)
                row.setData(0, MACHINE_ROLE, machine)
                row.setData(0, LOCATION_ROLE, diagnostic.location or "")
                self.tree.addTopLevelItem(row)
                self._empty = False
        if self._empty:
            row = QTreeWidgetItem(["", "", "No problems: every state machine is valid.", "", ""])
            row.setIcon(0, mark_icon("check", "#007A5A"))
            row.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(row)

    def count(self) -> int:
        return 0 if self._empty else self.tree.topLevelItemCount()

    def _activate(self, row: QTreeWidgetItem, _column: int = 0) -> None:
        if row.data(0, MACHINE_ROLE):
            self.activated.emit(row.data(0, MACHINE_ROLE), row.data(0, LOCATION_ROLE))
