"""The palette's AWS actions: every API action of every service, found by search or browsed by
category as in Workflow Studio (optimized integrations first), dropped as a ready Task.

The catalog is read off the UI thread: the palette opens at once, the action index (about
20,000 actions, cached on disk by the engine) is built in a thread the first time it is
needed, and the search list says "Loading AWS actions…" until it is there. A dropped action
becomes a Task whose Resource calls it and whose Parameters (Arguments in a JSONata machine)
hold the operation's required members, as one undo step (`designer.document.compound_edits`
plans it).
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QObject, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from designer.canvas.view import PALETTE_MIME
from designer.document.background import BackgroundJob
from engine.services import ActionEntry, action_index, catalog, categories, optimized_actions, search_actions

ACTION_PREFIX = "action:"
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
SERVICE_ROLE = Qt.ItemDataRole.UserRole + 2
OPTIMIZED_GROUP = "Optimized integrations"
OTHER_GROUP = "All other services"
SEARCH_LIMIT = 30


class ActionCatalog(QObject):
    """The action index, built once in a background thread; `ready` says when it is there."""

    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loaded = False
        self.failed = ""
        self._index = BackgroundJob(action_index, "aws-action-index", self)
        self._index.finished.connect(self._finish)

    def load(self) -> None:
        """Start building the index (once); `ready` is emitted on the UI thread when done."""
        if not self.loaded:
            self._index.start()

    def _finish(self, problem: str) -> None:
        # Without botocore data the palette still offers every state.
        self.failed, self.loaded = (f"AWS actions unavailable: {problem}" if problem else ""), True
        with contextlib.suppress(RuntimeError):  # the palette went away while the index was built
            self.ready.emit()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the index is built (benchmarks, tests); `ready` is emitted before returning."""
        self._index.wait(timeout)

    def search(self, text: str) -> list[ActionEntry]:
        return search_actions(text, SEARCH_LIMIT) if self.loaded and not self.failed else []


def entry_id(resource: str) -> str:
    return ACTION_PREFIX + resource


def entry_tooltip(entry: ActionEntry) -> str:
    kind = "Optimized integration" if entry.optimized else "AWS SDK integration"
    patterns = ", ".join(p or "request-response" for p in entry.patterns)
    return f"{entry.label}\n{kind}: {entry.resource}\nPatterns: {patterns}"


class ActionTree(QTreeWidget):
    """Services by category; a service's actions are listed when it is first opened."""

    def __init__(self, actions: ActionCatalog, parent: Any = None) -> None:
        super().__init__(parent)
        self.actions = actions
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QTreeWidget.DragDropMode.DragOnly)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(16, 16))
        self.itemExpanded.connect(self._fill)
        self._built = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.build()

    def build(self) -> None:
        """The categories and their services (the index must be loaded for the SDK services)."""
        if self._built:
            return
        if not self.actions.loaded:
            self.actions.ready.connect(self._on_ready)
            self.actions.load()
            self.clear()
            self.addTopLevelItem(QTreeWidgetItem(["Loading AWS actions…"]))
            return
        self._built = True
        self.clear()
        optimized = self._group(OPTIMIZED_GROUP)
        seen_titles: dict[str, QTreeWidgetItem] = {}
        for info in optimized_actions().values():
            parent = seen_titles.get(info.service)
            if parent is None:
                parent = seen_titles[info.service] = QTreeWidgetItem(optimized, [info.title])
                parent.setToolTip(0, f"{info.title}: optimized integration ({info.service})")
            self._action(parent, info.resource, catalog.operation_name(info.action), info.title)
        optimized.setExpanded(True)
        try:
            services = catalog.services() if not self.actions.failed else {}
        except Exception:
            services = {}
        placed: set[str] = set()
        for category, names in categories().items():
            present = [n for n in names if n in services]
            if not present:
                continue
            group = self._group(category)
            for name in sorted(present, key=lambda n: services[n].title.casefold()):
                self._service(group, services[name])
                placed.add(name)
        rest = self._group(OTHER_GROUP)
        for name in sorted(
            (n for n in services if n not in placed), key=lambda n: services[n].title.casefold()
        ):
            self._service(rest, services[name])

    def _on_ready(self) -> None:
        self.build()

    def _group(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _service(self, group: QTreeWidgetItem, service: catalog.ServiceEntry) -> None:
        item = QTreeWidgetItem(group, [f"{service.title}"])
        item.setToolTip(0, f"{service.title} (aws-sdk:{service.sdk}) · {len(service.operations)} actions")
        item.setData(0, SERVICE_ROLE, service.sdk)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)

    def _action(self, parent: QTreeWidgetItem, resource: str, operation: str, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [operation])
        item.setData(0, ENTRY_ROLE, entry_id(resource))
        item.setToolTip(0, f"{title}: {operation}\n{resource}")
        return item

    def _fill(self, item: QTreeWidgetItem) -> None:
        sdk = item.data(0, SERVICE_ROLE)
        if not sdk or item.childCount():
            return
        service = catalog.services().get(sdk)
        for operation in service.operations if service is not None else ():
            resource = f"arn:aws:states:::aws-sdk:{sdk}:{catalog.action_name(operation)}"
            self._action(item, resource, operation, service.title)

    def startDrag(self, actions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None or not item.data(0, ENTRY_ROLE):
            return
        mime = QMimeData()
        mime.setData(PALETTE_MIME, QByteArray(item.data(0, ENTRY_ROLE).encode("utf-8")))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)
