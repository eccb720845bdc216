"""`ProjectDocument`: the Qt face of a project, the one place edits go through.

It holds the engine's `Project` and the machines' ASL as plain JSON, applies the changes undo
commands carry, and says precisely what changed through signals so that views update only what
they show. Validation is the engine's, rerun shortly after the edits stop.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

import engine
from designer.document.files import (
    DocumentData,
    Kind,
    canonical_text,
    load_document_file,
    new_document,
    save_document_file,
)
from designer.document.patch import MISSING, Change, write
from engine.asl import PROCESSOR_KEYS, Diagnostic, StateAddress, get_in, owning_state, state_path
from engine.project import (
    PROJECT_SUFFIXES,
    BusSpec,
    ConsumerSpec,
    FunctionSpec,
    LoadedProject,
    Position,
    QueueSpec,
    RuleSpec,
    SeedSpec,
    StateMachineSpec,
    SubscriptionSpec,
    TopicSpec,
)

RESOURCE_SECTIONS: dict[str, tuple[str, type]] = {
    # kind -> (Project attribute, spec model)
    "bus": ("buses", BusSpec),
    "rule": ("rules", RuleSpec),
    "queue": ("queues", QueueSpec),
    "topic": ("topics", TopicSpec),
    "function": ("functions", FunctionSpec),
}
LIST_SECTIONS: dict[str, type] = {"subscriptions": SubscriptionSpec, "consumers": ConsumerSpec}
TRANSITION_FIELDS = {"Next", "Default", "Choices", "Catch", "End", "StartAt"}
VALIDATION_DELAY_MS = 250


class ProjectDocument(QObject):
    state_added = Signal(str, str)  # machine, state path
    state_removed = Signal(str, str)
    state_changed = Signal(str, str)
    transition_changed = Signal(str, str)  # machine, path of the state (or scope) whose targets changed
    resource_added = Signal(str, str)  # kind, name ("stateMachine" for machines)
    resource_removed = Signal(str, str)
    resource_changed = Signal(str, str)
    layout_changed = Signal(str)  # layout key
    definition_replaced = Signal(str)  # machine
    diagnostics_changed = Signal(str)  # machine
    document_reset = Signal()  # a different file was loaded into this document
    path_changed = Signal()

    def __init__(self, data: DocumentData | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.diagnostics: dict[str, list[Diagnostic]] = {}
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATION_DELAY_MS)
        self._timer.timeout.connect(self.revalidate_now)
        self._data = data or new_document()
        self._revalidate_all()

    # -- loading and saving -------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path, parent: QObject | None = None) -> ProjectDocument:
        return cls(load_document_file(path), parent)

    def reset(self, data: DocumentData) -> None:
        """Show another document in this object (File > Open); undo history starts afresh."""
        self._data = data
        self.undo_stack.clear()
        self._revalidate_all()
        self.document_reset.emit()
        self.path_changed.emit()

    def save(
        self, path: str | Path | None = None, *, shown_at: dict[str, tuple[float, float]] | None = None
    ) -> Path:
        """Write the document. `shown_at` holds where the canvas shows each movable item; a
        project keeps those places, so the file reopens looking exactly as it was saved (items
        the layout placed have no stored place until then, and a later layout could differ)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("choose where to save this document")
        if shown_at and target.name.endswith(PROJECT_SUFFIXES):
            self._keep_places(shown_at)
        kind = save_document_file(self._data, target)
        self._data.path, self._data.kind = target, kind
        self.undo_stack.setClean()
        self.path_changed.emit()
        return target

    def _keep_places(self, shown_at: dict[str, tuple[float, float]]) -> None:
        positions = self._data.project.layout.positions
        for key, (x, y) in shown_at.items():
            stored = positions.get(key)
            if stored is None or abs(stored.x - x) > 0.05 or abs(stored.y - y) > 0.05:
                positions[key] = Position(x=round(x, 1), y=round(y, 1))

    def snapshot(self) -> DocumentData:
        return copy.deepcopy(self._data)

    @property
    def path(self) -> Path | None:
        return self._data.path

    @property
    def kind(self) -> Kind:
        return self._data.kind

    @property
    def project(self) -> Any:
        return self._data.project

    @property
    def definitions(self) -> dict[str, dict[str, Any]]:
        return self._data.definitions

    def loaded_project(self) -> LoadedProject:
        """The document as it is now (unsaved edits included), as the engine's LoadedProject: a
        copy, so a run, an export or a deploy never touches the document, and edits made while
        it works do not leak into it."""
        return LoadedProject(self.project.model_copy(deep=True), self.path, copy.deepcopy(self.definitions))

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    # -- reading ------------------------------------------------------------------------------

    def machine_names(self) -> list[str]:
        return list(self._data.definitions)

    def definition(self, machine: str) -> dict[str, Any]:
        return self._data.definitions[machine]

    def canonical_text(self, machine: str) -> str:
        return canonical_text(self._data.definitions[machine])

    def state(self, address: StateAddress) -> Any:
        return get_in(self._data.definitions.get(address.machine), address.segments)

    def position(self, key: str) -> tuple[float, float] | None:
        pos = self._data.project.layout.positions.get(key)
        return (pos.x, pos.y) if pos is not None else None

    def resource_names(self, kind: str) -> list[str]:
        attribute, _ = RESOURCE_SECTIONS[kind]
        return list(getattr(self._data.project, attribute))

    def resource(self, kind: str, name: str) -> Any:
        attribute, _ = RESOURCE_SECTIONS[kind]
        return getattr(self._data.project, attribute).get(name)

    def problems_by_state(self, machine: str) -> dict[str, list[Diagnostic]]:
        out: dict[str, list[Diagnostic]] = {}
        for diagnostic in self.diagnostics.get(machine, []):
            path = owning_state(diagnostic.location)
            if path is not None:
                out.setdefault(path, []).append(diagnostic)
        return out

    # -- editing ------------------------------------------------------------------------------

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    @contextmanager
    def macro(self, text: str) -> Iterator[None]:
        """Group the commands pushed inside into one undo step; always closed, even on error."""
        self.undo_stack.beginMacro(text)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    def apply(self, change: Change, value: Any, index: int | None) -> None:
        """Apply one side of a change (commands call this) and announce what it touched."""
        if change.root == "definition":
            self._apply_definition(change, value, index)
        elif change.root == "layout":
            self._apply_layout(change.path, value)
        elif change.root == "resource":
            self._apply_resource(change.path, value)
        elif change.root == "machine":
            self._apply_machine(change.machine, value, index)
        elif change.root == "spec":
            self._apply_spec(change.machine, value)

    def _apply_definition(self, change: Change, value: Any, index: int | None) -> None:
        machine, path = change.machine, change.path
        definition = self._data.definitions[machine]
        if not path:
            self._data.definitions[machine] = copy.deepcopy(value)
            self.definition_replaced.emit(machine)
            self._schedule_validation(machine)
            return
        write(definition, path, value, index)
        if len(path) >= 2 and path[-2] == "States" and isinstance(path[-1], str):
            scope_path = state_path(tuple(path[:-2]), path[-1])
            if change.old is MISSING and value is not MISSING:
                self.state_added.emit(machine, scope_path)
            elif value is MISSING:
                self.state_removed.emit(machine, scope_path)
            else:
                self.state_changed.emit(machine, scope_path)
            self.transition_changed.emit(machine, scope_path)
        else:
            owner = _owner_of(path)
            if owner is not None:
                self.state_changed.emit(machine, owner)
            field = _field_below_owner(path)
            if field in TRANSITION_FIELDS or field in PROCESSOR_KEYS or field == "Branches" or owner is None:
                self.transition_changed.emit(machine, owner or "")
        self._schedule_validation(machine)

    def _apply_layout(self, path: tuple[Any, ...], value: Any) -> None:
        (key,) = path
        positions = self._data.project.layout.positions
        if value is MISSING:
            positions.pop(key, None)
        else:
            positions[key] = Position(x=value[0], y=value[1])
        self.layout_changed.emit(key)

    def _apply_resource(self, path: tuple[Any, ...], value: Any) -> None:
        project = self._data.project
        if path[0] == "seed":  # what local runs' emulated AWS account starts with
            project.seed = SeedSpec.model_validate(value if isinstance(value, dict) else {})
            self.resource_changed.emit("seed", "")
            return
        if path[0] == "apiRoutes":  # API Gateway routes local runs serve with project functions
            project.api_routes = dict(value) if isinstance(value, dict) else {}
            self.resource_changed.emit("apiRoutes", "")
            return
        if path[0] in LIST_SECTIONS:
            model = LIST_SECTIONS[path[0]]
            setattr(project, path[0], [model.model_validate(v) for v in (value or [])])
            self.resource_changed.emit(path[0], "")
            return
        kind, name = path
        attribute, model = RESOURCE_SECTIONS[kind]
        section = getattr(project, attribute)
        existed = name in section
        if value is MISSING:
            section.pop(name, None)
            self.resource_removed.emit(kind, name)
            return
        section[name] = model.model_validate(value)
        (self.resource_changed if existed else self.resource_added).emit(kind, name)

    def _apply_machine(self, machine: str, value: Any, index: int | None = None) -> None:
        if value is MISSING:
            self._data.definitions.pop(machine, None)
            self._data.project.state_machines.pop(machine, None)
            self.diagnostics.pop(machine, None)
            self.resource_removed.emit("stateMachine", machine)
            return
        # `index` puts a machine back where it was (undoing a delete or a rename keeps the order).
        spec = StateMachineSpec.model_validate(value["spec"])
        write(self._data.project.state_machines, (machine,), spec, index)
        write(self._data.definitions, (machine,), value["definition"], index)
        self.resource_added.emit("stateMachine", machine)
        self._schedule_validation(machine)

    def _apply_spec(self, machine: str, value: Any) -> None:
        """A machine's project settings (type, logging, tracing...); the definition is untouched."""
        self._data.project.state_machines[machine] = StateMachineSpec.model_validate(value)
        self.resource_changed.emit("stateMachine", machine)
        self._schedule_validation(machine)  # the type decides what the engine allows

    # -- validation ---------------------------------------------------------------------------

    def _schedule_validation(self, machine: str) -> None:
        self._pending.add(machine)
        self._timer.start()

    def _service_checks(self) -> Any:
        """StateCanvas's service-parameter warnings (made on first use; validates everything
        again once the AWS catalog is loaded in its thread)."""
        checks = getattr(self, "_checks", None)
        if checks is None:
            # Imported here for start-up time: the parameter checks load with the first validation.
            from designer.document.service_checks import ServiceChecks

            checks = self._checks = ServiceChecks(self)
            checks.ready.connect(self._revalidate_all)
        return checks

    def _revalidate_all(self) -> None:
        self._pending = set(self._data.definitions)
        self.diagnostics = {}
        self.revalidate_now()

    def revalidate_now(self) -> None:
        """Run the engine's validation on the machines edited since the last run."""
        self._timer.stop()
        pending, self._pending = self._pending, set()
        for machine in sorted(pending):
            definition = self._data.definitions.get(machine)
            if definition is None:
                continue
            spec = self._data.project.state_machines.get(machine)
            machine_type = spec.type if spec is not None else "STANDARD"
            try:
                result = engine.validate(definition, machine_type=machine_type)
            except Exception as exc:  # a validator bug must not take the editor down
                result = [Diagnostic("ERROR", "INTERNAL", f"validation failed: {exc}", None)]
            result = result + self._service_checks().warnings(definition)
            if result != self.diagnostics.get(machine):
                self.diagnostics[machine] = result
                self.diagnostics_changed.emit(machine)


def _owner_of(path: tuple[Any, ...]) -> str | None:
    """The state a path inside a definition belongs to (the innermost one)."""
    best = None
    for i in range(len(path) - 1):
        if path[i] == "States" and isinstance(path[i + 1], str) and i + 2 < len(path):
            best = state_path(tuple(path[:i]), path[i + 1])
    return best


def _field_below_owner(path: tuple[Any, ...]) -> Any:
    for i in range(len(path) - 2, -1, -1):
        if path[i] == "States" and isinstance(path[i + 1], str):
            return path[i + 2] if i + 2 < len(path) else None
    return path[0] if path else None
