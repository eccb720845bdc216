"""Putting one new state into a flow: dropped on a transition, dropped past a state's output
port, or added with Tab after the selected state.

Each is one undo step that takes the room it needs: the states from the new one's row on
move down (right, left to right), and a machine frame that grows pushes its neighbours away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF

from designer.canvas.drop_target import APPEND_GAP, ghost_rect
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.pattern_insert import _centred_at, _splice, all_or_nothing, make_space_for
from designer.document.commands import AddStateCommand, ConnectCommand, SetFieldCommand
from designer.document.edits import EditRefused, default_choice_rule
from designer.document.paths import StateAddress, all_state_names, unique_name
from designer.document.templates import state_template

if TYPE_CHECKING:
    from designer.canvas.editor import CanvasEditor


def _new_value(editor: CanvasEditor, kind: str, machine: str) -> tuple[str, dict[str, Any]]:
    from designer.canvas.editor import _rename_inner

    taken = all_state_names(editor.document.definition(machine))
    name = unique_name(kind, taken)
    return name, _rename_inner(state_template(kind), taken | {name})


def insert_state_on_edge(editor: CanvasEditor, kind: str, edge: EdgeItem, pos: QPointF) -> str | None:
    """Put a new state of `kind` between the edge's two states, centred on `pos` (a point of
    the edge) with room made below it; None when `kind` cannot sit there."""
    if kind in ("Succeed", "Fail"):
        return None
    target = edge.target
    assert isinstance(target, StateItem)
    machine, scope = target.address.machine, target.address.scope
    name, value = _new_value(editor, kind, machine)
    value.pop("End", None)
    if kind == "Choice":  # a placeholder rule and the Default both keep the flow going where it went
        definition = editor.document.definition(machine)
        value["Choices"] = [default_choice_rule(definition, target.address.name)]
        value["Default"] = target.address.name
    else:
        value["Next"] = target.address.name
    address = StateAddress(machine, scope, name)
    position = _centred_at(editor, address, value, pos)
    with all_or_nothing(editor, f"Insert {name}"):
        editor.document.push(AddStateCommand(editor.document, address, value, position))
        _splice(editor, edge, name, None, scope)
        make_space_for(editor, machine, scope, [name], in_flow=True)
    editor.select_state(machine, address.path)
    return name


def append_state_after(editor: CanvasEditor, kind: str, after: StateItem) -> str | None:
    """A new state of `kind` as the Next of `after` (a state whose flow ends), one rank on."""
    machine, scope = after.address.machine, after.address.scope
    name, value = _new_value(editor, kind, machine)
    address = StateAddress(machine, scope, name)
    position = _centred_at(editor, address, value, ghost_rect(after, editor.scene.direction).center())
    with all_or_nothing(editor, f"Add {name} after {after.address.name}"):
        editor.document.push(AddStateCommand(editor.document, address, value, position))
        editor.document.push(ConnectCommand(editor.document, after.address, name, "next"))
        make_space_for(editor, machine, scope, [name], in_flow=True)
    editor.select_state(machine, address.path)
    return name


def quick_add_after(editor: CanvasEditor, item: StateItem, report: Callable[[str], None]) -> str | None:
    """Tab: add a Pass after `item`, between it and its Next if it has one; select it."""
    document = editor.document
    state = document.state(item.address)
    if not isinstance(state, dict) or item.kind in ("Succeed", "Fail"):
        report(f"A {item.kind} state ends the execution: nothing can come after it.")
        return None
    machine, scope = item.address.machine, item.address.scope
    name = unique_name("Pass", all_state_names(document.definition(machine)))
    value: dict[str, Any] = {"Type": "Pass"}
    following = state.get("Next") if isinstance(state.get("Next"), str) else None
    if following is not None and item.kind != "Choice":
        value["Next"] = following
    else:
        value["End"] = True
    address = StateAddress(machine, scope, name)
    box = item.scene_box()
    if editor.scene.direction == "LR" and not scope:
        spot = QPointF(box.right() + APPEND_GAP + box.width() / 2, box.center().y())
    else:
        spot = QPointF(box.center().x(), box.bottom() + APPEND_GAP + box.height() / 2)
    position = _centred_at(editor, address, value, spot)
    try:
        with all_or_nothing(editor, f"Add {name} after {item.address.name}"):
            document.push(AddStateCommand(document, address, value, position))
            if item.kind == "Choice":
                kind = "choice" if isinstance(state.get("Default"), str) else "default"
                document.push(ConnectCommand(document, item.address, name, kind))
            else:
                document.push(SetFieldCommand(document, item.address, ("Next",), name))
            make_space_for(editor, machine, scope, [name], in_flow=True)
    except EditRefused as exc:
        report(str(exc))
        return None
    editor.select_state(machine, address.path)
    return name
