"""The event resources of a project on the canvas, and the route edges between them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF

from designer.canvas.items.base import NodeItem
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.frame_item import MachineFrameItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.labels import pattern_gist
from designer.canvas.obstacles import BoxIndex
from designer.canvas.route_stages import staged_route
from designer.canvas.routes import Endpoint, dead_letter_queues, project_routes
from designer.canvas.routing import route_sides

if TYPE_CHECKING:
    from designer.canvas.scene import DesignerScene


class ResourceProjection:
    def __init__(self, scene: DesignerScene) -> None:
        self.scene = scene
        self.items: dict[tuple[str, str], ResourceItem] = {}  # (project kind, name)
        self.routes: list[EdgeItem] = []
        # Each machine frame's states, indexed for routes leaving the frame. Made by a full pass
        # and kept while one state is dragged (whose routes leave it out anyway), so that a
        # drag frame does not index thousands of states again; the pass after the move renews it.
        self._indexes: dict[int, BoxIndex] = {}

    @property
    def project(self):
        return self.scene.document.project

    def rebuild(self) -> None:
        old = {key: item.pos() for key, item in self.items.items()}
        for item in self.items.values():
            for edge in list(item.edges):
                edge.detach()
            if item.scene() is not None:
                self.scene.removeItem(item)
        self.items = {}
        project = self.project
        dlqs = dead_letter_queues(project)
        buses = dict(project.buses)
        if any(rule.bus == "default" for rule in project.rules.values()) and "default" not in buses:
            buses["default"] = None
        for name, bus in buses.items():
            rules = sum(1 for r in project.rules.values() if r.bus == name)
            caption = f"event bus · {rules} rule{'s' if rules != 1 else ''}"
            self._add(
                ResourceItem("bus", name, [bus.description] if bus and bus.description else [], caption)
            )
        for name, rule in project.rules.items():
            item = ResourceItem("rule", name, pattern_gist(rule.event_pattern, rule.schedule_expression))
            item.set_content(item.lines, "rule", disabled=rule.state == "DISABLED")
            self._add(item)
        for name, queue in project.queues.items():
            kind = "dlq" if name in dlqs else "queue"
            bits = ["FIFO" if queue.fifo else "standard", f"visibility {queue.visibility_timeout} s"]
            self._add(ResourceItem(kind, name, [], " · ".join(bits)))
        for name, topic in project.topics.items():
            subs = sum(1 for s in project.subscriptions if s.topic.split(":")[-1] == name)
            caption = f"{'FIFO ' if topic.fifo else ''}topic · {subs} subscriber{'s' if subs != 1 else ''}"
            self._add(ResourceItem("topic", name, [], caption))
        for name, function in project.functions.items():
            self._add(ResourceItem("function", name, [], function.handler))
        for key, item in self.items.items():
            if key in old:
                item.setPos(old[key])

    def _add(self, item: ResourceItem) -> None:
        self.items[(item.project_kind, item.name)] = item
        self.scene.addItem(item)

    def item_for_key(self, key: str) -> ResourceItem | None:
        kind, _, name = key.partition(":")
        return self.items.get((kind, name))

    def _endpoint_item(self, endpoint: Endpoint) -> NodeItem | None:
        if endpoint[0] == "state":
            return self.scene.state_item(endpoint[1], endpoint[2])
        if endpoint[0] == "stateMachine":
            projection = self.scene.machines.get(endpoint[1])
            return projection.frame if projection is not None else None
        return self.items.get((endpoint[0], endpoint[1]))

    def rebuild_routes(self) -> None:
        for edge in self.routes:
            edge.detach()
            if edge.scene() is not None:
                self.scene.removeItem(edge)
        self.routes = []
        for route in project_routes(self.project, self.scene.document.definitions):
            source, target = self._endpoint_item(route.source), self._endpoint_item(route.target)
            if source is None or target is None or source is target:
                continue
            edge = EdgeItem(source, target, "route", route.label)
            self.scene.addItem(edge)
            self.routes.append(edge)
        self.update_routes()

    def top_level_items(self) -> list[NodeItem]:
        return [p.frame for p in self.scene.machines.values()] + list(self.items.values())

    def update_routes(self, only: NodeItem | None = None) -> None:
        """Route every edge (or those touching `only` and what it holds) along the channels
        between boxes: never across another machine's frame or resource, and out of a state's
        own frame by the shortest way."""
        routes = self.routes if only is None else self._touching(only)
        if not routes:
            return
        top = self.top_level_items()
        if only is None:
            self._indexes = {}
        for edge in routes:
            edge.obstacles, edge.soft = self._context(edge, top)
            edge.router = self._staged(edge, top, self._indexes)
            edge.sides = _hanging_sides(edge) or route_sides(
                edge.source.scene_box(),
                edge.target.scene_box(),
                source_across=self._flow(edge.source),
                target_across=self._flow(edge.target),
            )
        _spread_route_ports(self.routes if only is None else routes)
        for edge in routes:
            edge.update_path()

    def _touching(self, item: NodeItem) -> list[EdgeItem]:
        """The routes with an end at `item` or inside it, in routing order: found from the
        ends' own edges, so that a drag frame costs what the dragged item holds, not what the
        whole project routes."""
        found: dict[int, EdgeItem] = {}
        stack: list[object] = [item]
        while stack:
            node = stack.pop()
            if isinstance(node, NodeItem):
                found.update((id(e), e) for e in node.edges if e.kind == "route")
                stack.extend(node.childItems())
        if not found:
            return []
        order = {id(e): i for i, e in enumerate(self.routes)}
        return sorted((e for key, e in found.items() if key in order), key=lambda e: order[id(e)])

    def _flow(self, item: NodeItem) -> str:
        """The flow direction around a state (its transitions' sides), or "" for anything else."""
        if not isinstance(item, StateItem):
            return ""
        return self.scene.direction if not item.address.scope else "TB"

    def _staged(
        self, edge: EdgeItem, top: list[NodeItem], indexes: dict[int, BoxIndex]
    ) -> Callable[[], list[QPointF] | None] | None:
        """The two-stage way of routing an edge between a state and a top-level item (out of
        the state's frame along a clear corridor, then among the top-level boxes), or None
        for routes between top-level items, which search the small top-level grid directly."""
        source_frame, target_frame = _frame_of(edge.source), _frame_of(edge.target)
        if (source_frame is None) == (target_frame is None):
            return None
        reverse = source_frame is None
        state, other = (edge.target, edge.source) if reverse else (edge.source, edge.target)
        frame = target_frame if reverse else source_frame
        assert frame is not None
        if other.parentItem() is not None or other is frame:
            return None
        skip = frozenset(id(node) for node in _ancestors_below(state, frame))
        blocks = [node for node in top if node is not frame and node is not other]

        def router() -> list[QPointF] | None:
            index = indexes.get(id(frame))
            if index is None:
                index = indexes[id(frame)] = BoxIndex(_descendant_boxes(frame))
            sides = edge.sides or ("right", "left")
            exit_side, entry_side = (sides[1], sides[0]) if reverse else sides
            offsets = (edge.exit_offset, edge.entry_offset)
            if reverse:
                offsets = offsets[::-1]
            points = staged_route(
                state.scene_box(),
                frame.scene_box(),
                other.scene_box(),
                (exit_side, entry_side),
                offsets[0],
                offsets[1],
                index,
                skip,
                [node.scene_box() for node in blocks],
            )
            return list(reversed(points)) if points is not None and reverse else points

        return router

    def _context(self, edge: EdgeItem, top: list[NodeItem]):
        """What a route searched over the whole grid keeps clear of and may cross at a cost,
        gathered the first time it is asked for (a staged route never asks)."""
        found: list[tuple[list[QRectF], list[QRectF]]] = []

        def context() -> tuple[list[QRectF], list[QRectF]]:
            if not found:
                found.append(self._gathered(edge, top))
            return found[0]

        return (lambda: context()[0]), (lambda: context()[1])

    def _gathered(self, edge: EdgeItem, top: list[NodeItem]) -> tuple[list[QRectF], list[QRectF]]:
        blocks: list[QRectF] = []
        soft: list[QRectF] = []
        enclosing: set[int] = set()
        for end in (edge.source, edge.target):
            item, parent = end, end.parentItem()
            while parent is not None:
                for sibling in parent.childItems():
                    if (
                        sibling is not item
                        and isinstance(sibling, NodeItem)
                        and sibling.isVisible()
                        and sibling is not edge.source
                        and sibling is not edge.target
                    ):
                        blocks.append(sibling.scene_box())
                if isinstance(parent, NodeItem):
                    soft.append(parent.scene_box())
                enclosing.add(id(parent))
                item, parent = parent, parent.parentItem()
        for node in top:
            if id(node) not in enclosing and node is not edge.source and node is not edge.target:
                blocks.append(node.scene_box())
        return blocks, soft

    def route_keys(self) -> list[tuple[str, str]]:
        """Routes between top-level items (states lifted to their machine's frame), by layout key."""

        def key(endpoint: Endpoint) -> str:
            if endpoint[0] == "state":
                return f"stateMachine:{endpoint[1]}"
            return f"{endpoint[0]}:{endpoint[1]}"

        return [
            (key(r.source), key(r.target))
            for r in project_routes(self.project, self.scene.document.definitions)
        ]


def _frame_of(item: NodeItem) -> MachineFrameItem | None:
    """The machine frame a state sits in (at any depth), or None for a top-level item."""
    if not isinstance(item, StateItem):
        return None
    parent = item.parentItem()
    while parent is not None and not isinstance(parent, MachineFrameItem):
        parent = parent.parentItem()
    return parent


def _ancestors_below(item: NodeItem, frame: NodeItem) -> list[object]:
    """The item and the containers holding it, up to (not including) its frame."""
    chain: list[object] = []
    node = item
    while node is not None and node is not frame:
        chain.append(node)
        node = node.parentItem()
    return chain


def _descendant_boxes(frame: NodeItem) -> list[tuple[object, QRectF]]:
    """Every visible node a frame holds, at any depth, with its scene box."""
    out: list[tuple[object, QRectF]] = []
    stack = list(frame.childItems())
    while stack:
        child = stack.pop()
        if isinstance(child, NodeItem) and child.isVisible():
            out.append((child, child.scene_box()))
            stack.extend(child.childItems())
    return out


def _hanging_sides(edge: EdgeItem) -> tuple[str, str] | None:
    """A rule hanging under its bus (as the project layout stacks them) is reached down the
    bus's left-hand side, so that the routes to the lower rules pass beside the upper ones."""
    source, target = edge.source, edge.target
    if not (
        isinstance(source, ResourceItem)
        and isinstance(target, ResourceItem)
        and source.kind == "bus"
        and target.kind == "rule"
    ):
        return None
    bus, rule = source.scene_box(), target.scene_box()
    below = rule.top() >= bus.bottom() and rule.left() < bus.right() and rule.right() > bus.left()
    return ("left", "left") if below else None


def _spread_route_ports(routes: list[EdgeItem]) -> None:
    """Routes sharing a side of a box leave (or arrive) side by side, in the order of their
    other ends, so that a bus with many rules does not gather every arrow on one point."""
    groups: dict[tuple[int, str], list[tuple[EdgeItem, str]]] = {}
    for edge in routes:
        exit_side, entry_side = edge.sides or ("right", "left")
        groups.setdefault((id(edge.source), exit_side), []).append((edge, "exit_offset"))
        groups.setdefault((id(edge.target), entry_side), []).append((edge, "entry_offset"))
    for (_node, side), members in groups.items():
        vertical = side in ("left", "right")

        def other_end(member: tuple[EdgeItem, str], vertical: bool = vertical) -> float:
            edge, attr = member
            far = (edge.target if attr == "exit_offset" else edge.source).scene_box().center()
            return far.y() if vertical else far.x()

        members.sort(key=other_end)
        first, attr0 = members[0]
        box = (first.source if attr0 == "exit_offset" else first.target).scene_box()
        length = box.height() if vertical else box.width()
        n = len(members)
        step = min(16.0, 0.8 * length / max(n, 1))
        for i, (edge, attr) in enumerate(members):
            setattr(edge, attr, (i - (n - 1) / 2) * step)
