"""The event resources of a project on the canvas, and the route edges between them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from designer.canvas.items.base import NodeItem
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.labels import pattern_gist
from designer.canvas.routes import Endpoint, dead_letter_queues, project_routes

if TYPE_CHECKING:
    from designer.canvas.scene import DesignerScene


class ResourceProjection:
    def __init__(self, scene: DesignerScene) -> None:
        self.scene = scene
        self.items: dict[tuple[str, str], ResourceItem] = {}  # (project kind, name)
        self.routes: list[EdgeItem] = []

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

    def update_routes(self) -> None:
        for edge in self.routes:
            edge.update_path()

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
