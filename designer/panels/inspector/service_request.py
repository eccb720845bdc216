"""The Task inspector's "Request": a form made from the called API's input shape.

For a Task that calls an AWS service (an SDK integration or an optimized one), the members of
the operation's request are listed from botocore's model: required ones marked, enumerations
offered as choices, nested structures opened in place, lists and maps as JSON, and AWS's
documentation as each field's tooltip. Any value may instead come from the state's input:
in a JSONPath state a text starting with `$` is written as `Name.$` (a path or an intrinsic
function), in a JSONata state a `{% %}` text is kept as it is, as ASL allows everywhere. The
integration pattern is chosen from those the resource supports. Every edit is one undo step
through the state's context; StateCanvas's checks of the request show under the form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.panels.inspector.context import StateContext
from designer.panels.inspector.layout import caption
from designer.panels.inspector.service_values import as_text, lookup, parse_value, placeholder
from engine.services import (
    PATTERN_LABELS,
    TaskTarget,
    catalog,
    member_name,
    members_of,
    placeholder_value,
    task_target,
)

MAX_DEPTH = 6  # recursive shapes (DynamoDB's AttributeValue) open one level at a time anyway
UNSET = ""


def service_request_section(ctx: StateContext) -> RequestSection | None:
    """The inspector's hook: the section for a Task state, nothing for other states."""
    if ctx.state.get("Type") != "Task":
        return None
    return RequestSection(ctx)


def _required(shape: Any) -> set[str]:
    return {member_name(n) for n in getattr(shape, "required_members", []) or []}


