"""The canvas: a projection that follows the document, and the interactions that edit it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QGuiApplication

from designer.canvas.editor import CanvasEditor
from designer.canvas.interactions import MoveInteraction, NewEdgeInteraction
from designer.canvas.items.container_item import ContainerItem
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.scene import DesignerScene
from designer.canvas.view import PALETTE_MIME, CanvasView
from designer.document.project_document import ProjectDocument
from engine.asl import StateAddress

M = "Orders"


def edges(scene: DesignerScene) -> list[EdgeItem]:
    return [i for i in scene.items() if isinstance(i, EdgeItem)]


def test_scene_projects_every_state(scene: DesignerScene, document: ProjectDocument) -> None:
    projection = scene.machines[M]
    assert set(projection.items) == {
        "/States/ValidateOrder",
        "/States/IsOrderValid",
        "/States/ReserveAndCharge",
        "/States/PublishOrderCreated",
        "/States/OrderAccepted",
        "/States/OrderRejected",
        "/States/ReserveAndCharge/Branches[0]/States/ReserveItems",
        "/States/ReserveAndCharge/Branches[0]/States/ReserveItems/ItemProcessor/States/ReserveItem",
        "/States/ReserveAndCharge/Branches[1]/States/ChargeCustomer",
    }
    container = projection.items["/States/ReserveAndCharge"]
    assert isinstance(container, ContainerItem) and len(container.lanes) == 2
    kinds = sorted(e.kind for e in edges(scene))
    assert kinds.count("catch") == 2 and kinds.count("choice") == 1 and kinds.count("default") == 1
    labels = {e.text for e in edges(scene)}
    assert "default" in labels and "all errors" in labels


def test_drop_from_palette_creates_a_state(
    qtbot: Any, document: ProjectDocument, scene: DesignerScene
) -> None:
    editor = CanvasEditor(document, scene)
    view = CanvasView(scene, editor)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.fit()
    frame = scene.machines[M].frame
    target = view.mapFromScene(frame.sceneBoundingRect().bottomRight() - QPointF(60, 60))
    mime = QMimeData()
    mime.setData(PALETTE_MIME, QByteArray(b"state:Wait"))
    event = QDropEvent(
        QPointF(target),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)
    assert document.definition(M)["States"]["Wait"] == {"Type": "Wait", "Seconds": 5, "End": True}
    assert scene.state_item(M, "/States/Wait") is not None
    assert document.position("stateMachine:Orders/States/Wait") is not None
    document.undo_stack.undo()
    assert "Wait" not in document.definition(M)["States"]
    assert scene.state_item(M, "/States/Wait") is None


def test_drop_into_a_parallel_lane_adds_to_that_branch(
    document: ProjectDocument, editor: CanvasEditor
) -> None:
    container = editor.scene.machines[M].items["/States/ReserveAndCharge"]
    lane = container.lanes[1]
    point = container.mapToScene(lane.rect.bottomLeft() + QPointF(10, -6))
    name = editor.add_from_palette("state:Pass", point)
    assert name in document.definition(M)["States"]["ReserveAndCharge"]["Branches"][1]["States"]


def test_dropping_resources(document: ProjectDocument, editor: CanvasEditor) -> None:
    for entry in (
        "resource:bus",
        "resource:rule",
        "resource:queue",
        "resource:dlq",
        "resource:topic",
        "resource:function",
    ):
        editor.add_from_palette(entry, QPointF(900, 0))
    project = document.project
    assert set(project.buses) == {"events"} and set(project.rules) == {"rule"}
    assert set(project.queues) == {"queue", "dlq"} and set(project.topics) == {"topic"}
    kinds = {item.kind for item in editor.scene.resources.items.values()}
    assert kinds == {"bus", "rule", "queue", "dlq", "topic", "function"}
    assert any(e.kind == "route" for e in edges(editor.scene)), "bus -> rule is a route"


def test_connecting_by_dragging_from_the_port_sets_next(
    document: ProjectDocument, editor: CanvasEditor
) -> None:
    scene = editor.scene
    editor.add_from_palette("state:Pass", QPointF(0, 0))
    source = scene.state_item(M, "/States/Pass")
    target = scene.state_item(M, "/States/OrderAccepted")
    interaction = NewEdgeInteraction(scene, source, Qt.KeyboardModifier.NoModifier)
    interaction.start(source.mapToScene(source.port_centre()))
    interaction.move(target.sceneBoundingRect().center())
    interaction.end(target.mapToScene(target.rect().center()))
    assert document.definition(M)["States"]["Pass"] == {"Type": "Pass", "Next": "OrderAccepted"}
    assert any(e.source is source and e.target is target for e in edges(scene))
    document.undo_stack.undo()
    assert document.definition(M)["States"]["Pass"] == {"Type": "Pass", "End": True}


def test_shift_drag_adds_a_catch(document: ProjectDocument, editor: CanvasEditor) -> None:
    scene = editor.scene
    source = scene.state_item(M, "/States/PublishOrderCreated")
    target = scene.state_item(M, "/States/OrderRejected")
    interaction = NewEdgeInteraction(scene, source, Qt.KeyboardModifier.ShiftModifier)
    interaction.start(source.mapToScene(source.port_centre()))
    interaction.end(target.mapToScene(target.rect().center()))
    assert document.definition(M)["States"]["PublishOrderCreated"]["Catch"][0]["Next"] == "OrderRejected"


def test_connect_across_scopes_is_refused_with_a_message(
    document: ProjectDocument, editor: CanvasEditor
) -> None:
    messages: list[str] = []
    editor.message.connect(messages.append)
    source = editor.scene.state_item(M, "/States/ValidateOrder")
    nested = editor.scene.state_item(M, "/States/ReserveAndCharge/Branches[1]/States/ChargeCustomer")
    before = document.undo_stack.count()
    assert not editor.connect(source, nested)
    assert messages and document.undo_stack.count() == before


def test_drag_is_one_undoable_move(document: ProjectDocument, editor: CanvasEditor) -> None:
    scene = editor.scene
    item = scene.state_item(M, "/States/OrderAccepted")
    item.setSelected(True)
    start = item.pos()
    interaction = MoveInteraction(scene, [item])
    item.setPos(start + QPointF(40, 10))
    item.setPos(start + QPointF(80, 20))
    interaction.end(QPointF())
    assert document.undo_stack.count() == 1
    assert document.position(item.layout_key()) == (round(start.x() + 80, 1), round(start.y() + 20, 1))
    document.undo_stack.undo()
    assert item.pos() == start


def test_delete_duplicate_copy_paste(qapp: Any, document: ProjectDocument, editor: CanvasEditor) -> None:
    scene = editor.scene
    editor.select_state(M, "/States/PublishOrderCreated")
    editor.delete_selection()
    assert "PublishOrderCreated" not in document.definition(M)["States"]
    assert scene.state_item(M, "/States/PublishOrderCreated") is None
    document.undo_stack.undo()
    assert scene.state_item(M, "/States/PublishOrderCreated") is not None

    editor.select_state(M, "/States/OrderAccepted")
    names = editor.duplicate_selection()
    assert names == ["OrderAccepted 2"]
    assert document.definition(M)["States"]["OrderAccepted 2"] == {"Type": "Succeed"}

    editor.select_state(M, "/States/ValidateOrder")
    assert editor.copy_selection()
    assert "ValidateOrder" in QGuiApplication.clipboard().text()
    pasted = editor.paste()
    assert pasted == ["ValidateOrder 2"]
    copy = document.definition(M)["States"]["ValidateOrder 2"]
    assert copy["Next"] == "IsOrderValid" and copy["Catch"][0]["Next"] == "OrderRejected"
    count = document.undo_stack.count()
    document.undo_stack.undo()
    assert "ValidateOrder 2" not in document.definition(M)["States"] and document.undo_stack.count() == count


def test_delete_selected_edge_removes_the_transition(document: ProjectDocument, editor: CanvasEditor) -> None:
    edge = next(e for e in edges(editor.scene) if e.kind == "default")
    editor.scene.clearSelection()
    edge.setSelected(True)
    editor.delete_selection()
    assert "Default" not in document.definition(M)["States"]["IsOrderValid"]


def test_auto_layout_is_undoable(document: ProjectDocument, editor: CanvasEditor) -> None:
    item = editor.scene.state_item(M, "/States/OrderAccepted")
    item.setPos(item.pos() + QPointF(500, 500))
    moved = item.pos()
    editor.auto_layout()
    assert item.pos() != moved
    document.undo_stack.undo()
    assert item.pos() == moved
    editor.scene.set_direction("LR")
    editor.auto_layout()
    start = editor.scene.state_item(M, "/States/ValidateOrder")
    after = editor.scene.state_item(M, "/States/IsOrderValid")
    assert after.pos().x() > start.pos().x(), "left to right puts successors to the right"


def test_problem_badges_follow_diagnostics(document: ProjectDocument, scene: DesignerScene) -> None:
    from designer.document.commands import SetFieldCommand

    address = StateAddress(M, (), "PublishOrderCreated")
    document.push(SetFieldCommand(document, address, ("Next",), "Nowhere"))
    document.revalidate_now()
    item = scene.state_item(M, "/States/PublishOrderCreated")
    assert item.problems and "Nowhere" in item.toolTip()
    assert scene.machines[M].frame.summary_is_problem


def test_find_and_minimap(qtbot: Any, window: Any) -> None:
    window.find_bar.open()
    window.find_bar.edit.setText("charge")
    selected = window.scene.selectedItems()
    assert [i.label() for i in selected] == ["ReserveAndCharge"]
    window.find_bar.next()
    assert [i.label() for i in window.scene.selectedItems()] == ["ChargeCustomer"]
    assert not window.view.minimap.isHidden()


def test_wheel_zoom_and_fit(window: Any) -> None:
    view = window.view
    view.fit()
    before = view.scale_factor()
    view.zoom_by(1.5, QPointF(QPoint(100, 100)))
    assert abs(view.scale_factor() - before * 1.5) < 1e-6 or view.scale_factor() == 4.0
    view.fit()
    assert abs(view.scale_factor() - before) < 1e-6
