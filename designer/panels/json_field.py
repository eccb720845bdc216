"""`JsonField`: a small JSON editor for one form field, with colours and inline validation.

Typing never changes the document. The value is committed when the field loses focus or on
Ctrl+Enter, and only when it parses (and passes the field's own check); otherwise the reason
shows under the field, the bad spot is underlined, and nothing changes. The engine's
diagnostics for the field's location show under it too, so a value that parses but that Step
Functions would refuse is explained where it is typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QFontDatabase, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from designer.canvas.theme import LIGHT, Theme
from designer.document.patch import MISSING
from designer.panels.json_highlighter import JsonHighlighter
from engine.strict_json import JsonInputError, loads_strict

Check = Callable[[Any], str | None]  # a value that parses -> why it is refused, or None
MIN_LINES, MAX_LINES = 2, 14


class _Editor(QPlainTextEdit):
    commit_requested = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit_requested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.commit_requested.emit()
            return
        super().keyPressEvent(event)


def parse_json_text(text: str, *, jsonata: bool = False) -> tuple[Any, str | None]:
    """(value, None) or (None, reason). Empty text is MISSING; a bare `{% … %}` is a JSONata string."""
    stripped = text.strip()
    if not stripped:
        return MISSING, None
    if jsonata and stripped.startswith("{%") and stripped.endswith("%}"):
        return stripped, None

    try:  # strict: NaN, Infinity and 1e309 are not JSON, and AWS refuses them
        return loads_strict(stripped), None
    except JsonInputError as exc:
        if exc.line is None:
            return None, exc.reason
        return None, f"Line {exc.line}, column {exc.column}: {exc.reason}"


class JsonField(QWidget):
    committed = Signal(object)  # the new value (MISSING when emptied and allowed)

    def __init__(
        self,
        theme: Theme = LIGHT,
        *,
        check: Check | None = None,
        allow_empty: bool = True,
        jsonata: bool = False,
        placeholder: str = "",
        max_lines: int = MAX_LINES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.max_lines = max_lines  # grows with its text up to this many lines, then scrolls
        self.theme = theme
        self.check = check
        self.allow_empty = allow_empty
        self.jsonata = jsonata
        self._loaded: Any = MISSING
        self._error_pos: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.editor = _Editor()
        self.editor.setObjectName("jsonFieldEditor")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText(placeholder)
        self.editor.setTabStopDistance(2 * self.editor.fontMetrics().horizontalAdvance(" "))
        layout.addWidget(self.editor)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)
        self.diagnostics = QLabel("")
        self.diagnostics.setWordWrap(True)
        self.diagnostics.hide()
        layout.addWidget(self.diagnostics)
        self.highlighter = JsonHighlighter(self.editor.document(), theme)
        self.editor.commit_requested.connect(self.commit)
        self.editor.textChanged.connect(self._fit_height)
        self.set_theme(theme)
        self._fit_height()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_height()

    # look ----------------------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.highlighter.set_theme(theme)
        colour = theme.code_colors.get("error", "#C24E00")
        self.message.setStyleSheet(f"color: {colour};")
        self.diagnostics.setStyleSheet(f"color: {colour};")
        self._mark(self._error_pos is not None)

    def _mark(self, invalid: bool) -> None:
        colour = self.theme.code_colors.get("error", "#C24E00")
        self.editor.setStyleSheet(
            f"QPlainTextEdit#jsonFieldEditor {{ border: 1.5px solid {colour}; border-radius: 3px; }}"
            if invalid
            else ""
        )

    def _fit_height(self) -> None:
        count, block = 0, self.editor.document().firstBlock()
        while block.isValid():
            count += max(1, block.layout().lineCount() if block.layout() is not None else 1)
            block = block.next()
        lines = max(MIN_LINES, min(self.max_lines, count))
        height = int(lines * self.editor.fontMetrics().lineSpacing() + 14)
        self.editor.setFixedHeight(height)

    # value ---------------------------------------------------------------------------------------

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def set_value(self, value: Any) -> None:
        """Show `value` (MISSING shows empty); leaves alone a field the user is in the middle of editing."""
        if self.editor.hasFocus() and self.editor.document().isModified():
            self._loaded = value
            return
        self._loaded = value
        text = "" if value is MISSING or value is None else _format(value)
        if text != self.editor.toPlainText():
            self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self._show_error(None)

    def set_diagnostics(self, messages: list[str]) -> None:
        self.diagnostics.setText("\n".join(f"⚠ {m}" for m in messages))
        self.diagnostics.setVisible(bool(messages))

    def error_text(self) -> str:
        return self.message.text() if self.message.isVisible() or self._error_pos is not None else ""

    def parse(self) -> tuple[Any, str | None]:
        value, error = parse_json_text(self.text(), jsonata=self.jsonata)
        if error is not None:
            return None, error
        if value is MISSING and not self.allow_empty:
            return None, "This field needs a value."
        if value is not MISSING and self.check is not None:
            reason = self.check(value)
            if reason:
                return None, reason
        return value, None

    def commit(self) -> bool:
        """Commit the text if it is valid and differs from what was loaded; say why not otherwise."""
        value, error = self.parse()
        if error is not None:
            self._show_error(error)
            return False
        self._show_error(None)
        self.editor.document().setModified(False)
        if value != self._loaded:
            self._loaded = value
            self.committed.emit(value)
        return True

    def _show_error(self, error: str | None) -> None:
        self._error_pos = None
        selections: list[QTextEdit.ExtraSelection] = []
        if error:
            self._error_pos = _error_offset(self.text(), error)
            if self._error_pos is not None:
                selection = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor(self.theme.code_colors.get("error", "#C24E00")))
                selection.format = fmt
                cursor = QTextCursor(self.editor.document())
                cursor.setPosition(min(self._error_pos, len(self.text())))
                cursor.movePosition(QTextCursor.MoveOperation.EndOfLine, QTextCursor.MoveMode.KeepAnchor)
                if not cursor.hasSelection():
                    cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selections.append(selection)
            else:
                self._error_pos = -1
        self.editor.setExtraSelections(selections)
        self.message.setText(f"✗ {error}" if error else "")
        self.message.setVisible(bool(error))
        self._mark(bool(error))


def _format(value: Any, indent: int = 0) -> str:
    """JSON that reads well in a narrow field: short values on one line, objects opened up,
    arrays of plain values kept inline (`"source": ["shop"]`)."""
    compact = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or len(compact) + indent <= 48:
        return compact
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value) and len(compact) + indent <= 72:
            return compact
        items = [inner + _format(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    items = [
        f"{inner}{json.dumps(k, ensure_ascii=False)}: {_format(v, indent + 2)}" for k, v in value.items()
    ]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def _error_offset(text: str, error: str) -> int | None:
    """The character offset a `Line L, column C:` message points at."""
    if not error.startswith("Line "):
        return None
    try:
        head = error.split(":", 1)[0]
        line = int(head.split(",")[0].removeprefix("Line ").strip())
        column = int(head.split("column")[1].strip())
    except (IndexError, ValueError):
        return None
    lines = text.strip().split("\n")
    lead = len(text) - len(text.lstrip())
    offset = lead + sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    return max(0, offset)
