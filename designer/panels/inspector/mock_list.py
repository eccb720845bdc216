"""The mocked responses of a Task as a list of cards: each returns a JSON result or throws an
error, answering one invocation in order (retries included), the last one repeating.

The editor never touches the document: it emits the whole new list when a card's value is
committed, and shows what the document holds through `set_outcomes`. JSON that does not parse
is explained under its field (line and column) and nothing is emitted.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from designer.canvas.theme import LIGHT, Theme
from designer.document.patch import MISSING
from designer.panels.inspector.fields import LineField
from designer.panels.inspector.layout import Card, caption
from designer.panels.json_field import JsonField

RETURN, THROW = "Return a result", "Throw an error"
DEFAULT_ERROR = "States.TaskFailed"


def invocation_title(index: int, count: int) -> str:
    if count == 1:
        return "Every invocation"
    if index == count - 1:
        return f"Invocation {index + 1} and after"
    return f"Invocation {index + 1}"


class ResponseCard(Card):
    """One mocked response: a result (JSON) or an error (name and cause)."""

    edited = Signal(int, object)  # index, new outcome

    def __init__(self, index: int, theme: Theme) -> None:
        super().__init__("")
        self.index = index
        self.outcome: dict[str, Any] = {"Return": {}}
        self.kind = QComboBox()
        self.kind.addItems([RETURN, THROW])
        self.kind.setToolTip("What this invocation of the Task does")
        self.form.addRow(self.kind)
        self.result = JsonField(theme, allow_empty=False, placeholder='{"ok": true}')
        self.result.setToolTip("The Task's result, as JSON (Ctrl+Enter or leave the field to apply)")
        self.form.addRow("Result", self.result)
        self.error = LineField("text", "e.g. Card.Declined")
        self.cause = LineField("text", "why, in words (optional)")
        self.form.addRow("Error", self.error)
        self.form.addRow("Cause", self.cause)
        self.kind.activated.connect(lambda _i: self._kind_chosen())
        self.result.committed.connect(self._result_committed)
        self.error.committed.connect(lambda _v: self._throw_committed())
        self.cause.committed.connect(lambda _v: self._throw_committed())

    def set_outcome(self, index: int, count: int, outcome: dict[str, Any]) -> None:
        self.index = index
        self.outcome = copy.deepcopy(outcome)
        self.set_title(invocation_title(index, count))
        throw = "Throw" in outcome
        self.kind.setCurrentText(THROW if throw else RETURN)
        for row_field, shown in ((self.result, not throw), (self.error, throw), (self.cause, throw)):
            self.form.setRowVisible(row_field, shown)
        if throw:
            details = outcome.get("Throw") or {}
            self.error.set_value(details.get("Error", MISSING))
            self.cause.set_value(details.get("Cause", MISSING))
        else:
            self.result.set_value(outcome.get("Return"))

    def _kind_chosen(self) -> None:
        if (self.kind.currentText() == THROW) == ("Throw" in self.outcome):
            return
        if self.kind.currentText() == THROW:
            self.edited.emit(self.index, {"Throw": {"Error": DEFAULT_ERROR, "Cause": "mocked error"}})
        else:
            self.edited.emit(self.index, {"Return": {}})

    def _result_committed(self, value: Any) -> None:
        self.edited.emit(self.index, {"Return": None if value is MISSING else value})

    def _throw_committed(self) -> None:
        error = self.error.line.text().strip()
        if not error:
            self.error.show_error("An error needs a name, e.g. Card.Declined; Catch and Retry match it.")
            return
        self.error.show_error(None)
        details = {"Error": error}
        cause = self.cause.line.text()
        if cause:
            details["Cause"] = cause
        if {"Throw": details} != self.outcome:
            self.edited.emit(self.index, {"Throw": details})


class MockListEditor(QWidget):
    changed = Signal(object)  # the new list of outcomes

    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.outcomes: list[dict[str, Any]] = []
        self.cards: list[ResponseCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(
            caption("One response per invocation of the Task, retries included; the last one repeats.")
        )
        self.card_layout = QVBoxLayout()
        self.card_layout.setSpacing(6)
        layout.addLayout(self.card_layout)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add response")
        self.add_button.setToolTip("Answer the next invocation differently (e.g. fail once, then succeed)")
        self.add_button.clicked.connect(self._add)
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for card in self.cards:
            card.result.set_theme(theme)

    def set_outcomes(self, outcomes: list[dict[str, Any]]) -> None:
        self.outcomes = copy.deepcopy(outcomes)
        while len(self.cards) > len(outcomes):
            card = self.cards.pop()
            card.hide()
            card.setParent(None)
            card.deleteLater()
        while len(self.cards) < len(outcomes):
            card = ResponseCard(len(self.cards), self.theme)
            card.edited.connect(self._edited)
            card.remove_requested.connect(lambda card=card: self._remove(card.index))
            self.card_layout.addWidget(card)
            self.cards.append(card)
        for index, (card, outcome) in enumerate(zip(self.cards, outcomes, strict=True)):
            card.set_outcome(index, len(outcomes), outcome)

    def _edited(self, index: int, outcome: dict[str, Any]) -> None:
        outcomes = copy.deepcopy(self.outcomes)
        outcomes[index] = outcome
        self.changed.emit(outcomes)

    def _remove(self, index: int) -> None:
        outcomes = copy.deepcopy(self.outcomes)
        del outcomes[index]
        self.changed.emit(outcomes)

    def _add(self) -> None:
        last = copy.deepcopy(self.outcomes[-1]) if self.outcomes else {"Return": {}}
        self.changed.emit([*copy.deepcopy(self.outcomes), last])
