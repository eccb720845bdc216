"""Compound edits driven as the user drives them (drags from the palette, keys, clicks): each
gesture is one undo step, and one undo gives back the exact document, layout included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from designer_helpers import activate, click_state, shown_canvas
from PySide6.QtCore import QPoint, Qt
from test_building import FLOW, beside_edge, drag_to, drop_at, edge_between, overlaps, palette_mime, snapshot

from designer.canvas.view import CanvasView

M = "Orders"
W = "order-processing"


@pytest.fixture
def flow_view(qtbot: Any) -> Iterator[CanvasView]:
    view, scene = shown_canvas(qtbot, FLOW)
    yield view
    scene.detach()


def undone_exactly(document: Any, before: str, count: int) -> None:
    """The gesture took one undo step; undo restores `before` exactly and redo the edit."""
    after = snapshot(document)
    assert after != before
    assert document.undo_stack.count() == count + 1, "one gesture, one undo step"
    document.undo_stack.undo()
    assert snapshot(document) == before
    document.undo_stack.redo()
    assert snapshot(document) == after


def test_a_pattern_dragged_onto_an_edge_is_wired_in_as_one_step(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    document = scene.document
    before, count = snapshot(document), document.undo_stack.count()
    mime = palette_mime("pattern:try-catch")
    point = beside_edge(view, edge_between(scene, "Fetch", "Check"), 4)
    assert drag_to(view, mime, point)
    drop_at(view, mime, point)
    states = document.definition(M)["States"]
    assert states["Fetch"]["Next"] == "Try" and states["Try"]["Next"] == "Check"
    assert states["Try"]["Catch"][0]["Next"] == "Handle error"
    assert overlaps(scene) == []
    undone_exactly(document, before, count)


def test_an_action_dropped_past_the_last_port_is_centred_under_it_in_one_step(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    document = scene.document
    before, count = snapshot(document), document.undo_stack.count()
    store = scene.state_item(M, "/States/Store")
    mime = palette_mime("action:arn:aws:states:::dynamodb:putItem")
    below = view.mapFromScene(store.mapToScene(store.port_centre())) + QPoint(8, 30)
    assert drag_to(view, mime, below)
    assert scene.drop_hint.after is store
    drop_at(view, mime, below)
    states = document.definition(M)["States"]
    assert states["Store"]["Next"] == "DynamoDB PutItem" and "End" not in states["Store"]
    assert states["DynamoDB PutItem"]["Parameters"] == {"TableName": "", "Item": {}}
    task = scene.state_item(M, "/States/DynamoDB PutItem")
    assert task.scene_box().width() > store.scene_box().width()
    assert abs(task.scene_box().center().x() - store.scene_box().center().x()) < 1, "centred at its own size"
    assert overlaps(scene) == []
    undone_exactly(document, before, count)


def test_a_container_dropped_twice_gets_unique_inner_names(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    document = scene.document
    frame = scene.machines[M].frame
    mime = palette_mime("state:Parallel")
    for offset in (QPoint(0, 0), QPoint(0, 40)):
        before, count = snapshot(document), document.undo_stack.count()
        point = view.mapFromScene(frame.sceneBoundingRect().topRight()) + QPoint(-40, 60) + offset
        drag_to(view, mime, point)
        assert not scene.drop_hint.shown()
        drop_at(view, mime, point)
        undone_exactly(document, before, count)
    branches = document.definition(M)["States"]["Parallel 2"]["Branches"]
    assert [b["StartAt"] for b in branches] == ["Branch A 2", "Branch B 2"]
    assert overlaps(scene) == []


def test_tab_after_a_choice_adds_a_rule_in_one_step(window: Any, qtbot: Any) -> None:
    activate(qtbot, window)
    document = window.document
    before, count = snapshot(document), document.undo_stack.count()
    click_state(window, "IsOrderValid", W)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Tab)
    choice = document.definition(W)["States"]["IsOrderValid"]
    assert choice["Choices"][-1]["Next"] == "Pass" and document.definition(W)["States"]["Pass"]["End"] is True
    assert [i.label() for i in window.scene.selectedItems()] == ["Pass"]
    undone_exactly(document, before, count)


def test_ctrl_d_duplicates_in_one_step(window: Any, qtbot: Any) -> None:
    activate(qtbot, window)
    document = window.document
    before, count = snapshot(document), document.undo_stack.count()
    click_state(window, "ValidateOrder", W)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "ValidateOrder 2" in document.definition(W)["States"]
    undone_exactly(document, before, count)
