"""The main window: canvas in the middle, palette, code view, inspector and problems docked.

File handling never leaves the document half-loaded: a file is read completely first and
only then replaces what is shown; a failure shows a message box (non-modal) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QSettings, QSize, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from designer.app import machine_actions
from designer.app.actions import Actions
from designer.app.recovery import Autosave, RecoveryEntry, default_recovery_dir
from designer.app.wheel_guard import install_wheel_guard
from designer.canvas.editor import CanvasEditor
from designer.canvas.export import export_png, export_svg
from designer.canvas.find_bar import FindBar
from designer.canvas.inline_rename import InlineRename
from designer.canvas.items.frame_item import MachineFrameItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.scene import DesignerScene
from designer.canvas.theme import theme_named
from designer.canvas.view import CanvasView
from designer.document.files import DocumentLoadError, load_document_file, new_document
from designer.document.project_document import ProjectDocument
from designer.panels.code_view import CodeView
from designer.panels.inspector import InspectorPanel
from designer.panels.palette import PalettePanel
from designer.panels.problems import ProblemsPanel
from engine.asl import owning_state
from engine.project import atomic_write_text

OPEN_FILTER = (
    "StateCanvas files (*.statecanvas.json *.asl.json *.asl.yaml *.json *.yaml *.yml);;"
    "Projects (*.statecanvas.json);;ASL definitions (*.asl.json *.asl.yaml *.json);;"
    "SAM / CloudFormation templates (*.yaml *.yml *.json *.template);;All files (*)"
)
MAX_RECENT = 8
GEOMETRY_KEY = "window/geometry"
DOCK_STATE_KEY = "window/dockState"
DOCK_STATE_VERSION = 1  # raise when the docks change so that an old arrangement is not restored
BOTTOM_DOCK_HEIGHT = 150  # problems and execution panels at first open: a few rows, a quarter at most
FIRST_OPEN_SIZE = (1440, 900), (1600, 1000)  # the window's first size: at least, at most


def first_open_size() -> QSize:
    """The window's size before the user chose one: the screen's free area within the bounds
    (a screen smaller than the least is left to the window manager, which fits the window)."""
    (least_w, least_h), (most_w, most_h) = FIRST_OPEN_SIZE
    screen = QGuiApplication.primaryScreen()
    free = screen.availableGeometry().size() if screen is not None else QSize(most_w, most_h)
    return QSize(max(least_w, min(free.width(), most_w)), max(least_h, min(free.height(), most_h)))


class MainWindow(QMainWindow):
    def __init__(
        self,
        path: str | Path | None = None,
        *,
        settings: QSettings | None = None,
        recovery_dir: Path | None = None,
        offer_recovery: bool = True,
    ) -> None:
        super().__init__()
        install_wheel_guard(QApplication.instance())  # no wheel edits a field without focus, app-wide
        self.settings = settings or QSettings("StateCanvas", "StateCanvas")
        self.theme = theme_named(str(self.settings.value("theme", "light")))
        self.direction = str(self.settings.value("direction", "TB"))
        self.ask_before_close = True
        self.message_box: QMessageBox | None = None
        self.document = ProjectDocument(new_document(), self)
        self.scene = DesignerScene(self.document, self.theme, self.direction, parent=self)
        self.editor = CanvasEditor(self.document, self.scene)
        self.view = CanvasView(self.scene, self.editor)
        self.find_bar = FindBar(self.scene)
        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(centre)
        self._build_docks()
        self.actions_ = Actions(self)
        self.actions_.build_menus()
        for dock in (self.palette_dock, self.code_dock, self.inspector_dock, self.problems_dock):
            self.actions_.panels_menu.addAction(dock.toggleViewAction())
        (self.actions_.dark if self.theme.name == "dark" else self.actions_.light).setChecked(True)
        (self.actions_.left_right if self.direction == "LR" else self.actions_.top_down).setChecked(True)
        self._wire()
        # Imported here for start-up time: the debugger loads with the first window, not with this module.
        from designer.debug.controller import DebugController

        self.debug = DebugController(self)  # Run menu, toolbar, execution panels, canvas status
        self.autosave = Autosave(self.document, recovery_dir or default_recovery_dir())
        self._close_confirmed = False
        self._recovery_queue: list[RecoveryEntry] = []
        self.apply_theme()
        self.resize(first_open_size())
        self.restore_layout()
        self.actions_.rebuild_recent(self.recent_files())
        self._update_title()
        if path is not None:
            self.open_path(path)  # FILE is open whatever recovery data there is
        if offer_recovery:
            self.offer_startup_recovery()
        self.statusBar().showMessage(
            "Drag states from the palette; drag from a state's port to connect.", 8000
        )

    def _build_docks(self) -> None:
        self.palette = PalettePanel(self.theme)
        self.code_view = CodeView(self.document, self.theme)
        self.inspector = InspectorPanel(self.document, self.theme)
        self.problems = ProblemsPanel(self.document)
        self.palette_dock = self._dock("Palette", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.code_dock = self._dock("Code", self.code_view, Qt.DockWidgetArea.RightDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.problems_dock = self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        # The inspector above the code view, both in sight: a field's edit shows in the JSON at once.
        self.splitDockWidget(self.inspector_dock, self.code_dock, Qt.Orientation.Vertical)
        # The canvas owns most of the window: the side docks run the full height (the bottom
        # panels sit under the canvas only) and the bottom panels start low; the execution
        # docks join them as tabs and can be made smaller still (see debug/run_menu.shrinkable).
        self.resize(first_open_size())  # the default size, so that the dock sizes below are kept
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        palette_width = self.palette.minimumSizeHint().width()
        self.resizeDocks([self.palette_dock], [palette_width], Qt.Orientation.Horizontal)
        self.resizeDocks([self.code_dock], [360], Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock, self.code_dock], [500, 340], Qt.Orientation.Vertical)
        self.resizeDocks([self.problems_dock], [BOTTOM_DOCK_HEIGHT], Qt.Orientation.Vertical)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _wire(self) -> None:
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.scene.selectionChanged.connect(self._on_selection)
        self.view.context_menu_requested.connect(
            lambda item, pos: self.actions_.context_menu(item).popup(pos)
        )
        self.view.rename_requested.connect(self.start_rename)
        self.find_bar.jump.connect(self.view.reveal)
        self.palette.activated.connect(self._add_at_centre)
        self.problems.activated.connect(self.select_culprit)
        self.inspector.select_requested.connect(lambda machine, path: self.editor.select_state(machine, path))
        self.inspector.machine_select_requested.connect(lambda n: machine_actions.select_machine(self, n))
        self.inspector.frame_position = lambda n: machine_actions.frame_position(self, n)
        self.document.undo_stack.cleanChanged.connect(lambda _clean: self._update_title())
        self.document.path_changed.connect(self._update_title)
        self.document.diagnostics_changed.connect(lambda _m: self._update_problem_title())
        self.document.document_reset.connect(self._update_problem_title)
        self._update_problem_title()

    # selection ---------------------------------------------------------------------------------

    def _on_selection(self) -> None:
        try:
            selected = self.scene.selectedItems()
        except RuntimeError:  # the scene is going away
            return
        first = selected[0] if selected else None
        self.inspector.show_item(first)
        if isinstance(first, StateItem):
            self.code_view.highlight_state(first.address.machine, first.address.path)
        elif isinstance(first, MachineFrameItem):
            self.code_view.set_machine(first.machine)
            self.code_view.highlight_state(first.machine, None)

    def select_all(self) -> None:
        for item in self.scene.items():
            if isinstance(item, StateItem) and not item.address.scope:
                item.setSelected(True)

    def select_culprit(self, machine: str, location: str) -> None:
        path = owning_state(location)
        item = self.scene.state_item(machine, path) if path else None
        if item is None and machine in self.scene.machines:
            item = self.scene.machines[machine].frame
        if item is not None:
            self.editor.select_item(item)
            self.view.reveal(item)

    def start_rename(self, item: StateItem | None = None) -> None:
        item = item or next(iter(self.scene.selected_states()), None)
        if item is not None:
            self._rename_editor = InlineRename(self.view, item, self.editor.rename)

    def rename_selected(self) -> None:
        self.start_rename(None)

    def _add_at_centre(self, entry: str) -> None:
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        self.editor.add_from_palette(entry, QPointF(centre))

    # files -------------------------------------------------------------------------------------

    def show_message(
        self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Warning
    ) -> QMessageBox:
        """A message box that does not block (tests close it; users read it)."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.message_box = box
        self.statusBar().showMessage(text.splitlines()[0], 10000)
        return box

    def open_path(self, path: str | Path) -> bool:
        try:
            data = load_document_file(path)
        except DocumentLoadError as exc:
            reasons = "\n".join(f"• {r}" for r in exc.reasons)
            self.show_message(
                "Cannot open file",
                f"StateCanvas cannot open {exc.path}.\n\n{reasons}\n\nNothing was changed.",
            )
            return False
        self.document.reset(data)
        self.view.fit(readable=True)
        # The keys (F5, F9, F10, F11) act on the opened document at once: the file dialog gave
        # the keyboard away, and without this nothing would answer them until the canvas is clicked.
        self.activateWindow()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if data.path is not None:
            self.add_recent(str(Path(path).resolve()))
        self.statusBar().showMessage(f"Opened {path}", 5000)
        if data.notes:
            notes = "\n".join(f"• {n}" for n in data.notes[:12])
            self.show_message(
                "Imported with problems",
                f"Some parts of {path} were left out:\n\n{notes}",
                QMessageBox.Icon.Information,
            )
        return True

    def maybe_save(
        self,
        proceed: Callable[[], object],
        doing: str = "continuing",
        cancelled: Callable[[], object] | None = None,
    ) -> bool:
        """Run `proceed` once the document's unsaved changes are safe; the one gate for New, Open,
        Open Recent, recovering and closing.

        A clean document proceeds at once (returns True). Otherwise a window-modal question asks
        Save / Discard / Cancel and returns False; the answer decides later: Save proceeds only
        when the save succeeded (a cancelled Save As or a failed write aborts), Discard proceeds
        (the document is only replaced by `proceed`, so a failed open still keeps it), Cancel
        leaves the document and its undo history untouched (and calls `cancelled`, if given).
        """
        if not self.document.modified:
            proceed()
            return True
        name = self.document.path.name if self.document.path else "untitled"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            f"{name} has unsaved changes. Save them before {doing}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            button = box.standardButton(box.clickedButton()) if box.clickedButton() else None
            if button == QMessageBox.StandardButton.Discard or (
                button == QMessageBox.StandardButton.Save and self.save()
            ):
                proceed()
            elif cancelled is not None:
                cancelled()

        box.finished.connect(answered)
        box.open()
        self.message_box = box
        return False

    def open_dialog(self) -> None:
        self.maybe_save(self._choose_and_open, "opening another file")

    def _choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open", str(self._last_dir()), OPEN_FILTER)
        if path:
            self.open_path(path)

    def open_file(self, path: str | Path) -> bool:
        """Open `path` as the user asked for it (Open Recent, a pulled project): ask about changes
        first. True when it opened at once; False when it failed or waits for the user's answer."""
        opened: list[bool] = []
        self.maybe_save(lambda: opened.append(self.open_path(path)), f"opening {Path(path).name}")
        return bool(opened and opened[0])

    def new_document(self) -> None:
        self.maybe_save(self._replace_with_new, "starting a new document")

    def _replace_with_new(self) -> None:
        self.document.reset(new_document())
        self.view.fit()

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        suggested = str(self.document.path or self._last_dir() / "untitled.statecanvas.json")
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save As",
            suggested,
            "Projects (*.statecanvas.json);;ASL definition (*.asl.json *.asl.yaml)",
        )
        return bool(path) and self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            saved = self.document.save(path, shown_at=self.scene.shown_positions())
        except (OSError, ValueError) as exc:
            self.show_message(
                "Cannot save",
                f"StateCanvas could not save {path}:\n{exc}\n\n"
                "The file on disk is unchanged and your changes are still open.",
            )
            return False
        self.autosave.discard()
        self.add_recent(str(saved.resolve()))
        self.statusBar().showMessage(f"Saved {saved}", 5000)
        return True

    def current_machine(self) -> str | None:
        return self.editor.current_machine()

    def export_to(self, fmt: str, path: str | Path, machine: str | None = None) -> None:
        if fmt == "asl":
            machine = machine or self.current_machine()
            if machine is None:
                raise ValueError("there is no state machine to export")
            atomic_write_text(path, self.document.canonical_text(machine), backup=False)
        elif fmt == "png":
            export_png(self.scene, path)
        elif fmt == "svg":
            export_svg(self.scene, path, self.windowTitle())
        else:
            raise ValueError(f"unknown export format {fmt!r}")

    def export_dialog(self, fmt: str) -> None:
        filters = {"asl": "ASL JSON (*.asl.json)", "png": "PNG image (*.png)", "svg": "SVG image (*.svg)"}
        suffix = {"asl": ".asl.json", "png": ".png", "svg": ".svg"}[fmt]
        base = self.current_machine() or "export"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export", str(self._last_dir() / f"{base}{suffix}"), filters[fmt]
        )
        if not path:
            return
        try:
            self.export_to(fmt, path)
        except (OSError, ValueError) as exc:
            self.show_message("Export failed", str(exc))
            return
        self.statusBar().showMessage(f"Exported {path}", 5000)

    def _last_dir(self) -> Path:
        recent = self.recent_files()
        return Path(recent[0]).parent if recent else Path.cwd()

    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        paths = [path, *[p for p in self.recent_files() if p != path]][:MAX_RECENT]
        self.settings.setValue("recentFiles", paths)
        self.actions_.rebuild_recent(paths)

    # recovery ----------------------------------------------------------------------------------

    def offer_startup_recovery(self) -> None:
        """Offer the unsaved work that instances which did not exit cleanly left behind.

        The open file's own recovery data comes first; other documents' follow, each asking
        before it would replace what is shown. Entries another running instance owns are
        never offered (see designer.app.recovery.lock).
        """
        entries = self.autosave.offerable()
        entries.sort(key=lambda e: not e.belongs_to(self.document.path))
        self._recovery_queue = [e for e in entries if self.autosave.claim(e)]
        self._offer_next_recovery()

    def _offer_next_recovery(self) -> None:
        if self._recovery_queue:
            self.offer_recovery(self._recovery_queue.pop(0))

    def offer_recovery(self, entry: RecoveryEntry) -> QMessageBox:
        own = entry.belongs_to(self.document.path)
        shown = self.document.path.name if self.document.path else None
        text = f"StateCanvas did not close cleanly. Recover the unsaved changes to {entry.title}"
        text += f" (autosaved {entry.when()})?"
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard
        if not own and shown is not None:
            text += f"\n\nRecovering shows them instead of {shown}, which stays as it is on disk."
            buttons |= QMessageBox.StandardButton.Ignore
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work?", text, buttons, self)
        box.button(QMessageBox.StandardButton.Yes).setText("Recover")
        if box.button(QMessageBox.StandardButton.Ignore) is not None:
            box.button(QMessageBox.StandardButton.Ignore).setText("Keep for Later")
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            button = box.standardButton(clicked) if clicked else QMessageBox.StandardButton.Ignore
            self._recovery_answer(entry, button)

        box.finished.connect(answered)
        box.open()
        self.message_box = box
        return box

    def _recovery_answer(self, entry: RecoveryEntry, button: QMessageBox.StandardButton) -> None:
        if button == QMessageBox.StandardButton.Yes:
            self.maybe_save(
                lambda: self._recover(entry),
                f"recovering {entry.title}",
                cancelled=lambda: self._recovery_answer(entry, QMessageBox.StandardButton.Ignore),
            )
            return
        if button == QMessageBox.StandardButton.Discard:
            self.autosave.drop(entry)
        else:
            self.autosave.keep_for_later(entry)
        self._offer_next_recovery()

    def _recover(self, entry: RecoveryEntry) -> None:
        try:
            data = self.autosave.read(entry)
        except DocumentLoadError as exc:
            kept = self.autosave.set_aside(entry)
            self.show_message(
                "Cannot recover",
                f"StateCanvas cannot read the unsaved changes to {entry.title}.\n\n{exc}\n\n"
                f"The data was kept as {kept} and will not be offered again.",
            )
            self._offer_next_recovery()
            return
        self.document.reset(data)
        self.document.undo_stack.resetClean()  # recovered work is unsaved work
        self.autosave.adopt(entry)
        self.view.fit(readable=True)
        self.statusBar().showMessage(f"Recovered the unsaved changes to {entry.title}", 8000)
        self._offer_next_recovery()

    # window layout -----------------------------------------------------------------------------

    def restore_layout(self) -> None:
        """Put the window and its docks where the user left them; a bad stored value is ignored."""
        geometry = self.settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value(DOCK_STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state, DOCK_STATE_VERSION)

    def save_layout(self) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.settings.setValue(DOCK_STATE_KEY, self.saveState(DOCK_STATE_VERSION))

    # look --------------------------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        self.theme = theme_named(name)
        self.settings.setValue("theme", self.theme.name)
        self.apply_theme()

    def apply_theme(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.setPalette(self.theme.palette())
        self.scene.set_theme(self.theme)
        self.code_view.set_theme(self.theme)
        self.palette.set_theme(self.theme)
        self.inspector.set_theme(self.theme)
        self.view.viewport().update()
        self.view.minimap.refresh()

    def set_direction(self, direction: str) -> None:
        self.direction = direction
        self.settings.setValue("direction", direction)
        self.scene.set_direction(direction)
        self.view.fit()

    def _update_title(self) -> None:
        try:
            modified = self.document.modified
        except RuntimeError:  # the window is being destroyed and its undo stack went first
            return
        name = self.document.path.name if self.document.path else "untitled"
        self.setWindowTitle(f"{name}{' •' if modified else ''} — StateCanvas")

    def _update_problem_title(self) -> None:
        count = sum(len(v) for v in self.document.diagnostics.values())
        self.problems_dock.setWindowTitle(f"Problems ({count})" if count else "Problems")

    def about(self) -> None:
        self.show_message(
            "About StateCanvas",
            "StateCanvas designs, validates, runs and debugs AWS-style state machines and event "
            "routes on your machine.",
            QMessageBox.Icon.Information,
        )

    # closing -----------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close and Quit ask like New and Open; the window closes once the work is safe."""
        if self.ask_before_close and self.document.modified and not self._close_confirmed:
            event.ignore()
            self.maybe_save(self._close_after_answer, "closing")
            return
        self.save_layout()
        self.autosave.shut_down()
        event.accept()

    def _close_after_answer(self) -> None:
        self._close_confirmed = True
        if not self.close():
            self._close_confirmed = False
