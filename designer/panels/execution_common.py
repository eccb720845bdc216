"""Small widgets the execution panels share: a JSON editor that says when its text is not JSON,
and a read-only JSON view."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from designer.canvas.theme import LIGHT, Theme
from designer.panels.json_highlighter import JsonHighlighter
from engine.strict_json import JsonInputError, loads_strict

_UNSET: Any = object()


def pretty(value: Any) -> str:
    if value is _UNSET:
        return ""
    return json.dumps(value, indent=2, ensure_ascii=False)


class JsonEdit(QPlainTextEdit):
    """A monospaced JSON editor (or viewer, read-only) with the code view's colours."""

    def __init__(self, value: Any = _UNSET, *, read_only: bool = False, theme: Theme = LIGHT) -> None:
        super().__init__()
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setReadOnly(read_only)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.highlighter = JsonHighlighter(self.document(), theme)
        if value is not _UNSET:
            self.set_value(value)

    def set_value(self, value: Any) -> None:
        self.setPlainText(pretty(value))

    def value(self) -> Any:
        """The parsed JSON; raises ValueError with the position when the text is not JSON."""
        text = self.toPlainText().strip()
        if not text:
            return None

        try:  # strict: NaN, Infinity and 1e309 are not JSON, and AWS refuses them
            return loads_strict(text)
        except JsonInputError as exc:
            where = f" (line {exc.line}, column {exc.column})" if exc.line is not None else ""
            raise ValueError(f"not valid JSON: {exc.reason}{where}") from None


class LabelledJson(QWidget):
    """A caption above a JSON view."""

    def __init__(self, caption: str, *, read_only: bool = True) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        layout.addWidget(self.caption)
        self.edit = JsonEdit(read_only=read_only)
        layout.addWidget(self.edit, 1)


def error_label() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setStyleSheet("color: #C24E00;")
    return label
