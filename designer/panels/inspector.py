"""A first inspector: name, type, comment, Next/End and the raw JSON of the selected state.

Every field applies through an undo command. Resources show their raw JSON with Apply.
A form generated from the pydantic models replaces this later.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.document.commands import RenameStateCommand, SetFieldCommand, SetResourceCommand
from designer.document.edits import EditRefused
from designer.document.patch import MISSING
from designer.document.paths import StateAddress, scope_states
from designer.document.project_document import ProjectDocument

NO_NEXT = "(none)"


class InspectorPanel(QWidget):
    select_requested = Signal(str, str)  # machine, state path: keep a renamed state selected

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.address: StateAddress | None = None
        self.resource: tuple[str, str] | None = None
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.title = QLabel("Select a state or a resource on the canvas.")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.form_host = QWidget()
        form = QFormLayout(self.form_host)
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit()
        self.type_label = QLabel()
        self.comment = QLineEdit()
        self.next = QComboBox()
        self.end = QCheckBox("End the execution here")
        form.addRow("Name", self.name)
        form.addRow("Type", self.type_label)
        form.addRow("Comment", self.comment)
        form.addRow("Next", self.next)
        form.addRow("", self.end)
        layout.addWidget(self.form_host)
        layout.addWidget(QLabel("JSON"))
        self.raw = QPlainTextEdit()
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.raw, 1)
        self.apply_button = QPushButton("Apply JSON")
        layout.addWidget(self.apply_button)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C24E00;")
        layout.addWidget(self.error)
        self.name.editingFinished.connect(self._rename)
        self.comment.editingFinished.connect(self._set_comment)
        self.next.activated.connect(lambda _i: self._set_next())
        self.end.toggled.connect(self._set_end)
        self.apply_button.clicked.connect(self.apply_json)
        for signal in (document.state_changed, document.state_added, document.transition_changed):
            signal.connect(lambda _m, _p: self.reload())
        document.state_removed.connect(lambda m, p: self._on_removed(m, p))
        document.definition_replaced.connect(lambda _m: self.reload())
        document.resource_changed.connect(lambda _k, _n: self.reload())
        document.document_reset.connect(lambda: self.show_item(None))
        self.show_item(None)

    # what is shown -----------------------------------------------------------------------------

    def show_item(self, item: Any) -> None:
        self.address = item.address if isinstance(item, StateItem) else None
        self.resource = (item.project_kind, item.name) if isinstance(item, ResourceItem) else None
        self.reload()

    def _on_removed(self, machine: str, path: str) -> None:
        if self.address is not None and self.address.machine == machine and self.address.path == path:
            self.address = None
        self.reload()

    def reload(self) -> None:
        self._loading = True
        try:
            self.error.setText("")
            if self.address is not None and self.document.state(self.address) is not None:
                self._load_state(self.address, self.document.state(self.address))
            elif self.resource is not None and self.document.resource(*self.resource) is not None:
                kind, name = self.resource
                value = json.loads(
                    self.document.resource(kind, name).model_dump_json(by_alias=True, exclude_none=True)
                )
                self.title.setText(f"{kind} {name}")
                self.form_host.hide()
                self._set_raw(value)
                self._enable_raw(True)
            else:
                self.address = None
                self.title.setText("Select a state or a resource on the canvas.")
                self.form_host.hide()
                self.raw.setPlainText("")
                self._enable_raw(False)
        finally:
            self._loading = False

    def _enable_raw(self, enabled: bool) -> None:
        self.raw.setEnabled(enabled)
        self.apply_button.setEnabled(enabled)

    def _set_raw(self, value: Any) -> None:
        text = json.dumps(value, indent=2, ensure_ascii=False)
        if text != self.raw.toPlainText():
            self.raw.setPlainText(text)

    def _load_state(self, address: StateAddress, value: Any) -> None:
        self.title.setText(f"State in {address.machine}" + (" (nested)" if address.scope else ""))
        self.form_host.show()
        self._enable_raw(True)
        state = value if isinstance(value, dict) else {}
        self.name.setText(address.name)
        self.type_label.setText(str(state.get("Type", "?")))
        self.comment.setText(state.get("Comment", "") if isinstance(state.get("Comment"), str) else "")
        siblings = [
            n
            for n in scope_states(self.document.definition(address.machine), address.scope)
            if n != address.name
        ]
        self.next.clear()
        self.next.addItems([NO_NEXT, *siblings])
        has_next = state.get("Type") not in ("Choice", "Succeed", "Fail")
        self.next.setEnabled(has_next)
        self.end.setEnabled(has_next)
        self.next.setCurrentText(state.get("Next") if isinstance(state.get("Next"), str) else NO_NEXT)
        self.end.setChecked(state.get("End") is True)
        self._set_raw(value)

    # edits -------------------------------------------------------------------------------------

    def _push(self, command_factory: Any) -> None:
        try:
            self.document.push(command_factory())
        except EditRefused as exc:
            self.error.setText(str(exc))
            self.reload()

    def _rename(self) -> None:
        if self._loading or self.address is None:
            return
        new = self.name.text().strip()
        if new and new != self.address.name:
            address = self.address
            self.address = StateAddress(address.machine, address.scope, new)
            try:
                self.document.push(RenameStateCommand(self.document, address, new))
            except EditRefused as exc:
                self.address = address
                self.reload()
                self.error.setText(str(exc))
                return
            self.select_requested.emit(
                address.machine, StateAddress(address.machine, address.scope, new).path
            )

    def _set_comment(self) -> None:
        if self._loading or self.address is None:
            return
        text = self.comment.text()
        current = (
            self.document.state(self.address).get("Comment")
            if isinstance(self.document.state(self.address), dict)
            else None
        )
        if (text or None) != current:
            address = self.address
            self._push(lambda: SetFieldCommand(self.document, address, ("Comment",), text or MISSING))

    def _set_next(self) -> None:
        if self._loading or self.address is None:
            return
        target = self.next.currentText()
        address = self.address
        if target == NO_NEXT:
            self._push(lambda: SetFieldCommand(self.document, address, ("End",), True))
        else:
            self._push(lambda: SetFieldCommand(self.document, address, ("Next",), target))

    def _set_end(self, checked: bool) -> None:
        if self._loading or self.address is None:
            return
        address = self.address
        self._push(lambda: SetFieldCommand(self.document, address, ("End",), True if checked else MISSING))

    def apply_json(self) -> bool:
        try:
            value = json.loads(self.raw.toPlainText())
        except json.JSONDecodeError as exc:
            self.error.setText(f"Line {exc.lineno}, column {exc.colno}: {exc.msg}")
            return False
        if not isinstance(value, dict):
            self.error.setText("This must be a JSON object.")
            return False
        if self.address is not None:
            address = self.address
            self._push(lambda: SetFieldCommand(self.document, address, (), value))
        elif self.resource is not None:
            kind, name = self.resource
            try:
                self.document.push(SetResourceCommand(self.document, kind, name, value))
            except Exception as exc:  # pydantic refuses specs with a readable message
                self.error.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                return False
        return True
