"""The settings of a whole state machine, shown when its frame is selected on the canvas.

Two groups, as a user thinks of them: the definition (name, comment, query language, timeout,
version: what the ASL says) and deployment (Standard or Express, logging, X-Ray tracing: what
the project keeps and CloudFormation/SAM export writes). Each edit is one undo step; a field
only commits what the user changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from designer.document.edits import EditRefused
from designer.document.machine_commands import (
    RenameMachineCommand,
    SetMachineFieldCommand,
    SetMachineSpecCommand,
)
from designer.document.patch import MISSING
from designer.document.project_document import ProjectDocument
from designer.panels.inspector.fields import BoolField, ComboField, LineField
from designer.panels.inspector.layout import Section, align_labels, caption

TYPE_LABELS = {"STANDARD": "Standard (long-running, exactly once)", "EXPRESS": "Express (short, high volume)"}
LEVEL_LABELS = {
    "OFF": "Off",
    "ERROR": "Errors only",
    "FATAL": "Fatal errors only",
    "ALL": "All events",
}
MAX_TIMEOUT = 99999999  # the ASL limit on TimeoutSeconds


class MachineForm(QWidget):
    renamed = Signal(str)  # the new name, once the rename is done

    def __init__(
        self, document: ProjectDocument, machine: str, report: Callable[[str], None] = print
    ) -> None:
        super().__init__()
        self.document, self.machine, self.report = document, machine, report
        self.signature = machine
        self._loading = False
        # Where the machine's frame is on the canvas (the panel's window tells): a rename keeps it.
        self.frame_position: Callable[[str], tuple[float, float] | None] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.editors: dict[str, Any] = {}

        definition = Section("Definition")
        self.name = QLineEdit()
        self.name.setToolTip("Renaming updates the canvas, rule targets, subscriptions and consumers")
        definition.add_row("Name", self.name)
        self.editors["Comment"] = LineField("text", "What this state machine does")
        self.editors["QueryLanguage"] = ComboField(["JSONPath", "JSONata"], empty="Not set (JSONPath)")
        self.editors["TimeoutSeconds"] = LineField("int", "no limit")
        self.editors["Version"] = LineField("text", "1.0")
        labels = {"QueryLanguage": "Query language", "TimeoutSeconds": "Timeout (s)"}
        for field in ("Comment", "QueryLanguage", "TimeoutSeconds", "Version"):
            definition.add_row(labels.get(field, field), self.editors[field])
            self.editors[field].committed.connect(lambda v, f=field: self._set_field(f, v))
        layout.addWidget(definition)

        deployment = Section("Deployment")
        self.type = ComboField(list(TYPE_LABELS), labels=TYPE_LABELS.get)
        self.type.committed.connect(lambda v: self._set_spec({"type": v}))
        deployment.add_row("Type", self.type)
        self.level = ComboField(list(LEVEL_LABELS), labels=LEVEL_LABELS.get)
        self.level.committed.connect(lambda v: self._set_logging("level", v))
        deployment.add_row("Logging", self.level)
        self.include_data = BoolField("Include execution data (input, output)")
        self.include_data.committed.connect(lambda v: self._set_logging("includeExecutionData", v is True))
        deployment.add_row("", self.include_data)
        self.log_group = LineField("text", "a new log group, made by export")
        self.log_group.line.setToolTip("The ARN of an existing CloudWatch Logs group, or empty")
        self.log_group.committed.connect(lambda v: self._set_logging("logGroup", v))
        deployment.add_row("Log group", self.log_group)
        self.tracing = BoolField("Trace with AWS X-Ray")
        self.tracing.committed.connect(lambda v: self._set_spec({"tracingEnabled": v is True}))
        deployment.add_row("Tracing", self.tracing)
        deployment.add_widget(
            caption("Written to CloudFormation and SAM exports; local runs neither log nor trace.")
        )
        layout.addWidget(deployment)
        align_labels([definition.form, deployment.form])
        self.name.editingFinished.connect(self._rename)

    # loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        self._loading = True
        try:
            definition = self.document.definition(self.machine)
            spec = self.document.project.state_machines[self.machine]
            if not (self.name.hasFocus() and self.name.isModified()):
                self.name.setText(self.machine)
                self.name.setModified(False)
            for field, editor in self.editors.items():
                editor.set_value(definition.get(field, MISSING))
                editor.set_diagnostics(self._diagnostics(field))
            self.type.set_value(spec.type)
            logging = spec.logging
            self.level.set_value(logging.level if logging is not None else "OFF")
            self.include_data.set_value(logging is not None and logging.include_execution_data)
            self.log_group.set_value(logging.log_group if logging and logging.log_group else MISSING)
            logs = logging is not None and logging.level != "OFF"
            self.include_data.setEnabled(logs)
            self.log_group.setEnabled(logs)
            self.tracing.set_value(spec.tracing_enabled)
        finally:
            self._loading = False

    def _diagnostics(self, field: str) -> list[str]:
        return [
            d.message for d in self.document.diagnostics.get(self.machine, []) if d.location == f"/{field}"
        ]

    # edits ---------------------------------------------------------------------------------------

    def _push(self, make: Callable[[], Any]) -> bool:
        try:
            self.document.push(make())
        except EditRefused as exc:
            self.report(str(exc))
            self.load()
            return False
        self.report("")
        return True

    def _rename(self) -> None:
        if self._loading or not self.name.isModified():
            return
        self.name.setModified(False)
        new = self.name.text().strip()
        if new == self.machine:
            return
        old = self.machine
        position = self.frame_position(old) if self.frame_position is not None else None
        if self._push(lambda: RenameMachineCommand(self.document, old, new, position)):
            self.machine = self.signature = new
            self.renamed.emit(new)

    def _set_field(self, field: str, value: Any) -> None:
        if self._loading:
            return
        if field == "TimeoutSeconds" and value is not MISSING and not 0 < value <= MAX_TIMEOUT:
            self.editors[field].show_error(f"A whole number of seconds from 1 to {MAX_TIMEOUT}.")
            self.editors[field]._loaded = MISSING  # let the same text be committed once corrected
            return
        machine = self.machine
        self._push(lambda: SetMachineFieldCommand(self.document, machine, field, value))

    def _set_spec(self, updates: dict[str, Any], setting: str = "") -> None:
        if self._loading:
            return
        cleaned = {k: (MISSING if v is False else v) for k, v in updates.items()}
        machine = self.machine
        self._push(lambda: SetMachineSpecCommand(self.document, machine, cleaned, setting))

    def _set_logging(self, key: str, value: Any) -> None:
        """One logging property; logging that is off with nothing else set leaves the file as it was."""
        if self._loading:
            return
        spec = self.document.project.state_machines[self.machine]
        logging = spec.logging.to_json() if spec.logging is not None else {}
        if value is MISSING or value is False:
            logging.pop(key, None)
        else:
            logging[key] = value
        if logging.get("level", "OFF") == "OFF":
            logging.pop("level", None)
            logging.pop("includeExecutionData", None)
        self._set_spec({"logging": logging or MISSING}, f"logging.{key}")
