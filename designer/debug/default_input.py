"""Saving a run's input as the state machine's `defaultInput`, as one undoable edit."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.document.project_document import ProjectDocument

_NONE: Any = None


class SetDefaultInputCommand(QUndoCommand):
    """Set `stateMachines.<machine>.defaultInput` in the project (what Run starts with)."""

    def __init__(self, document: ProjectDocument, machine: str, value: Any) -> None:
        super().__init__(f"Set default input of {machine}")
        self.document = document
        self.machine = machine
        spec = document.project.state_machines[machine]
        self.old = copy.deepcopy(spec.default_input)
        self.new = copy.deepcopy(value)

    def _set(self, value: Any) -> None:
        spec = self.document.project.state_machines.get(self.machine)
        if spec is None:
            return
        spec.default_input = copy.deepcopy(value)
        self.document.resource_changed.emit("stateMachine", self.machine)

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


def default_input(document: ProjectDocument, machine: str) -> Any:
    spec = document.project.state_machines.get(machine)
    return copy.deepcopy(spec.default_input) if spec is not None else None
