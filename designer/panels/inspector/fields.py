"""Single-value editors of the inspector's forms: text, numbers, lists of names, choices, flags.

Each one shows a value, parses what the user typed, and emits `committed(value)` when the
user is done (Enter or leaving the field) and the text parses; otherwise the reason shows
under the field and nothing is committed. An empty field commits MISSING (the key goes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.theme import LIGHT
from designer.document.patch import MISSING
from designer.panels.json_field import JsonField

ERROR_COLOUR = "#C24E00"


def parse_scalar(kind: str, text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, why) for a text typed into a field of `kind`."""
    text = text.strip()
    if not text:
        return MISSING, None
    if kind in ("int", "int_or_text", "number") and text.startswith("{%") and text.endswith("%}"):
        return text, None
    if kind in ("int", "int_or_text"):
        try:
            return int(text), None
        except ValueError:
            extra = " or a JSONata expression {% … %}" if kind == "int_or_text" else ""
            return None, f"Expected a whole number{extra}."
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None, "Expected a number."
        return (int(number) if number.is_integer() and "." not in text else number), None
    if kind == "bool":
        if text.lower() in ("true", "false"):
            return text.lower() == "true", None
        return None, "Expected true or false."
    if kind == "list":
        items = [part.strip() for part in text.split(",") if part.strip()]
        return (items or MISSING), None
    return text, None


def format_scalar(value: Any) -> str:
    if value is MISSING or value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class FieldBox(QWidget):
    """An editor with its messages under it: the parse error, then the engine's diagnostics."""

    committed = Signal(object)

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.editor = editor
        layout.addWidget(editor)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        layout.addWidget(self.message)
        self.diagnostics = QLabel("")
        self.diagnostics.setWordWrap(True)
        self.diagnostics.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.diagnostics.hide()
        layout.addWidget(self.diagnostics)

    def show_error(self, error: str | None) -> None:
        self.message.setText(f"✗ {error}" if error else "")
        self.message.setVisible(bool(error))

    def error_text(self) -> str:
        return self.message.text()

    def set_diagnostics(self, messages: list[str]) -> None:
        self.diagnostics.setText("\n".join(f"⚠ {m}" for m in messages))
        self.diagnostics.setVisible(bool(messages))


class LineField(FieldBox):
    def __init__(self, kind: str = "text", placeholder: str = "", parent: QWidget | None = None) -> None:
        self.line = QLineEdit()
        super().__init__(self.line, parent)
        self.kind = kind
        self._loaded: Any = MISSING
        self.line.setPlaceholderText(placeholder)
        self.line.editingFinished.connect(self.commit)

    def set_completions(self, words: Sequence[str]) -> None:
        completer = QCompleter(list(words), self.line)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.line.setCompleter(completer)

    def set_value(self, value: Any) -> None:
        self._loaded = value
        if self.line.hasFocus() and self.line.isModified():
            return
        self.line.setText(format_scalar(value))
        self.line.setCursorPosition(0)  # show the start of a long value, not its tail
        self.line.setModified(False)
        self.show_error(None)

    def set_text(self, text: str) -> None:
        self.line.setText(text)

    def commit(self) -> bool:
        value, error = parse_scalar(self.kind, self.line.text())
        self.show_error(error)
        if error is not None:
            return False
        self.line.setModified(False)
        if value != self._loaded:
            self._loaded = value
            self.committed.emit(value)
        return True


class BoolField(FieldBox):
    """A check box; unchecked removes the key (every ASL flag defaults to false)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        self.box = QCheckBox(text)
        super().__init__(self.box, parent)
        self._loading = False
        self.box.toggled.connect(self._toggled)

    def set_value(self, value: Any) -> None:
        self._loading = True
        self.box.setChecked(value is True)
        self._loading = False

    def _toggled(self, checked: bool) -> None:
        if not self._loading:
            self.committed.emit(True if checked else MISSING)


class ComboField(FieldBox):
    """A choice among options; `empty` is the label of "not set" (MISSING) when allowed."""

    def __init__(
        self,
        options: Sequence[str],
        *,
        empty: str | None = None,
        editable: bool = False,
        labels: Callable[[str], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.combo = QComboBox()
        # Long options (service ARNs) must not make the whole inspector wider than its dock.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        super().__init__(self.combo, parent)
        self.empty = empty
        self.labels = labels
        self._loading = False
        self._loaded: Any = MISSING
        self.combo.setEditable(editable)
        if editable:
            self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.combo.lineEdit().editingFinished.connect(self._typed)
            completer = self.combo.completer()
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.activated.connect(self._chosen)
        self.set_options(options)

    def set_options(self, options: Sequence[str]) -> None:
        self._loading = True
        current = self._loaded
        self.combo.clear()
        if self.empty is not None:
            self.combo.addItem(self.empty, MISSING)
        for option in options:
            self.combo.addItem(self.labels(option) if self.labels else option, option)
        self._loading = False
        self.set_value(current)

    def set_value(self, value: Any) -> None:
        self._loaded = value
        self._loading = True
        index = self.combo.findData(value) if value is not MISSING else (0 if self.empty is not None else -1)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        elif self.combo.isEditable():
            self.combo.setEditText(format_scalar(value))
        else:
            self.combo.setCurrentIndex(-1)
        self._loading = False

    def value(self) -> Any:
        data = self.combo.currentData()
        if self.combo.isEditable() and self.combo.currentText() != self.combo.itemText(
            self.combo.currentIndex()
        ):
            return self.combo.currentText().strip() or MISSING
        return data if data is not None else MISSING

    def choose(self, value: Any) -> None:
        """Pick `value` as a user would (tests and keyboard helpers)."""
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._chosen(index)
        elif self.combo.isEditable():
            self.combo.setEditText(str(value))
            self._typed()

    def _chosen(self, index: int) -> None:
        if self._loading:
            return
        value = self.combo.itemData(index)
        self._emit(MISSING if value is None else value)

    def _typed(self) -> None:
        if self._loading:
            return
        text = self.combo.currentText().strip()
        index = self.combo.findText(text)
        value = self.combo.itemData(index) if index >= 0 else (text or MISSING)
        self._emit(value)

    def _emit(self, value: Any) -> None:
        if value != self._loaded:
            self._loaded = value
            self.committed.emit(value)


def make_editor(kind: str, *, theme: Any = None, jsonata: bool = False, placeholder: str = "") -> QWidget:
    """The editor for a field of `kind` (see `schema.kind_of`); every one emits `committed`."""
    if kind == "bool":
        return BoolField("")
    if kind == "json":
        return JsonField(theme or LIGHT, jsonata=jsonata, placeholder=placeholder)
    return LineField(kind if kind != "choice" else "text", placeholder)
