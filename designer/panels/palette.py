"""The palette: the eight state types, ready-made patterns, the event resources and every AWS
action, searchable, draggable onto the canvas.

Dragging carries the entry's id under `application/x-statecanvas-palette`; the canvas creates
the item through the document's undo stack. Double-click adds it at the centre of the view.
The search box finds AWS actions too ("dynamo put", "PutItem"); the AWS actions tab browses
them by category (see `palette_actions`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QByteArray, QMimeData, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDrag, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.items.icons import draw_icon
from designer.canvas.patterns import pattern_entries
from designer.canvas.theme import Theme
from designer.canvas.view import PALETTE_MIME
from designer.document.templates import PaletteEntry, palette_entries
from designer.panels.palette_actions import ActionCatalog, ActionTree, entry_id, entry_tooltip

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


_ICONS: dict[tuple[str, str, int], QIcon] = {}


def icon_for(kind: str, theme: Theme, size: int = 22) -> QIcon:
    """A state or resource icon, drawn once per theme (the list is refilled on every keystroke)."""
    key = (kind, theme.name, size)
    if key not in _ICONS:
        _ICONS[key] = _draw_icon(kind, theme, size)
    return _ICONS[key]


def _draw_icon(kind: str, theme: Theme, size: int) -> QIcon:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw_icon(painter, kind, QRectF(2, 2, size - 4, size - 4), theme.type_color(kind), 1.5)
    painter.end()
    return QIcon(pixmap)


class PaletteList(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.setIconSize(QSize(22, 22))
        self.setSpacing(1)

    def startDrag(self, actions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None or not item.data(ENTRY_ROLE):
            return
        mime = QMimeData()
        mime.setData(PALETTE_MIME, QByteArray(item.data(ENTRY_ROLE).encode("utf-8")))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(item.icon().pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)


class PalettePanel(QWidget):
    activated = Signal(str)  # entry id

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        base = palette_entries()
        states = [e for e in base if e.group == "States"]
        # Patterns between the building blocks and the event resources: they use both.
        self.entries: list[PaletteEntry] = [
            *states,
            *pattern_entries(),
            *(e for e in base if e not in states),
        ]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search states, patterns, resources and AWS actions")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.actions = ActionCatalog(self)
        self.actions.ready.connect(self._actions_ready)
        # Read the catalog's index while the user looks around, so the first search is instant.
        QTimer.singleShot(0, self.actions.load)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.list = PaletteList()
        self.tabs.addTab(self.list, "Flow")
        self.action_tree = ActionTree(self.actions)
        self.tabs.addTab(self.action_tree, "AWS actions")
        layout.addWidget(self.tabs, 1)
        self.search.textChanged.connect(self.filter)
        self.search.textEdited.connect(lambda _t: self.tabs.setCurrentWidget(self.list))
        for signal in (self.action_tree.itemActivated, self.action_tree.itemDoubleClicked):
            signal.connect(lambda item, _c: self._activate(item.data(0, ENTRY_ROLE)))
        self.list.itemActivated.connect(lambda item: self._activate(item.data(ENTRY_ROLE)))
        self.list.itemDoubleClicked.connect(lambda item: self._activate(item.data(ENTRY_ROLE)))
        self._last_activation: tuple[str, float] = ("", 0.0)
        self.set_theme(theme)
        self._fit_width()

    def _activate(self, entry: str | None) -> None:
        """Add an entry once per double-click: most styles report a double-click both as
        activation and as a double-click, and one gesture must add one state."""
        if not entry:
            return
        now = time.monotonic()
        last, when = self._last_activation
        self._last_activation = (entry, now)
        if last == entry and now - when < QApplication.doubleClickInterval() / 1000:
            return
        self.activated.emit(entry)
        # The gesture's other signal arrives once this one's work is done: adding a state can take
        # longer than a double-click interval (a service Task builds its request form), so the
        # interval counts from the end of that work, not from its start.
        self._last_activation = (entry, time.monotonic())

    def _fit_width(self) -> None:
        """Never cut an entry short: the list is as wide as its longest entry (all entries are
        listed now, before any search) plus the frame and a vertical scroll bar."""
        list_ = self.list
        text = max(list_.sizeHintForColumn(0), 0)
        scroll_bar = list_.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        width = text + 2 * list_.frameWidth() + 2 * list_.spacing() + scroll_bar + 6
        list_.setMinimumWidth(width)
        list_.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        list_.setTextElideMode(Qt.TextElideMode.ElideNone)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.filter(self.search.text())

    def filter(self, text: str) -> None:
        needle = text.strip().casefold()
        self.list.clear()
        group = None
        for entry in self.entries:
            haystack = f"{entry.label} {entry.description} {entry.group}".casefold()
            if needle and needle not in haystack:
                continue
            if entry.group != group:
                group = entry.group
                header = QListWidgetItem(group.upper())
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = header.font()
                font.setPointSizeF(max(font.pointSizeF() - 1.5, 7.0))
                font.setBold(True)
                header.setFont(font)
                self.list.addItem(header)
            item = QListWidgetItem(icon_for(entry.icon, self.theme), entry.label)
            item.setToolTip(entry.description)
            item.setData(ENTRY_ROLE, entry.id)
            self.list.addItem(item)
        if len(needle) >= 2:
            self._list_actions(needle)

    def _actions_ready(self) -> None:
        if self.search.text().strip():
            self.filter(self.search.text())

    def _list_actions(self, needle: str) -> None:
        """The AWS actions the search finds, under their own heading (optimized ones first)."""
        self.actions.load()
        self.list.addItem(self._header("AWS actions"))
        if not self.actions.loaded:
            self.list.addItem(self._note("Loading AWS actions…"))
            return
        if self.actions.failed:
            self.list.addItem(self._note(self.actions.failed))
            return
        found = self.actions.search(needle)
        if not found:
            self.list.addItem(self._note("No AWS action matches."))
        task_icon = icon_for("Task", self.theme)
        for action in found:
            # Two lines: the operation reads whole in a narrow palette, the service under it.
            kind = "optimized" if action.optimized else "SDK"
            service = action.service_title.removeprefix("Amazon ").removeprefix("AWS ")
            item = QListWidgetItem(task_icon, f"{action.operation}\n{service} · {kind}")
            item.setToolTip(entry_tooltip(action))
            item.setData(ENTRY_ROLE, entry_id(action.resource))
            self.list.addItem(item)

    def _header(self, text: str) -> QListWidgetItem:
        header = QListWidgetItem(text.upper())
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        font = header.font()
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 7.0))
        font.setBold(True)
        header.setFont(font)
        return header

    def _note(self, text: str) -> QListWidgetItem:
        note = QListWidgetItem(text)
        note.setFlags(Qt.ItemFlag.NoItemFlags)
        return note

    def visible_entries(self) -> list[str]:
        return [
            self.list.item(i).data(ENTRY_ROLE)
            for i in range(self.list.count())
            if self.list.item(i).data(ENTRY_ROLE)
        ]
