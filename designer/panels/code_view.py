"""The code view: the selected machine's canonical ASL, editable, two-way.

Canvas edits rewrite the text; typing updates the canvas 400 ms after the last key. While the
text does not parse, the last valid graph stays on the canvas and the error shows under the
editor. Selecting a state highlights its JSON.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from designer.canvas.theme import Theme
from designer.document.commands import ReplaceDefinitionCommand
from designer.document.project_document import ProjectDocument
from designer.panels.json_highlighter import JsonHighlighter
from designer.panels.json_spans import key_start, value_spans
from engine.asl import split_state_path

DEBOUNCE_MS = 400


class CodeView(QWidget):
    def __init__(self, document: ProjectDocument, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.theme = theme
        self.machine: str | None = None
        self._setting = False
        self._dirty_from_canvas = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.machines = QComboBox()
        self.machines.setToolTip("The state machine shown")
        layout.addWidget(self.machines)
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabStopDistance(2 * self.editor.fontMetrics().horizontalAdvance(" "))
        layout.addWidget(self.editor, 1)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout.addWidget(self.error)
        self.highlighter = JsonHighlighter(self.editor.document(), theme)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.apply_text)
        self.editor.textChanged.connect(self._on_text_changed)
        self.machines.currentTextChanged.connect(self._on_machine_chosen)
        for signal in (
            document.state_added,
            document.state_removed,
            document.state_changed,
            document.transition_changed,
        ):
            signal.connect(lambda machine, _path: self._on_document_changed(machine))
        document.definition_replaced.connect(self._on_document_changed)
        document.document_reset.connect(self.reload_machines)
        document.resource_added.connect(lambda kind, _n: kind == "stateMachine" and self.reload_machines())
        document.resource_removed.connect(lambda kind, _n: kind == "stateMachine" and self.reload_machines())
        self.reload_machines()

    # machine choice ----------------------------------------------------------------------------

    def reload_machines(self) -> None:
        names = self.document.machine_names()
        current = self.machine if self.machine in names else (names[0] if names else None)
        self.machines.blockSignals(True)
        self.machines.clear()
        self.machines.addItems(names)
        if current is not None:
            self.machines.setCurrentText(current)
        self.machines.blockSignals(False)
        self.machines.setVisible(len(names) > 1)
        self.set_machine(current)

    def _on_machine_chosen(self, name: str) -> None:
        if name:
            self.set_machine(name)

    def set_machine(self, machine: str | None) -> None:
        if machine != self.machine and self._timer.isActive() and self.machine in self.document.definitions:
            self.apply_text()
        self._timer.stop()
        self.machine = machine
        if machine is not None and self.machines.currentText() != machine:
            self.machines.blockSignals(True)
            self.machines.setCurrentText(machine)
            self.machines.blockSignals(False)
        self.show_document_text()

    # document -> text --------------------------------------------------------------------------

    def show_document_text(self) -> None:
        text = self.document.canonical_text(self.machine) if self.machine in self.document.definitions else ""
        if text == self.editor.toPlainText():
            return
        bar = self.editor.verticalScrollBar().value()
        self._setting = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._setting = False
        self.editor.verticalScrollBar().setValue(bar)
        self._show_error("")

    def _on_document_changed(self, machine: str) -> None:
        if machine != self.machine:
            return
        if self._applying:
            return
        if self._timer.isActive():
            # The user is typing; their text wins once it parses. Remember to refresh after.
            self._dirty_from_canvas = True
            return
        self.show_document_text()

    _applying = False

    # text -> document --------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        if not self._setting:
            self._timer.start()

    def apply_text(self) -> bool:
        """Parse the text and, if it is a definition that differs, replace the machine's one."""
        self._timer.stop()
        if self.machine not in self.document.definitions:
            return False
        text = self.editor.toPlainText()
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            self._show_error(
                f"Line {exc.lineno}, column {exc.colno}: {exc.msg}. The canvas shows the last valid version."
            )
            return False
        if not isinstance(value, dict) or not isinstance(value.get("States"), dict):
            self._show_error('A state machine definition is a JSON object with "StartAt" and "States".')
            return False
        self._show_error("")
        if value != self.document.definition(self.machine):
            self._applying = True
            try:
                self.document.push(ReplaceDefinitionCommand(self.document, self.machine, value))
            finally:
                self._applying = False
        if self._dirty_from_canvas:
            self._dirty_from_canvas = False
        return True

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setStyleSheet(f"color: {self.theme.code_colors['error']};")
        self.error.setVisible(bool(message))

    @property
    def error_text(self) -> str:
        return self.error.text()

    # highlighting ------------------------------------------------------------------------------

    def highlight_state(self, machine: str, path: str | None) -> None:
        if machine != self.machine:
            self.set_machine(machine)
        selections = []
        if path:
            text = self.editor.toPlainText()
            scope, name = split_state_path(path)
            span = value_spans(text).get((*scope, "States", name))
            if span is not None:
                start = key_start(text, span)
                cursor = QTextCursor(self.editor.document())
                cursor.setPosition(start)
                cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format.setBackground(QColor(self.theme.code_colors["highlight"]))
                selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                selections.append(selection)
                move = QTextCursor(self.editor.document())
                move.setPosition(span[1])
                self.editor.setTextCursor(move)
                self.editor.ensureCursorVisible()
                move.setPosition(start)
                self.editor.setTextCursor(move)
                self.editor.ensureCursorVisible()
        self.editor.setExtraSelections(selections)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._setting = True  # re-colouring is not an edit
        try:
            self.highlighter.set_theme(theme)
        finally:
            self._setting = False
        self._show_error(self.error.text())
