"""The form of one state: its fields in five sections, made from the engine's model of its type.

The form is built once per (state, type, query language, fields shown) and then reloaded in
place on every document change, so that a field keeps focus while the canvas updates.
"""

from __future__ import annotations

import importlib
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from designer.canvas.labels import state_caption
from designer.document.patch import MISSING
from designer.document.project_document import ProjectDocument
from designer.panels.inspector.choices import ChoicesEditor
from designer.panels.inspector.context import StateContext
from designer.panels.inspector.error_handling import CatchEditor, RetryEditor
from designer.panels.inspector.fields import ComboField, LineField, make_editor, parse_scalar
from designer.panels.inspector.layout import Section, caption
from designer.panels.inspector.schema import HINTS, SECTIONS, WAIT_FIELDS, FieldSpec, state_fields, visible
from designer.panels.inspector.service_request import RequestSection, service_request_section
from designer.panels.inspector.variables import VariableFlowLabel
from designer.panels.json_field import JsonField
from engine.asl import OPTIMIZED, StateAddress, scope_states

NO_DEFAULT = "(none: fail with States.NoChoiceMatched)"
# A number and the path that may give it instead: one field takes either (a `$…` text is the path).
PATH_PAIRS = {
    name: f"{name}Path"
    for name in (
        "TimeoutSeconds",
        "HeartbeatSeconds",
        "MaxConcurrency",
        "ToleratedFailurePercentage",
        "ToleratedFailureCount",
    )
}
_PAIRED_PATHS = set(PATH_PAIRS.values())
PROCESSOR_MODES = ("INLINE", "DISTRIBUTED")


def known_resources(project: Any) -> list[str]:
    """Resource ARNs to offer: the engine's optimized integrations, then the project's functions."""
    out = []
    for service, actions in OPTIMIZED.items():
        for action, patterns in actions.items():
            base = f"arn:aws:states:::{service}:{action}"
            out += [base, *(base + p for p in patterns)]
    account, region = getattr(project, "account", "123456789012"), getattr(project, "region", "us-east-1")
    out += [
        f"arn:aws:lambda:{region}:{account}:function:{name}" for name in getattr(project, "functions", {})
    ]
    return out


def resource_label(arn: str) -> str:
    if ":function:" in arn and not arn.startswith("arn:aws:states:::"):
        return f"λ {arn.split(':function:', 1)[1]}  (project function)"
    return arn.removeprefix("arn:aws:states:::")


LOCAL_BEHAVIOUR_MODULE = "designer.panels.inspector.local_behaviour"


