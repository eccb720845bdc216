"""The Task inspector's "Local behaviour": how this Task runs when the project runs here.

A Task calls a service; offline, something must answer in its place: a local handler (a Python
function in the project's `handlers/` folder, Lambda convention), mocked results (in order, the
last repeating, as Step Functions Local's mock config), or one of the services StateCanvas
builds in (SQS, SNS, EventBridge, nested Step Functions). Without any of these a run stops at
the Task with ResourceNotFound, so the section says which one serves it, or that none does.

Every choice is saved in the project and is one undo step. Handler files are only ever read
(`ast`, never imported) to list their functions, and a new stub never replaces a file.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from designer.document.edits import EditRefused
from designer.document.paths import StateAddress
from designer.document.project_document import ProjectDocument
from designer.document.task_behaviour import (
    SetMocksCommand,
    behaviour_of,
    default_mock,
    function_name_for,
    mocks_of,
    serve_with_handler,
)
from designer.panels.inspector.layout import caption, tidy_form
from designer.panels.inspector.mock_list import MockListEditor
from engine.integrations.handler_files import (
    HANDLERS_DIR,
    STUB_FUNCTION,
    HandlerLoadError,
    create_handler_stub,
    module_name_for,
    top_level_functions,
)
from engine.project.behaviour import BUILT_IN

HANDLER, MOCK, BUILTIN = "handler", "mock", "builtin"
OK_COLOUR, WARN_COLOUR = "#007A5A", "#C24E00"
PREFERRED_FUNCTIONS = (STUB_FUNCTION, "lambda_handler")
BUILT_IN_LIST = "SQS sendMessage, SNS publish, EventBridge putEvents and Step Functions startExecution"


def local_behaviour_section(document: ProjectDocument, address: StateAddress) -> QWidget | None:
    """The inspector's hook: the section for a Task state, nothing for other states."""
    state = document.state(address)
    if not isinstance(state, dict) or state.get("Type") != "Task":
        return None
    return LocalBehaviourSection(document, address)


def reveal_local_behaviour(window: Any) -> None:
    """Bring the selected Task's section into sight: the Inspector, its Configuration tab, and
    the section scrolled to (what the Run panel's hint links to)."""
    dock = getattr(window, "inspector_dock", None)
    if dock is not None:
        dock.show()
        dock.raise_()
    inspector = getattr(window, "inspector", None)
    show_tab = getattr(inspector, "show_tab", None)
    if callable(show_tab):
        show_tab("Configuration")
    section = inspector.findChild(LocalBehaviourSection) if inspector is not None else None
    if section is None:
        return
    parent = section.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(section)


