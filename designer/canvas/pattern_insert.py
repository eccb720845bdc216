"""Putting groups into the document: a palette pattern, a state dropped on an edge, a quick-add.

Each is one undo macro, so one undo takes the whole group away (a state machine created to
hold it included). If any part is refused, what was already done is undone and the reason
is reported: a pattern goes in whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt

from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.patterns import PATTERNS, Namer, to_jsonata
from designer.document.commands import AddResourceCommand, AddStateCommand, ConnectCommand, SetFieldCommand
from designer.document.edits import EditRefused, default_choice_rule
from designer.document.field_commands import SetListSectionCommand
from designer.document.paths import Scope, StateAddress, all_state_names
from designer.document.project_document import RESOURCE_SECTIONS
from designer.document.templates import state_template

if TYPE_CHECKING:
    from designer.canvas.editor import CanvasEditor
    from designer.canvas.scene import DesignerScene

SPLICE_KINDS = ("next", "choice", "default", "catch")
NODE_HALF = (94.0, 27.0)  # a new node is placed with its centre at the drop point
RESOURCE_HALF = (90.0, 28.0)
QUICK_GAP = {"TB": (0.0, 110.0), "LR": (260.0, 0.0)}
EDGE_TOLERANCE = 6.0


@contextmanager
def all_or_nothing(editor: CanvasEditor, text: str) -> Iterator[None]:
    """One macro; if an edit inside is refused, the part already done is undone."""
    stack = editor.document.undo_stack
    before = stack.index()
    try:
        with editor.document.macro(text):
            yield
    except EditRefused:
        if stack.index() != before:
            stack.undo()
        raise


def edge_field(edge: EdgeItem) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in edge.field.split("/"))


def edge_at(scene: DesignerScene, pos: QPointF) -> EdgeItem | None:
    """A transition edge under a scene point (not when a state is there: the state wins)."""
    box = QRectF(pos.x() - EDGE_TOLERANCE, pos.y() - EDGE_TOLERANCE, 2 * EDGE_TOLERANCE, 2 * EDGE_TOLERANCE)
    items = scene.items(box, Qt.ItemSelectionMode.IntersectsItemShape)
    if any(isinstance(i, StateItem) and i.sceneBoundingRect().contains(pos) for i in items):
        return None
    for item in items:
        if (
            isinstance(item, EdgeItem)
            and item.kind in SPLICE_KINDS
            and item.field
            and isinstance(item.source, StateItem)
            and isinstance(item.target, StateItem)
        ):
            return item
    return None


def _frame_position(editor: CanvasEditor, machine: str, scope: Scope, scene_pos: QPointF) -> QPointF | None:
    if scope != ():
        return None
    projection = editor.scene.machines.get(machine)
    return projection.frame.mapFromScene(scene_pos) if projection is not None else None


def _placed(local: QPointF | None, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float] | None:
    if local is None:
        return None
    return (round(local.x() + offset[0] - NODE_HALF[0], 1), round(local.y() + offset[1] - NODE_HALF[1], 1))


def _splice(editor: CanvasEditor, edge: EdgeItem, entry: str, exit_: str | None, exit_scope: Scope) -> None:
    """Point the edge's source at `entry`, and `exit_` (if any) at the edge's old target."""
    source, target = edge.source, edge.target
    assert isinstance(source, StateItem) and isinstance(target, StateItem)
    document = editor.document
    document.push(SetFieldCommand(document, source.address, edge_field(edge), entry))
    if exit_ is not None:
        address = StateAddress(source.address.machine, exit_scope, exit_)
        document.push(SetFieldCommand(document, address, ("Next",), target.address.name))


# -- palette patterns ---------------------------------------------------------------------------


def insert_pattern(editor: CanvasEditor, pattern_id: str, pos: QPointF) -> list[str]:
    """Insert a palette pattern at scene point `pos` (spliced in when dropped on an edge)."""
    pattern = PATTERNS[pattern_id]
    document = editor.document
    edge = edge_at(editor.scene, pos) if pattern.needs_machine else None
    added: list[str] = []
    with all_or_nothing(editor, f"Insert {pattern.label}"):
        machine: str | None = None
        scope: Scope = ()
        local: QPointF | None = None
        if edge is not None:
            source = edge.source
            assert isinstance(source, StateItem)
            machine, scope = source.address.machine, source.address.scope
            local = _frame_position(editor, machine, scope, pos)
        elif pattern.needs_machine:
            machine, scope, local = editor._drop_target(pos)
            if machine is None:
                machine = editor._new_machine(pos)
                scope, local = (), QPointF(0, 0)
        states = all_state_names(document.definition(machine)) if machine else set()
        resources = {kind: set(document.resource_names(kind)) for kind in RESOURCE_SECTIONS}
        group = pattern.build(Namer(states, resources, document.project))
        jsonata = machine is not None and document.definition(machine).get("QueryLanguage") == "JSONata"
        for name, value in group.states.items():
            assert machine is not None
            address = StateAddress(machine, scope, name)
            position = _placed(local, group.offsets.get(name, (0.0, 0.0)))
            document.push(
                AddStateCommand(document, address, to_jsonata(value) if jsonata else value, position)
            )
            added.append(name)
        if edge is not None and group.entry is not None:
            _splice(editor, edge, group.entry, group.exit, scope)
        for kind, name, spec in group.resources:
            dx, dy = group.offsets.get(f"{kind}:{name}", (0.0, 0.0))
            where = (round(pos.x() + dx - RESOURCE_HALF[0], 1), round(pos.y() + dy - RESOURCE_HALF[1], 1))
            document.push(AddResourceCommand(document, kind, name, spec, where))
            added.append(f"{kind}:{name}")
        if group.subscriptions:
            existing = [s.to_json() for s in document.project.subscriptions]
            document.push(
                SetListSectionCommand(document, "subscriptions", existing + group.subscriptions, "Subscribe")
            )
    if machine is not None and group.entry is not None:
        editor.select_state(machine, StateAddress(machine, scope, group.entry).path)
    return added


# -- a state dropped on an edge -----------------------------------------------------------------


def insert_state_on_edge(editor: CanvasEditor, kind: str, edge: EdgeItem, pos: QPointF) -> str | None:
    """Put a new state of `kind` between the edge's two states; None when `kind` cannot sit there."""
    from designer.canvas.editor import _rename_inner

    if kind in ("Succeed", "Fail"):
        return None
    source, target = edge.source, edge.target
    assert isinstance(source, StateItem) and isinstance(target, StateItem)
    machine, scope = source.address.machine, source.address.scope
    taken = all_state_names(editor.document.definition(machine))
    from designer.document.paths import unique_name

    name = unique_name(kind, taken)
    value = _rename_inner(state_template(kind), taken | {name})
    value.pop("End", None)
    if kind == "Choice":  # a placeholder rule and the Default both keep the flow going where it went
        definition = editor.document.definition(machine)
        value["Choices"] = [default_choice_rule(definition, target.address.name)]
        value["Default"] = target.address.name
    else:
        value["Next"] = target.address.name
    address = StateAddress(machine, scope, name)
    position = _placed(_frame_position(editor, machine, scope, pos))
    with all_or_nothing(editor, f"Insert {name}"):
        editor.document.push(AddStateCommand(editor.document, address, value, position))
        _splice(editor, edge, name, None, scope)
    editor.select_state(machine, address.path)
    return name