class RequestSection(QWidget):
    """The request of a service Task; hidden for Tasks that call no AWS API."""

    def __init__(self, ctx: StateContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceRequest")
        self.ctx = ctx
        self.key: tuple[Any, ...] | None = None
        self.target: TaskTarget | None = None
        self.editors: dict[tuple[str, ...], MemberEditor] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 4)
        layout.setSpacing(6)
        self.heading = QLabel("Request")
        font = self.heading.font()
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(font.pointSizeF() + 0.5)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.summary = caption("")
        layout.addWidget(self.summary)
        self.pattern = QComboBox()
        self.pattern.setObjectName("integrationPattern")
        self.pattern.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pattern.activated.connect(lambda _i: self._set_pattern())
        layout.addWidget(self.pattern)
        self.body = QWidget()
        self.form = _form(self.body, 0)
        layout.addWidget(self.body)
        self.problems = QLabel("")
        self.problems.setObjectName("serviceRequestProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #B87A00;")
        layout.addWidget(self.problems)
        self.load(ctx)

    # showing -------------------------------------------------------------------------------------

    @property
    def field(self) -> str:
        return "Arguments" if self.ctx.language == "JSONata" else "Parameters"

    def load(self, ctx: StateContext) -> None:
        """Show the state's request; rebuilt only when the resource or language changed, so a
        field being typed in keeps its focus while the canvas updates."""
        self.ctx = ctx
        resource = ctx.state.get("Resource")
        key = (resource, ctx.language)
        if key != self.key:
            self.key = key
            try:
                self.target = task_target(resource) if isinstance(resource, str) else None
            except Exception:  # no botocore data: the Task keeps its JSON fields
                self.target = None
            self._build()
        if self.target is None:
            return
        request = ctx.state.get(self.field)
        request = request if isinstance(request, dict) else {}
        for path, editor in self.editors.items():
            editor.show_value(lookup(request, path), self.ctx.language)
        self._show_problems()

    def _build(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        target = self.target
        if target is None:
            self.hide()
            return
        if self.parentWidget() is not None:  # a parentless widget shown would be a window of its own
            self.show()
        self.heading.setText(f"Request · {target.title}")
        kind = "Optimized integration" if target.kind == "optimized" else "AWS SDK integration"
        self.summary.setText(f"{kind} · * required · a value may be {placeholder('', self.ctx.language)}")
        self.summary.setToolTip(f"{target.resource}\n\n{target.documentation}")
        self.heading.setToolTip(target.documentation)
        self.pattern.clear()
        for pattern in target.allowed_patterns:
            self.pattern.addItem(PATTERN_LABELS[pattern], pattern)
        if target.pattern not in target.allowed_patterns:
            self.pattern.addItem(f"{target.pattern} (not supported)", target.pattern)
        self.pattern.setCurrentIndex(self.pattern.findData(target.pattern))
        self.pattern.setVisible(
            len(target.allowed_patterns) > 1 or target.pattern not in target.allowed_patterns
        )
        if target.shape is not None:
            self._add_members(self.form, target.shape, (), 0)
        else:
            for name, required in (target.members or {}).items():
                self._add_editor(self.form, (name,), None, required)

    def _add_members(self, form: QFormLayout, shape: Any, path: tuple[str, ...], depth: int) -> None:
        required = _required(shape)
        members = members_of(shape)
        ordered = sorted(members, key=lambda n: (n not in required, list(members).index(n)))
        for name in ordered:
            self._add_editor(form, (*path, name), members[name], name in required, depth)

    def _add_editor(
        self, form: QFormLayout, path: tuple[str, ...], shape: Any, required: bool, depth: int = 0
    ) -> None:
        name = path[-1]
        label = QLabel(f"{name} *" if required else name)
        doc = catalog.documentation_text(getattr(shape, "documentation", "") or "", 500) if shape else ""
        kind = getattr(shape, "type_name", "json") if shape is not None else "json"
        tip = f"{name} ({kind}{', required' if required else ''})" + (f"\n\n{doc}" if doc else "")
        label.setToolTip(tip)
        if kind == "structure" and depth < MAX_DEPTH:
            nested = NestedMembers(self, path, shape, depth + 1)
            nested.setToolTip(tip)
            form.addRow(label, nested)
            return
        editor = MemberEditor(self, path, shape)
        editor.setToolTip(tip)
        editor.setAccessibleName(name)
        self.editors[path] = editor
        form.addRow(label, editor)

    def _show_problems(self) -> None:
        base = f"/{self.field}"
        lines = []
        for location, messages in self.ctx._diagnostics.items():
            if location == "/Resource" or location == base or location.startswith(base + "/"):
                lines += [m for m in messages if _is_check(m)]
        self.problems.setText("\n".join(f"⚠ {m}" for m in lines))
        self.problems.setVisible(bool(lines))

    # editing -------------------------------------------------------------------------------------

    def commit(self, path: tuple[str, ...], value: Any, dynamic: bool) -> None:
        """Set (or with None, remove) one member of the request, as one undo step."""
        field = self.field

        def change(state: dict[str, Any]) -> None:
            request = state.get(field)
            if not isinstance(request, dict):
                request = state[field] = {}
            holder = request
            for part in path[:-1]:
                child = holder.get(part)
                if not isinstance(child, dict):
                    child = holder[part] = {}
                holder = child
            name = path[-1]
            holder.pop(name, None)
            holder.pop(f"{name}.$", None)
            if value is not None:
                holder[f"{name}.$" if dynamic else name] = value

        self.ctx.replace(change)

    def _set_pattern(self) -> None:
        target = self.target
        pattern = self.pattern.currentData()
        if target is None or pattern is None or pattern == target.pattern:
            return
        base = (
            target.resource[: len(target.resource) - len(target.pattern)]
            if target.pattern
            else target.resource
        )
        self.ctx.set(("Resource",), base + pattern)


class NestedMembers(QWidget):
    """A structure member: its own members, opened on demand (shapes may be recursive)."""

    def __init__(self, section: RequestSection, path: tuple[str, ...], shape: Any, depth: int) -> None:
        super().__init__()
        self.section, self.path, self.shape, self.depth = section, path, shape, depth
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setText(f"▸ {len(shape.members)} members")
        self.toggle.setAutoRaise(True)
        self.toggle.clicked.connect(self.open)
        layout.addWidget(self.toggle)
        self.inner: QWidget | None = None
        request = section.ctx.state.get(section.field)
        if isinstance(request, dict) and isinstance(lookup(request, path), dict):
            self.open()  # a structure the request fills is shown open

    def open(self) -> None:
        if self.inner is not None:
            self.inner.setHidden(not self.inner.isHidden())
            self.toggle.setText(
                ("▸ " if self.inner.isHidden() else "▾ ") + f"{len(self.shape.members)} members"
            )
            return
        self.inner = QWidget()
        form = _form(self.inner, 12)
        self.section._add_members(form, self.shape, self.path, self.depth)
        self.layout().addWidget(self.inner)
        self.toggle.setText(f"▾ {len(self.shape.members)} members")
        request = self.section.ctx.state.get(self.section.field)
        request = request if isinstance(request, dict) else {}
        for path, editor in self.section.editors.items():
            if path[: len(self.path)] == self.path:
                editor.show_value(lookup(request, path), self.section.ctx.language)


class MemberEditor(QWidget):
    """One member's value: a choice for enums and booleans, text for the rest (JSON for lists,
    maps and unknown shapes); a `$…` text in a JSONPath state becomes a `Name.$` path."""

    def __init__(self, section: RequestSection, path: tuple[str, ...], shape: Any) -> None:
        super().__init__()
        self.section, self.path, self.shape = section, path, shape
        self.kind = getattr(shape, "type_name", "json") if shape is not None else "json"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        enum = list(getattr(shape, "enum", None) or []) if shape is not None else []
        if enum or self.kind == "boolean":
            combo = QComboBox()
            combo.setEditable(True)  # a path or an expression may stand for the value
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # never changed by a passing wheel
            combo.addItems([UNSET, *(enum or ["true", "false"])])
            combo.lineEdit().editingFinished.connect(self._commit)
            combo.activated.connect(lambda _i: self._commit())
            self.line = combo.lineEdit()
            self.widget: QWidget = combo
        else:
            self.line = QLineEdit()
            self.line.editingFinished.connect(self._commit)
            self.widget = self.line
        self.line.setPlaceholderText(placeholder(self.kind, section.ctx.language))
        if self.kind == "list":  # a list grows by an item with its own required members
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.widget, 1)
            self.add_item = QToolButton()
            self.add_item.setText("+")
            self.add_item.setToolTip("Add an item with its required members")
            self.add_item.clicked.connect(self._add_item)
            row.addWidget(self.add_item)
            layout.addLayout(row)
        else:
            layout.addWidget(self.widget)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #C24E00;")
        self.error.hide()
        layout.addWidget(self.error)
        self._shown: tuple[Any, bool] | None = None

    def show_value(self, found: tuple[Any, bool] | None, language: str) -> None:
        """`found` is (value, dynamic) or None when the member is not set."""
        self._shown = found
        if self.line.hasFocus():
            return
        text = "" if found is None else as_text(found[0])
        if self.line.text() != text:
            self.line.setText(text)

    def _add_item(self) -> None:
        current = self._shown[0] if self._shown is not None and not self._shown[1] else []
        items = list(current) if isinstance(current, list) else []
        items.append(placeholder_value(self.shape.member, self.section.ctx.language == "JSONata"))
        self.section.commit(self.path, items, False)

    def _commit(self) -> None:
        text = self.line.text().strip()
        self.error.hide()
        jsonata = self.section.ctx.language == "JSONata"
        if not text:
            if self._shown is not None:
                self.section.commit(self.path, None, False)
            return
        if not jsonata and text.startswith("$"):
            value, dynamic = text, True
        elif jsonata and text.startswith("{%"):
            value, dynamic = text, False
        else:
            value, why = parse_value(self.kind, text)
            if why is not None:
                self.error.setText(why)
                self.error.show()
                return
            dynamic = False
        if self._shown is not None and self._shown == (value, dynamic):
            return
        self.section.commit(self.path, value, dynamic)


def _form(widget: QWidget, indent: int) -> QFormLayout:
    """A form with each field under its member name: names are long, the inspector narrow."""
    form = QFormLayout(widget)
    form.setContentsMargins(indent, 0, 0, 0)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _is_check(message: str) -> bool:
    # Imported here for start-up time: the parameter checks load only once a definition is checked.
    from engine.services import DESIGN_CHECK_SUFFIX

    return message.endswith(DESIGN_CHECK_SUFFIX)
