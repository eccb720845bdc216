"""Palette, code view (two-way), problems and inspector."""

from __future__ import annotations

import json
from typing import Any

import engine
from designer.canvas.theme import LIGHT
from designer.panels.code_view import CodeView
from designer.panels.palette import PalettePanel

M = "order-processing"


def test_palette_lists_states_and_resources_and_filters(qtbot: Any) -> None:
    palette = PalettePanel(LIGHT)
    qtbot.addWidget(palette)
    entries = palette.visible_entries()
    assert [e for e in entries if e.startswith("state:")] == [
        "state:Task",
        "state:Pass",
        "state:Choice",
        "state:Wait",
        "state:Parallel",
        "state:Map",
        "state:Succeed",
        "state:Fail",
    ]
    assert {
        "resource:bus",
        "resource:rule",
        "resource:queue",
        "resource:topic",
        "resource:dlq",
        "resource:function",
    } <= set(entries)
    palette.search.setText("dead-letter")
    assert palette.visible_entries() == ["resource:dlq"]
    palette.search.setText("wait")
    assert [e for e in palette.visible_entries() if not e.startswith("pattern:")] == ["state:Wait"]


def test_code_view_round_trip(window: Any) -> None:
    code: CodeView = window.code_view
    doc = window.document
    assert code.editor.toPlainText() == engine.dump_definition(doc.definition(M))
    value = json.loads(code.editor.toPlainText())
    value["States"]["Audit"] = {"Type": "Pass", "End": True}
    value["States"]["PublishOrderCreated"]["Next"] = "Audit"
    del value["States"]["OrderAccepted"]
    code.editor.setPlainText(json.dumps(value, indent=4))
    assert code._timer.isActive(), "typing waits for the debounce"
    assert code.apply_text()
    assert window.scene.state_item(M, "/States/Audit") is not None
    assert window.scene.state_item(M, "/States/OrderAccepted") is None
    assert doc.canonical_text(M) == engine.dump_definition(value)
    doc.undo_stack.undo()
    assert window.scene.state_item(M, "/States/OrderAccepted") is not None
    assert code.editor.toPlainText() == engine.dump_definition(doc.definition(M))


def test_code_view_debounce_applies_after_400ms(qtbot: Any, window: Any) -> None:
    code = window.code_view
    value = json.loads(code.editor.toPlainText())
    value["Comment"] = "typed"
    code.editor.setPlainText(json.dumps(value))
    qtbot.waitUntil(lambda: window.document.definition(M).get("Comment") == "typed", timeout=2000)


def test_invalid_json_keeps_the_last_valid_graph(window: Any) -> None:
    code = window.code_view
    before = json.dumps(window.document.definition(M))
    code.editor.setPlainText(code.editor.toPlainText()[:-10])
    assert not code.apply_text()
    assert "Line" in code.error_text and not code.error.isHidden()
    assert json.dumps(window.document.definition(M)) == before
    assert window.scene.state_item(M, "/States/OrderAccepted") is not None
    code.editor.setPlainText(json.dumps({"not": "a machine"}))
    assert not code.apply_text() and "States" in code.error_text


def test_canvas_edits_update_the_code_and_selection_highlights(window: Any) -> None:
    window.editor.select_state(M, "/States/OrderRejected")
    window.editor.delete_selection()
    assert "OrderRejected" not in window.code_view.editor.toPlainText()
    window.editor.select_state(M, "/States/IsOrderValid")
    selections = window.code_view.editor.extraSelections()
    assert len(selections) == 1
    assert selections[0].cursor.selectedText().lstrip().startswith('"IsOrderValid": {')


def test_problems_panel_selects_the_culprit(window: Any) -> None:
    from designer.document.commands import SetFieldCommand
    from engine.asl import StateAddress

    address = StateAddress(M, ("States", "ReserveAndCharge", "Branches", 1), "ChargeCustomer")
    window.document.push(SetFieldCommand(window.document, address, ("TimeoutSeconds",), -5))
    window.document.revalidate_now()
    assert window.problems.count() >= 1
    row = window.problems.tree.topLevelItem(0)
    window.problems._activate(row)
    selected = window.scene.selectedItems()
    assert [i.label() for i in selected] == ["ChargeCustomer"]
    assert "Problems (" in window.problems_dock.windowTitle()


def test_inspector_edits_are_undoable(window: Any) -> None:
    doc = window.document
    window.editor.select_state(M, "/States/PublishOrderCreated")
    inspector = window.inspector
    assert inspector.name.text() == "PublishOrderCreated" and inspector.type_label.text() == "Task"
    inspector.comment.setText("Announce it")
    inspector._set_comment()
    assert doc.definition(M)["States"]["PublishOrderCreated"]["Comment"] == "Announce it"
    inspector.name.setText("Publish")
    inspector._rename()
    assert "Publish" in doc.definition(M)["States"]
    assert doc.definition(M)["States"]["ReserveAndCharge"]["Next"] == "Publish"
    value = json.loads(inspector.raw.toPlainText())
    value["ResultPath"] = "$.published"
    inspector.raw.setPlainText(json.dumps(value))
    assert inspector.apply_json()
    assert doc.definition(M)["States"]["Publish"]["ResultPath"] == "$.published"
    inspector.raw.setPlainText("{broken")
    assert not inspector.apply_json() and "Line 1" in inspector.error.text()
    for _ in range(3):
        doc.undo_stack.undo()
    assert "PublishOrderCreated" in doc.definition(M)["States"]
