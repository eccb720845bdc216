"""Forms for the event resources: rule, queue, topic (with its subscriptions), function, bus.

Fields come from the project's pydantic models (`engine.project.model`); a few have editors
of their own: a rule's pattern (with the sandbox) and targets, a queue's redrive policy, a
topic's subscriptions and their filter policies. Every edit is one undo command, refused with
the model's own message when the model would refuse it.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from PySide6.QtWidgets import QFormLayout, QPushButton, QVBoxLayout, QWidget

from designer.canvas.theme import LIGHT, Theme
from designer.document.commands import SetResourceCommand
from designer.document.edits import EditRefused
from designer.document.field_commands import SetListSectionCommand
from designer.document.patch import MISSING
from designer.document.project_document import RESOURCE_SECTIONS, ProjectDocument
from designer.panels.inspector.fields import BoolField, ComboField, LineField
from designer.panels.inspector.layout import Card, Section, caption
from designer.panels.json_field import JsonField
from designer.panels.pattern_sandbox import PatternSandbox
from engine.messaging import InvalidFilterPolicyError, test_filter_policy
from engine.project import SubscriptionSpec, TargetSpec

Commit = Callable[[str, Any], None]  # (camelCase field, value or MISSING)
LABELS = {
    "fifo": "FIFO",
    "contentBasedDeduplication": "Content-based deduplication",
    "visibilityTimeout": "Visibility timeout (s)",
    "delaySeconds": "Delay (s)",
    "messageRetentionPeriod": "Retention (s)",
    "receiveMessageWaitTime": "Receive wait (s)",
    "rawMessageDelivery": "Raw message delivery",
    "filterPolicyScope": "Filter on",
    "scheduleExpression": "Schedule",
    "deadLetterQueue": "Dead-letter queue",
    "inputPath": "Input path",
    "messageGroupId": "Message group",
}


def _label(alias: str) -> str:
    if alias in LABELS:
        return LABELS[alias]
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in alias)
    return words[:1].upper() + words[1:]


def _annotation_kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    members = [a for a in get_args(annotation) if a is not type(None)] if get_origin(annotation) in (
        typing.Union, types.UnionType) else [annotation]  # fmt: skip
    if len(members) == 1 and get_origin(members[0]) is Literal:
        return "choice", tuple(get_args(members[0]))
    if members == [bool]:
        return "bool", ()
    if members == [int]:
        return "int", ()
    if members == [str]:
        return "text", ()
    return "json", ()


def model_editors(
    model: type[BaseModel], form: QFormLayout, commit: Commit, theme: Theme, skip: set[str],
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One editor per field of a project model, added to `form`; edits go to `commit`."""
    editors: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        alias = info.alias or name
        if alias in skip:
            continue
        editor = (overrides or {}).get(alias)
        if editor is None:
            kind, options = _annotation_kind(info.annotation)
            if kind == "bool":
                editor = BoolField(_label(alias))
            elif kind == "choice":
                editor = ComboField(options)
            elif kind == "json":
                editor = JsonField(theme)
            else:
                default = info.get_default() if not info.is_required() else None
                editor = LineField(kind, f"{default}" if default not in (None, "") else "")
        editor.committed.connect(lambda v, a=alias: commit(a, v))
        form.addRow("" if isinstance(editor, BoolField) else _label(alias), editor)
        editors[alias] = editor
    return editors


def load_editors(editors: dict[str, Any], values: dict[str, Any]) -> None:
    for alias, editor in editors.items():
        editor.set_value(values.get(alias, MISSING))


def resource_refs(document: ProjectDocument, kinds: tuple[str, ...]) -> list[str]:
    out = []
    for kind in kinds:
        if kind == "stateMachine":
            out += [f"stateMachine:{n}" for n in document.machine_names()]
        else:
            out += [f"{kind}:{n}" for n in document.resource_names(kind)]
    return out