def local_behaviour_section(document: ProjectDocument, address: StateAddress) -> QWidget | None:
    """The Task's "Local behaviour" section (how a local run serves it), when this build has one.

    The section lives in a module of its own, imported here on first use; a build without it
    simply shows no section.
    """
    try:
        module = importlib.import_module(LOCAL_BEHAVIOUR_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == LOCAL_BEHAVIOUR_MODULE:
            return None
        raise
    factory = getattr(module, "local_behaviour_section", None)
    return factory(document, address) if callable(factory) else None


def form_signature(ctx: StateContext) -> tuple[Any, ...]:
    state = ctx.state
    shown = tuple(f.name for f in state_fields(str(state.get("Type"))) if visible(f, state, ctx.language))
    return (ctx.address, state.get("Type"), ctx.language, shown)


class WaitEditor(QWidget):
    """Wait's four fields as one choice: how to say how long, then the value."""

    def __init__(self, ctx: StateContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        modes = [m for m in WAIT_FIELDS if not m.endswith("Path") or ctx.language == "JSONPath"]
        self.mode = ComboField(modes, labels=_WAIT_LABELS.get)
        self.value = LineField("text")
        layout.addWidget(self.mode)
        layout.addWidget(self.value)
        self.mode.committed.connect(self._set_mode)
        self.value.committed.connect(self._set_value)

    def current_mode(self) -> str:
        return next((m for m in WAIT_FIELDS if m in self.ctx.state), "Seconds")

    def load(self, ctx: StateContext) -> None:
        self.ctx = ctx
        mode = self.current_mode()
        self.mode.set_value(mode)
        self.value.kind = "int_or_text" if mode == "Seconds" else "text"
        self.value.line.setPlaceholderText(_WAIT_HINTS[mode])
        self.value.set_value(ctx.state.get(mode, MISSING))
        self.value.set_diagnostics([m for f in WAIT_FIELDS for m in ctx.diagnostics(f)] + ctx.diagnostics())

    def _set_mode(self, mode: Any) -> None:
        old = self.current_mode()
        if mode is MISSING or mode == old:
            return

        def change(state: dict[str, Any]) -> None:
            value = state.pop(old, MISSING)
            for key in WAIT_FIELDS:
                state.pop(key, None)
            keep = value if (mode == "Seconds") == isinstance(value, int) else _WAIT_DEFAULTS[mode]
            state[mode] = keep

        self.ctx.replace(change)

    def _set_value(self, value: Any) -> None:
        if value is MISSING:
            self.value.show_error("A Wait needs a duration or a time.")
            return
        self.ctx.set((self.current_mode(),), value, typed=True)


_WAIT_LABELS = {
    "Seconds": "A number of seconds",
    "Timestamp": "Until a timestamp",
    "SecondsPath": "Seconds from the input (path)",
    "TimestampPath": "Timestamp from the input (path)",
}
_WAIT_HINTS = {
    "Seconds": "10",
    "Timestamp": "2026-01-01T00:00:00Z",
    "SecondsPath": "$.waitSeconds",
    "TimestampPath": "$.until",
}
_WAIT_DEFAULTS: dict[str, Any] = {
    "Seconds": 10,
    "Timestamp": "2026-01-01T00:00:00Z",
    "SecondsPath": "$.waitSeconds",
    "TimestampPath": "$.until",
}


class NumberOrPathField(LineField):
    """`TimeoutSeconds` or `TimeoutSecondsPath`, whichever the text says: `30` or `$.timeout`."""

    def __init__(self, ctx: StateContext, name: str, kind: str) -> None:
        hint = HINTS.get(name, "")
        super().__init__("text", f"{hint} · or a $.path" if hint else "a number · or a $.path")
        self.ctx, self.name, self.number_kind = ctx, name, kind
        self.committed.connect(self._commit_pair)

    def load(self, ctx: StateContext) -> None:
        self.ctx = ctx
        state = ctx.state
        path = PATH_PAIRS[self.name]
        self.set_value(state.get(self.name, state.get(path, MISSING)))
        self.set_diagnostics(ctx.diagnostics(self.name) + ctx.diagnostics(path))

    def _commit_pair(self, text: Any) -> None:
        path = PATH_PAIRS[self.name]
        if text is MISSING:
            value, key = MISSING, self.name
        elif isinstance(text, str) and text.startswith("$"):
            value, key = text, path
        else:
            value, error = parse_scalar(self.number_kind, str(text))
            if error is not None:
                self.show_error(error + " Or a path such as $.seconds.")
                self._loaded = MISSING
                return
            key = self.name

        def change(state: dict[str, Any]) -> None:
            state.pop(self.name, None)
            state.pop(path, None)
            if value is not MISSING:
                state[key] = value

        self.ctx.replace(change)


class StateForm(QWidget):
    """The fields of one state, one page per section; the panel shows each page in its tab.

    The pages are not children of the form's own layout: the panel places them in its tabs and
    `dispose` deletes them with the form.
    """

    def __init__(self, ctx: StateContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.signature = form_signature(ctx)
        self.sections: dict[str, Section] = {}
        self.editors: dict[str, Any] = {}  # ASL field name -> editor
        self.extras: list[Any] = []  # editors with a load(ctx) of their own
        self.local_behaviour: QWidget | None = None
        self.service_request: RequestSection | None = None
        state = ctx.state
        state_type = str(state.get("Type"))
        specs = [f for f in state_fields(state_type) if visible(f, state, ctx.language)]
        for title in SECTIONS:
            section = Section(title, foldable=False)
            self.sections[title] = section
            for spec in (s for s in specs if s.section == title):
                self._add_field(section, spec, state_type)
            if title == "Variables" and state_type not in ("Succeed", "Fail"):
                self.flow = VariableFlowLabel()
                section.add_widget(self.flow)
            if title == "Configuration" and state_type == "Task":
                self.service_request = service_request_section(ctx)
                if self.service_request is not None:
                    section.add_widget(self.service_request)
                self.local_behaviour = local_behaviour_section(ctx.document, ctx.address)
                if self.local_behaviour is not None:
                    section.add_widget(self.local_behaviour)
            if not (section.form.rowCount() or section.body_layout.count() > 1):
                section.deleteLater()
                del self.sections[title]
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #C24E00;")

    def dispose(self) -> None:
        """Delete the pages (wherever the panel put them), the problems line and the form."""
        for widget in (*self.sections.values(), self.problems):
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        self.sections = {}
        self.deleteLater()

    # building ------------------------------------------------------------------------------------

    def _add_field(self, section: Section, spec: FieldSpec, state_type: str) -> None:
        ctx = self.ctx
        name = spec.name
        if state_type == "Wait" and name in WAIT_FIELDS:
            if "Wait" not in self.editors:
                self.editors["Wait"] = WaitEditor(ctx)
                section.add_row("Wait", self.editors["Wait"])
            return
        if name in _PAIRED_PATHS and ctx.language == "JSONPath":
            return  # edited through its number's field
        if name in PATH_PAIRS and ctx.language == "JSONPath":
            editor = NumberOrPathField(ctx, name, spec.kind if spec.kind != "int_or_text" else "int")
            section.add_row(name, editor)
        elif name == "Resource":
            editor = ComboField(known_resources(ctx.document.project), editable=True, labels=resource_label)
            editor.committed.connect(lambda v: ctx.set(("Resource",), v, typed=True))
            section.add_row("Resource", editor)
        elif name == "Retry":
            editor = RetryEditor(ctx)
            section.add_wide(editor, "Retry")
        elif name == "Catch":
            editor = CatchEditor(ctx)
            section.add_wide(editor, "Catch")
        elif name == "Choices":
            editor = ChoicesEditor(ctx)
            section.add_wide(editor, "Rules")
        elif name == "Default":
            editor = ComboField(ctx.siblings(), empty=NO_DEFAULT)
            editor.committed.connect(lambda v: ctx.set(("Default",), v))
            section.add_row("Default", editor)
        elif name == "Branches":
            editor = caption("")
            section.add_row("Branches", editor)
        elif name in ("ItemProcessor", "Iterator"):
            if name == "Iterator" and "Iterator" not in ctx.state:
                return
            editor = ComboField(PROCESSOR_MODES)
            editor.committed.connect(lambda v, n=name: ctx.set((n, "ProcessorConfig", "Mode"), v))
            self.processor_summary = caption("")
            section.add_row("Processing", editor)
            section.add_row("", self.processor_summary)
        else:
            editor = make_editor(
                spec.kind, theme=ctx.theme, jsonata=ctx.language == "JSONata", placeholder=HINTS.get(name, "")
            )
            if spec.kind == "bool":
                editor.box.setText(name)
            editor.committed.connect(
                lambda v, n=name, k=spec.kind: ctx.set((n,), v, typed=k not in ("bool", "choice"))
            )
            if spec.language is not None:
                editor.setToolTip(f"{name} ({spec.language} states only)")
            if spec.kind == "json":  # JSON reads best across the whole tab, under its name
                section.add_wide(editor, name)
            else:
                section.add_row(name, editor)
        self.editors[name] = editor

    # loading -------------------------------------------------------------------------------------

    def load(self, ctx: StateContext) -> None:
        self.ctx = ctx
        state = ctx.state
        definition = ctx.document.definition(ctx.address.machine)
        for name, editor in self.editors.items():
            if hasattr(editor, "load"):
                editor.load(ctx)
                continue
            if name == "Branches":
                editor.setText(_branches_summary(state.get("Branches")))
                continue
            if name in ("ItemProcessor", "Iterator"):
                processor = state.get(name) if isinstance(state.get(name), dict) else {}
                editor.set_value((processor.get("ProcessorConfig") or {}).get("Mode", "INLINE"))
                self.processor_summary.setText(_processor_summary(processor))
                continue
            if name == "Default":
                editor.set_options(ctx.siblings())
            editor.set_value(state.get(name, MISSING))
            if hasattr(editor, "set_diagnostics"):
                below = isinstance(editor, JsonField)
                editor.set_diagnostics(ctx.diagnostics(name, below=below))
        if hasattr(self, "flow"):
            self.flow.load(definition, ctx.address.name)
        if self.service_request is not None:
            self.service_request.load(ctx)
        reload = getattr(self.local_behaviour, "reload", None)
        if callable(reload):
            reload()
        self._set_gists(state)
        shown = set(self.editors) | set(WAIT_FIELDS) | _PAIRED_PATHS | {"Choices", "Retry", "Catch"}
        rest = ctx.unplaced_diagnostics(shown)
        self.problems.setText("\n".join(f"⚠ {m}" for m in rest))
        self.problems.setVisible(bool(rest))

    def _set_gists(self, state: dict[str, Any]) -> None:
        for title, section in self.sections.items():
            if title == "Error handling":
                retry, catch = len(state.get("Retry") or []), len(state.get("Catch") or [])
                bits = [f"{retry} retrier{'s' if retry != 1 else ''}"] if retry else []
                bits += [f"{catch} catcher{'s' if catch != 1 else ''}"] if catch else []
                section.set_gist(", ".join(bits) or "none")
            elif title == "Configuration":
                section.set_gist(state_caption(state))
            else:
                names = [n for n, e in self.editors.items() if n in state and _in(section, e)]
                section.set_gist(", ".join(names) or "defaults")


def _in(section: Section, editor: QWidget) -> bool:
    return section.isAncestorOf(editor)


def _branches_summary(branches: Any) -> str:
    if not isinstance(branches, list) or not branches:
        return "No branches."
    lines = []
    for i, branch in enumerate(branches, start=1):
        states = scope_states(branch, ())
        start = branch.get("StartAt", "?") if isinstance(branch, dict) else "?"
        lines.append(f"{i}. starts at {start} · {len(states)} state{'s' if len(states) != 1 else ''}")
    return "\n".join(lines) + "\nEdit the branches on the canvas."


def _processor_summary(processor: dict[str, Any]) -> str:
    states = scope_states(processor, ())
    start = processor.get("StartAt", "?")
    count = f"{len(states)} state{'s' if len(states) != 1 else ''}"
    return f"Each item runs from {start} ({count}); edit it on the canvas."
