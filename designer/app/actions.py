"""The main window's actions, menus and context menus: every action in a menu, with its shortcut."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from designer.app import export_actions, machine_actions, serve_panel
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.frame_item import MachineFrameItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from engine.asl import StateAddress, scope_states

if TYPE_CHECKING:
    from designer.app.main_window import MainWindow


def _open_deploy_dialog(window: MainWindow, mode: str) -> None:
    """Deploy or pull; engine.deploy is loaded when first asked for, not at every start of the designer."""
    # Imported here for start-up time: the deploy dialog brings engine.deploy.
    from designer.app import deploy_dialog

    deploy_dialog.open_dialog(window, mode)


class Actions:
    """Creates the window's QActions and its menu bar."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        w = window
        undo = w.document.undo_stack
        self.new = self._make("&New", w.new_document, QKeySequence.StandardKey.New)
        self.open = self._make("&Open…", w.open_dialog, QKeySequence.StandardKey.Open)
        self.save = self._make("&Save", w.save, QKeySequence.StandardKey.Save)
        self.save_as = self._make("Save &As…", w.save_as, QKeySequence.StandardKey.SaveAs)
        self.export_asl = self._make("ASL JSON…", lambda: w.export_dialog("asl"))
        self.export_png = self._make("PNG image…", lambda: w.export_dialog("png"))
        self.export_svg = self._make("SVG image…", lambda: w.export_dialog("svg"))
        self.export_text = [  # ASL YAML, rules, CloudFormation, SAM, Mermaid: designer/app/export_actions.py
            self._make(f"{fmt.label}…", lambda k=kind: export_actions.export_dialog(w, k))
            for kind, fmt in export_actions.FORMATS.items()
        ]
        self.deploy = self._make("&Deploy to AWS…", lambda: _open_deploy_dialog(w, "deploy"))
        self.pull = self._make("P&ull from AWS…", lambda: _open_deploy_dialog(w, "pull"))
        self.serve_locally = self._make("Ser&ve Locally", lambda: serve_panel.toggle(w))
        self.quit = self._make("&Quit", w.close, QKeySequence.StandardKey.Quit)
        self.undo = undo.createUndoAction(w, "&Undo")
        self.undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo = undo.createRedoAction(w, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.cut = self._make("Cu&t", w.editor.cut_selection, QKeySequence.StandardKey.Cut)
        self.copy = self._make("&Copy", w.editor.copy_selection, QKeySequence.StandardKey.Copy)
        self.paste = self._make("&Paste", w.editor.paste, QKeySequence.StandardKey.Paste)
        # A selected machine frame is deleted only after asking (designer/app/machine_actions.py).
        self.delete = self._make(
            "&Delete", lambda: machine_actions.delete_selection(w), QKeySequence(Qt.Key.Key_Delete)
        )
        self.delete.setShortcuts([QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)])
        self.duplicate = self._make("D&uplicate", w.editor.duplicate_selection, QKeySequence("Ctrl+D"))
        self.rename = self._make("Re&name", w.rename_selected, QKeySequence(Qt.Key.Key_F2))
        self.quick_add = self._make(
            "Add &Pass After Selection", w.editor.quick_add_after_selection, QKeySequence(Qt.Key.Key_Tab)
        )
        self.add_machine = self._make("Add State &Machine", lambda: machine_actions.add_machine(w))
        self.delete_machine = self._make(
            "Delete State Machine…", lambda: machine_actions.delete_current_machine(w)
        )
        self.find = self._make("&Find…", w.find_bar.open, QKeySequence.StandardKey.Find)
        self.select_all = self._make("Select &All", w.select_all, QKeySequence.StandardKey.SelectAll)
        self.fit = self._make("&Fit to Window", w.view.fit, QKeySequence(Qt.Key.Key_F))
        self.centre = self._make("&Centre Selection", w.view.centre, QKeySequence("Alt+C"))
        self.zoom_in = self._make("Zoom &In", w.view.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.zoom_out = self._make("Zoom &Out", w.view.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.layout_all = self._make(
            "&Auto-layout", lambda: w.editor.auto_layout(False), QKeySequence("Ctrl+L")
        )
        self.layout_selection = self._make(
            "Auto-layout &Selection", lambda: w.editor.auto_layout(True), QKeySequence("Ctrl+Shift+L")
        )
        self.direction_group = QActionGroup(w)
        self.top_down = self._checkable("Top to Bottom", self.direction_group, lambda: w.set_direction("TB"))
        self.left_right = self._checkable(
            "Left to Right", self.direction_group, lambda: w.set_direction("LR")
        )
        self.theme_group = QActionGroup(w)
        self.light = self._checkable("&Light", self.theme_group, lambda: w.set_theme("light"))
        self.dark = self._checkable("&Dark", self.theme_group, lambda: w.set_theme("dark"))
        self.about = self._make("&About StateCanvas", w.about)
        # Editing shortcuts belong to the canvas: the code view and inspector keep their own.
        for action in (
            self.delete,
            self.duplicate,
            self.fit,
            self.centre,
            self.rename,
            self.quick_add,
            self.cut,
            self.copy,
            self.paste,
            self.select_all,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            w.view.addAction(action)
        self.recent_menu: QMenu | None = None

    def _make(self, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _checkable(self, text: str, group: QActionGroup, slot: Any) -> QAction:
        action = self._make(text, slot)
        action.setCheckable(True)
        group.addAction(action)
        return action

    def build_menus(self) -> None:
        bar = self.window.menuBar()
        file = bar.addMenu("&File")
        file.addActions([self.new, self.open])
        self.recent_menu = file.addMenu("Open &Recent")
        file.addSeparator()
        file.addActions([self.save, self.save_as])
        export = file.addMenu("&Export")
        export.addActions([self.export_asl, self.export_png, self.export_svg])
        export.addSeparator()
        export.addActions(self.export_text)
        file.addActions([self.deploy, self.pull, self.serve_locally])
        file.addSeparator()
        file.addAction(self.quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo, self.redo])
        edit.addSeparator()
        edit.addActions([self.cut, self.copy, self.paste, self.delete, self.duplicate, self.rename])
        edit.addAction(self.quick_add)
        edit.addSeparator()
        edit.addActions([self.add_machine, self.delete_machine])
        edit.addSeparator()
        edit.addActions([self.select_all, self.find])
        view = bar.addMenu("&View")
        view.addActions([self.fit, self.centre, self.zoom_in, self.zoom_out])
        view.addSeparator()
        view.addActions([self.layout_all, self.layout_selection])
        direction = view.addMenu("Layout &Direction")
        direction.addActions([self.top_down, self.left_right])
        theme = view.addMenu("&Theme")
        theme.addActions([self.light, self.dark])
        view.addSeparator()
        self.panels_menu = view.addMenu("&Panels")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about)

    def rebuild_recent(self, paths: list[str]) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.window.open_file(p))
        self.recent_menu.setEnabled(bool(paths))

    # context menus -----------------------------------------------------------------------------

    def context_menu(self, item: Any) -> QMenu:
        w = self.window
        menu = QMenu(w)
        if isinstance(item, StateItem):
            menu.addAction(self.rename)
            start = menu.addAction("Set as &Start")
            start.triggered.connect(lambda: w.editor.set_start(item))
            self._connect_menus(menu, item)
            menu.addSeparator()
            menu.addActions([self.duplicate, self.copy, self.cut, self.delete])
            if not item.address.scope:
                menu.addSeparator()
                menu.addAction(self.layout_selection)
            if hasattr(w, "debug"):
                w.debug.context_actions(menu, item)
        elif isinstance(item, EdgeItem) and item.kind not in ("start", "route"):
            remove = menu.addAction("&Delete Transition")
            remove.triggered.connect(w.editor.delete_selection)
        elif isinstance(item, MachineFrameItem):
            machine_actions.frame_menu(menu, w, item)
            menu.addAction(self.layout_all)
        elif isinstance(item, ResourceItem):
            menu.addAction(self.delete)
        else:
            menu.addActions([self.paste, self.layout_all, self.fit])
        return menu

    def _connect_menus(self, menu: QMenu, item: StateItem) -> None:
        doc = self.window.document
        siblings = [
            n
            for n in scope_states(doc.definition(item.address.machine), item.address.scope)
            if n != item.address.name
        ]
        kinds = []
        if item.kind == "Choice":
            kinds = [("Add Choice &Rule to", "choice"), ("Set &Default to", "default")]
        elif item.can_have_next():
            kinds = [("Set &Next to", "next")]
        if item.kind in ("Task", "Parallel", "Map"):
            kinds.append(("Add &Catch to", "catch"))
        for title, kind in kinds:
            sub = menu.addMenu(title)
            sub.setEnabled(bool(siblings))
            for name in siblings:
                action = sub.addAction(name)
                target = StateAddress(item.address.machine, item.address.scope, name).path
                action.triggered.connect(lambda _c=False, t=target, k=kind: self._connect(item, t, k))

    def _connect(self, item: StateItem, target_path: str, kind: str) -> None:
        target = self.window.scene.state_item(item.address.machine, target_path)
        if target is not None:
            self.window.editor.connect(item, target, kind)
