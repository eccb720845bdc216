"""`CanvasEditor`: turns what the user asks for on the canvas into document commands.

The scene shows, the editor decides: which machine and scope a drop lands in, what a new
item is called, what a delete takes with it. Every edit is one command or one macro.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QGuiApplication

from designer.canvas.clipboard import from_mime, to_mime
from designer.canvas.drop_target import DropTarget, find_drop_target
from designer.canvas.flow_insert import add_state, quick_add_after
from designer.canvas.interactions import connect
from designer.canvas.items.base import NodeItem
from designer.canvas.items.container_item import ContainerItem
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.frame_item import MachineFrameItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.pattern_insert import EDGE_TOLERANCE, insert_pattern
from designer.canvas.scene import DesignerScene
from designer.canvas.spacing import move_of, settle_states, settle_top_level, top_level_items
from designer.document.commands import (
    AddResourceCommand,
    DisconnectCommand,
    MoveCommand,
    PasteStatesCommand,
    RemoveResourceCommand,
    RemoveStateCommand,
    RenameStateCommand,
    SetStartCommand,
)
from designer.document.compound_edits import action_target
from designer.document.edits import EditRefused
from designer.document.project_document import ProjectDocument
from designer.document.templates import resource_template, unique_resource_name
from engine.asl import Scope, StateAddress

DUPLICATE_OFFSET = 36.0


class CanvasEditor(QObject):
    message = Signal(str)

    def __init__(self, document: ProjectDocument, scene: DesignerScene) -> None:
        super().__init__()
        self.document = document
        self.scene = scene
        scene.message_handler = self.message.emit

    # where things go ---------------------------------------------------------------------------

    def current_machine(self) -> str | None:
        for item in self.scene.selectedItems():
            if isinstance(item, StateItem):
                return item.address.machine
            if isinstance(item, MachineFrameItem):
                return item.machine
        names = list(self.scene.machines)
        return names[0] if names else None

    def _drop_target(self, pos: QPointF) -> tuple[str | None, Scope, QPointF | None]:
        """(machine, scope, position in the frame) for a drop at scene point `pos`."""
        for item in self.scene.items(pos):
            if isinstance(item, ContainerItem):
                lane = item.lane_at(item.mapFromScene(pos))
                if lane is not None:
                    return item.address.machine, lane.scope, None
            if isinstance(item, MachineFrameItem):
                return item.machine, (), item.mapFromScene(pos)
        machine = self.current_machine()
        if machine is None:
            return None, (), None
        frame = self.scene.machines[machine].frame
        return machine, (), frame.mapFromScene(pos) if frame.sceneBoundingRect().contains(pos) else None

    # creating ----------------------------------------------------------------------------------

    def drop_target(self, entry: str, pos: QPointF, tolerance: float = EDGE_TOLERANCE) -> DropTarget:
        """Where a palette entry dropped at `pos` goes: into a transition within `tolerance`
        (scene units), after an open-ended state whose output port it is past, or free."""
        if entry.startswith("action:"):  # an AWS action lands as a Task does
            entry = "state:Task"
        return find_drop_target(self.scene, entry, pos, tolerance)

    def add_from_palette(self, entry: str, pos: QPointF, tolerance: float = EDGE_TOLERANCE) -> str | None:
        """Create what a palette entry stands for at scene point `pos`; returns the new name."""
        group, _, kind = entry.partition(":")
        try:
            if group == "state":
                return add_state(self, kind, pos, self.drop_target(entry, pos, tolerance))
            if group == "resource":
                return self._add_resource(kind, pos)
            if group == "pattern":
                added = insert_pattern(self, kind, pos, self.drop_target(entry, pos, tolerance))
                return added[0] if added else None
            if group == "action":  # a Task calling the action, named for it
                action = (kind, action_target(kind))
                return add_state(self, "Task", pos, self.drop_target(entry, pos, tolerance), action)
        except EditRefused as exc:
            self.message.emit(str(exc))
        return None

    def _new_machine(self, pos: QPointF) -> str:
        """A machine to hold what was dropped outside every frame, there or near it."""
        name = unique_resource_name("StateMachine", set(self.document.definitions))
        value = {"spec": {}, "definition": {"StartAt": "", "States": {}}}
        others = set(top_level_items(self.scene))
        self.document.push(AddResourceCommand(self.document, "stateMachine", name, value, (pos.x(), pos.y())))
        settle_top_level(self.scene, others)
        return name

    def _add_resource(self, kind: str, pos: QPointF) -> str:
        project_kind, base, spec = resource_template(kind, self.document.project)
        name = unique_resource_name(base, set(self.document.resource_names(project_kind)))
        position = (round(pos.x() - 90, 1), round(pos.y() - 28, 1))
        with self.document.macro(f"Add {project_kind} {name}"):
            others = set(top_level_items(self.scene))
            self.document.push(AddResourceCommand(self.document, project_kind, name, spec, position))
            settle_top_level(self.scene, others)
        return name

    # deleting ----------------------------------------------------------------------------------

    def delete_selection(self) -> None:
        selected = self.scene.selectedItems()
        states = [i for i in selected if isinstance(i, StateItem)]
        # A state inside a selected container goes with it.
        states = [
            s for s in states if not any(s.address.path.startswith(o.address.path + "/") for o in states)
        ]
        edges = [i for i in selected if isinstance(i, EdgeItem) and i.kind not in ("start", "route")]
        resources = [i for i in selected if isinstance(i, ResourceItem)]
        frames = [i for i in selected if isinstance(i, MachineFrameItem)]
        if not (states or edges or resources or frames):
            return
        with self.document.macro("Delete"):
            for edge in edges:
                if isinstance(edge.source, StateItem) and edge.source not in states:
                    field = tuple(int(p) if p.isdigit() else p for p in edge.field.split("/"))
                    try:
                        self.document.push(DisconnectCommand(self.document, edge.source.address, field))
                    except EditRefused as exc:
                        self.message.emit(str(exc))
            for state in states:
                if self.document.state(state.address) is not None:
                    self.document.push(RemoveStateCommand(self.document, state.address))
            for resource in resources:
                self.document.push(RemoveResourceCommand(self.document, resource.project_kind, resource.name))
            for frame in frames:
                self.document.push(RemoveResourceCommand(self.document, "stateMachine", frame.machine))

    # clipboard ---------------------------------------------------------------------------------

    def _selection_payload(self) -> tuple[str, Scope, dict[str, Any], dict[str, tuple[float, float]]] | None:
        states = self.scene.selected_states()
        if not states:
            return None
        machine, scope = states[0].address.machine, states[0].address.scope
        chosen = [s for s in states if s.address.machine == machine and s.address.scope == scope]
        values = {s.address.name: self.document.state(s.address) for s in chosen}
        positions = {s.address.name: (s.pos().x(), s.pos().y()) for s in chosen if s.layout_key()}
        return machine, scope, values, positions

    def copy_selection(self) -> bool:
        payload = self._selection_payload()
        if payload is None:
            return False
        machine, _scope, values, positions = payload
        QGuiApplication.clipboard().setMimeData(to_mime(machine, values, positions))
        return True

    def cut_selection(self) -> None:
        if self.copy_selection():
            self.delete_selection()

    def paste(self) -> list[str]:
        parsed = from_mime(QGuiApplication.clipboard().mimeData())
        if not parsed or not parsed[0]:
            self.message.emit("The clipboard holds no states to paste.")
            return []
        states, positions = parsed
        machine = self.current_machine()
        if machine is None:
            self.message.emit("Open or create a state machine first.")
            return []
        selected = self.scene.selected_states()
        scope = selected[0].address.scope if selected and selected[0].address.machine == machine else ()
        shifted = (
            {n: (x + DUPLICATE_OFFSET, y + DUPLICATE_OFFSET) for n, (x, y) in positions.items()}
            if scope == ()
            else {}
        )
        return self._paste(machine, scope, states, shifted)

    def duplicate_selection(self) -> list[str]:
        payload = self._selection_payload()
        if payload is None:
            return []
        machine, scope, values, positions = payload
        shifted = {n: (x + DUPLICATE_OFFSET, y + DUPLICATE_OFFSET) for n, (x, y) in positions.items()}
        return self._paste(machine, scope, values, shifted)

    def _paste(self, machine: str, scope: Scope, states: dict[str, Any], positions: dict) -> list[str]:
        """Paste as one undo step, the copies slid together to the nearest free spot."""
        command = PasteStatesCommand(self.document, machine, scope, states, positions)
        with self.document.macro(command.text()):
            self.document.push(command)
            if scope == ():
                settle_states(self.scene, machine, command.names)
            settle_top_level(self.scene, {f"stateMachine:{machine}"})
        self.scene.clearSelection()
        for name in command.names:
            self.select_state(machine, StateAddress(machine, scope, name).path, clear=False)
        return command.names

    # other edits -------------------------------------------------------------------------------

    def rename(self, item: StateItem, new_name: str) -> bool:
        address = item.address
        try:
            self.document.push(RenameStateCommand(self.document, address, new_name))
        except EditRefused as exc:
            self.message.emit(str(exc))
            return False
        self.select_state(
            address.machine, StateAddress(address.machine, address.scope, new_name.strip()).path
        )
        return True

    def quick_add_after_selection(self) -> str | None:
        """Tab: a Pass after the one selected state, wired between it and its Next."""
        states = self.scene.selected_states()
        if len(states) != 1:
            self.message.emit("Select one state to add a Pass after it.")
            return None
        return quick_add_after(self, states[0], self.message.emit)

    def set_start(self, item: StateItem) -> None:
        self.document.push(SetStartCommand(self.document, item.address))

    def connect(self, source: StateItem, target: StateItem, kind: str = "next") -> bool:
        return connect(self.scene, source, target, kind)

    def auto_layout(self, selection_only: bool = False) -> None:
        """Lay out each machine's top level (or only the selected states), then the project's
        frames and resources around the frames' new sizes, as one undo step; nothing is left
        covering anything."""
        selected = {
            (s.address.machine, s.address.name) for s in self.scene.selected_states() if not s.address.scope
        }
        with self.document.macro("Auto-layout"):
            for machine, projection in self.scene.machines.items():
                only = {name for m, name in selected if m == machine} if selection_only else None
                if only is not None and not only:
                    continue
                moves = {}
                for key, new in projection.auto_layout_positions(only).items():
                    item = self.scene.item_for_key(key)
                    if item is not None:
                        moves[key] = move_of(self.document, item, new)
                if moves:
                    self.document.push(MoveCommand(self.document, moves, "Auto-layout"))
                if only is not None:
                    settle_states(self.scene, machine, sorted(only))
                projection.frame.fit_to_children()
            if selection_only:
                settle_top_level(self.scene, {f"stateMachine:{m}" for m, _ in selected})
            else:
                self._lay_out_top_level()

    def _lay_out_top_level(self) -> None:
        items = top_level_items(self.scene)
        moves = {
            key: move_of(self.document, items[key], new)
            for key, new in self.scene.top_level_positions(set(items)).items()
            if key in items
        }
        moves = {k: m for k, m in moves.items() if (items[k].pos().x(), items[k].pos().y()) != m[1]}
        if moves:
            self.document.push(MoveCommand(self.document, moves, "Auto-layout"))

    # selection ---------------------------------------------------------------------------------

    def select_state(self, machine: str, path: str, clear: bool = True) -> StateItem | None:
        item = self.scene.state_item(machine, path)
        if item is not None:
            if clear:
                self.scene.clearSelection()
            item.setSelected(True)
        return item

    def select_item(self, item: NodeItem) -> None:
        self.scene.clearSelection()
        item.setSelected(True)
