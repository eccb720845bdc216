"""The selected state in a run: its input and output, variables and context object, the data-flow
pipeline with the value after each step, its retry attempts, and re-running it with edited input."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.debug.dataflow import Step
from designer.panels.execution_common import JsonEdit, error_label, pretty

RUN_FROM_TIP = "A new execution starting at this state, on this input"
RUN_FROM_NESTED = (
    "Only a top-level state can start an execution: {name} runs inside {container}. "
    "Use Test state to run it alone on this input."
)


class PipelineView(QScrollArea):
    """The data-flow steps top to bottom: the field and its expression, then the value after it."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.host = QWidget()
        self.rows = QVBoxLayout(self.host)
        self.rows.setContentsMargins(4, 4, 4, 4)
        self.rows.setSpacing(2)
        self.rows.addStretch(1)
        self.setWidget(self.host)
        self.steps: list[Step] = []

    def set_steps(self, steps: list[Step], note: str = "") -> None:
        self.steps = steps
        while self.rows.count() > 1:
            item = self.rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        position = 0
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            self.rows.insertWidget(position, label)
            position += 1
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for i, step in enumerate(steps):
            head = QLabel(
                f"<b>{'↓ ' if i else ''}{step.label}</b>"
                + (f"&nbsp;&nbsp;<code>{_escape(step.expression)}</code>" if step.expression else "")
            )
            head.setTextFormat(Qt.TextFormat.RichText)
            head.setWordWrap(True)
            self.rows.insertWidget(position, head)
            position += 1
            value = QPlainTextEdit(pretty(step.value) if step.present else "(not reached)")
            value.setReadOnly(True)
            value.setFont(mono)
            value.setFrameShape(QFrame.Shape.StyledPanel)
            lines = min(8, max(1, value.toPlainText().count("\n") + 1))
            value.setFixedHeight(int(lines * value.fontMetrics().lineSpacing() + 14))
            self.rows.insertWidget(position, value)
            position += 1

    def labels(self) -> list[str]:
        return [step.label for step in self.steps]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class StateDataPanel(QWidget):
    visit_chosen = Signal(int)  # the StateEntered id of the run to show
    test_requested = Signal(object)  # edited input: TestState on this state
    run_from_requested = Signal(object)  # edited input: a new execution starting at this state
    apply_input_requested = Signal(object)  # edited input for the paused state (debugger.set_input)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.title = QLabel("Select a state that ran to see its data.")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.title, 1)
        self.visit = QComboBox()
        self.visit.setToolTip("Which run of this state (loops and Map iterations run a state more than once)")
        self.visit.currentIndexChanged.connect(self._visit_chosen)
        head.addWidget(self.visit)
        layout.addLayout(head)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Input (edit to re-run)"))
        self.input = JsonEdit()
        left_layout.addWidget(self.input, 1)
        buttons = QHBoxLayout()
        self.apply_input = QPushButton("Use as input")
        self.apply_input.setToolTip("The paused state runs on this input when the execution resumes")
        self.apply_input.clicked.connect(lambda: self._emit(self.apply_input_requested))
        self.test = QPushButton("Test state")
        self.test.setToolTip("Run this state alone on this input (TestState)")
        self.test.clicked.connect(lambda: self._emit(self.test_requested))
        self.run_from = QPushButton("Run from here")
        self.run_from.setToolTip(RUN_FROM_TIP)
        self.run_from.clicked.connect(lambda: self._emit(self.run_from_requested))
        for button in (self.apply_input, self.test, self.run_from):
            buttons.addWidget(button)
        left_layout.addLayout(buttons)
        self.error = error_label()
        left_layout.addWidget(self.error)
        split.addWidget(left)
        self.tabs = QTabWidget()
        self.pipeline = PipelineView()
        self.output = JsonEdit(read_only=True)
        self.variables = JsonEdit(read_only=True)
        self.context = JsonEdit(read_only=True)
        self.retries = QTreeWidget()
        self.retries.setHeaderLabels(["Attempt", "Event", "Error", "Cause", "Then", "Back-off"])
        self.retries.headerItem().setToolTip(
            5, "Time from the failure to the next attempt (Retry's back-off)"
        )
        self.retries.setRootIsDecorated(False)
        self.tabs.addTab(self.pipeline, "Data flow")
        self.tabs.addTab(self.output, "Output")
        self.tabs.addTab(self.variables, "Variables")
        self.tabs.addTab(self.context, "Context object")
        self.tabs.addTab(self.retries, "Retries")
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)
        self._updating = False
        self._input_key: Any = None
        self.apply_input.setEnabled(False)

    def allow_run_from(self, why_not: str | None) -> None:
        """Run from here only where an execution can start: otherwise disabled, saying why."""
        self.run_from.setEnabled(why_not is None)
        self.run_from.setToolTip(why_not or RUN_FROM_TIP)

    def _emit(self, signal: Any) -> None:
        try:
            value = self.input.value()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        signal.emit(value)

    def clear(self, message: str = "Select a state that ran to see its data.") -> None:
        self.title.setText(message)
        self.visit.blockSignals(True)
        self.visit.clear()
        self.visit.blockSignals(False)
        for edit in (self.input, self.output, self.variables, self.context):
            edit.setPlainText("")
        self._input_key = None
        self.pipeline.set_steps([])
        self.retries.clear()

    def set_visits(self, title: str, visits: list[tuple[int, str]], current: int | None) -> None:
        self.title.setText(title)
        self._updating = True
        try:
            self.visit.clear()
            for vid, label in visits:
                self.visit.addItem(label, vid)
            if current is not None:
                self.visit.setCurrentIndex(max(0, self.visit.findData(current)))
        finally:
            self._updating = False
        self.visit.setVisible(len(visits) > 1)

    def show_visit(
        self,
        *,
        key: Any = None,
        input: Any,
        output: Any,
        has_output: bool,
        variables: dict[str, Any],
        context: dict[str, Any],
        attempts: list[tuple[str, int, str, str, str, str]],
    ) -> None:
        self._set_input(key, input)
        self.output.setPlainText(pretty(output) if has_output else "(the state has not finished)")
        self.variables.set_value(variables)
        self.context.set_value(context)
        self.retries.clear()
        for row in attempts:
            QTreeWidgetItem(self.retries, [str(part) for part in row])
        self.tabs.setTabText(4, f"Retries ({sum(1 for a in attempts if a[4] == 'retried')})")

    def _set_input(self, key: Any, value: Any) -> None:
        """Show a run's input, unless it is the one shown already (the user may be editing it)."""
        if key is None or key != self._input_key:
            self._input_key = key
            self.input.set_value(value)

    def show_paused(
        self, input: Any, variables: dict[str, Any], context: dict[str, Any], key: Any = None
    ) -> None:
        self._set_input(key, input)
        self.output.setPlainText("(paused before the state runs)")
        self.variables.set_value(variables)
        self.context.set_value(context)
        self.retries.clear()

    def _visit_chosen(self, _index: int) -> None:
        vid = self.visit.currentData()
        if not self._updating and vid is not None:
            self.visit_chosen.emit(int(vid))
