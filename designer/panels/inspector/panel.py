"""`InspectorPanel`: the selected state's, resource's or state machine's settings.

As in Workflow Studio, a state's settings are in tabs: Configuration (what every state has:
name, type, comment, query language, where it goes next; then its type's own fields),
Input, Output, Error handling, Variables, and its raw JSON. The forms are made from the
engine's model of the state's type. A resource shows its form and JSON; a machine frame
shows the machine's settings. Every edit is one undo command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.canvas.items.frame_item import MachineFrameItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.theme import LIGHT, Theme
from designer.document.commands import RenameStateCommand, SetFieldCommand, SetResourceCommand
from designer.document.edits import EditRefused
from designer.document.field_commands import TypedFieldCommand
from designer.document.patch import MISSING
from designer.document.project_document import ProjectDocument
from designer.panels.inspector.context import StateContext
from designer.panels.inspector.layout import align_labels, tidy_form
from designer.panels.inspector.machine_form import MachineForm
from designer.panels.inspector.resource_forms import ResourceForm
from designer.panels.inspector.schema import SECTIONS, query_language
from designer.panels.inspector.state_form import StateForm, form_signature
from designer.panels.json_field import JsonField
from engine.asl import StateAddress, scope_states

NO_NEXT = "(none)"
INHERIT = "inherit"
EMPTY_TEXT = "Select a state, a resource or a state machine's header on the canvas."
TABS = (*SECTIONS, "JSON")
RAW_JSON_LINES = 36  # the JSON tab has the page to itself
# What a tab says when the inspector is too narrow for every full title (the tooltip and the
# accessible name keep the full one).
SHORT_TITLES = {"Configuration": "Config", "Error handling": "Errors"}
RESOURCE_TITLES = {
    "rule": "EventBridge rule",
    "queue": "SQS queue",
    "topic": "SNS topic",
    "function": "Lambda function",
    "bus": "event bus",
}


class InspectorPanel(QWidget):
    select_requested = Signal(str, str)  # machine, state path: keep a renamed state selected
    machine_select_requested = Signal(str)  # keep a renamed machine's frame selected

    def __init__(
        self, document: ProjectDocument, theme: Theme = LIGHT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.theme = theme
        self.address: StateAddress | None = None
        self.resource: tuple[str, str] | None = None
        self.machine: str | None = None
        # Set by the window: where a machine's frame is on the canvas (a rename keeps it there).
        self.frame_position: Callable[[str], tuple[float, float] | None] | None = None
        self.form: StateForm | ResourceForm | MachineForm | None = None
        self.ctx: StateContext | None = None
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        top = QWidget()
        layout = QVBoxLayout(top)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(4)
        self.title = QLabel(EMPTY_TEXT)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() + 2)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.subtitle = QLabel("")
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.subtitle)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C24E00;")
        self.error.hide()
        layout.addWidget(self.error)
        self.problems_slot = QVBoxLayout()  # what the engine says about the state as a whole
        self.problems_slot.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.problems_slot)
        outer.addWidget(top)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBar().setExpanding(False)
        outer.addWidget(self.tabs, 1)
        self.pages: dict[str, QWidget] = {}
        self.slots: dict[str, QVBoxLayout] = {}
        for title in TABS:
            self._add_page(title)
        self._keep_tabs_in_sight()
        self.chosen_tab = "Configuration"
        self._arranging = False
        self.tabs.currentChanged.connect(self._tab_chosen)
        self.configuration = self.pages["Configuration"].layout()
        self._build_header(self.configuration)
        self._build_json(self.pages["JSON"].layout())
        self.name.editingFinished.connect(self._rename)
        self.comment.editingFinished.connect(self._set_comment)
        self.next.activated.connect(lambda _i: self._set_next())
        self.end.toggled.connect(self._set_end)
        self.language.activated.connect(lambda _i: self._set_language())
        self.apply_button.clicked.connect(self.apply_json)
        for signal in (document.state_changed, document.state_added, document.transition_changed):
            signal.connect(lambda _m, _p: self.reload())
        document.state_removed.connect(self._on_removed)
        document.definition_replaced.connect(lambda _m: self.reload())
        document.resource_changed.connect(lambda _k, _n: self.reload())
        document.resource_removed.connect(lambda _k, _n: self.reload())
        document.diagnostics_changed.connect(self._on_diagnostics)
        document.document_reset.connect(lambda: self.show_item(None))
        self.show_item(None)

    # building ------------------------------------------------------------------------------------

    def _add_page(self, title: str) -> None:
        """A tab: a scrolling page whose slot holds the form's part for this tab."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        slot = QVBoxLayout()
        slot.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(slot)
        layout.addStretch(1)
        scroll.setWidget(page)
        index = self.tabs.addTab(scroll, title)
        self.tabs.tabBar().setAccessibleTabName(index, title)
        self.pages[title] = page
        self.slots[title] = slot

    def tab_index(self, title: str) -> int:
        return TABS.index(title)

    def tab_title(self, index: int) -> str:
        return TABS[index]

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_tab_titles()

    def _keep_tabs_in_sight(self) -> None:
        """The inspector is never narrower than its tabs with their short titles, so a narrow
        dock cannot push Variables or JSON behind scroll arrows."""
        bar = self.tabs.tabBar()
        for index, title in enumerate(TABS):
            bar.setTabText(index, SHORT_TITLES.get(title, title))
        margins = self.layout().contentsMargins() if self.layout() is not None else None
        extra = (margins.left() + margins.right()) if margins is not None else 0
        self.setMinimumWidth(bar.sizeHint().width() + extra + 2)

    def _fit_tab_titles(self) -> None:
        """Full titles when they fit; else the short ones, so that every tab stays in sight
        (scroll arrows would hide Variables and JSON in a narrow dock)."""
        bar = self.tabs.tabBar()
        for index, title in enumerate(TABS):
            bar.setTabText(index, title)
        if bar.sizeHint().width() > self.tabs.width():
            for index, title in enumerate(TABS):
                bar.setTabText(index, SHORT_TITLES.get(title, title))

    def show_tab(self, title: str) -> None:
        self.tabs.setCurrentIndex(self.tab_index(title))

    def _tab_chosen(self, index: int) -> None:
        if not self._arranging and index >= 0:
            self.chosen_tab = TABS[index]

    def _show_tabs(self, shown: dict[str, bool], tips: dict[str, str] | None = None) -> None:
        """Which tabs this selection has (`shown`: title -> enabled); the others are hidden.

        The tab the user last chose comes back whenever the selection has it, as in Workflow
        Studio: going from state to state stays on, say, Error handling.
        """
        self._arranging = True
        try:
            for title in TABS:
                index = self.tab_index(title)
                self.tabs.setTabVisible(index, title in shown)
                self.tabs.setTabEnabled(index, shown.get(title, False))
                tip = (tips or {}).get(title, "")
                self.tabs.setTabToolTip(index, f"{title} · {tip}" if tip else title)
            self.tabs.setVisible(bool(shown))
            self.tabs.tabBar().setVisible(len(shown) > 1)  # a machine's one page needs no tab
            self.show_tab(self.chosen_tab if shown.get(self.chosen_tab) else "Configuration")
            self._fit_tab_titles()
        finally:
            self._arranging = False

    def _build_header(self, layout: QVBoxLayout) -> None:
        self.header = QWidget()
        form = tidy_form(self.header)
        self.name = QLineEdit()
        self.type_label = QLabel()
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("What this state is for")
        self.language = QComboBox()
        self.language.addItems([INHERIT, "JSONPath", "JSONata"])
        self.language.setToolTip("The query language of this state (inherit: the machine's)")
        self.next = QComboBox()
        for combo in (self.language, self.next):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.end = QCheckBox("End here")
        self.end.setToolTip("End the execution after this state")
        form.addRow("Name", self.name)
        form.addRow("Type", self.type_label)
        form.addRow("Comment", self.comment)
        form.addRow("Language", self.language)
        next_row = QWidget()
        row = QHBoxLayout(next_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.next, 1)
        row.addWidget(self.end)
        form.addRow("Next", next_row)
        self.next_row = next_row
        layout.insertWidget(0, self.header)

    def _build_json(self, layout: Any) -> None:
        self.raw_field = JsonField(self.theme, allow_empty=False, max_lines=RAW_JSON_LINES)
        self.raw_field.editor.commit_requested.disconnect()
        self.raw = self.raw_field.editor
        self.json_hint = QLabel("The selection as written; Apply replaces it as one undo step.")
        self.json_hint.setWordWrap(True)
        self.json_hint.setStyleSheet("color: palette(placeholder-text);")
        layout.insertWidget(0, self.json_hint)
        layout.insertWidget(1, self.raw_field)
        self.apply_button = QPushButton("Apply JSON")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        layout.insertLayout(2, buttons)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.raw_field.set_theme(theme)
        # A style sheet reads palette() once: set it again for the new theme's caption colour.
        for label in (self.subtitle, self.json_hint):
            label.setStyleSheet("color: palette(placeholder-text);")
        self._replace_form(None)
        self.reload()

    # what is shown -------------------------------------------------------------------------------

    def show_item(self, item: Any) -> None:
        self.address = item.address if isinstance(item, StateItem) else None
        self.resource = (item.project_kind, item.name) if isinstance(item, ResourceItem) else None
        self.machine = item.machine if isinstance(item, MachineFrameItem) else None
        self.error.hide()
        self.reload()

    def show_state(self, machine: str, path: str) -> None:
        self.address = StateAddress.parse(machine, path)
        self.resource = self.machine = None
        self.reload()

    def show_resource(self, kind: str, name: str) -> None:
        self.address, self.resource, self.machine = None, (kind, name), None
        self.reload()

    def show_machine(self, machine: str) -> None:
        self.address, self.resource, self.machine = None, None, machine
        self.reload()

    def report(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _on_removed(self, machine: str, path: str) -> None:
        if self.address is not None and self.address.machine == machine and self.address.path == path:
            self.address = None
        self.reload()

    def _on_diagnostics(self, machine: str) -> None:
        if self.address is not None and self.address.machine == machine:
            self.reload()

    def reload(self) -> None:
        self._loading = True
        try:
            if self.address is not None and isinstance(self.document.state(self.address), dict):
                self._load_state(self.address, self.document.state(self.address))
            elif self.resource is not None and self.document.resource(*self.resource) is not None:
                self._load_resource(*self.resource)
            elif self.machine is not None and self.machine in self.document.definitions:
                self._load_machine(self.machine)
            else:
                self.address = self.resource = self.machine = None
                self.title.setText(EMPTY_TEXT)
                self.subtitle.setText("")
                self.header.hide()
                self._replace_form(None)
                self._show_tabs({})
        finally:
            self._loading = False

    def _replace_form(self, form: StateForm | ResourceForm | MachineForm | None) -> None:
        old = self.form
        if isinstance(old, StateForm):
            old.dispose()
        elif old is not None:
            old.hide()
            old.setParent(None)
            old.deleteLater()
        self.form = form
        if isinstance(form, StateForm):
            for title, section in form.sections.items():
                self.slots[title].addWidget(section)
            self.problems_slot.addWidget(form.problems)
        elif form is not None:
            self.slots["Configuration"].addWidget(form)

    def _load_resource(self, kind: str, name: str) -> None:
        self.ctx = None
        self.title.setText(name)
        self.subtitle.setText(RESOURCE_TITLES.get(kind, kind))
        self.header.hide()
        if not isinstance(self.form, ResourceForm) or self.form.signature != (kind, name):
            self._replace_form(ResourceForm(self.document, kind, name, self.theme, self.report))
        assert isinstance(self.form, ResourceForm)
        self.form.load()
        self._show_tabs({"Configuration": True, "JSON": True})
        value = json.loads(
            self.document.resource(kind, name).model_dump_json(by_alias=True, exclude_none=True)
        )
        self.raw_field.set_value(value)

    def _load_machine(self, machine: str) -> None:
        self.ctx = None
        spec = self.document.project.state_machines.get(machine)
        count = len(scope_states(self.document.definition(machine), ()))
        kind = spec.type.title() if spec is not None else "Standard"
        self.title.setText(machine)
        self.subtitle.setText(f"{kind} state machine · {count} top-level state{'s' if count != 1 else ''}")
        self.header.hide()
        if not isinstance(self.form, MachineForm) or self.form.signature != machine:
            form = MachineForm(self.document, machine, self.report)
            form.frame_position = self.frame_position
            form.renamed.connect(self._machine_renamed)
            self._replace_form(form)
        assert isinstance(self.form, MachineForm)
        self.form.load()
        self._show_tabs({"Configuration": True})

    def _machine_renamed(self, name: str) -> None:
        self.machine = name
        self.reload()
        self.machine_select_requested.emit(name)

    def _load_state(self, address: StateAddress, state: dict[str, Any]) -> None:
        definition = self.document.definition(address.machine)
        self.title.setText(address.name)
        where = f"{state.get('Type', '?')} state in {address.machine}" + (
            " (nested)" if address.scope else ""
        )
        self.subtitle.setText(where)
        self.header.show()
        self.name.setText(address.name)
        self.type_label.setText(str(state.get("Type", "?")))
        if not self.comment.hasFocus():
            self.comment.setText(state.get("Comment", "") if isinstance(state.get("Comment"), str) else "")
            self.comment.setCursorPosition(0)
        own = state.get("QueryLanguage")
        self.language.setCurrentText(own if own in ("JSONPath", "JSONata") else INHERIT)
        self.language.setItemText(0, f"inherit ({query_language(definition, {})})")
        siblings = [n for n in scope_states(definition, address.scope) if n != address.name]
        self.next.clear()
        self.next.addItems([NO_NEXT, *siblings])
        has_next = state.get("Type") not in ("Choice", "Succeed", "Fail")
        self.header.layout().setRowVisible(self.next_row, has_next)
        self.next.setCurrentText(state.get("Next") if isinstance(state.get("Next"), str) else NO_NEXT)
        self.end.setChecked(state.get("End") is True)
        ctx = StateContext(self.document, address, self.theme, self.report, query_language(definition, state))
        if not isinstance(self.form, StateForm) or self.form.signature != form_signature(ctx):
            self.ctx = ctx
            self._replace_form(StateForm(ctx))
            configuration = self.form.sections.get("Configuration")
            if configuration is not None:
                align_labels([self.header.layout(), configuration.form])
        assert isinstance(self.form, StateForm) and self.ctx is not None
        self.ctx.load_diagnostics()
        self.form.load(self.ctx)
        self._show_state_tabs(str(state.get("Type", "?")))
        self.raw_field.set_value(state)

    def _show_state_tabs(self, state_type: str) -> None:
        assert isinstance(self.form, StateForm)
        sections = self.form.sections
        shown = {title: title in sections or title == "Configuration" for title in SECTIONS}
        tips = {
            title: sections[title].gist
            if title in sections
            else f"A {state_type} state has no {title.lower()} fields."
            for title in SECTIONS
        }
        self._show_tabs({**shown, "JSON": True}, {**tips, "JSON": "The state as written"})

    # header edits --------------------------------------------------------------------------------

    def _push(self, command_factory: Any) -> bool:
        try:
            self.document.push(command_factory())
        except EditRefused as exc:
            self.reload()
            self.report(str(exc))
            return False
        return True

    def _rename(self) -> None:
        if self._loading or self.address is None:
            return
        new = self.name.text().strip()
        if new and new != self.address.name:
            address = self.address
            renamed = StateAddress(address.machine, address.scope, new)
            self.address = renamed
            try:
                self.document.push(RenameStateCommand(self.document, address, new))
            except EditRefused as exc:
                self.address = address
                self.reload()
                self.report(str(exc))
                return
            self.address = renamed
            self.select_requested.emit(address.machine, renamed.path)

    def _set_comment(self) -> None:
        if self._loading or self.address is None:
            return
        text = self.comment.text()
        state = self.document.state(self.address)
        current = state.get("Comment") if isinstance(state, dict) else None
        if (text or None) != current:
            address = self.address
            self._push(lambda: TypedFieldCommand(self.document, address, ("Comment",), text or MISSING))

    def _set_language(self) -> None:
        if self._loading or self.address is None:
            return
        chosen = self.language.currentText()
        value = chosen if chosen in ("JSONPath", "JSONata") else MISSING
        address = self.address
        self._push(lambda: SetFieldCommand(self.document, address, ("QueryLanguage",), value))

    def _set_next(self) -> None:
        if self._loading or self.address is None:
            return
        target = self.next.currentText()
        address = self.address
        if target == NO_NEXT:
            self._push(lambda: SetFieldCommand(self.document, address, ("End",), True))
        else:
            self._push(lambda: SetFieldCommand(self.document, address, ("Next",), target))

    def _set_end(self, checked: bool) -> None:
        if self._loading or self.address is None:
            return
        address = self.address
        self._push(lambda: SetFieldCommand(self.document, address, ("End",), True if checked else MISSING))

    def apply_json(self) -> bool:
        value, error = self.raw_field.parse()
        if error is not None:
            self.report(error)
            self.raw_field._show_error(error)
            return False
        if not isinstance(value, dict):
            self.report("This must be a JSON object.")
            return False
        self.report("")
        if self.address is not None:
            address = self.address
            if not self._push(lambda: SetFieldCommand(self.document, address, (), value)):
                return False
            # A new type redraws the state on the canvas; keep it selected and shown here.
            if self.address != address:
                self.select_requested.emit(address.machine, address.path)
            return True
        if self.resource is not None:
            kind, name = self.resource
            return self._push(lambda: SetResourceCommand(self.document, kind, name, value))
        return False