# -- Tab: a Pass after the selected state -------------------------------------------------------


def quick_add_after(editor: CanvasEditor, item: StateItem, report: Callable[[str], None]) -> str | None:
    """Add a Pass after `item`, between it and its Next if it has one; select it."""
    document = editor.document
    state = document.state(item.address)
    if not isinstance(state, dict) or item.kind in ("Succeed", "Fail"):
        report(f"A {item.kind} state ends the execution: nothing can come after it.")
        return None
    machine, scope = item.address.machine, item.address.scope
    name = _unique_pass(document.definition(machine))
    value: dict[str, Any] = {"Type": "Pass"}
    following = state.get("Next") if isinstance(state.get("Next"), str) else None
    if following is not None and item.kind != "Choice":
        value["Next"] = following
    else:
        value["End"] = True
    position = None
    if scope == ():
        dx, dy = QUICK_GAP.get(editor.scene.direction, QUICK_GAP["TB"])
        position = (round(item.pos().x() + dx, 1), round(item.pos().y() + dy, 1))
    address = StateAddress(machine, scope, name)
    try:
        with all_or_nothing(editor, f"Add {name} after {item.address.name}"):
            document.push(AddStateCommand(document, address, value, position))
            if item.kind == "Choice":
                kind = "choice" if isinstance(state.get("Default"), str) else "default"
                document.push(ConnectCommand(document, item.address, name, kind))
            else:
                document.push(SetFieldCommand(document, item.address, ("Next",), name))
    except EditRefused as exc:
        report(str(exc))
        return None
    editor.select_state(machine, address.path)
    return name


def _unique_pass(definition: dict[str, Any]) -> str:
    from designer.document.paths import unique_name

    return unique_name("Pass", all_state_names(definition))