class ResourceForm(QWidget):
    """The form of one resource; `report` shows refusals."""

    def __init__(
        self, document: ProjectDocument, kind: str, name: str, theme: Theme = LIGHT,
        report: Callable[[str], None] = print,
    ) -> None:  # fmt: skip
        super().__init__()
        self.document, self.kind, self.name, self.theme, self.report = document, kind, name, theme, report
        self.signature = (kind, name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        model = RESOURCE_SECTIONS[kind][1]
        self.section = Section("Configuration", foldable=False)  # the tab already says so
        layout.addWidget(self.section)
        overrides: dict[str, Any] = {}
        skip = {"domain"}
        if kind == "rule":
            overrides["bus"] = ComboField(["default", *document.resource_names("bus")], editable=True)
            skip |= {"eventPattern", "targets"}
        if kind == "queue":
            skip.add("redrivePolicy")
        self.editors = model_editors(model, self.section.form, self.set_field, theme, skip, overrides)
        self.extras: list[Any] = []
        if kind == "rule":
            self.sandbox = PatternSandbox(theme, heading=False)
            self.sandbox.committed.connect(lambda v: self.set_field("eventPattern", v))
            pattern = Section("Event pattern")
            pattern.add_widget(self.sandbox)
            layout.addWidget(pattern)
            self.targets = TargetsEditor(self)
            targets = Section("Targets")
            targets.add_widget(self.targets)
            layout.addWidget(targets)
            self.extras.append(self.targets)
        if kind == "queue":
            self.redrive = RedriveEditor(self)
            self.section.add_row("Redrive", self.redrive)
            self.extras.append(self.redrive)
        if kind == "topic":
            self.subscriptions = SubscriptionsEditor(self)
            subs = Section("Subscriptions")
            subs.add_widget(self.subscriptions)
            layout.addWidget(subs)
            self.extras.append(self.subscriptions)

    def values(self) -> dict[str, Any]:
        spec = self.document.resource(self.kind, self.name)
        return json.loads(spec.model_dump_json(by_alias=True, exclude_none=True)) if spec is not None else {}

    def load(self) -> None:
        values = self.values()
        load_editors(self.editors, values)
        if self.kind == "rule":
            self.sandbox.load(values.get("eventPattern"), values.get("bus", "default"))
        for extra in self.extras:
            extra.load(values)

    def set_field(self, alias: str, value: Any) -> bool:
        values = self.values()
        if value is MISSING:
            values.pop(alias, None)
        else:
            values[alias] = value
        try:
            self.document.push(SetResourceCommand(self.document, self.kind, self.name, values))
        except EditRefused as exc:
            self.report(str(exc))
            self.load()
            return False
        return True


class _CardList(QWidget):
    add_text = "+ Add"

    def __init__(self, form: ResourceForm) -> None:
        super().__init__()
        self.form = form
        self.cards: list[Card] = []
        self.editors: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.cards_layout = QVBoxLayout()
        layout.addLayout(self.cards_layout)
        self.add_button = QPushButton(self.add_text)
        self.add_button.clicked.connect(self.add)
        layout.addWidget(self.add_button)

    def _rebuild(self, count: int, model: type[BaseModel], skip: set[str]) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards, self.editors = [], []
        for index in range(count):
            card = Card("")
            editors = model_editors(
                model, card.form, lambda a, v, i=index: self.set_item(i, a, v), self.form.theme, skip,
                self.overrides(),
            )  # fmt: skip
            card.remove_requested.connect(lambda i=index: self.remove(i))
            self.cards_layout.addWidget(card)
            self.cards.append(card)
            self.editors.append(editors)

    def overrides(self) -> dict[str, Any]:
        return {}

    def add(self) -> None: ...

    def remove(self, index: int) -> None: ...

    def set_item(self, index: int, alias: str, value: Any) -> None: ...


class TargetsEditor(_CardList):
    add_text = "+ Add target"
    KINDS = ("queue", "function", "stateMachine", "topic", "bus")

    def overrides(self) -> dict[str, Any]:
        refs = resource_refs(self.form.document, self.KINDS)
        return {
            "target": ComboField(refs, editable=True),
            "deadLetterQueue": ComboField(resource_refs(self.form.document, ("queue",)), empty="(none)"),
        }

    def targets(self) -> list[dict[str, Any]]:
        return list(self.form.values().get("targets") or [])

    def load(self, values: dict[str, Any]) -> None:
        targets = values.get("targets") or []
        if len(targets) != len(self.cards):
            self._rebuild(len(targets), TargetSpec, {"inputTransformer", "retryPolicy"})
        for card, editors, target in zip(self.cards, self.editors, targets, strict=True):
            card.set_title(f"{target.get('id')} → {target.get('target')}")
            load_editors(editors, target)

    def add(self) -> None:
        targets = self.targets()
        refs = resource_refs(self.form.document, self.KINDS)
        taken = {t.get("id") for t in targets}
        n = len(targets) + 1
        while f"target-{n}" in taken:
            n += 1
        self.form.set_field(
            "targets", [*targets, {"id": f"target-{n}", "target": refs[0] if refs else "queue:q"}]
        )

    def remove(self, index: int) -> None:
        self.form.set_field("targets", [t for i, t in enumerate(self.targets()) if i != index])

    def set_item(self, index: int, alias: str, value: Any) -> None:
        targets = self.targets()
        if value is MISSING:
            targets[index].pop(alias, None)
        else:
            targets[index][alias] = value
        self.form.set_field("targets", targets)


class RedriveEditor(QWidget):
    """A queue's redrive policy: where messages go after too many receives."""

    def __init__(self, form: ResourceForm) -> None:
        super().__init__()
        self.form = form
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        others = [q for q in form.document.resource_names("queue") if q != form.name]
        self.queue = ComboField(others, empty="(no dead-letter queue)")
        self.count = LineField("int", "5")
        layout.addWidget(self.queue)
        sub = QFormLayout()
        sub.setContentsMargins(0, 0, 0, 0)
        sub.addRow("after receives", self.count)
        layout.addLayout(sub)
        self.queue.committed.connect(lambda v: self._set(v, None))
        self.count.committed.connect(lambda v: self._set(None, v))

    def load(self, values: dict[str, Any]) -> None:
        policy = values.get("redrivePolicy") or {}
        self.queue.set_value(policy.get("deadLetterQueue", MISSING))
        self.count.set_value(policy.get("maxReceiveCount", MISSING))
        self.count.setEnabled(bool(policy))

    def _set(self, queue: Any, count: Any) -> None:
        policy = dict(self.form.values().get("redrivePolicy") or {})
        if queue is MISSING:
            self.form.set_field("redrivePolicy", MISSING)
            return
        if queue is not None:
            policy["deadLetterQueue"] = queue
            policy.setdefault("maxReceiveCount", 5)
        if count is not None:
            if count is MISSING or not policy:
                return
            policy["maxReceiveCount"] = count
        self.form.set_field("redrivePolicy", policy)


def filter_policy_problem(policy: Any) -> str | None:
    """SNS's reason for refusing a filter policy (the engine's wording), or None."""
    if not isinstance(policy, dict):
        return "A filter policy is a JSON object."
    try:
        test_filter_policy(policy, "{}")
    except InvalidFilterPolicyError as exc:
        return str(exc)
    except Exception:  # a message that does not fit the policy is not the policy's problem
        return None
    return None


class SubscriptionsEditor(_CardList):
    """The subscriptions of one topic; they live in the project's subscriptions list."""

    add_text = "+ Add subscription"

    def __init__(self, form: ResourceForm) -> None:
        super().__init__(form)
        self.empty = caption("No subscribers yet: messages published here go nowhere.")
        self.layout().insertWidget(0, self.empty)

    def overrides(self) -> dict[str, Any]:
        refs = resource_refs(self.form.document, ("queue", "function", "stateMachine", "bus"))
        return {
            "endpoint": ComboField(refs, editable=True),
            "filterPolicy": JsonField(
                self.form.theme, check=filter_policy_problem, placeholder='{"type": ["order"]}'
            ),
        }

    def all(self) -> list[dict[str, Any]]:
        return [
            json.loads(s.model_dump_json(by_alias=True)) for s in self.form.document.project.subscriptions
        ]

    def mine(self) -> list[int]:
        return [i for i, s in enumerate(self.all()) if s["topic"].split(":")[-1] == self.form.name]

    def load(self, values: dict[str, Any]) -> None:
        subs = self.all()
        indices = self.mine()
        if len(indices) != len(self.cards):
            self._rebuild(len(indices), SubscriptionSpec, {"topic"})
        for card, editors, index in zip(self.cards, self.editors, indices, strict=True):
            sub = subs[index]
            card.set_title(f"→ {sub['endpoint']}" + ("  (filtered)" if sub.get("filterPolicy") else ""))
            load_editors(editors, {k: v for k, v in sub.items() if v is not None})
        self.empty.setVisible(not indices)

    def _push(self, subs: list[dict[str, Any]], text: str) -> None:
        try:
            self.form.document.push(SetListSectionCommand(self.form.document, "subscriptions", subs, text))
        except EditRefused as exc:
            self.form.report(str(exc))

    def add(self) -> None:
        queues = self.form.document.resource_names("queue")
        endpoint = f"queue:{queues[0]}" if queues else "function:handler"
        subs = [*self.all(), {"topic": self.form.name, "endpoint": endpoint}]
        self._push(subs, f"Subscribe {endpoint} to {self.form.name}")

    def remove(self, index: int) -> None:
        target = self.mine()[index]
        self._push([s for i, s in enumerate(self.all()) if i != target], f"Unsubscribe from {self.form.name}")

    def set_item(self, index: int, alias: str, value: Any) -> None:
        subs = self.all()
        sub = subs[self.mine()[index]]
        if value is MISSING:
            sub[alias] = None
        else:
            sub[alias] = value
        self._push(subs, f"Edit subscription of {self.form.name}")
