"""Choreography: put an event on a bus and follow it: rules matched and not (and why), targets
invoked, messages queued, executions started, and every queue's depth over the run. Clicking an
entry selects the rule, queue or state machine it is about on the canvas."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.debug.status_glyphs import mark_icon
from designer.panels.execution_common import JsonEdit, error_label
from designer.panels.hop_box import HopBox

SPARK = "▁▂▃▄▅▆▇█"
# Each trace row's icon (a canvas icon or a status glyph, drawn: no font can lose it) and colour.
KIND_MARKS = {
    "event": ("bus", "#5B3F8C"),
    "rule": ("rule", "#5A6472"),
    "delivery": ("Pass", "#0072B2"),
    "queue": ("queue", "#0072B2"),
    "topic": ("topic", "#B87A00"),
    "function": ("function", "#D55E00"),
    "execution": ("play", "#2F3A48"),
}


def sparkline(values: list[int], width: int = 24) -> str:
    if not values:
        return ""
    values = values[-width:]
    top = max(max(values), 1)
    return "".join(SPARK[min(len(SPARK) - 1, round(v * (len(SPARK) - 1) / top))] for v in values)


def entry_key(kind: str, data: dict[str, Any]) -> str | None:
    """The canvas layout key of what a trace entry is about."""
    if kind == "rule" and data.get("rule"):
        return f"rule:{data['rule']}"
    if kind == "queue" and data.get("queue"):
        return f"queue:{data['queue']}"
    if kind == "topic" and data.get("topic"):
        return f"topic:{data['topic']}"
    if kind == "function" and data.get("function"):
        return f"function:{data['function']}"
    if kind == "execution" and data.get("stateMachine"):
        return f"stateMachine:{data['stateMachine']}"
    if kind == "event" and data.get("bus"):
        return f"bus:{data['bus']}"
    if kind == "delivery" and data.get("target"):
        return str(data["target"])
    return None


class ChoreographyPanel(QWidget):
    put_requested = Signal(object)  # list of PutEvents entries
    entry_activated = Signal(str)  # layout key of the item to select

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("Put event from rule"))
        self.template = QComboBox()
        self.template.setToolTip("Start from an event that a rule's pattern matches")
        head.addWidget(self.template, 1)
        left_layout.addLayout(head)
        self.entries = JsonEdit()
        self.entries.setPlaceholderText(
            '[{"EventBusName": "orders", "Source": "...", "DetailType": "...", "Detail": {}}]'
        )
        left_layout.addWidget(self.entries, 1)
        self.put = QPushButton("Put event")
        self.put.clicked.connect(self._put)
        left_layout.addWidget(self.put)
        self.error = error_label()
        left_layout.addWidget(self.error)
        split.addWidget(left)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("Put an event to see where it goes.")
        middle_layout.addWidget(self.summary)
        self.hop = HopBox()  # the event or message where the debugged story is paused
        middle_layout.addWidget(self.hop, 2)
        self.trace = QTreeWidget()
        self.trace.setHeaderHidden(True)
        self.trace.setRootIsDecorated(False)
        self.trace.itemClicked.connect(self._clicked)
        middle_layout.addWidget(self.trace, 1)
        split.addWidget(middle)
        self.queues = QTreeWidget()
        self.queues.setHeaderLabels(["Queue", "Visible", "In flight", "DLQ", "Over the run"])
        self.queues.setRootIsDecorated(False)
        for column, width in enumerate((170, 52, 62, 40)):
            self.queues.setColumnWidth(column, width)
        self.queues.itemClicked.connect(lambda item, _c: self.entry_activated.emit(f"queue:{item.text(0)}"))
        split.addWidget(self.queues)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 4)
        split.setStretchFactor(2, 3)
        layout.addWidget(split, 1)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self._templates: list[Any] = []

    def set_templates(self, templates: list[tuple[str, Any]]) -> None:
        self._templates = [value for _label, value in templates]
        self.template.blockSignals(True)
        self.template.clear()
        for label, _value in templates:
            self.template.addItem(label)
        self.template.blockSignals(False)
        if templates and not self.entries.toPlainText().strip():
            self.entries.set_value(self._templates[0])

    def _template_chosen(self, index: int) -> None:
        if 0 <= index < len(self._templates):
            self.entries.set_value(self._templates[index])

    def _put(self) -> None:
        try:
            value = self.entries.value()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        entries = value if isinstance(value, list) else [value]
        if not entries or not all(isinstance(e, dict) for e in entries):
            self.error.setText("Give one event (an object) or a list of them.")
            return
        self.error.setText("")
        self.put_requested.emit(entries)

    def set_trace(self, entries: list[Any]) -> None:
        matched = sum(1 for e in entries if e.kind == "rule" and e.data.get("matched"))
        unmatched = sum(1 for e in entries if e.kind == "rule" and not e.data.get("matched"))
        executions = sum(1 for e in entries if e.kind == "execution" and "started" in e.text)
        self.summary.setText(
            f"{matched} rule match{'es' if matched != 1 else ''}, {unmatched} not matched, "
            f"{executions} execution{'s' if executions != 1 else ''} started"
        )
        for row in range(self.trace.topLevelItemCount(), len(entries)):
            entry = entries[row]
            mark, colour = KIND_MARKS.get(entry.kind, ("Pass", "#5A6472"))
            if entry.kind == "rule":
                mark, colour = ("check", "#007A5A") if entry.data.get("matched") else ("cross", "#6B7480")
            text = entry.text.strip()
            if entry.kind == "delivery" and "dead-letter" in text:
                mark, colour = "warning", "#C24E00"
            if entry.kind == "queue" and ("dead-letter" in text):
                mark, colour = "warning", "#C24E00"
            if entry.kind == "execution" and ("FAILED" in text or "crashed" in text):
                mark, colour = "cross", "#C24E00"
            item = QTreeWidgetItem(self.trace, [text])
            item.setIcon(0, mark_icon(mark, colour))
            item.setForeground(0, QBrush(QColor(colour)))
            item.setToolTip(0, text)
            key = entry_key(entry.kind, entry.data)
            if key:
                item.setData(0, Qt.ItemDataRole.UserRole, key)
        if self.trace.topLevelItemCount() > len(entries):
            self.trace.clear()
            if entries:
                self.set_trace(entries)
        if entries:
            self.trace.scrollToBottom()

    def lines(self) -> list[str]:
        return [self.trace.topLevelItem(i).text(0) for i in range(self.trace.topLevelItemCount())]

    def set_queues(self, rows: list[tuple[str, int, int, int | None, list[int]]]) -> None:
        self.queues.clear()
        for name, visible, in_flight, dlq, samples in rows:
            item = QTreeWidgetItem(
                self.queues,
                [name, str(visible), str(in_flight), "" if dlq is None else str(dlq), sparkline(samples)],
            )
            if dlq:
                item.setForeground(3, QBrush(QColor("#C24E00")))

    def clear(self) -> None:
        """Empty the trace, the queues and the events typed: they were another document's."""
        self.trace.clear()
        self.queues.clear()
        self.entries.setPlainText("")
        self.error.setText("")
        self.summary.setText("Put an event to see where it goes.")

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        if key:
            self.entry_activated.emit(str(key))