class LocalBehaviourSection(QWidget):
    def __init__(
        self, document: ProjectDocument, address: StateAddress, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("localBehaviour")
        self.document = document
        self.address = address
        self.page: str | None = None  # the page the user chose while the Task is not served
        self.message_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 4)
        layout.setSpacing(6)
        heading = QLabel("Local behaviour")
        font = heading.font()
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(font.pointSizeF() + 0.5)
        heading.setFont(font)
        layout.addWidget(heading)
        layout.addWidget(caption("What answers this Task when you Run or Debug here (AWS is never called)."))
        self.status = QLabel("")
        self.status.setObjectName("localBehaviourStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        modes = QHBoxLayout()
        modes.setSpacing(12)
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for key, label, tip in (
            (HANDLER, "Handler", "A Python function of yours runs, as Lambda would run it"),
            (MOCK, "Mocked result", "Fixed results or errors, one per invocation"),
            (BUILTIN, "Built-in", f"StateCanvas serves {BUILT_IN_LIST} itself"),
        ):
            button = QRadioButton(label)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, key=key: self._mode_chosen(key))
            self.modes.addButton(button)
            self.mode_buttons[key] = button
            modes.addWidget(button)
        modes.addStretch(1)
        layout.addLayout(modes)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_handler_page())
        self.mocks = MockListEditor()
        self.mocks.changed.connect(self._set_mocks)
        self.pages.addWidget(self.mocks)
        self.builtin_text = caption("")
        self.pages.addWidget(self.builtin_text)
        layout.addWidget(self.pages)
        self.message = QLabel("")
        self.message.setObjectName("localBehaviourMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.reload()

    def _build_handler_page(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
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
        return page

    # showing -------------------------------------------------------------------------------------

    def reload(self) -> None:
        state = self.document.state(self.address)
        if not isinstance(state, dict):
            return
        behaviour = behaviour_of(self.document, self.address)
        self.behaviour = behaviour
        calls_lambda = behaviour.field is not None
        builtin = behaviour.kind == BUILTIN or (behaviour.kind == MOCK and _is_builtin(state))
        self.mode_buttons[HANDLER].setEnabled(calls_lambda)
        self.mode_buttons[BUILTIN].setEnabled(builtin)
        if behaviour.kind in (HANDLER, MOCK, BUILTIN):
            page = behaviour.kind
        else:
            page = self.page if self.page in (HANDLER, MOCK) else (HANDLER if calls_lambda else MOCK)
            if page == HANDLER and not calls_lambda:
                page = MOCK
        self.mode_buttons[page].setChecked(True)
        self.pages.setCurrentIndex((HANDLER, MOCK, BUILTIN).index(page))
        self._show_status(behaviour)
        self._load_handler(behaviour)
        self.mocks.set_outcomes(mocks_of(self.document, self.address))
        self.builtin_text.setText(
            behaviour.detail
            if behaviour.kind == BUILTIN
            else f"Built in: {BUILT_IN_LIST}. This Task calls another service."
        )

    def _show_status(self, behaviour: Any) -> None:
        served = behaviour.kind in (HANDLER, MOCK, BUILTIN)
        text = behaviour.detail
        if behaviour.kind == HANDLER:
            missing = self._handler_path(self.document.project.functions[behaviour.function].handler)
            if missing is not None and not missing.is_file():
                served = False
                text = f"{text} The file {missing} does not exist, so a run cannot start."
        if not served and behaviour.kind != HANDLER:
            text = f"Not served: a run stops here with ResourceNotFound. {text}"
        if self.document.kind != "project":
            text += (
                " This document is an ASL file, which keeps no handlers or mocks: save it as a project "
                "(.statecanvas.json) to keep them."
            )
        colour, mark = (OK_COLOUR, "✓") if served else (WARN_COLOUR, "⚠")
        self.status.setText(f"<span style='color:{colour}'>{mark}</span> {html.escape(text)}")
        self.status.setToolTip(text)

    def _load_handler(self, behaviour: Any) -> None:
        spec = self.document.project.functions.get(behaviour.function or "")
        self.function.clear()
        path = self._handler_path(spec.handler) if spec is not None else None
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

    # choosing ------------------------------------------------------------------------------------

    def _mode_chosen(self, key: str) -> None:
        self.page = key
        self._say("")
        mocked = bool(mocks_of(self.document, self.address))
        if key == MOCK and not mocked:
            self._set_mocks([default_mock(self.document.state(self.address))])
        elif key != MOCK and mocked:
            self._set_mocks(None)
        self.reload()

    def _set_mocks(self, outcomes: list[dict[str, Any]] | None) -> None:
        self._say("")
        if outcomes:
            self.page = MOCK
        machine, name = self.address.machine, self.address.name
        self._edit(lambda: self.document.push(SetMocksCommand(self.document, machine, name, outcomes)))
        self.reload()

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
            self._say(
                f"Created {relative}; edit it and run again."
                if created
                else f"{relative} exists already: it is used as it is (not overwritten)."
            )
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def open_handler(self) -> None:
        spec = self.document.project.functions.get(self.behaviour.function or "")
        path = self._handler_path(spec.handler) if spec is not None else None
        if path is None or not path.is_file():
            self._say(f"There is no handler file to open{f' at {path}' if path else ''}.")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

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

    # helpers -------------------------------------------------------------------------------------

    def _serve(self, handler: str, function: str | None = None) -> bool:
        function = function or (
            self.behaviour.function
            if self.behaviour.kind == HANDLER and self.behaviour.function
            else function_name_for(self.document, self.address)
        )
        self.page = HANDLER
        ok = self._edit(lambda: serve_with_handler(self.document, self.address, function, handler))
        self.reload()
        return ok

    def _edit(self, action: Callable[[], Any]) -> bool:
        """Run an edit; a refusal is said in the section and nothing changes."""
        try:
            action()
        except EditRefused as exc:
            self._say(str(exc))
            return False
        return True

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

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

    def _handler_path(self, handler: str) -> Path | None:
        file = handler.rpartition(":")[0]
        if not file:
            return None
        path = Path(file)
        base = self._base_dir()
        return path if path.is_absolute() or base is None else base / path


def _is_builtin(state: dict[str, Any]) -> bool:
    from engine.asl.validation.resources import classify_resource

    resource = state.get("Resource")
    info = classify_resource(resource) if isinstance(resource, str) else None
    return info is not None and (info.service, info.action) in BUILT_IN
