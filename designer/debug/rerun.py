"""Trying a state again: TestState on it, or a new execution that starts there (a part
DebugController owns)."""

from __future__ import annotations

import copy
import json
from typing import Any

import shiboken6
from PySide6.QtWidgets import QDockWidget

from designer.debug.dataflow import mock_for, steps_from
from designer.debug.default_input import default_input
from designer.debug.host import RerunHost
from designer.debug.run_state import RunState
from designer.debug.state_data_view import segments
from designer.document.project_document import ProjectDocument
from designer.panels.execution_test_state import TestStatePanel
from engine.asl import StateAddress, get_in
from engine.runtime import test_state_async

_UNSET: Any = object()


class Rerunning:
    """TestState and Run from here for the selected state."""

    def __init__(
        self,
        run: RunState,
        document: ProjectDocument,
        panel: TestStatePanel,
        dock: QDockWidget,
        host: RerunHost,
    ) -> None:
        self.run, self.document, self.test_panel, self.dock, self.host = run, document, panel, dock, host

    def run_from_selected(self, data: Any) -> None:
        """A new execution starting at the selected state (a copy of the definition with StartAt moved)."""
        if self.run.selected is None:
            self.host.say("Select the state to start from.")
            return
        machine, path = self.run.selected
        address = StateAddress.parse(machine, path)
        if address.scope:
            self.host.say(
                "Only a top-level state can start an execution; "
                "use Test state for one inside a Map or Parallel."
            )
            return
        definition = copy.deepcopy(self.document.definition(machine))
        definition["StartAt"] = address.name
        self.host.start(debug=True, machine=machine, data=data, definitions={machine: definition})

    def test_with_input(self, data: Any) -> None:
        if self.run.selected is None:
            return
        machine, path = self.run.selected
        mock = None
        if self.run.picture is not None:
            visits = self.run.picture.visits_of(path)
            if visits:
                mock = mock_for(self.run.picture, visits[-1])
        self.test_state(machine, path, data=data, mock=mock, run=True)

    def test_selected_state(self) -> None:
        item = self.host.selected_item()
        if item is None:
            self.host.say("Select a state to test.")
            return
        self.test_state(item.address.machine, item.address.path)

    def test_state(
        self, machine: str, path: str, *, data: Any = _UNSET, mock: Any = _UNSET, run: bool = False
    ) -> None:
        """Open TestState on a state (the inspector's "Test state" calls this), filled from the last run."""
        name = StateAddress.parse(machine, path).name
        if data is _UNSET:
            data = {}
            visits = self.run.picture.visits_of(path) if self.run.picture is not None else []
            if visits:
                data = visits[-1].input
                if mock is _UNSET and self.run.picture is not None:
                    mock = mock_for(self.run.picture, visits[-1])
            elif (
                self.document.definition(machine).get("StartAt") == name
                and not StateAddress.parse(machine, path).scope
            ):
                data = default_input(self.document, machine) or {}
        self.test_panel.set_target(machine, path, name, data)
        if mock is not _UNSET and mock is not None and "result" in mock:
            self.test_panel.mock.set_value(json.loads(mock["result"]))
        elif mock is _UNSET or mock is None:
            self.test_panel.mock.setPlainText("")
        self.dock.raise_()
        self.dock.show()
        if run:
            self.test_panel._run()

    def run_test_state(self, data: Any, variables: Any, mock: Any, level: str) -> None:
        machine, path = self.test_panel.machine, self.test_panel.path
        if machine is None or path is None:
            return
        definition = copy.deepcopy(self.document.definition(machine))
        state = get_in(definition, segments(path)) or {}
        name = StateAddress.parse(machine, path).name
        request_mock = {"result": json.dumps(mock)} if mock is not None else None

        async def compute() -> None:
            try:
                response = await test_state_async(
                    definition,
                    data,
                    state_name=name,
                    inspection_level=level,
                    variables=json.dumps(variables) if variables else None,
                    mock=request_mock,
                    role_arn="arn:aws:iam::123456789012:role/StateCanvasTestState",
                    handlers=_handlers(self.document),
                )
            except Exception as exc:
                response = {"status": "FAILED", "error": type(exc).__name__, "cause": str(exc)}
            if shiboken6.isValid(self.test_panel):
                self.test_panel.show_response(response, steps_from(state, response))

        self.host.spawn(compute())


def _handlers(document: ProjectDocument) -> dict[str, Any]:
    """The project's local functions, for TestState of an unmocked Lambda task."""
    from engine.integrations import FileHandler  # handler files load on first use, for start-up time

    if document.path is None:
        return {}
    base = document.path.parent
    return {name: FileHandler(spec.handler, base) for name, spec in document.project.functions.items()}
