"""The Run panel's machine and input, and the Choreography panel's event templates, kept in
step with the document (a part DebugController owns): the machine a run starts is the one the
user looks at or the project's entry, its input the machine's saved default input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QStatusBar

from designer.debug.default_input import SetDefaultInputCommand, default_input
from designer.debug.entry_machine import entry_machine
from designer.debug.event_templates import event_templates
from designer.document.project_document import ProjectDocument
from designer.panels.execution_run import ExecutionRunPanel
from designer.panels.trace_choreography import ChoreographyPanel


class RunInputs:
    def __init__(
        self,
        document: ProjectDocument,
        run_panel: ExecutionRunPanel,
        choreography: ChoreographyPanel,
        status: QStatusBar,
        current_machine: Callable[[], str | None],
    ) -> None:
        """`current_machine`: the machine the canvas shows, preferred when the panel has none."""
        self.document, self.run_panel, self.choreography = document, run_panel, choreography
        self.status, self.current_machine = status, current_machine

    def machines_changed(self) -> None:
        names = self.document.machine_names()
        panel = self.run_panel
        current = panel.current_machine() or entry_machine(
            self.document.project, self.document.definitions, self.current_machine()
        )
        panel.set_machines(names, current)
        self.load_input(panel.current_machine())
        self.choreography.set_templates(self._event_templates())

    def resource_changed(self, kind: str, name: str) -> None:
        if kind == "stateMachine" and name == self.run_panel.current_machine():
            self.load_input(name)
        elif kind == "rule":
            self.choreography.set_templates(self._event_templates())

    def machine_chosen(self, machine: str) -> None:
        if machine:
            self.load_input(machine)

    def load_input(self, machine: str | None) -> None:
        if not machine or machine not in self.document.definitions:
            return
        value = default_input(self.document, machine)
        self.run_panel.input.set_value(value if value is not None else {})

    def save_default_input(self, machine: str, value: Any) -> None:
        if machine in self.document.project.state_machines:
            self.document.push(SetDefaultInputCommand(self.document, machine, value))
            self.status.showMessage(f"Saved the default input of {machine}", 5000)

    def _event_templates(self) -> list[tuple[str, list[Any]]]:
        """A realistic event per rule, from the project's own producers and consumers."""
        return event_templates(self.document.project, self.document.definitions)
