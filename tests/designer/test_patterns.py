"""Palette patterns, drops on an edge, Tab quick-add, and the event pattern sandbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from designer_helpers import document_for
from PySide6.QtCore import QPointF, Qt

import engine
from designer.canvas.editor import CanvasEditor
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.patterns import PATTERNS
from designer.canvas.scene import DesignerScene
from designer.document.project_document import ProjectDocument
from designer.panels.pattern_sandbox import LAST_EVENTS, PatternSandbox, event_from_pattern

M = "Orders"


def snapshot(doc: ProjectDocument) -> str:
    return json.dumps(doc.snapshot().definitions) + doc.project.model_dump_json()


def edge_midpoint(scene: DesignerScene, source: str, target: str) -> QPointF:
    for item in scene.items():
        if isinstance(item, EdgeItem) and item.source.label() == source and item.target.label() == target:
            return item.mapToScene(item._path.pointAtPercent(0.5))
    raise AssertionError(f"no edge {source} -> {target}")


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_each_pattern_inserts_a_valid_group_and_undo_removes_it(
    pattern: str, document: ProjectDocument, scene: DesignerScene, editor: CanvasEditor
) -> None:
    machine = document.machine_names()[0]
    before, errors_before = snapshot(document), engine.validate(document.definition(machine))
    drop = edge_midpoint(scene, "PublishOrderCreated", "OrderAccepted")
    added = editor.add_from_palette(f"pattern:{pattern}", drop)
    assert added, f"{pattern} inserted nothing"
    assert snapshot(document) != before
    new_errors = [d for d in engine.validate(document.definition(machine)) if d not in errors_before]
    assert new_errors == []
    if PATTERNS[pattern].needs_machine:  # spliced into the flow it was dropped on
        states = document.definition(machine)["States"]
        assert states["PublishOrderCreated"]["Next"] == added
    document.undo_stack.undo()
    assert snapshot(document) == before


def test_patterns_in_a_jsonata_machine_speak_jsonata(qapp: Any) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "A",
                  "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}  # fmt: skip
    doc = document_for(definition, "J")
    scene = DesignerScene(doc)
    editor = CanvasEditor(doc, scene)
    for pattern in ("retry", "try-catch", "map", "request-reply"):
        assert editor.add_from_palette(f"pattern:{pattern}", edge_midpoint(scene, "A", "B"))
        assert engine.validate(doc.definition("J")) == []
        doc.undo_stack.undo()
    scene.detach()


def test_resource_patterns_wire_their_parts(document: ProjectDocument, editor: CanvasEditor) -> None:
    editor.add_from_palette("pattern:queue-dlq", QPointF(4000, 0))
    assert document.resource("queue", "jobs").redrive_policy.dead_letter_queue == "jobs-dlq"
    editor.add_from_palette("pattern:queue-dlq", QPointF(4000, 300))
    assert document.resource("queue", "jobs-2").redrive_policy.dead_letter_queue == "jobs-2-dlq"
    editor.add_from_palette("pattern:topic-fan-out", QPointF(4000, 600))
    assert [s.endpoint for s in document.project.subscriptions] == [
        "queue:subscriber-a",
        "queue:subscriber-b",
    ]
    for _ in range(3):
        document.undo_stack.undo()
    assert document.resource_names("queue") == [] and document.project.subscriptions == []


def test_a_state_dropped_on_an_edge_is_spliced_in(
    document: ProjectDocument, scene: DesignerScene, editor: CanvasEditor
) -> None:
    before = snapshot(document)
    name = editor.add_from_palette("state:Wait", edge_midpoint(scene, "PublishOrderCreated", "OrderAccepted"))
    states = document.definition(M)["States"] if M in document.definitions else None
    states = document.definition(document.machine_names()[0])["States"]
    assert name == "Wait"
    assert states["PublishOrderCreated"]["Next"] == "Wait" and states["Wait"]["Next"] == "OrderAccepted"
    assert "End" not in states["Wait"]
    document.undo_stack.undo()
    assert snapshot(document) == before
    # A Choice rule edge: the rule's Next is rewired, not the state's.
    editor.add_from_palette("state:Pass", edge_midpoint(scene, "IsOrderValid", "ReserveAndCharge"))
    states = document.definition(document.machine_names()[0])["States"]
    assert (
        states["IsOrderValid"]["Choices"][0]["Next"] == "Pass"
        and states["Pass"]["Next"] == "ReserveAndCharge"
    )


def test_tab_adds_a_pass_after_the_selected_state(window: Any, qtbot: Any) -> None:
    machine = window.document.machine_names()[0]
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.editor.select_state(machine, "/States/PublishOrderCreated")
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Tab)
    states = window.document.definition(machine)["States"]
    assert states["PublishOrderCreated"]["Next"] == "Pass" and states["Pass"]["Next"] == "OrderAccepted"
    assert [i.label() for i in window.scene.selectedItems()] == ["Pass"]
    window.document.undo_stack.undo()
    assert "Pass" not in window.document.definition(machine)["States"]
    window.editor.select_state(machine, "/States/OrderAccepted")
    assert window.editor.quick_add_after_selection() is None  # nothing comes after a Succeed


# -- the sandbox --------------------------------------------------------------------------------


def test_sandbox_says_why_an_event_does_not_match(qtbot: Any) -> None:
    sandbox = PatternSandbox()
    qtbot.addWidget(sandbox)
    pattern = {"source": ["shop"], "detail": {"total": [{"numeric": [">", 100]}]}}
    sandbox.load(pattern, "default")
    assert json.loads(sandbox.event.text())["source"] == "shop", "prefilled from the pattern"
    assert sandbox.test() is True and "Matched" in sandbox.verdict_text()
    event = {**event_from_pattern(pattern), "detail": {"total": 50}}
    sandbox.event.set_value(event)
    assert sandbox.test() is False
    text = sandbox.verdict_text()
    assert "Not matched" in text and "detail.total" in text and "50" in text
    sandbox.pattern.set_text('{"source": "shop"}')
    assert sandbox.test() is None
    assert '"source" must be an object or an array' in sandbox.verdict_text()


def test_sandbox_starts_from_the_last_event_on_the_bus(qtbot: Any) -> None:
    LAST_EVENTS.record("orders", {"source": "shop", "detail-type": "OrderCreated", "detail": {"id": 7}})
    try:
        sandbox = PatternSandbox()
        qtbot.addWidget(sandbox)
        sandbox.load({"source": ["shop"]}, "orders")
        assert json.loads(sandbox.event.text())["detail"] == {"id": 7}
        sandbox.use_pattern_event()
        assert json.loads(sandbox.event.text())["detail"] == {}
        sandbox.use_last_event()
        assert json.loads(sandbox.event.text())["detail"] == {"id": 7}
    finally:
        LAST_EVENTS.clear()
