"""`DesignerScene`: a pure projection of a `ProjectDocument`.

It adds, removes and updates items in answer to the document's signals and keeps maps from
document objects to items and back. What it decides is only how things are shown: where a frame
or resource without a stored position appears (laid out by its routes, slid off stored ones) and
which edges are rerouted after a move. It never changes the document: edits are made by the
editor and the interactions, through the document's undo stack.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from designer.canvas.drop_target import DropHint, DropTarget
from designer.canvas.interactions import Interaction, MoveInteraction, NewEdgeInteraction
from designer.canvas.items.base import NodeItem
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.frame_item import MachineFrameItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.machine_projection import MachineProjection
from designer.canvas.placement import free_offset
from designer.canvas.project_layout import project_layout
from designer.canvas.resources_projection import ResourceProjection
from designer.canvas.theme import LIGHT, Theme
from designer.document.project_document import ProjectDocument


class DesignerScene(QGraphicsScene):
    def __init__(
        self,
        document: ProjectDocument,
        theme: Theme = LIGHT,
        direction: str = "TB",
        machines: list[str] | None = None,
        with_resources: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.theme = theme
        self.direction = direction
        self.only_machines = machines
        self.with_resources = with_resources
        self.machines: dict[str, MachineProjection] = {}
        self.resources = ResourceProjection(self)
        self.interaction: Interaction | None = None
        self._tidy_pending = False
        self._moved: list[str] = []  # layout keys moved since the last tidy
        # Where items with a computed (unstored) place stood before a command stored one, so
        # that undoing that command puts them back.
        self._homes: dict[str, tuple[float, float]] = {}
        self.drop_hint = DropHint(self)
        self.setBackgroundBrush(QBrush(theme.color("background")))
        self._connect()
        self.rebuild()

    def _signal_slots(self) -> list[tuple[Any, Any]]:
        doc = self.document
        return [
            (doc.state_added, self._on_state_added),
            (doc.state_removed, self._on_state_removed),
            (doc.state_changed, self._on_state_changed),
            (doc.transition_changed, self._on_transition_changed),
            (doc.definition_replaced, self._rebuild_machine),
            (doc.resource_added, self._on_resource),
            (doc.resource_removed, self._on_resource),
            (doc.resource_changed, self._on_resource),
            (doc.layout_changed, self._on_layout_changed),
            (doc.diagnostics_changed, self._on_diagnostics),
            (doc.document_reset, self.rebuild),
        ]

    def _connect(self) -> None:
        for signal, slot in self._signal_slots():
            signal.connect(slot)

    def detach(self) -> None:
        """Stop following the document (before the scene goes away while the document stays)."""
        for signal, slot in self._signal_slots():
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)

    # building ----------------------------------------------------------------------------------

    def _wanted(self, machine: str) -> bool:
        return self.only_machines is None or machine in self.only_machines

    def rebuild(self) -> None:
        self.interaction = None
        self.drop_hint.forget()
        self._homes = {}
        self.clear()
        self.machines = {}
        self.resources = ResourceProjection(self)
        for machine in self.document.machine_names():
            if self._wanted(machine):
                self._add_machine(machine)
        if self.with_resources:
            self.resources.rebuild()
        self._place_top_level()
        self.resources.rebuild_routes()
        for machine in self.machines:
            self._on_diagnostics(machine)

    def _add_machine(self, machine: str) -> MachineProjection:
        projection = MachineProjection(self.document, machine, self.direction)
        self.addItem(projection.frame)
        projection.rebuild(keep_positions=False)
        self.machines[machine] = projection
        return projection

    def _place_top_level(self) -> None:
        """Frames and resources without a stored position: laid out with the routes, then slid
        off any stored one they would cover."""
        nodes: dict[str, NodeItem] = {p.frame.layout_key(): p.frame for p in self.machines.values()}
        nodes.update({item.layout_key(): item for item in self.resources.items.values()})
        unplaced = {k for k in nodes if self.document.position(k) is None}
        for key, item in nodes.items():
            if key not in unplaced:
                item.setPos(*self.document.position(key))
        if not unplaced:
            return
        for key, (x, y) in self.top_level_positions(set(nodes)).items():
            if key in unplaced:
                nodes[key].setPos(x, y)
        if len(unplaced) < len(nodes):
            placed = [nodes[k].scene_box() for k in nodes if k not in unplaced]
            for key in sorted(unplaced, key=lambda k: (nodes[k].pos().y(), nodes[k].pos().x())):
                delta = free_offset([nodes[key].scene_box()], placed)
                nodes[key].setPos(nodes[key].pos() + delta)
                placed.append(nodes[key].scene_box())

    def top_level_positions(self, keys: set[str]) -> dict[str, tuple[float, float]]:
        """Item positions (`setPos`) for a layout of the frames and resources `keys` by the
        routes between them, at their current sizes."""
        nodes: dict[str, NodeItem] = {p.frame.layout_key(): p.frame for p in self.machines.values()}
        nodes.update({item.layout_key(): item for item in self.resources.items.values()})
        nodes = {k: v for k, v in nodes.items() if k in keys}
        sizes = {k: (nodes[k].rect().width(), nodes[k].rect().height()) for k in nodes}
        edges = [(s, t) for s, t in self.resources.route_keys() if s in nodes and t in nodes]
        boxes = project_layout(sizes, edges)
        positions = {}
        for key, (x, y) in boxes.items():
            rect = nodes[key].rect()
            positions[key] = (round(x - rect.left(), 1), round(y - rect.top(), 1))
        return positions

    # document signals --------------------------------------------------------------------------

    def _on_state_added(self, machine: str, path: str) -> None:
        projection = self.machines.get(machine)
        if projection is not None and not projection.state_added(path):
            projection.rebuild()
        self._after_machine_change(machine)

    def _on_state_removed(self, machine: str, path: str) -> None:
        projection = self.machines.get(machine)
        if projection is not None and not projection.state_removed(path):
            projection.rebuild()
        self._after_machine_change(machine)

    def _on_state_changed(self, machine: str, path: str) -> None:
        projection = self.machines.get(machine)
        if projection is not None and not projection.state_changed(path):
            projection.rebuild()
        self._after_machine_change(machine)

    def _on_transition_changed(self, machine: str, path: str) -> None:
        projection = self.machines.get(machine)
        if projection is None:
            return
        scope = projection.scope_of(path) if path.startswith("/States/") else ()
        view = projection.scopes.get(scope)
        if view is not None:
            projection.rebuild_edges(view)
            if scope == ():
                projection.place_start_marker()
                projection.rebuild_edges(view)

    def _rebuild_machine(self, machine: str) -> None:
        projection = self.machines.get(machine)
        if projection is not None:
            projection.rebuild()
            self._after_machine_change(machine)

    def _after_machine_change(self, machine: str) -> None:
        projection = self.machines.get(machine)
        if projection is not None:
            projection.frame.fit_to_children()
            self.resources.rebuild_routes()
            self._on_diagnostics(machine)

    def _on_resource(self, kind: str, name: str) -> None:
        if kind == "stateMachine":
            if name in self.document.definitions and name not in self.machines and self._wanted(name):
                self._add_machine(name)
                self._place_top_level()
            elif name not in self.document.definitions and name in self.machines:
                self.removeItem(self.machines.pop(name).frame)
            elif name in self.machines:  # its settings changed: the header says Standard or Express
                self.machines[name].refresh_caption()
        elif self.with_resources:
            self.resources.rebuild()
            self._place_top_level()
        self.resources.rebuild_routes()

    def _on_layout_changed(self, key: str) -> None:
        item = self.item_for_key(key)
        position = self.document.position(key)
        if item is not None and position is None and key in self._homes:
            item.setPos(*self._homes.pop(key))  # an undo took the stored place away
        elif item is not None and position is not None and (item.pos().x(), item.pos().y()) != position:
            self._homes.setdefault(key, (item.pos().x(), item.pos().y()))
            item.setPos(*position)
        if item is not None:
            self._moved.append(key)
            if not self._tidy_pending:
                self._tidy_pending = True  # one tidy for all the keys one command moved
                QTimer.singleShot(0, self, self._tidy_after_move)

    def _tidy_after_move(self) -> None:
        """Once a move is recorded, reroute the edges that now pass where a state went (during
        the drag only the moved states' own edges followed them)."""
        self._tidy_pending = False
        keys, self._moved = self._moved, []
        moved = [self.item_for_key(k) for k in dict.fromkeys(keys)]  # items may have been rebuilt
        for projection in self.machines.values():
            states = [m for m in moved if isinstance(m, StateItem) and m.parentItem() is projection.frame]
            if states and () in projection.scopes:
                projection.reroute_around(states)
        self.resources.update_routes()

    def _on_diagnostics(self, machine: str) -> None:
        projection = self.machines.get(machine)
        if projection is None:
            return
        diagnostics = self.document.diagnostics.get(machine, [])
        errors = sum(1 for d in diagnostics if d.severity == "ERROR")
        projection.set_problems(self.document.problems_by_state(machine), len(diagnostics), errors)

    # look-ups ----------------------------------------------------------------------------------

    def item_for_key(self, key: str) -> NodeItem | None:
        if key.startswith("stateMachine:"):
            rest = key.removeprefix("stateMachine:")
            machine, _, path = rest.partition("/")
            projection = self.machines.get(machine)
            if projection is None:
                return None
            return projection.frame if not path else projection.items.get("/" + path)
        return self.resources.item_for_key(key)

    def state_item(self, machine: str, path: str) -> StateItem | None:
        projection = self.machines.get(machine)
        return projection.items.get(path) if projection is not None else None

    def selected_states(self) -> list[StateItem]:
        return [i for i in self.selectedItems() if isinstance(i, StateItem)]

    def frame_at(self, pos: QPointF) -> MachineFrameItem | None:
        for projection in self.machines.values():
            if projection.frame.sceneBoundingRect().contains(pos):
                return projection.frame
        return None

    def shown_positions(self) -> dict[str, tuple[float, float]]:
        """Where every movable item stands now, by layout key (what a saved project keeps)."""
        shown: dict[str, tuple[float, float]] = {}
        for item in self.items():
            if isinstance(item, NodeItem):
                key = item.layout_key()
                if key:
                    shown[key] = (item.pos().x(), item.pos().y())
        return shown

    def content_rect(self) -> QRectF:
        return self.itemsBoundingRect().adjusted(-40, -40, 40, 40)

    # movement ----------------------------------------------------------------------------------

    def node_moved(self, item: NodeItem) -> None:
        parent = item.parentItem()
        if isinstance(item, MachineFrameItem):
            self.resources.update_routes()
            return
        if isinstance(item, StateItem) and isinstance(parent, MachineFrameItem):
            # While a state moves (a drag sends one move per mouse event) only its own edges
            # and routes follow it; the rest of the scope is rerouted around it once the move
            # is recorded (`_on_layout_changed`), so a frame costs the same on any graph size.
            projection = self.machines.get(parent.machine)
            if projection is not None:
                if projection.top.items.get(item.address.name) is item:
                    projection.place_start_marker()
                projection.update_attached(item)
                parent.grow_to(item)
            self.resources.update_routes(only=item)
            return
        for edge in item.edges:
            edge.update_path()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.setBackgroundBrush(QBrush(theme.color("background")))
        for view in self.views():
            view.resetCachedContent()  # the cached grid is in the old theme's colours
        self.update()

    def set_direction(self, direction: str) -> None:
        if direction != self.direction:
            self.direction = direction
            self.rebuild()

    # interactions ------------------------------------------------------------------------------

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            item = self._state_item_at(event.scenePos())
            if item is not None and item.port_hit(item.mapFromScene(event.scenePos())):
                self.interaction = NewEdgeInteraction(self, item, event.modifiers())
                self.interaction.start(event.scenePos())
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self.interaction is None:
            movable = [i for i in self.selectedItems() if isinstance(i, NodeItem) and i.layout_key()]
            if movable:
                self.interaction = MoveInteraction(self, movable)
                self.interaction.start(event.scenePos())

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if isinstance(self.interaction, NewEdgeInteraction):
            self.interaction.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        interaction, self.interaction = self.interaction, None
        if isinstance(interaction, NewEdgeInteraction):
            interaction.end(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if interaction is not None:
            interaction.end(event.scenePos())

    def _state_item_at(self, pos: QPointF) -> StateItem | None:
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, StateItem):
                return item
        return None

    def node_at(self, pos: QPointF, exclude: QGraphicsItem | None = None) -> NodeItem | None:
        for item in self.items(pos):
            if (
                isinstance(item, (StateItem, ResourceItem))
                and item is not exclude
                and not isinstance(item, EdgeItem)
            ):
                return item
        return None

    def show_drop_target(self, target: DropTarget) -> None:
        """Show where a palette drag will land (an edge to splice into, a state to append to)."""
        self.drop_hint.show(target)

    def report(self, message: str) -> None:
        """Interactions report refusals here; the main window shows them in the status bar."""
        handler: Any = getattr(self, "message_handler", None)
        if handler is not None:
            handler(message)
