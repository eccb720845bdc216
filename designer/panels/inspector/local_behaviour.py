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
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.theme import LIGHT, Theme
from designer.document.edits import EditRefused
from designer.document.mock_changes import mocks_of
from designer.document.project_document import ProjectDocument
from designer.document.task_behaviour import (
    SetMocksCommand,
    behaviour_of,
    default_mock,
    function_name_for,
    serve_with_handler,
)
from designer.panels.inspector.handler_page import HandlerPage
from designer.panels.inspector.layout import caption
from designer.panels.inspector.mock_list import MockListEditor
from engine.asl import StateAddress, classify_resource
from engine.integrations import STUB_FUNCTION
from engine.project import BUILT_IN

HANDLER, MOCK, BUILTIN = "handler", "mock", "builtin"
OK_COLOURS = {"light": "#007A5A", "dark": "#4CC79A"}  # bluish green, AA on each theme's panels
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
        self.handler = HandlerPage(document, address, self._say, self._serve)
        self.pages.addWidget(self.handler)
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
        self.handler.load(behaviour)
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
            missing = self.handler.handler_path(self.document.project.functions[behaviour.function].handler)
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
        theme = self._theme()
        ok, warn = OK_COLOURS.get(theme.name, OK_COLOURS["light"]), theme.code_colors.get("error", "#C24E00")
        colour, mark = (ok, "✓") if served else (warn, "⚠")
        self.status.setText(f"<span style='color:{colour}'>{mark}</span> {html.escape(text)}")
        self.status.setToolTip(text)

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

    # helpers -------------------------------------------------------------------------------------

    def _theme(self) -> Theme:
        """The inspector's theme (the section is made without one, then placed inside it)."""
        parent = self.parentWidget()
        while parent is not None:
            theme = getattr(parent, "theme", None)
            if isinstance(theme, Theme):
                return theme
            parent = parent.parentWidget()
        return LIGHT

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        theme = self._theme()
        if theme is not self.mocks.theme:
            self.mocks.set_theme(theme)
            self.reload()

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


def _is_builtin(state: dict[str, Any]) -> bool:
    resource = state.get("Resource")
    info = classify_resource(resource) if isinstance(resource, str) else None
    return info is not None and (info.service, info.action) in BUILT_IN
