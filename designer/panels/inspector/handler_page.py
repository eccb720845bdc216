"""The Handler page of a Task's Local behaviour: which file and function serve the Task, or one
button that writes a Lambda-convention stub beside the project, points the Task at it and
opens it. Files are read with `ast` to list their functions, never run, and never replaced."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.document.project_document import ProjectDocument
from designer.document.task_behaviour import function_name_for
from designer.panels.inspector.layout import caption, tidy_form
from engine.asl import StateAddress
from engine.integrations import (
    HANDLERS_DIR,
    STUB_FUNCTION,
    HandlerLoadError,
    create_handler_stub,
    module_name_for,
    top_level_functions,
)

PREFERRED_FUNCTIONS = (STUB_FUNCTION, "lambda_handler")
Serve = Callable[[str, str | None], bool]  # (FILE:FUNCTION, project function or None) -> done


class HandlerPage(QWidget):
    def __init__(
        self, document: ProjectDocument, address: StateAddress, say: Callable[[str], None], serve: Serve
    ) -> None:
        super().__init__()
        self.document = document
        self.address = address
        self._say = say
        self._serve = serve
        self.message_box: QMessageBox | None = None
        self.function_name: str | None = None  # the project function that serves the Task now
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        form = tidy_form()
        file_row = QHBoxLayout()
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setPlaceholderText("no handler file yet")
        file_row.addWidget(self.file, 1)
        self.choose = QPushButton("Choose…")
        self.choose.setToolTip("Pick a Python file that holds the handler")
        self.choose.clicked.connect(self.choose_file)
        file_row.addWidget(self.choose)
        form.addRow("File", file_row)
        self.function = QComboBox()
        self.function.setToolTip("The function of the file that handles the Task: function(event, context)")
        self.function.activated.connect(lambda _i: self._function_chosen())
        form.addRow("Function", self.function)
        self.handler_form = form
        outer.addLayout(form)
        buttons = QHBoxLayout()
        self.create_stub = QPushButton("Create handler stub")
        self.create_stub.setToolTip(
            f"Write {HANDLERS_DIR}/NAME.py beside the project with def {STUB_FUNCTION}(event, context), "
            "use it for this Task and open it"
        )
        self.create_stub.clicked.connect(self.create_handler)
        buttons.addWidget(self.create_stub)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the handler file in your editor")
        self.open_button.clicked.connect(self.open_handler)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.stub_caption = caption("")
        outer.addWidget(self.stub_caption)

    def load(self, behaviour: Any) -> None:
        self.function_name = behaviour.function
        spec = self.document.project.functions.get(behaviour.function or "")
        self.function.clear()
        path = self.handler_path(spec.handler) if spec is not None else None
        exists = path is not None and path.is_file()
        self.open_button.setVisible(exists)
        self.create_stub.setVisible(not exists)
        self.handler_form.setRowVisible(self.function, spec is not None)
        self.stub_caption.setVisible(not exists)
        if not exists:
            function = function_name_for(self.document, self.address)
            where = "beside the project" if self.document.path is not None else "once the project is saved"
            self.stub_caption.setText(
                f"Writes {HANDLERS_DIR}/{module_name_for(function)}.py {where}, registers it as the "
                f"function {function}, points this Task at it and opens it. Or choose a file of yours."
            )
        if spec is None:
            self.file.setText("")
            return
        file, _sep, function = spec.handler.rpartition(":")
        self.file.setText(file)
        names = [function]
        if path is not None and path.is_file():
            try:
                names = top_level_functions(path)
            except HandlerLoadError as exc:
                self._say(str(exc))
            if function not in names:
                names.append(function)
        self.function.addItems(names)
        self.function.setCurrentText(function)

    def choose_file(self) -> None:
        start = self._base_dir()
        handlers = start / HANDLERS_DIR if start is not None else None
        folder = handlers if handlers is not None and handlers.is_dir() else start
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the handler file", str(folder or Path.home()), "Python files (*.py)"
        )
        if not path:
            return
        try:
            names = top_level_functions(Path(path))
        except HandlerLoadError as exc:
            self._say(str(exc))
            return
        if not names:
            self._say(f"{path} defines no function: a handler is def handler(event, context).")
            return
        function = next((n for n in PREFERRED_FUNCTIONS if n in names), names[0])
        self._serve(f"{self._relative(Path(path))}:{function}")

    def _function_chosen(self) -> None:
        if self.file.text() and self.function.currentText():
            self._serve(f"{self.file.text()}:{self.function.currentText()}")

    def create_handler(self) -> None:
        """Write handlers/NAME.py from the Lambda stub (never over a file), serve the Task with it
        and open it. A document not saved as a project is asked to be saved first."""
        self._say("")
        base = self._base_dir()
        if base is None or self.document.kind != "project":
            self._ask_to_save()
            return
        function = function_name_for(self.document, self.address)
        try:
            path, created = create_handler_stub(base, function, self.address.name)
        except (HandlerLoadError, OSError) as exc:
            self._say(f"Cannot create the handler: {exc}")
            return
        relative = self._relative(path)
        if self._serve(f"{relative}:{STUB_FUNCTION}", function):
            done = (
                f"Created {relative}; edit it and run again."
                if created
                else f"{relative} exists already: it is used as it is (not overwritten)."
            )
            self._say(done if _open(path) else f"{done} Open {path} in your editor.")

    def open_handler(self) -> None:
        spec = self.document.project.functions.get(self.function_name or "")
        path = self.handler_path(spec.handler) if spec is not None else None
        if path is None or not path.is_file():
            self._say(f"There is no handler file to open{f' at {path}' if path else ''}.")
            return
        if not _open(path):
            self._say(f"No application here opens Python files: open {path} in your editor.")

    def _ask_to_save(self) -> None:
        untitled = self.document.path is None
        text = (
            "Save the project first: the handler file goes in a handlers folder beside the project file."
            if untitled
            else "This document is an ASL file: save it as a project (.statecanvas.json) first; the "
            "handler file goes in a handlers folder beside it and the project remembers it."
        )
        self._say(text)
        box = QMessageBox(QMessageBox.Icon.Information, "Save the project first", text, parent=self)
        save = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self._saved_then_create() if box.clickedButton() is save else None)
        box.open()
        self.message_box = box

    def _saved_then_create(self) -> None:
        window = self.window()
        save_as = getattr(window, "save_as", None)
        if callable(save_as) and save_as() and self.document.kind == "project":
            self.create_handler()

    # paths -------------------------------------------------------------------------------------

    def _base_dir(self) -> Path | None:
        return self.document.path.parent if self.document.path is not None else None

    def _relative(self, path: Path) -> str:
        base = self._base_dir()
        if base is not None:
            try:
                return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
            except ValueError:  # another drive
                pass
        return path.resolve().as_posix()

    def handler_path(self, handler: str) -> Path | None:
        file = handler.rpartition(":")[0]
        if not file:
            return None
        path = Path(file)
        base = self._base_dir()
        return path if path.is_absolute() or base is None else base / path


def _open(path: Path) -> bool:
    """Open the file with the desktop's application for it; False when there is none."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
