"""The condition of a breakpoint, checked as it is typed and tried before it is kept.

The grammar is the engine's (`engine.runtime.debug.conditions`), the same as the terminal's
`break STATE if EXPR`: comparisons over JSONPath (`$.total > 100 && $.country == "BR"`),
`$states.input...`, `$item` / `$index` in a Map, a bare path (truthy) or `{% JSONata %}`. A
condition that does not parse shows its column and a caret, and OK stays disabled until it
parses, so what is kept can always be decided. Try decides it on the paused input (or the
last or default one) and says "pauses", "does not pause" or why it cannot tell.
Opened with `open()` (never `exec()`): it does not block the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.panels.execution_common import JsonEdit, error_label
from engine.runtime import Pause
from engine.runtime.debug import (
    GRAMMAR,
    HELP_LINE,
    ConditionEvaluationError,
    ConditionScope,
    ConditionSyntaxError,
    parse_condition,
)

PAUSES = "pauses"
DOES_NOT_PAUSE = "does not pause"


@dataclass
class ConditionSample:
    """What Try decides the condition on, and where it comes from (said above the input)."""

    input: Any
    source: str  # "the paused input", "the input of its last run", "the machine's default input"
    variables: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def condition_sample(
    path: str, name: str, pause: Pause | None, last_input: Any, default: Any, *, has_last: bool = False
) -> ConditionSample:
    """The paused input when paused at this state, else its last run's input, else the default
    input. Inside a Map, a context with `Map.Item` (index 0, the input as the item) lets `$index`
    and `$item` be tried; the user can change it."""
    if pause is not None and pause.state == name:
        return ConditionSample(
            pause.input, "the paused input", dict(pause.variables), dict(pause.context or {})
        )
    if has_last:
        sample = ConditionSample(last_input, "the input of its last run")
    else:
        sample = ConditionSample(default if default is not None else {}, "the machine's default input")
    if "/ItemProcessor/" in path or "/Iterator/" in path:
        sample.context = {"Map": {"Item": {"Index": 0, "Value": sample.input}}}
    return sample


class BreakpointEditor(QDialog):
    chosen = Signal(str, str, object)  # machine, state path, condition ("" for none)

    def __init__(
        self,
        machine: str,
        path: str,
        name: str,
        condition: str | None,
        sample: ConditionSample,
        parent: QWidget | None = None,
        *,
        last_problem: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.machine, self.path, self.variables = machine, path, sample.variables
        self.setWindowTitle(f"Breakpoint on {name}")
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Pause before <b>{name}</b> only when this holds for its input:"))
        self.condition = QLineEdit(condition or "")
        self.condition.setFont(fixed)
        self.condition.setPlaceholderText('$.total > 100 && $.country == "BR"   (empty: always pause)')
        layout.addWidget(self.condition)
        self.pointer = QLabel("^")  # under the column at fault, in the field's own font
        self.pointer.setFont(fixed)
        self.pointer.setTextFormat(Qt.TextFormat.PlainText)
        self.pointer.setStyleSheet("color: #C24E00; font-weight: bold;")
        layout.addWidget(self.pointer)
        self.problem = error_label()
        self.problem.setMinimumHeight(self.problem.fontMetrics().height())  # the dialog does not jump
        layout.addWidget(self.problem)
        self.help = QLabel(HELP_LINE)
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: palette(placeholder-text);")
        self.help.setToolTip(GRAMMAR)
        layout.addWidget(self.help)
        self.last_problem = QLabel(f"Last run: {last_problem}" if last_problem else "")
        self.last_problem.setWordWrap(True)
        self.last_problem.setVisible(bool(last_problem))
        layout.addWidget(self.last_problem)
        self.sample_caption = QLabel(f"Try it on {sample.source}:")
        layout.addWidget(self.sample_caption)
        self.sample = JsonEdit(sample.input)
        self.sample.setMaximumHeight(120)
        layout.addWidget(self.sample)
        layout.addWidget(QLabel("Context ($$ and $states.context; Map.Item gives $item and $index):"))
        self.context = JsonEdit(sample.context)
        self.context.setMaximumHeight(70)
        for edit in (self.sample, self.context):
            edit.setTabChangesFocus(True)  # Tab moves on through the dialog, as in any form
        layout.addWidget(self.context)
        row = QHBoxLayout()
        self.trial = QPushButton("Try")
        self.trial.clicked.connect(self.try_condition)
        row.addWidget(self.trial)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        row.addWidget(self.result, 1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.setMinimumWidth(560)
        self.condition.textChanged.connect(self.check)
        self.check()

    def check(self) -> bool:
        """Parse what is typed: show where it goes wrong, and allow OK only when it parses."""
        self.result.setText("")
        text = self.condition.text()
        valid = True
        if text.strip():
            try:
                parse_condition(text)
            except ConditionSyntaxError as exc:
                valid = False
                self.problem.setText(f"Column {exc.column}: {exc.message}")
                self._point_at(exc.position)
        if valid:
            self.problem.setText("")
        self.pointer.setText(" " if valid else "^")
        self.ok.setEnabled(valid)
        self.trial.setEnabled(valid)
        return valid

    def _point_at(self, position: int) -> None:
        """Put the caret under character `position` of the field, wherever the field has scrolled."""
        field = self.condition
        metrics = QFontMetrics(field.font())
        text = field.text()
        origin = field.cursorRect().center().x() - metrics.horizontalAdvance(text[: field.cursorPosition()])
        under = text[position] if position < len(text) else " "
        centring = (metrics.horizontalAdvance(under) - metrics.horizontalAdvance("^")) // 2
        x = origin + metrics.horizontalAdvance(text[:position]) + centring
        self.pointer.setContentsMargins(max(0, min(x, field.width() - 8)), 0, 0, 0)

    def try_condition(self) -> bool | None:
        """Decide the condition on the sample: True (pauses), False (does not pause), None (cannot tell)."""
        text = self.condition.text().strip()
        if not text:
            return self._answer(True, f"No condition: the breakpoint always {PAUSES}.")
        try:
            condition = parse_condition(text)
            scope = ConditionScope(self.sample.value(), self.variables, self.context.value() or {})
        except ConditionSyntaxError as exc:
            return self._answer(None, f"Does not parse (column {exc.column}): {exc.message}")
        except ValueError as exc:
            return self._answer(None, str(exc))
        if not isinstance(scope.context, dict):
            return self._answer(None, "The context must be a JSON object.")
        try:
            holds = condition.holds(scope)
        except ConditionEvaluationError as exc:
            return self._answer(
                None, f"Error: {exc.message}. In a run this {DOES_NOT_PAUSE}, and says so once."
            )
        return self._answer(holds, f"→ {PAUSES}" if holds else f"→ {DOES_NOT_PAUSE}")

    def _answer(self, verdict: bool | None, text: str) -> bool | None:
        """Show Try's answer; one it cannot give (None) reads in the error colour."""
        self.result.setText(text)
        self.result.setStyleSheet("color: #C24E00;" if verdict is None else "")
        return verdict

    def accept(self) -> None:
        if not self.check():
            return
        self.chosen.emit(self.machine, self.path, self.condition.text().strip())
        super().accept()
