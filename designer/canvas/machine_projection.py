"""The items of one state machine: its frame, its states (containers recursively), its edges.

The projection reads the document and never writes it. Positions come from the project's
layout where stored and from the layered layout elsewhere; containers lay out their lanes
themselves from the inside out.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsItem

from designer.canvas.items.container_item import ContainerItem, lane_labels
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.frame_item import MachineFrameItem, StartMarkerItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.labels import catch_label, choice_label
from designer.canvas.layout import layered_layout
from designer.canvas.obstacles import BoxIndex
from designer.canvas.placement import free_offset
from designer.document.edits import references
from engine.asl import Scope, StateAddress, child_scopes, scope_states, split_state_path

if TYPE_CHECKING:
    from designer.document.project_document import ProjectDocument

START = "\x00start"
LANE_RANK_GAP = 44.0
LANE_NODE_GAP = 28.0


class ScopeView:
    """The items of one scope (the machine's top level, a branch, an item processor)."""

    def __init__(self, scope: Scope, parent: QGraphicsItem) -> None:
        self.scope = scope
        self.parent = parent
        self.items: dict[str, StateItem] = {}
        self.edges: list[EdgeItem] = []
        self.back_edges: set[tuple[str, str]] = set()
        self.start_marker: StartMarkerItem | None = None
        self.index: BoxIndex | None = None  # the boxes as of the last full reroute

    def obstacles_for(self, edge: EdgeItem) -> Callable[[], list[QRectF]]:
        def obstacles() -> list[QRectF]:
            return [
                i.scene_box() for i in self.items.values() if i is not edge.source and i is not edge.target
            ]

        return obstacles


class MachineProjection:
    def __init__(self, document: ProjectDocument, machine: str, direction: str = "TB") -> None:
        self.document = document
        self.machine = machine
        self.direction = direction
        self.frame = MachineFrameItem(machine, self._caption())
        self.scopes: dict[Scope, ScopeView] = {}
        self.items: dict[str, StateItem] = {}  # state path -> item, all depths

    def _caption(self) -> str:
        spec = self.document.project.state_machines.get(self.machine)
        parts = [spec.type.title() if spec is not None else "Standard", "state machine"]
        if spec is not None and spec.domain:
            parts.append(f"· {spec.domain}")
        return " ".join(parts)

    def refresh_caption(self) -> None:
        caption = self._caption()
        if caption != self.frame.caption:
            self.frame.caption = caption
            self.frame.fit_to_children()
            self.frame.update()

    @property
    def definition(self) -> dict[str, Any]:
        return self.document.definition(self.machine)

    # building ----------------------------------------------------------------------------------

    def rebuild(self, keep_positions: bool = True) -> None:
        """Recreate every item; top-level states keep where they are (or were stored)."""
        with _cycle_collector_paused():
            current = (
                {name: item.pos() for name, item in self.top.items.items()}
                if keep_positions and () in self.scopes
                else {}
            )
            for view in self.scopes.values():
                for edge in view.edges:
                    edge.detach()
            for child in list(self.frame.childItems()):
                child.setParentItem(None)
                if child.scene() is not None:
                    child.scene().removeItem(child)
            self.scopes.clear()
            self.items.clear()
            self.frame.caption = self._caption()
            top = ScopeView((), self.frame)
            self.scopes[()] = top
            top.start_marker = StartMarkerItem(self.frame)
            for name, value in scope_states(self.definition, ()).items():
                self._create(top, name, value)
            self._place_top(current)
            self.rebuild_edges(top)
            self.frame.fit_to_children()

    @property
    def top(self) -> ScopeView:
        return self.scopes[()]

    def _create(self, view: ScopeView, name: str, value: Any) -> StateItem:
        address = StateAddress(self.machine, view.scope, name)
        is_container = (
            isinstance(value, dict)
            and value.get("Type") in ("Parallel", "Map")
            and child_scopes(address.segments, value)
        )
        item: StateItem = (
            ContainerItem(address, value, view.parent)
            if is_container
            else StateItem(address, value, view.parent)
        )
        view.items[name] = item
        self.items[address.path] = item
        if isinstance(item, ContainerItem):
            self._fill_container(item)
        return item

    def _fill_container(self, item: ContainerItem) -> None:
        lanes = []
        views = []
        labels = lane_labels(item.value)
        for scope, (_key, label) in zip(
            child_scopes(item.address.segments, item.value), labels, strict=False
        ):
            view = ScopeView(scope, item)
            self.scopes[scope] = view
            for name, value in scope_states(self.definition, scope).items():
                self._create(view, name, value)
            result = self._layout(view, LANE_RANK_GAP, LANE_NODE_GAP, with_start=False)
            x0, y0, x1, y1 = result.bounds(
                {n: (i.rect().width(), i.rect().height()) for n, i in view.items.items()}
            )
            for name, (x, y) in result.positions.items():
                view.items[name].setPos(x - x0, y - y0)
            view.back_edges = {(u, v) for u, v in result.back_edges}
            lanes.append((scope, label, max(x1 - x0, 120.0), max(y1 - y0, 40.0)))
            views.append(view)
        for lane, view in zip(item.arrange(lanes), views, strict=True):
            origin = lane.content_origin
            content_w = lane.rect.width() - 2 * 16.0
            used = max((i.pos().x() + i.rect().width() for i in view.items.values()), default=0.0)
            dx = max(0.0, (content_w - used) / 2)
            for child in view.items.values():
                child.setPos(child.pos() + origin + QPointF(dx, 0))
            self.rebuild_edges(view)

    def _layout(self, view: ScopeView, rank_gap: float, node_gap: float, with_start: bool) -> Any:
        sizes = {n: (i.rect().width(), i.rect().height()) for n, i in view.items.items()}
        edges, light = [], []
        for name, item in view.items.items():
            for field, target in references(item.value):
                if target in view.items:
                    edges.append((name, target))
                    if field[0] == "Catch":
                        light.append((name, target))
        start_at = _get(self.definition, (*view.scope, "StartAt"))
        if with_start and view.start_marker is not None and start_at in view.items:
            sizes[START] = (view.start_marker.rect().width(), view.start_marker.rect().height())
            edges.insert(0, (START, start_at))
            start = START
        else:
            start = start_at if start_at in view.items else None
        direction = self.direction if not view.scope else "TB"
        return layered_layout(
            sizes,
            edges,
            light_edges=light,
            start=start,
            direction=direction,
            rank_gap=rank_gap,
            node_gap=node_gap,
        )

    def _place_top(self, current: dict[str, QPointF]) -> None:
        view = self.top
        result = self._layout(view, 56.0, 40.0, with_start=True)
        view.back_edges = set(result.back_edges)
        fresh = []  # placed by the layout among states that keep a place of their own
        for name, item in view.items.items():
            stored = self.document.position(item.address.layout_key)
            if stored is not None:
                item.setPos(*stored)
            elif name in current:
                item.setPos(current[name])
            elif name in result.positions:
                item.setPos(*result.positions[name])
                fresh.append(item)
        if fresh and len(fresh) < len(view.items):
            # A state the layout placed (added in the code view, say) slides off any state
            # that kept its place, rather than landing on it.
            ids = {id(i) for i in fresh}
            taken = [i.mapRectToParent(i.rect()) for i in view.items.values() if id(i) not in ids]
            for item in fresh:
                item.setPos(item.pos() + free_offset([item.mapRectToParent(item.rect())], taken))
                taken.append(item.mapRectToParent(item.rect()))
        self.place_start_marker()

    def auto_layout_positions(self, only: set[str] | None = None) -> dict[str, tuple[float, float]]:
        """Layered positions for the top-level states (all, or the names in `only`), keyed by layout key.

        A selection keeps its top-left corner where it is, so laying out part of a drawing
        tidies it in place.
        """
        view = self.top
        result = self._layout(view, 56.0, 40.0, with_start=True)
        chosen = {n: p for n, p in result.positions.items() if n != START and (only is None or n in only)}
        if only is not None and chosen:
            x0 = min(view.items[n].pos().x() for n in chosen)
            y0 = min(view.items[n].pos().y() for n in chosen)
            lx = min(p[0] for p in chosen.values())
            ly = min(p[1] for p in chosen.values())
            chosen = {n: (x - lx + x0, y - ly + y0) for n, (x, y) in chosen.items()}
        return {view.items[n].address.layout_key: (round(x, 1), round(y, 1)) for n, (x, y) in chosen.items()}

    def place_start_marker(self) -> None:
        view = self.top
        start_at = _get(self.definition, ("StartAt",))
        marker = view.start_marker
        if marker is None:
            return
        target = view.items.get(start_at) if isinstance(start_at, str) else None
        marker.setVisible(target is not None)
        if target is not None:
            marker.place_above(target, direction=self.direction)

    # edges -------------------------------------------------------------------------------------

    def rebuild_edges(self, view: ScopeView) -> None:
        for edge in view.edges:
            edge.detach()
            edge.setParentItem(None)
            if edge.scene() is not None:
                edge.scene().removeItem(edge)
        view.edges = []
        for name, item in view.items.items():
            if not isinstance(item.value, dict):
                continue
            for field, target in references(item.value):
                target_item = view.items.get(target)
                if target_item is None:
                    continue
                edge = EdgeItem(item, target_item, *_edge_style(item.value, field), parent=view.parent)
                edge.field = "/".join(str(f) for f in field)
                edge.back = (name, target) in view.back_edges or name == target
                view.edges.append(edge)
        if view.start_marker is not None and view.start_marker.isVisible():
            start_at = _get(self.definition, (*view.scope, "StartAt"))
            if start_at in view.items:
                view.edges.append(
                    EdgeItem(view.start_marker, view.items[start_at], "start", parent=view.parent)
                )
        for edge in view.edges:
            edge.direction = self.direction if not view.scope else "TB"
            edge.obstacles = view.obstacles_for(edge)
        _assign_ports(view.edges)
        self.update_edges(view)

    def update_edges(self, view: ScopeView | None = None) -> None:
        views = [view] if view is not None else list(self.scopes.values())
        for v in views:
            # One index of the scope's boxes (in the edges' own coordinates: they share the
            # states' parent) serves every edge of this pass.
            index = v.index = BoxIndex(
                [(i, i.mapRectToParent(i.rect())) for i in v.items.values()],
                self.direction if not v.scope else "TB",
            )
            lane = 0
            for edge in v.edges:
                edge.lane = lane  # edges that go round the side each get their own channel
                edge.index = index
                edge.update_path()
                edge.index = None
                if edge.takes_side_route():
                    lane += 1
            _separate_labels(v.edges)

    def update_attached(self, item: StateItem) -> None:
        """Reroute only the edges of one top-level state (it is being dragged), finding what
        they must avoid through the scene's index rather than by walking every state."""
        index = self.top.index  # from the last full pass: only the dragged boxes moved since,
        for edge in list(item.edges):  # and they are the ends of the edges rerouted here
            if index is not None and edge.parentItem() is self.frame:
                edge.index = index
            edge.update_path()
            edge.index = None

    def reroute_around(self, moved: list[StateItem]) -> None:
        """After a move: reroute the edges of the moved states and those now running through
        them; the others' routes still hold. (A full `update_edges` on a thousand states takes
        seconds; this takes what the few edges concerned take.)"""
        view = self.top
        view.index = BoxIndex(
            [(i, i.mapRectToParent(i.rect())) for i in view.items.values()],
            self.direction,
        )
        boxes = [m.mapRectToParent(m.rect()).adjusted(-8, -8, 8, 8) for m in moved]
        ids = {id(m) for m in moved}
        for edge in view.edges:
            if id(edge.source) in ids or id(edge.target) in ids or edge.crosses(boxes):
                edge.index = view.index
                edge.update_path()
                edge.index = None
        _separate_labels(view.edges)
        self.frame.fit_to_children()

    # incremental updates -----------------------------------------------------------------------

    def scope_of(self, path: str) -> Scope:
        return split_state_path(path)[0]

    def state_added(self, path: str) -> bool:
        """Add a top-level state in place; False when the caller should rebuild instead."""
        scope, name = split_state_path(path)
        if scope != () or () not in self.scopes:
            return False
        value = scope_states(self.definition, ())[name]
        item = self._create(self.top, name, value)
        stored = self.document.position(item.address.layout_key)
        if stored is not None:
            item.setPos(*stored)
        else:
            bottom = max(
                (i.pos().y() + i.rect().height() for i in self.top.items.values() if i is not item),
                default=0.0,
            )
            left = min((i.pos().x() for i in self.top.items.values() if i is not item), default=0.0)
            item.setPos(left, bottom + 56.0)
        self.after_top_change()
        return True

    def state_removed(self, path: str) -> bool:
        scope, name = split_state_path(path)
        if scope != () or name not in self.top.items:
            return False
        item = self.top.items.pop(name)
        for edge in list(item.edges):
            edge.detach()
        for key in [p for p in self.items if p == path or p.startswith(path + "/")]:
            del self.items[key]
        for scope_key in [s for s in self.scopes if s[:2] == ("States", name)]:
            del self.scopes[scope_key]
        if item.scene() is not None:
            item.scene().removeItem(item)
        self.after_top_change()
        return True

    def state_changed(self, path: str) -> bool:
        scope, name = split_state_path(path)
        item = self.top.items.get(name) if scope == () else None
        value = scope_states(self.definition, ()).get(name) if scope == () else None
        if item is None or isinstance(item, ContainerItem) or value is None:
            return False
        same_shape = (
            isinstance(value, dict)
            and value.get("Type") == item.kind
            and item.kind not in ("Parallel", "Map")
        )
        if not same_shape:
            return False
        item.set_value(value)
        return True

    def after_top_change(self) -> None:
        self.place_start_marker()
        self.rebuild_edges(self.top)
        self.frame.fit_to_children()

    def set_problems(self, by_state: dict[str, list[Any]], total: int, errors: int) -> None:
        for path, item in self.items.items():
            found = by_state.get(path, [])
            item.set_problems(
                [f"{d.code}: {d.message}" for d in found],
                warnings_only=bool(found) and all(d.severity == "WARNING" for d in found),
            )
        if total == 0:
            self.frame.summary, self.frame.summary_is_problem = "✓ valid", False
        else:
            self.frame.summary = f"{total} problem{'s' if total != 1 else ''}"
            self.frame.summary_is_problem = errors > 0
        self.frame.update()


@contextlib.contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a machine's items are made: building thousands of
    items and routes, it would otherwise walk every live object again and again (a seventh of
    the time at 2,000 states) to find no garbage; it runs as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for seg in path:
        if isinstance(seg, int):
            value = value[seg] if isinstance(value, list) and seg < len(value) else None
        else:
            value = value.get(seg) if isinstance(value, dict) else None
    return value


def _edge_style(state: dict[str, Any], field: tuple[Any, ...]) -> tuple[str, str]:
    if field == ("Next",):
        return "next", ""
    if field == ("Default",):
        return "default", "default"
    if field[0] == "Choices":
        return "choice", choice_label(state["Choices"][field[1]])
    if field[0] == "Catch":
        return "catch", catch_label(state["Catch"][field[1]])
    return "next", ""


def _assign_ports(edges: list[EdgeItem]) -> None:
    """Spread the edges leaving (and entering) one node across its side so they stay apart."""
    outgoing: dict[int, list[EdgeItem]] = {}
    incoming: dict[int, list[EdgeItem]] = {}
    for edge in edges:
        if edge.back:
            continue
        if edge.kind == "catch":
            # Error paths leave from the right of the box and keep the main flow straight.
            r = edge.source.rect()
            edge.exit_offset = 0.32 * (r.height() if edge.direction == "LR" else r.width())
            incoming.setdefault(id(edge.target), []).append(edge)
            continue
        outgoing.setdefault(id(edge.source), []).append(edge)
        incoming.setdefault(id(edge.target), []).append(edge)

    def spread(group: list[EdgeItem], attr: str, other: str, width: float) -> None:
        lr = group[0].direction == "LR"
        group.sort(key=lambda e: getattr(e, other).pos().y() if lr else getattr(e, other).pos().x())
        n = len(group)
        step = min(26.0, 0.7 * width / max(n, 1))
        for i, edge in enumerate(group):
            setattr(edge, attr, (i - (n - 1) / 2) * step)

    for group in outgoing.values():
        r = group[0].source.rect()
        spread(group, "exit_offset", "target", r.height() if group[0].direction == "LR" else r.width())
    for group in incoming.values():
        r = group[0].target.rect()
        spread(group, "entry_offset", "source", r.height() if group[0].direction == "LR" else r.width())


def _separate_labels(edges: list[EdgeItem]) -> None:
    """Move each label down below the first one placed before it that it overlaps (a few
    times at most). Placed labels are kept in a grid so that a scope's thousand labels are
    not each compared with all the others."""
    placed: list[QRectF] = []
    grid: dict[tuple[int, int], list[int]] = {}
    for edge in edges:
        rect = edge.label_rect()
        if rect.isNull():
            continue
        for _ in range(6):
            clash = _first_clash(rect, placed, grid)
            if clash is None:
                break
            dy = clash.bottom() - rect.top() + 2
            edge.nudge_label(dy)
            rect = edge.label_rect()
        for cell in _cells(rect):
            grid.setdefault(cell, []).append(len(placed))
        placed.append(rect)


_LABEL_CELL = 128.0


def _cells(rect: QRectF) -> list[tuple[int, int]]:
    c = _LABEL_CELL
    return [
        (cx, cy)
        for cx in range(int(rect.left() // c), int(rect.right() // c) + 1)
        for cy in range(int(rect.top() // c), int(rect.bottom() // c) + 1)
    ]


def _first_clash(rect: QRectF, placed: list[QRectF], grid: dict[tuple[int, int], list[int]]) -> QRectF | None:
    """The earliest placed label that `rect` overlaps (two overlapping rectangles share a cell)."""
    hits = [i for cell in _cells(rect) for i in grid.get(cell, ()) if placed[i].intersects(rect)]
    return placed[min(hits)] if hits else None
