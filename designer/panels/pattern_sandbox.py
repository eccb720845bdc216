"""The event pattern editor of a rule, with a sandbox to try it on a sample event.

The pattern is committed to the rule like any inspector field (on leaving the field or
Ctrl+Enter, refused with AWS's reason when EventBridge would refuse it). The sample event is
scratch: it starts as the last event seen on the rule's bus, or as an event built from the
pattern itself. Test says matched or not matched and, when not, which field failed and why:
all of it is the engine's answer (`engine.bus.explain`), never the designer's own matching.
"""

from __future__ import annotations

import copy
import html
import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from designer.canvas.theme import LIGHT, Theme
from designer.panels.json_field import JsonField
from engine.bus import InvalidEventError, InvalidEventPatternError, compile_pattern, explain

ENVELOPE: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "Example",
    "source": "my.app",
    "account": "123456789012",
    "time": "2026-01-01T12:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {},
}
MATCHED_COLOUR, FAILED_COLOUR = "#007A5A", "#C24E00"


class EventMemory:
    """The last event put on each bus, kept for the sandbox to start from.

    Whatever runs the project (the Run front end, a replay) calls `record`; the sandbox only reads.
    """

    def __init__(self) -> None:
        self._last: dict[str, dict[str, Any]] = {}

    def record(self, bus: str, event: dict[str, Any]) -> None:
        self._last[bus] = copy.deepcopy(event)

    def last(self, bus: str) -> dict[str, Any] | None:
        event = self._last.get(bus)
        return copy.deepcopy(event) if event is not None else None

    def clear(self) -> None:
        self._last.clear()


LAST_EVENTS = EventMemory()


def pattern_problem(pattern: Any) -> str | None:
    """AWS's reason for refusing a pattern, or None when EventBridge would accept it."""
    if not isinstance(pattern, dict):
        return "Event pattern is not valid. Reason: the pattern must be a JSON object"
    try:
        compile_pattern(pattern)
    except InvalidEventPatternError as exc:
        return str(exc)
    return None


def _example_value(condition: Any) -> tuple[bool, Any]:
    """A value that satisfies one pattern condition, when an obvious one exists."""
    if isinstance(condition, (str, int, float, bool)) or condition is None:
        return True, condition
    if not isinstance(condition, dict) or len(condition) != 1:
        return False, None
    ((op, arg),) = condition.items()
    if op == "prefix" and isinstance(arg, str):
        return True, arg + "example"
    if op == "suffix" and isinstance(arg, str):
        return True, "example" + arg
    if op in ("equals-ignore-case", "wildcard") and isinstance(arg, str):
        return True, arg.replace("*", "x")
    if op == "exists" and arg is True:
        return True, "present"
    if op == "anything-but":
        return True, "something-else"
    if op == "numeric" and isinstance(arg, list) and len(arg) >= 2 and isinstance(arg[1], (int, float)):
        bound = arg[1]
        return True, bound if arg[0] in ("=", ">=", "<=") else bound + (1 if arg[0] == ">" else -1)
    return False, None


def event_from_pattern(pattern: Any) -> dict[str, Any]:
    """An event the pattern should match, on EventBridge's envelope (first choice of each field)."""
    event = copy.deepcopy(ENVELOPE)
    if not isinstance(pattern, dict):
        return event
    if isinstance(pattern.get("$or"), list) and pattern["$or"]:
        pattern = {**{k: v for k, v in pattern.items() if k != "$or"}, **pattern["$or"][0]}

    def fill(target: dict[str, Any], part: dict[str, Any]) -> None:
        for key, value in part.items():
            if key == "$or":
                continue
            if isinstance(value, dict):
                child = target.get(key) if isinstance(target.get(key), dict) else {}
                target[key] = child
                fill(child, value)
            elif isinstance(value, list):
                for condition in value:
                    ok, example = _example_value(condition)
                    if ok:
                        target[key] = [example] if key == "resources" else example
                        break
                    if isinstance(condition, dict) and condition.get("exists") is False:
                        target.pop(key, None)
                        break

    fill(event, pattern)
    return event


