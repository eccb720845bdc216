"""A Choice's rules: each one in the canvas's short form (`$.total > 100 → Ship`) with its editor.

A rule with a single comparison is edited as variable, operator and value; And/Or/Not rules
as JSON; JSONata rules as their Condition. The operators come from the engine's model.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from designer.canvas.labels import rule_text
from designer.document.edits import default_choice_rule
from designer.document.patch import MISSING
from designer.panels.inspector.context import StateContext
from designer.panels.inspector.fields import ComboField, LineField
from designer.panels.inspector.layout import Card, caption
from designer.panels.json_field import JsonField
from engine.asl import COMPARISON_OPERATORS, NUMERIC_OPERATORS, TYPE_TEST_OPERATORS

_RULE_EXTRAS = ("Next", "Comment", "Assign", "Output")


def rule_mode(rule: Any, language: str) -> str:
    """How a rule is edited: "condition" (JSONata), "simple" (one comparison) or "json"."""
    if not isinstance(rule, dict):
        return "json"
    if language == "JSONata" or "Condition" in rule:
        return "condition"
    ops = [k for k in rule if k in COMPARISON_OPERATORS]
    if len(ops) == 1 and isinstance(rule.get("Variable"), str) and not {"And", "Or", "Not"} & set(rule):
        return "simple"
    return "json"


def operand_kind(operator: str) -> str:
    if operator.endswith("Path") or operator.startswith(("String", "Timestamp")):
        return "text"
    if operator in NUMERIC_OPERATORS:
        return "number"
    return "bool"


def convert_operand(operator: str, value: Any) -> Any:
    """The old operand carried over to a new operator where it fits, a neutral one otherwise."""
    kind = operand_kind(operator)
    if kind == "bool":
        return value if isinstance(value, bool) else True
    if kind == "number":
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
    return value if isinstance(value, str) else ""


class ChoicesEditor(QWidget):
    def __init__(self, ctx: StateContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cards: list[Card] = []
        self.editors: list[dict[str, Any]] = []
        self.modes: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(caption("Rules are tried in order; the first that matches chooses the next state."))
        self.cards_layout = QVBoxLayout()
        self.cards_layout.setSpacing(6)
        layout.addLayout(self.cards_layout)
        self.add_button = QPushButton("+ Add rule")
        self.add_button.clicked.connect(self.add_rule)
        layout.addWidget(self.add_button)

    def rules(self) -> list[Any]:
        value = self.ctx.state.get("Choices")
        return value if isinstance(value, list) else []

    def load(self, ctx: StateContext) -> None:
        self.ctx = ctx
        rules = self.rules()
        modes = [rule_mode(r, ctx.language) for r in rules]
        if modes != self.modes:
            self._rebuild(modes)
        for index, rule in enumerate(rules):
            rule = rule if isinstance(rule, dict) else {}
            editors = self.editors[index]
            self.cards[index].set_title(f"{index + 1}. {rule_text(rule)}  →  {rule.get('Next', '?')}")
            editors["Next"].set_options(ctx.siblings())
            editors["Next"].set_value(rule.get("Next", MISSING))
            mode = self.modes[index]
            if mode == "simple":
                operator = next(k for k in rule if k in COMPARISON_OPERATORS)
                editors["Variable"].set_value(rule.get("Variable", MISSING))
                editors["Operator"].set_value(operator)
                editors["Value"].kind = operand_kind(operator)
                editors["Value"].set_value(rule[operator])
            elif mode == "condition":
                editors["Condition"].set_value(rule.get("Condition", MISSING))
            else:
                editors["Rule"].set_value({k: v for k, v in rule.items() if k not in _RULE_EXTRAS})
            messages = ctx.diagnostics("Choices", index, below=True)
            target = editors.get("Value") or editors.get("Condition") or editors.get("Rule")
            target.set_diagnostics(messages)

    def _rebuild(self, modes: list[str]) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards, self.editors, self.modes = [], [], modes
        for index, mode in enumerate(modes):
            card = Card("")
            editors: dict[str, Any] = {}
            if mode == "simple":
                editors["Variable"] = LineField("text", "$.field")
                editors["Operator"] = ComboField(COMPARISON_OPERATORS)
                editors["Value"] = LineField("text")
                editors["Variable"].committed.connect(
                    lambda v, i=index: self.ctx.set(("Choices", i, "Variable"), v, typed=True)
                )
                editors["Operator"].committed.connect(lambda op, i=index: self._set_operator(i, op))
                editors["Value"].committed.connect(lambda v, i=index: self._set_value(i, v))
            elif mode == "condition":
                editors["Condition"] = LineField("text", "{% $states.input.total > 100 %}")
                editors["Condition"].committed.connect(
                    lambda v, i=index: self.ctx.set(("Choices", i, "Condition"), v, typed=True)
                )
            else:
                editors["Rule"] = JsonField(self.ctx.theme, check=_object_check)
                editors["Rule"].committed.connect(lambda v, i=index: self._set_rule_json(i, v))
            editors["Next"] = ComboField(self.ctx.siblings())
            editors["Next"].committed.connect(
                lambda v, i=index: v is not MISSING and self.ctx.set(("Choices", i, "Next"), v)
            )
            for name, editor in editors.items():
                card.form.addRow(name if name != "Rule" else "Condition", editor)
            card.remove_requested.connect(lambda i=index: self.remove_rule(i))
            self.cards_layout.addWidget(card)
            self.cards.append(card)
            self.editors.append(editors)

    # edits ---------------------------------------------------------------------------------------

    def _set_operator(self, index: int, operator: Any) -> None:
        rule = copy.deepcopy(self.rules()[index])
        old = next((k for k in rule if k in COMPARISON_OPERATORS), None)
        value = rule.pop(old) if old else None
        rebuilt: dict[str, Any] = {}
        for key, item in rule.items():
            rebuilt[key] = item
            if key == "Variable":
                rebuilt[operator] = convert_operand(operator, value)
        self.ctx.set(("Choices", index), rebuilt)

    def _set_value(self, index: int, value: Any) -> None:
        operator = self.editors[index]["Operator"].value()
        if value is MISSING:
            if operand_kind(operator) != "text":
                self.editors[index]["Value"].show_error("This operator needs a value.")
                return
            value = ""
        self.ctx.set(("Choices", index, operator), value, typed=True)

    def _set_rule_json(self, index: int, value: Any) -> None:
        rule = self.rules()[index]
        extras = {k: rule[k] for k in _RULE_EXTRAS if k in rule}
        self.ctx.set(("Choices", index), {**value, **extras})

    def add_rule(self) -> None:
        siblings = self.ctx.siblings()
        if not siblings:
            self.ctx.report("Add the state this rule should go to first.")
            return
        definition = {"QueryLanguage": self.ctx.language}
        self.ctx.set(("Choices",), [*self.rules(), default_choice_rule(definition, siblings[0])])

    def remove_rule(self, index: int) -> None:
        self.ctx.set(("Choices",), [r for i, r in enumerate(self.rules()) if i != index])


def _object_check(value: Any) -> str | None:
    if not isinstance(value, dict):
        return 'A rule is a JSON object, e.g. {"Variable": "$.x", "IsPresent": true}.'
    return None


__all__ = ["TYPE_TEST_OPERATORS", "ChoicesEditor", "rule_mode"]
