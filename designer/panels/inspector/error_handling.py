"""Retry and Catch lists: one card per retrier or catcher, fields made from the engine's models.

A card's title says what it does in words (`States.TaskFailed · 3 attempts · 2 s ×2`), so the
list reads at a glance while folded into the section's gist.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from designer.document.patch import MISSING
from designer.panels.inspector.context import StateContext
from designer.panels.inspector.fields import ComboField, LineField, make_editor
from designer.panels.inspector.layout import Card
from designer.panels.inspector.schema import JITTER_STRATEGIES, FieldSpec, catcher_fields, retrier_fields
from engine.asl import PREDEFINED_ERRORS

NEW_RETRIER = {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}
ERROR_NAMES = sorted(PREDEFINED_ERRORS, key=lambda e: (e != "States.ALL", e))
PLACEHOLDERS = {
    "IntervalSeconds": "1 (AWS's default)",
    "MaxAttempts": "3 (AWS's default)",
    "BackoffRate": "2.0 (AWS's default)",
    "MaxDelaySeconds": "no cap",
    "ErrorEquals": "States.ALL, States.TaskFailed, MyError…",
    "ResultPath": "$ (replace the input with the error)",
    "Comment": "",
}


def _errors(item: dict[str, Any]) -> str:
    names = item.get("ErrorEquals")
    if not isinstance(names, list) or not names:
        return "(no errors named)"
    return ", ".join("all errors" if n == "States.ALL" else str(n) for n in names)


def retrier_summary(retrier: Any) -> str:
    if not isinstance(retrier, dict):
        return "?"
    attempts = retrier.get("MaxAttempts", 3)
    if attempts == 0:
        return f"{_errors(retrier)} · never retried"
    parts = [_errors(retrier), f"{attempts} attempt{'s' if attempts != 1 else ''}"]
    interval, rate = retrier.get("IntervalSeconds", 1), retrier.get("BackoffRate", 2.0)
    parts.append(f"{interval} s ×{rate:g}" if isinstance(rate, (int, float)) else f"{interval} s")
    if "MaxDelaySeconds" in retrier:
        parts.append(f"≤ {retrier['MaxDelaySeconds']} s")
    if retrier.get("JitterStrategy") == "FULL":
        parts.append("full jitter")
    return " · ".join(str(p) for p in parts)


def catcher_summary(catcher: Any) -> str:
    if not isinstance(catcher, dict):
        return "?"
    return f"{_errors(catcher)} → {catcher.get('Next', '?')}"


class _ListEditor(QWidget):
    """Cards for the items of a list field of the state; add and remove as whole-list edits."""

    field_name = ""
    add_text = ""

    def __init__(self, ctx: StateContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cards: list[Card] = []
        self.editors: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.cards_layout = QVBoxLayout()
        self.cards_layout.setSpacing(6)
        layout.addLayout(self.cards_layout)
        self.add_button = QPushButton(self.add_text)
        self.add_button.clicked.connect(self.add_item)
        layout.addWidget(self.add_button)

    def items(self) -> list[Any]:
        value = self.ctx.state.get(self.field_name)
        return value if isinstance(value, list) else []

    def fields(self) -> list[FieldSpec]:
        raise NotImplementedError

    def summary(self, item: Any) -> str:
        raise NotImplementedError

    def new_item(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def load(self, ctx: StateContext) -> None:
        self.ctx = ctx
        items = self.items()
        if len(items) != len(self.cards):
            self._rebuild(len(items))
        for index, item in enumerate(items):
            card, editors = self.cards[index], self.editors[index]
            title, _, detail = self.summary(item).partition(" · ")
            card.set_title(f"{index + 1}. {title}", detail)
            item = item if isinstance(item, dict) else {}
            for name, editor in editors.items():
                editor.set_value(item.get(name, MISSING))
                if hasattr(editor, "set_diagnostics"):
                    editor.set_diagnostics(ctx.diagnostics(self.field_name, index, name, below=True))

    def _rebuild(self, count: int) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards, self.editors = [], []
        for index in range(count):
            card = Card("")
            editors: dict[str, Any] = {}
            for spec in self.fields():
                if spec.language is not None and spec.language != self.ctx.language:
                    continue
                editor = self.editor_for(spec)
                editor.committed.connect(
                    lambda value, i=index, name=spec.name, kind=spec.kind: self.ctx.set(
                        (self.field_name, i, name), value, typed=kind not in ("bool", "choice")
                    )
                )
                editors[spec.name] = editor
                card.form.addRow(spec.name, editor)
            card.remove_requested.connect(lambda i=index: self.remove_item(i))
            self.cards_layout.addWidget(card)
            self.cards.append(card)
            self.editors.append(editors)

    def editor_for(self, spec: FieldSpec) -> Any:
        editor = make_editor(
            spec.kind, theme=self.ctx.theme, jsonata=self.ctx.language == "JSONata",
            placeholder=PLACEHOLDERS.get(spec.name, ""),
        )  # fmt: skip
        if spec.name == "ErrorEquals" and isinstance(editor, LineField):
            editor.set_completions(ERROR_NAMES)
        return editor

    def add_item(self) -> None:
        item = self.new_item()
        if item is not None:
            self.ctx.set((self.field_name,), [*self.items(), item])

    def remove_item(self, index: int) -> None:
        items = [item for i, item in enumerate(self.items()) if i != index]
        self.ctx.set((self.field_name,), items or MISSING)


class RetryEditor(_ListEditor):
    field_name = "Retry"
    add_text = "+ Add retrier"

    def fields(self) -> list[FieldSpec]:
        return [f for f in retrier_fields() if f.name != "Comment"]

    def summary(self, item: Any) -> str:
        return retrier_summary(item)

    def new_item(self) -> dict[str, Any]:
        return dict(NEW_RETRIER)

    def editor_for(self, spec: FieldSpec) -> Any:
        if spec.name == "JitterStrategy":
            return ComboField([s for s in JITTER_STRATEGIES if s], empty="(AWS's default: NONE)")
        return super().editor_for(spec)


class CatchEditor(_ListEditor):
    field_name = "Catch"
    add_text = "+ Add catcher"

    def fields(self) -> list[FieldSpec]:
        return [f for f in catcher_fields() if f.name != "Comment"]

    def summary(self, item: Any) -> str:
        return catcher_summary(item)

    def new_item(self) -> dict[str, Any] | None:
        siblings = self.ctx.siblings()
        if not siblings:
            self.ctx.report("Add a state to handle the error first: a catcher needs a Next state.")
            return None
        item: dict[str, Any] = {"ErrorEquals": ["States.ALL"], "Next": siblings[0]}
        if self.ctx.language == "JSONPath":
            item["ResultPath"] = "$.error"
        return item

    def editor_for(self, spec: FieldSpec) -> Any:
        if spec.name == "Next":
            return ComboField(self.ctx.siblings())
        return super().editor_for(spec)

    def load(self, ctx: StateContext) -> None:
        super().load(ctx)
        for editors in self.editors:
            nxt = editors.get("Next")
            if isinstance(nxt, ComboField):
                current = nxt._loaded
                nxt.set_options(ctx.siblings())
                nxt.set_value(current)