def sandbox_verdict(pattern: Any, event: Any) -> tuple[bool | None, list[str]]:
    """(True, []) matched; (False, reasons) not matched; (None, [why]) when it cannot be tested."""
    problem = pattern_problem(pattern)
    if problem:
        return None, [problem]
    try:
        reasons = explain(pattern, event)
    except InvalidEventPatternError as exc:
        return None, [str(exc)]
    except InvalidEventError as exc:
        return None, [f"The sample event is not valid: {exc}"]
    return (not reasons), reasons


class PatternSandbox(QWidget):
    committed = Signal(object)  # the rule's new event pattern

    def __init__(
        self,
        theme: Theme = LIGHT,
        memory: EventMemory | None = None,
        parent: QWidget | None = None,
        *,
        heading: bool = True,
    ) -> None:
        super().__init__(parent)
        self.memory = memory or LAST_EVENTS
        self.bus = "default"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        if heading:  # inside the inspector, the section's title says it already
            layout.addWidget(_heading("Event pattern"))
        self.pattern = JsonField(
            theme, check=pattern_problem, allow_empty=True, placeholder='{"source": ["my.app"]}'
        )
        self.pattern.committed.connect(self.committed.emit)
        layout.addWidget(self.pattern)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(_heading("Sample event"), 1)
        self.from_pattern = QPushButton("From pattern")
        self.from_pattern.setToolTip("Build an event that this pattern should match")
        self.from_last = QPushButton("Last on bus")
        self.from_last.setToolTip("The last event put on the rule's bus in a run")
        head.addWidget(self.from_pattern)
        head.addWidget(self.from_last)
        layout.addLayout(head)
        self.event = JsonField(theme, check=_object_check, allow_empty=False)
        layout.addWidget(self.event)
        row = QHBoxLayout()
        self.test_button = QPushButton("Test pattern")
        self.test_button.setDefault(True)
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setObjectName("sandboxResult")
        self.result.hide()
        layout.addWidget(self.result)
        self.from_pattern.clicked.connect(self.use_pattern_event)
        self.from_last.clicked.connect(self.use_last_event)
        self.test_button.clicked.connect(self.test)

    # loading -------------------------------------------------------------------------------------

    def load(self, pattern: Any, bus: str) -> None:
        first = not self.event.text().strip()
        self.bus = bus
        self.pattern.set_value(pattern if pattern is not None else {})
        last = self.memory.last(bus)
        self.from_last.setEnabled(last is not None)
        if first:
            self.event.set_value(last if last is not None else event_from_pattern(pattern))

    def set_theme(self, theme: Theme) -> None:
        self.pattern.set_theme(theme)
        self.event.set_theme(theme)

    def use_pattern_event(self) -> None:
        value, error = self.pattern.parse()
        self.event.set_value(event_from_pattern(value if error is None else {}))
        self.result.hide()

    def use_last_event(self) -> None:
        last = self.memory.last(self.bus)
        if last is not None:
            self.event.set_value(last)
            self.result.hide()

    # testing -------------------------------------------------------------------------------------

    def test(self) -> bool | None:
        """Test the pattern as typed (committed or not) against the sample event; show the verdict."""
        pattern, pattern_error = self.pattern.parse()
        event, event_error = self.event.parse()
        if pattern_error or event_error:
            verdict: bool | None = None
            reasons = [f"Pattern: {pattern_error}"] if pattern_error else []
            reasons += [f"Sample event: {event_error}"] if event_error else []
        else:
            verdict, reasons = sandbox_verdict(pattern if pattern is not None else {}, event)
        self.show_verdict(verdict, reasons)
        return verdict

    def show_verdict(self, verdict: bool | None, reasons: list[str]) -> None:
        if verdict is True:
            text = (
                f"<b style='color:{MATCHED_COLOUR}'>✓ Matched</b>: the rule sends this event to its targets."
            )
        else:
            title = "✗ Not matched" if verdict is False else "✗ Cannot test"
            items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
            text = f"<b style='color:{FAILED_COLOUR}'>{title}</b><ul style='margin-left:-20px'>{items}</ul>"
        self.result.setText(text)
        self.result.show()

    def verdict_text(self) -> str:
        """The verdict as plain text (what the label says, without markup)."""
        doc = QTextDocument()
        doc.setHtml(self.result.text())
        return doc.toPlainText()


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _object_check(value: Any) -> str | None:
    return None if isinstance(value, dict) else "An event is a JSON object."


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2)
