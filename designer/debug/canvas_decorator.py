"""Puts the execution's decorations (`designer.debug.overlay`) on the canvas and takes them off.

The decorator keeps its decorations in maps of its own, keyed by state (machine and state path),
by transition and by queue name, so the canvas items carry nothing of the debugger's. A scene
rebuild makes new items: a decoration whose item is gone (or is another) counts as none.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtWidgets import QGraphicsItem

from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.scene import DesignerScene
from designer.debug.overlay import PAUSED, BreakpointGutter, EdgeTrail, StatusOverlay
from designer.debug.queue_gauge import QueueGauge
from engine.runtime.history_view import NOT_RUN

EdgeKey = tuple[str, str, str, str, str]  # machine, source path ("" for a start), target path, kind, field


def _on[Decoration: QGraphicsItem](decoration: Decoration | None, item: QGraphicsItem) -> Decoration | None:
    """`decoration` when it still decorates `item` (None once either was rebuilt or deleted)."""
    if decoration is None or not shiboken6.isValid(decoration) or decoration.parentItem() is not item:
        return None
    return decoration


class CanvasDecorator:
    """Puts execution status, breakpoints, taken edges and queue gauges on a scene."""

    def __init__(self, scene: DesignerScene, toggle_breakpoint: Callable[[StateItem], None]) -> None:
        self.scene = scene
        self.toggle_breakpoint = toggle_breakpoint
        self.breakpoints: dict[str, dict[str, str | None]] = {}  # machine -> {path: condition}
        self._overlays: dict[tuple[str, str], StatusOverlay] = {}  # (machine, state path) -> its overlay
        self._gutters: dict[tuple[str, str], BreakpointGutter] = {}
        self._trails: dict[EdgeKey, EdgeTrail] = {}
        self._gauges: dict[str, QueueGauge] = {}  # queue name -> its gauge

    # states -----------------------------------------------------------------------------------

    def _items(self, machine: str) -> dict[str, StateItem]:
        projection = self.scene.machines.get(machine)
        return dict(projection.items) if projection is not None else {}

    def shown_overlay(self, item: StateItem) -> StatusOverlay | None:
        """The status overlay on a state, None when it has none."""
        return _on(self._overlays.get((item.address.machine, item.address.path)), item)

    def overlay(self, item: StateItem) -> StatusOverlay:
        overlay = self.shown_overlay(item)
        if overlay is None:
            overlay = StatusOverlay(item)
            self._overlays[(item.address.machine, item.address.path)] = overlay
        return overlay

    def shown_gutter(self, item: StateItem) -> BreakpointGutter | None:
        """The breakpoint gutter of a state, None when it has none."""
        return _on(self._gutters.get((item.address.machine, item.address.path)), item)

    def gutter(self, item: StateItem) -> BreakpointGutter:
        gutter = self.shown_gutter(item)
        if gutter is None:
            gutter = BreakpointGutter(item, self.toggle_breakpoint)
            self._gutters[(item.address.machine, item.address.path)] = gutter
            if item.scene() is not None:
                item.installSceneEventFilter(gutter)
        return gutter

    def show_statuses(
        self,
        machine: str,
        statuses: dict[str, tuple[str, int, int]],
        *,
        paused: str | None = None,
        dimmed: set[str] | None = None,
        hints: dict[str, str] | None = None,
    ) -> None:
        """`hints`: state path -> how to serve a Task the run found unserved (tooltip and chip)."""
        dimmed = dimmed or set()
        hints = hints or {}
        for path, item in self._items(machine).items():
            status, retries, runs = statuses.get(path, (NOT_RUN, 0, 0))
            if path == paused:
                status = PAUSED
            overlay = self.shown_overlay(item)
            wanted = (status, retries, runs, path in dimmed)
            hint = hints.get(path, "") if status != NOT_RUN else ""
            if overlay is None and status == NOT_RUN and path not in dimmed:
                continue
            if overlay is not None and (*wanted, hint) == (
                overlay.status,
                overlay.retries,
                overlay.runs,
                overlay.dimmed,
                overlay.hint,
            ):
                continue  # unchanged: no repaint, no tooltip churn
            overlay = self.overlay(item)
            overlay.set_hint(hint)
            overlay.set_status(*wanted)
            if not item.problems:  # a problem list keeps the tooltip
                item.setToolTip(
                    f"{item.default_tooltip()}\n{overlay.tooltip_text()}"
                    if status != NOT_RUN
                    else item.default_tooltip()
                )

    def show_edges(self, machine: str, taken: set[tuple[str, str, bool]], started: set[str]) -> None:
        projection = self.scene.machines.get(machine)
        if projection is None:
            return
        for view in projection.scopes.values():
            for edge in view.edges:
                on = self._edge_taken(edge, taken, started)
                key = _edge_key(machine, edge)
                trail = _on(self._trails.get(key), edge) if key is not None else None
                if on and trail is None and key is not None:
                    self._trails[key] = EdgeTrail(edge)
                elif on and not trail.isVisible():
                    trail.setVisible(True)
                    trail.refresh()
                elif not on and trail is not None and trail.isVisible():
                    trail.setVisible(False)

    def shown_trail(self, machine: str, edge: EdgeItem) -> EdgeTrail | None:
        """The trail drawn on a taken edge, None when it has none."""
        key = _edge_key(machine, edge)
        return _on(self._trails.get(key), edge) if key is not None else None

    @staticmethod
    def _edge_taken(edge: EdgeItem, taken: set[tuple[str, str, bool]], started: set[str]) -> bool:
        target = getattr(edge.target, "address", None)
        if target is None:
            return False
        if edge.kind == "start":
            return target.path.rsplit("/States/", 1)[0] in started
        source = getattr(edge.source, "address", None)
        if source is None:
            return False
        catch = edge.kind == "catch"
        return (source.path, target.path, catch) in taken

    def clear(self, machine: str | None = None) -> None:
        machines = [machine] if machine else list(self.scene.machines)
        for name in machines:
            self.show_statuses(name, {})
            self.show_edges(name, set(), set())

    # breakpoints ------------------------------------------------------------------------------

    def show_breakpoints(self, machine: str, breakpoints: dict[str, str | None]) -> None:
        self.breakpoints[machine] = dict(breakpoints)
        for path, item in self._items(machine).items():
            gutter = self.gutter(item)
            gutter.set_breakpoint(path in breakpoints, breakpoints.get(path))

    def refresh_breakpoints(self) -> None:
        for machine in list(self.scene.machines):
            self.show_breakpoints(machine, self.breakpoints.get(machine, {}))

    # queues -----------------------------------------------------------------------------------

    def show_queue(
        self, name: str, visible: int, in_flight: int, dlq: int | None, samples: list[int]
    ) -> None:
        item = self.scene.item_for_key(f"queue:{name}")
        if item is None:
            return
        gauge = self.shown_gauge(name, item)
        if gauge is None:
            gauge = QueueGauge(item)
            self._gauges[name] = gauge
        gauge.set_depth(visible, in_flight, dlq, samples)

    def shown_gauge(self, name: str, item: ResourceItem) -> QueueGauge | None:
        """The depth gauge on a queue's item, None when it has none."""
        return _on(self._gauges.get(name), item)

    def clear_queues(self) -> None:
        for gauge in self._gauges.values():
            if not shiboken6.isValid(gauge):
                continue
            gauge.setVisible(False)
            item = gauge.parentItem()
            if isinstance(item, ResourceItem):
                item.depth = 0
                item.update()
            if gauge.scene() is not None:
                gauge.scene().removeItem(gauge)
        self._gauges.clear()


def _edge_key(machine: str, edge: EdgeItem) -> EdgeKey | None:
    """A transition by the states it joins (and the field naming it: a Choice may have two
    rules to one state); None for an edge not between states."""
    target = getattr(edge.target, "address", None)
    if target is None:
        return None
    source = getattr(edge.source, "address", None)
    return (machine, source.path if source is not None else "", target.path, edge.kind, edge.field)
