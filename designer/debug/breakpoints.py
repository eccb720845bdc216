"""The breakpoints the user set on states, with their conditions (a part DebugController owns).

They are kept per machine and state path, shown in the canvas gutter, handed to each new
debugger (`arm`) and to the live one as they change. A breakpoint on a bus, rule, queue or topic
is the hop view's (`HopView.toggle_selected`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStatusBar, QWidget

from designer.canvas.items.state_item import StateItem
from designer.debug.breakpoint_editor import BreakpointEditor, condition_sample
from designer.debug.canvas_decorator import CanvasDecorator
from designer.debug.default_input import default_input
from designer.debug.hop_view import HopView
from designer.debug.host import Canvas
from designer.debug.run_state import RunState
from designer.document.project_document import ProjectDocument
from engine.asl import StateAddress
from engine.runtime import Debugger

SAY_MS = 8000
CONDITION_ERROR_MS = 20000  # long enough to read why a condition could not be decided


class Breakpoints:
    def __init__(
        self,
        run: RunState,
        document: ProjectDocument,
        canvas: Canvas,
        decorator: CanvasDecorator,
        hop_view: HopView,
        status: QStatusBar,
        dialog_parent: QWidget,
        changed: list[Callable[[str | None], None]],
    ) -> None:
        """`changed`: told the machine whose breakpoints changed (File > Serve Locally's runs
        follow them while they run)."""
        self.run, self.document, self.canvas, self.decorator = run, document, canvas, decorator
        self.hop_view, self.status, self.dialog_parent = hop_view, status, dialog_parent
        self.changed = changed
        self.marks: dict[str, dict[str, str | None]] = {}  # machine -> {state path: condition}
        self.editor: BreakpointEditor | None = None
        self.condition_notes: dict[str, str] = {}  # state name -> why its condition could not be decided

    def forget(self) -> None:
        """A new document: its states have none."""
        self.marks = {}
        self.decorator.breakpoints = {}

    def arm(self, debugger: Debugger, machine: str) -> None:
        """Give a new debugger of `machine` its breakpoints."""
        for path, condition in self.marks.get(machine, {}).items():
            debugger.set_breakpoint(StateAddress.parse(machine, path).name, condition or None)
        self.condition_notes = {}
        debugger.on_condition_error.append(self._condition_error)

    def toggle_selected(self) -> None:
        items = self.canvas.selected_states()
        if not items and self.hop_view.toggle_selected():  # on a bus, rule, queue or topic
            return
        if not items:
            self.status.showMessage("Select a state to set a breakpoint on.", SAY_MS)
        for item in items:
            self.toggle(item)

    def toggle(self, item: StateItem) -> None:
        machine, path = item.address.machine, item.address.path
        marks = self.marks.setdefault(machine, {})
        if path in marks:
            self.set(machine, path, None, enabled=False)
        else:
            self.set(machine, path, None)

    def set(self, machine: str, path: str, condition: str | None, *, enabled: bool = True) -> None:
        marks = self.marks.setdefault(machine, {})
        name = StateAddress.parse(machine, path).name
        if enabled:
            marks[path] = condition or None
        else:
            marks.pop(path, None)
        debugger, session = self.run.debugger, self.run.session
        if self.run.live and debugger is not None and session is not None and session.main_machine == machine:
            if enabled:
                debugger.set_breakpoint(name, condition or None)
            else:
                debugger.clear_breakpoint(name)
        self.decorator.show_breakpoints(machine, marks)
        for listener in list(self.changed):
            listener(machine)

    def clear(self) -> None:
        for machine in list(self.marks):
            for path in list(self.marks[machine]):
                self.set(machine, path, None, enabled=False)

    def edit_condition(self, item: StateItem | None) -> BreakpointEditor | None:
        if item is None:
            self.status.showMessage("Select a state to put a conditional breakpoint on.", SAY_MS)
            return None
        machine, path, name = item.address.machine, item.address.path, item.address.name
        picture, session = self.run.picture, self.run.session
        visits = picture.visits_of(path) if picture is not None else []
        pause = self.run.pause if session is not None and session.main_machine == machine else None
        last = visits[-1].input if visits else None
        sample = condition_sample(
            path, name, pause, last, default_input(self.document, machine), has_last=bool(visits)
        )
        condition = self.marks.get(machine, {}).get(path)
        editor = BreakpointEditor(
            machine,
            path,
            name,
            condition,
            sample,
            self.dialog_parent,
            last_problem=self.condition_notes.get(name),
        )
        editor.chosen.connect(lambda m, p, c: self.set(m, p, c or None))
        editor.open()
        self.editor = editor
        return editor

    def _condition_error(self, state: str, message: str) -> None:
        """A breakpoint condition could not be decided in this run (said once per error): it did
        not pause there. The status bar says so now, the condition dialog says it again later."""
        self.condition_notes[state] = message
        self.status.showMessage(message[:1].upper() + message[1:], CONDITION_ERROR_MS)
