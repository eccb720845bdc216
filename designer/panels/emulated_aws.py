"""The Emulated AWS panel: what a local run's emulated account holds (DynamoDB tables and their
items, S3 buckets and their objects, SSM parameters), and the project's seed of it.

After a run the tree shows what the run left behind; before any run it shows the seed, which
every run starts from. Picking a node shows its JSON. The seed is edited as the project file
keeps it and applied as one undoable edit of the project.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.panels.execution_common import JsonEdit, error_label
from engine.project import Project, SeedSpec

VALUE_ROLE = Qt.ItemDataRole.UserRole
SERVICES = (
    ("dynamodb", "DynamoDB tables", "table"),
    ("s3", "S3 buckets", "bucket"),
    ("ssm", "SSM parameters", "parameter"),
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _item_label(item: dict[str, Any], key: Any) -> str:
    names = key if isinstance(key, list) else [key]
    names = [name for name in names if name in item] or list(item)[:2]
    return ", ".join(f"{name}={json.dumps(item.get(name), ensure_ascii=False)}" for name in names)


def _object_value(body: Any) -> Any:
    """An object's body as JSON when it is JSON text, else the text itself."""
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body


class EmulatedAwsPanel(QWidget):
    seed_edit_requested = Signal(object)  # the seed as the project file keeps it
    routes_edit_requested = Signal(object)  # {"METHOD /path": function name}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)

        browse = QWidget()
        browse_layout = QVBoxLayout(browse)
        browse_layout.setContentsMargins(0, 0, 0, 0)
        self.source = QLabel("")
        self.source.setWordWrap(True)
        browse_layout.addWidget(self.source)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Resource", "Summary"])
        self.tree.currentItemChanged.connect(lambda current, _previous: self._show(current))
        self.tree.itemExpanded.connect(lambda _item: self.tree.resizeColumnToContents(0))
        split.addWidget(self.tree)
        self.json = JsonEdit(read_only=True)
        split.addWidget(self.json)
        split.setSizes([220, 320])
        browse_layout.addWidget(split, 1)
        keep_row = QHBoxLayout()
        keep_row.addStretch(1)
        self.keep = QPushButton("Keep as seed")
        self.keep.setToolTip("Make what the last run left the project's seed, so the next run starts from it")
        self.keep.clicked.connect(self._keep)
        keep_row.addWidget(self.keep)
        browse_layout.addLayout(keep_row)
        self.tabs.addTab(browse, "Resources")

        seed = QWidget()
        seed_layout = QVBoxLayout(seed)
        seed_layout.setContentsMargins(0, 0, 0, 0)
        self.seed_note = QLabel(
            "What the emulated account holds when a run starts: "
            '{"dynamodb": {"Table": {"key": "id", "items": [...]}}, '
            '"s3": {"bucket": {"key": text or JSON}}, "ssm": {"/name": "value"}}'
        )
        self.seed_note.setWordWrap(True)
        seed_layout.addWidget(self.seed_note)
        self.seed_edit = JsonEdit({})
        seed_layout.addWidget(self.seed_edit, 1)
        row = QHBoxLayout()
        self.seed_error = error_label()
        row.addWidget(self.seed_error, 1)
        self.apply_seed = QPushButton("Apply seed")
        self.apply_seed.setToolTip("Keep this seed in the project; every local run starts from it")
        self.apply_seed.clicked.connect(self._apply)
        row.addWidget(self.apply_seed)
        seed_layout.addLayout(row)
        self.tabs.addTab(seed, "Seed")

        routes = QWidget()
        routes_layout = QVBoxLayout(routes)
        routes_layout.setContentsMargins(0, 0, 0, 0)
        note = QLabel(
            "API Gateway routes that apigateway:invoke Tasks reach, each served by a project function "
            '(API Gateway\'s proxy event in, {"statusCode", "headers", "body"} out): '
            '{"POST /orders/{id}": "function-name"}'
        )
        note.setWordWrap(True)
        routes_layout.addWidget(note)
        self.routes_edit = JsonEdit({})
        routes_layout.addWidget(self.routes_edit, 1)
        routes_row = QHBoxLayout()
        self.routes_error = error_label()
        routes_row.addWidget(self.routes_error, 1)
        self.apply_routes = QPushButton("Apply routes")
        self.apply_routes.clicked.connect(self._apply_routes)
        routes_row.addWidget(self.apply_routes)
        routes_layout.addLayout(routes_row)
        self.tabs.addTab(routes, "API routes")

        self._seed: dict[str, Any] = {}
        self._state: dict[str, Any] = {}
        self.functions: set[str] = set()  # the project's functions, which routes may name
        self._shown_run = False
        self.show_state({}, "")

    # what is shown ---------------------------------------------------------------------------

    def set_seed(self, seed: dict[str, Any], *, editable: bool = True) -> None:
        """The project's seed (as its file keeps it); shown in the tree until a run replaces it."""
        self._seed = seed
        self.seed_edit.set_value(seed)
        self.seed_error.setText("" if editable else "A seed is kept in a project: save this machine as one.")
        self.seed_edit.setReadOnly(not editable)
        self.apply_seed.setEnabled(editable)
        if not self._shown_run:
            self.show_state(_seed_as_state(seed), "seed")

    def set_routes(self, routes: dict[str, str], *, editable: bool = True) -> None:
        self.routes_edit.set_value(routes)
        self.routes_edit.setReadOnly(not editable)
        self.apply_routes.setEnabled(editable)
        self.routes_error.setText(
            "" if editable else "Routes are kept in a project: save this machine as one."
        )

    def show_state(self, state: dict[str, Any], source: str) -> None:
        """Show an emulated account's contents (`EmulatedAccount.snapshot()`'s shape)."""
        self._shown_run = source == "run"
        self._state = state
        self.keep.setEnabled(self._shown_run and self.apply_seed.isEnabled())
        self.source.setText(
            {
                "run": "What the last run's emulated account holds.",
                "seed": "Before a run: the project's seed, which every run starts from.",
                "untouched": "The last run did not touch emulated AWS.",
            }.get(source, "No run has touched emulated AWS yet.")
        )
        self.tree.clear()
        self.json.set_value(state)
        for service, title, noun in SERVICES:
            resources = state.get(service) or {}
            group = QTreeWidgetItem([title, _count(len(resources), noun)])
            group.setData(0, VALUE_ROLE, resources)
            self.tree.addTopLevelItem(group)
            for name in sorted(resources):
                self._add_resource(group, service, name, resources[name])
            group.setExpanded(True)
        self.tree.resizeColumnToContents(0)

    def _add_resource(self, group: QTreeWidgetItem, service: str, name: str, value: Any) -> None:
        if service == "dynamodb":
            items = value.get("items", []) if isinstance(value, dict) else []
            node = QTreeWidgetItem([name, _count(len(items), "item")])
            node.setData(0, VALUE_ROLE, value)
            for item in items:
                child = QTreeWidgetItem([_item_label(item, value.get("key", "id")), ""])
                child.setData(0, VALUE_ROLE, item)
                node.addChild(child)
        elif service == "s3":
            objects = value if isinstance(value, dict) else {}
            node = QTreeWidgetItem([name, _count(len(objects), "object")])
            node.setData(0, VALUE_ROLE, {key: _object_value(body) for key, body in objects.items()})
            for key in sorted(objects):
                child = QTreeWidgetItem([key, f"{len(str(objects[key]))} chars"])
                child.setData(0, VALUE_ROLE, _object_value(objects[key]))
                node.addChild(child)
        else:
            node = QTreeWidgetItem([name, str(value)[:60]])
            node.setData(0, VALUE_ROLE, value)
        group.addChild(node)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.json.set_value(item.data(0, VALUE_ROLE))

    # editing the seed ------------------------------------------------------------------------

    def _apply_routes(self) -> None:
        try:
            value = self.routes_edit.value()
        except ValueError as exc:
            self.routes_error.setText(f"Routes: {exc}")
            return
        problem = routes_problem({} if value is None else value, self.functions)
        if problem is not None:
            self.routes_error.setText(f"Routes: {problem}")
            return
        self.routes_error.setText("")
        self.routes_edit_requested.emit({} if value is None else value)

    def _keep(self) -> None:
        """The last run's account as the seed: the snapshot already has the seed's shape."""
        seed = {service: self._state.get(service) for service, _, _ in SERVICES if self._state.get(service)}
        self.seed_edit.set_value(seed)
        self._apply()

    def _apply(self) -> None:
        try:
            value = self.seed_edit.value()
        except ValueError as exc:
            self.seed_error.setText(f"Seed: {exc}")
            return
        if value is None:
            value = {}
        try:
            SeedSpec.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "/".join(str(part) for part in first["loc"]) or "seed"
            self.seed_error.setText(f"Seed at {where}: {first['msg']}")
            return
        self.seed_error.setText("")
        self.seed_edit_requested.emit(value)


def _seed_as_state(seed: dict[str, Any]) -> dict[str, Any]:
    """The seed in a snapshot's shape (every table's key spelled out, bodies as text), so the
    tree reads the same before and after a run."""
    tables = {
        name: {"key": table.get("key", "id"), "items": list(table.get("items", []))}
        for name, table in (seed.get("dynamodb") or {}).items()
    }
    objects = {
        bucket: {key: body if isinstance(body, str) else json.dumps(body) for key, body in content.items()}
        for bucket, content in (seed.get("s3") or {}).items()
    }
    return {"dynamodb": tables, "s3": objects, "ssm": dict(seed.get("ssm") or {})}


def routes_problem(value: Any, functions: set[str]) -> str | None:
    """Why `value` is not a set of routes for this project, or None."""
    if not isinstance(value, dict):
        return 'give an object of routes, e.g. {"POST /orders/{id}": "function-name"}'
    try:
        Project.model_validate({"apiRoutes": value})
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    for route, function in value.items():
        if function.removeprefix("function:") not in functions:
            return f"{route}: no function named {function!r} in this project"
    return None
