"""The condition of a breakpoint: a JSONPath (`$.total`, truthy when it selects a truthy value)
or a JSONata predicate (`{% $states.input.total > 100 %}` or bare `total > 100`), tried against
an input before it is kept. Opened with `open()` (never `exec()`): it does not block the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from designer.panels.execution_common import JsonEdit
from engine.runtime.debugger import evaluate_condition


class BreakpointEditor(QDialog):
    chosen = Signal(str, str, object)  # machine, state path, condition ("" for none)

    def __init__(
        self,
        machine: str,
        path: str,
        name: str,
        condition: str | None,
        sample: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.machine, self.path = machine, path
        self.setWindowTitle(f"Breakpoint on {name}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Pause before <b>{name}</b> only when this holds for its input:"))
        self.condition = QLineEdit(condition or "")
        self.condition.setPlaceholderText("$.total  ·  {% $states.input.total > 100 %}  ·  empty: always")
        layout.addWidget(self.condition)
        layout.addWidget(QLabel("Try it on this input"))
        self.sample = JsonEdit(sample if sample is not None else {})
        self.sample.setMaximumHeight(120)
        layout.addWidget(self.sample)
        self.result = QLabel("")
        layout.addWidget(self.result)
        trial = QPushButton("Try")
        trial.clicked.connect(self.try_condition)
        layout.addWidget(trial)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def try_condition(self) -> Any:
        text = self.condition.text().strip()
        if not text:
            self.result.setText("No condition: the breakpoint always pauses.")
            return True
        try:
            data = self.sample.value()
        except ValueError as exc:
            self.result.setText(str(exc))
            return None
        value = evaluate_condition(text, data, {})
        self.result.setText(f"→ {value!r}: {'pauses' if value else 'does not pause'}")
        return value

    def accept(self) -> None:
        self.chosen.emit(self.machine, self.path, self.condition.text().strip())
        super().accept()
