"""The event table: an execution's history in AWS's shape (id, type, timestamp, details),
filtered by state or by type. Double-click an event to see the execution as it was then."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.runtime.history_view import FAILURE_EVENTS, details_of, stamp

COLUMNS = ("ID", "Type", "Timestamp", "State", "Details")
ALL_STATES = "All states"


def event_summary(event: dict[str, Any], limit: int = 160) -> str:
    """One line of details for the event table."""
    details = details_of(event)
    if not details:
        return ""
    parts = []
    for key in (
        "name",
        "index",
        "length",
        "error",
        "cause",
        "resource",
        "resourceType",
        "input",
        "output",
        "parameters",
    ):
        if key in details:
            value = details[key]
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{key}: {text}")
    line = "; ".join(parts)
    return line if len(line) <= limit else line[: limit - 1] + "…"


class EventTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []
        self.states: list[str] = []  # the state each event belongs to ("" for execution events)

    def set_events(self, events: list[dict[str, Any]], states: list[str]) -> None:
        if (
            len(events) >= len(self.events)
            and events[: len(self.events)] == self.events
            and states[: len(self.states)] == self.states
        ):
            first = len(self.events)
            if first == len(events):
                return
            self.beginInsertRows(QModelIndex(), first, len(events) - 1)
            self.events, self.states = list(events), list(states)
            self.endInsertRows()
            return
        self.beginResetModel()
        self.events, self.states = list(events), list(states)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.events)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event = self.events[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return event.get("id")
            if column == 1:
                return event.get("type")
            if column == 2:
                return stamp(event.get("timestamp"))
            if column == 3:
                return self.states[index.row()]
            return event_summary(event)
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return event_summary(event, limit=2000)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            kind = event.get("type", "")
            if kind in FAILURE_EVENTS or kind in ("ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"):
                return QColor("#C24E00")
        if role == Qt.ItemDataRole.UserRole:
            return event.get("id")
        return None


class EventFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.state = ""
        self.kind = ""

    def set_filter(self, state: str, kind: str) -> None:
        if (state, kind.strip().lower()) == (self.state, self.kind):
            return  # rows added since are filtered as they come: nothing to filter again
        modern = hasattr(self, "beginFilterChange")  # Qt 6.9+; invalidateFilter is deprecated there
        if modern:
            self.beginFilterChange()
        self.state, self.kind = state, kind.strip().lower()
        if modern:
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        model: EventTableModel = self.sourceModel()  # type: ignore[assignment]
        if self.state and model.states[row] != self.state:
            return False
        return not self.kind or self.kind in model.events[row].get("type", "").lower()


class EventTablePanel(QWidget):
    execution_chosen = Signal(str)  # execution ARN
    event_activated = Signal(int)  # event id (time travel to it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Execution"))
        self.execution = QComboBox()
        self.execution.setMinimumContentsLength(24)
        self.execution.currentIndexChanged.connect(self._chosen)
        bar.addWidget(self.execution, 2)
        self.state = QComboBox()
        self.state.addItem(ALL_STATES)
        self.state.currentTextChanged.connect(lambda _t: self._filter())
        bar.addWidget(self.state, 1)
        self.kind = QLineEdit()
        self.kind.setPlaceholderText("Filter by type (e.g. Task, Failed)")
        self.kind.textChanged.connect(lambda _t: self._filter())
        bar.addWidget(self.kind, 1)
        layout.addLayout(bar)
        self.model = EventTableModel()
        self.proxy = EventFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((46, 190, 190, 140)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activated)
        layout.addWidget(self.table, 1)
        self._updating = False

    def set_executions(self, executions: list[tuple[str, str]], current: str | None) -> None:
        """executions: (ARN, label)."""
        self._updating = True
        try:
            known = [self.execution.itemData(i) for i in range(self.execution.count())]
            if known != [arn for arn, _ in executions]:
                self.execution.clear()
                for arn, label in executions:
                    self.execution.addItem(label, arn)
            else:
                for i, (_arn, label) in enumerate(executions):
                    self.execution.setItemText(i, label)
            if current is not None:
                self.execution.setCurrentIndex(max(0, self.execution.findData(current)))
        finally:
            self._updating = False

    def set_events(self, events: list[dict[str, Any]], states: list[str]) -> None:
        self.model.set_events(events, states)
        names = sorted({s for s in states if s})
        known = [self.state.itemText(i) for i in range(1, self.state.count())]
        if names != known:
            current = self.state.currentText()
            self.state.blockSignals(True)
            self.state.clear()
            self.state.addItem(ALL_STATES)
            self.state.addItems(names)
            self.state.setCurrentText(current if current in names else ALL_STATES)
            self.state.blockSignals(False)
            if self.state.currentText() != current:  # a new state in the list filters nothing anew
                self._filter()

    def filter_to(self, state: str | None = None, kind: str | None = None) -> None:
        if state is not None:
            self.state.setCurrentText(state or ALL_STATES)
        if kind is not None:
            self.kind.setText(kind)
        self._filter()

    def visible_types(self) -> list[str]:
        return [self.proxy.index(r, 1).data() for r in range(self.proxy.rowCount())]

    def _filter(self) -> None:
        state = self.state.currentText()
        self.proxy.set_filter("" if state == ALL_STATES else state, self.kind.text())

    def _chosen(self, _index: int) -> None:
        arn = self.execution.currentData()
        if not self._updating and arn:
            self.execution_chosen.emit(arn)

    def _activated(self, index: QModelIndex) -> None:
        event_id = self.proxy.index(index.row(), 0).data()
        if event_id is not None:
            self.event_activated.emit(int(event_id))
