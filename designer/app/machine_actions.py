"""Adding, deleting and selecting whole state machines from the window's menus.

Adding places the new machine's frame to the right of everything on the canvas and selects
it, with its name ready to type in the inspector. Deleting asks first (it takes every state
of the machine, and what targets it), in a window-modal box that does not block the event
loop; either is one undo step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox

from designer.canvas.items.frame_item import MachineFrameItem
from designer.document.edits import EditRefused
from designer.document.machine_commands import (
    AddMachineCommand,
    DeleteMachineCommand,
    new_machine_name,
    references_to,
)
from designer.panels.inspector.machine_form import MachineForm
from engine.asl import all_state_names

if TYPE_CHECKING:
    from designer.app.main_window import MainWindow

NEW_MACHINE_GAP = 120.0


def select_machine(window: MainWindow, name: str) -> MachineFrameItem | None:
    projection = window.scene.machines.get(name)
    if projection is None:
        return None
    window.editor.select_item(projection.frame)
    return projection.frame


def frame_position(window: MainWindow, name: str) -> tuple[float, float] | None:
    projection = window.scene.machines.get(name)
    if projection is None:
        return None
    return (projection.frame.pos().x(), projection.frame.pos().y())


def add_machine(window: MainWindow) -> None:
    """Add a machine beside the others, select it and put the cursor in its name."""
    document = window.document
    name = new_machine_name(document)
    content = window.scene.itemsBoundingRect()
    position = (content.right() + NEW_MACHINE_GAP, content.top()) if not content.isNull() else (0.0, 0.0)
    try:
        document.push(AddMachineCommand(document, name, position))
    except EditRefused as exc:
        window.statusBar().showMessage(str(exc), 8000)
        return
    frame = select_machine(window, name)
    if frame is None:
        return
    window.view.reveal(frame)
    window.inspector_dock.show()
    window.inspector_dock.raise_()
    form = window.inspector.form
    if isinstance(form, MachineForm):
        form.name.setFocus(Qt.FocusReason.OtherFocusReason)
        form.name.selectAll()
    note = f"Added state machine {name}; name it in the inspector."
    if document.kind != "project":
        note += " Several state machines are saved as a project (File > Save As, .statecanvas.json)."
    window.statusBar().showMessage(note, 12000)


def selected_machine(window: MainWindow) -> str | None:
    frames = [i for i in window.scene.selectedItems() if isinstance(i, MachineFrameItem)]
    return frames[0].machine if frames else None


def delete_selection(window: MainWindow) -> None:
    """The Delete action: a selected machine frame is deleted after asking, anything else at once."""
    machine = selected_machine(window)
    if machine is not None:
        ask_delete_machine(window, machine)
    else:
        window.editor.delete_selection()


def delete_current_machine(window: MainWindow) -> None:
    machine = window.editor.current_machine()
    if machine is not None:
        ask_delete_machine(window, machine)


def ask_delete_machine(window: MainWindow, name: str) -> QMessageBox | None:
    """Ask before deleting machine `name`; the answer deletes it (one undo step) or nothing."""
    document = window.document
    if name not in document.definitions:
        return None
    if len(document.definitions) == 1:
        window.show_message(
            "Cannot delete the state machine",
            f"{name} is the only state machine of this project; add another one before deleting it.",
            QMessageBox.Icon.Information,
        )
        return None
    count = len(all_state_names(document.definition(name)))
    text = f"Delete the state machine {name} and its {count} state{'s' if count != 1 else ''}?"
    references = references_to(document, name)
    if references:
        listed = "\n".join(f"• {r}" for r in references)
        text += f"\n\nThese go with it:\n{listed}"
    text += "\n\nEdit > Undo brings all of it back."
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Delete state machine", text, QMessageBox.StandardButton.NoButton, window
    )
    delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def answered(_result: int) -> None:
        if box.clickedButton() is not delete:
            return
        try:
            document.push(DeleteMachineCommand(document, name))
        except EditRefused as exc:
            window.statusBar().showMessage(str(exc), 8000)
            return
        window.statusBar().showMessage(f"Deleted state machine {name}.", 8000)

    box.finished.connect(answered)
    box.open()
    window.message_box = box
    return box


def frame_menu(menu: QMenu, window: MainWindow, frame: MachineFrameItem) -> None:
    """The machine's own entries in its frame's context menu."""
    delete = menu.addAction("&Delete State Machine…")
    name = frame.machine
    delete.triggered.connect(lambda _c=False: ask_delete_machine(window, name))
    add = menu.addAction("Add State &Machine")
    add.triggered.connect(lambda _c=False: add_machine(window))
