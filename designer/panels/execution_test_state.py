"""TestState for the selected state: its input, variables and a mocked result; the answer with
its inspection data (the value after each data-flow step)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from designer.panels.execution_common import JsonEdit, error_label, pretty
from designer.panels.execution_state import PipelineView


class TestStatePanel(QWidget):
    run_requested = Signal(object, object, object, str)  # input, variables, mock (or None), inspection level

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.title = QLabel("Select a state, then Run > Test State.")
        head.addWidget(self.title, 1)
        self.level = QComboBox()
        self.level.addItems(["INFO", "DEBUG", "TRACE"])
        self.level.setCurrentText("DEBUG")
        head.addWidget(QLabel("Inspection"))
        head.addWidget(self.level)
        self.run = QPushButton("Run TestState")
        head.addWidget(self.run)
        layout.addLayout(head)
        split = QSplitter()
        form = QWidget()
        grid = QGridLayout(form)
        grid.setContentsMargins(0, 0, 0, 0)
        self.input = JsonEdit({})
        self.variables = JsonEdit({})
        self.mock = JsonEdit()
        self.mock.setPlaceholderText('Mocked result, e.g. {"Payload": {"ok": true}}; empty: no mock')
        grid.addWidget(QLabel("Input"), 0, 0)
        grid.addWidget(self.input, 1, 0)
        grid.addWidget(QLabel("Variables"), 2, 0)
        grid.addWidget(self.variables, 3, 0)
        grid.addWidget(QLabel("Mocked result"), 4, 0)
        grid.addWidget(self.mock, 5, 0)
        split.addWidget(form)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel("")
        right_layout.addWidget(self.status)
        self.pipeline = PipelineView()
        right_layout.addWidget(self.pipeline, 2)
        self.response = JsonEdit(read_only=True)
        right_layout.addWidget(self.response, 1)
        split.addWidget(right)
        layout.addWidget(split, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        self.run.clicked.connect(self._run)
        self.machine: str | None = None
        self.path: str | None = None

    def set_target(self, machine: str | None, path: str | None, name: str | None, input: Any = None) -> None:
        self.machine, self.path = machine, path
        self.title.setText(
            f"TestState: {name} in {machine}" if name else "Select a state, then Run > Test State."
        )
        self.run.setEnabled(name is not None)
        if input is not None:
            self.input.set_value(input)

    def clear(self) -> None:
        """Forget the state, the data and the answer: they belonged to a document no longer shown."""
        self.set_target(None, None, None)
        for edit in (self.input, self.variables, self.mock, self.response):
            edit.setPlainText("")
        self.status.setText("")
        self.error.setText("")
        self.pipeline.set_steps([])

    def _run(self) -> None:
        try:
            data = self.input.value()
            variables = self.variables.value()
            mock_text = self.mock.toPlainText().strip()
            mock = self.mock.value() if mock_text else None
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.run_requested.emit(data, variables, mock, self.level.currentText())

    def show_response(self, response: dict[str, Any], steps: list[Any]) -> None:
        status = response.get("status", "")
        parts = [f"<b>{status}</b>"]
        if response.get("nextState"):
            parts.append(f"next state: {response['nextState']}")
        if response.get("error"):
            parts.append(f"{response['error']}: {response.get('cause', '')}")
        self.status.setText(" · ".join(parts))
        self.pipeline.set_steps(steps)
        self.response.setPlainText(pretty(response))
