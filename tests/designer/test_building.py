"""Building by dragging: drops on a transition or past a state's port go into the flow, with a
hint while dragging; Tab, Ctrl+D, paste and drops never cover an item; auto-layout never
leaves two items on top of each other."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from designer_helpers import REPO, document_for, shown_canvas
from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from designer.canvas.editor import CanvasEditor
from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.scene import DesignerScene
from designer.canvas.spacing import top_level_items, top_state_boxes
from designer.canvas.view import PALETTE_MIME, CanvasView
from designer.document.commands import MoveCommand
from designer.document.files import new_document
from designer.document.project_document import ProjectDocument

M = "Orders"
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
FLOW = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {"Type": "Pass", "Next": "Check"},
        "Check": {"Type": "Pass", "Next": "Store"},
        "Store": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "store"}, "End": True},
    },
}  # fmt: skip


def overlaps(scene: DesignerScene) -> list[str]:
    """Pairs of items at one nesting level whose boxes intersect: top-level frames and
    resources, and the states of each scope (a container holding its states is fine)."""
    found = []

    def check(boxes: list[tuple[str, Any]], where: str) -> None:
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                if box_a.adjusted(0.5, 0.5, -0.5, -0.5).intersects(box_b.adjusted(0.5, 0.5, -0.5, -0.5)):
                    found.append(f"{where}: {a} overlaps {b}")

    check([(k, item.scene_box()) for k, item in top_level_items(scene).items()], "top level")
    for machine, projection in scene.machines.items():
        for scope, view in projection.scopes.items():
            boxes = [(name, item.scene_box()) for name, item in view.items.items()]
            check(boxes, f"{machine} {'/'.join(map(str, scope)) or 'top'}")
    return found


def palette_mime(entry: str) -> QMimeData:
    """What the palette's drag carries (PaletteList.startDrag)."""
    mime = QMimeData()
    mime.setData(PALETTE_MIME, QByteArray(entry.encode("utf-8")))
    return mime


def drag_to(view: CanvasView, mime: QMimeData, point: QPoint) -> bool:
    """Enter and move over the viewport at `point`, as a drag from the palette does."""
    buttons, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # PySide6 flags the QPoint constructors Qt itself still has
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, buttons, none)
        move = QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, buttons, none)
    QApplication.sendEvent(view.viewport(), enter)
    QApplication.sendEvent(view.viewport(), move)
    return move.isAccepted()


def drop_at(view: CanvasView, mime: QMimeData, point: QPoint) -> None:
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), event)


def accent_pixels_near(view: CanvasView, point: QPoint, radius: int = 12) -> int:
    """How many pixels of the viewport around `point` are in the accent colour's hue."""
    image = view.viewport().grab().toImage()
    accent = view.scene().theme.color("accent")
    count = 0
    for y in range(point.y() - radius, point.y() + radius):
        for x in range(point.x() - radius, point.x() + radius):
            if 0 <= x < image.width() and 0 <= y < image.height():
                colour = image.pixelColor(x, y)
                if colour.saturation() > 60 and abs(colour.hue() - accent.hue()) < 12:
                    count += 1
    return count


def snapshot(document: ProjectDocument) -> str:
    return json.dumps(document.snapshot().definitions) + document.project.model_dump_json()


@pytest.fixture
def flow_view(qtbot: Any) -> Any:
    view, scene = shown_canvas(qtbot, FLOW)
    yield view
    scene.detach()


def edge_between(scene: DesignerScene, source: str, target: str) -> EdgeItem:
    for item in scene.items():
        if isinstance(item, EdgeItem) and item.source.label() == source and item.target.label() == target:
            return item
    raise AssertionError(f"no edge {source} -> {target}")


def beside_edge(view: CanvasView, edge: EdgeItem, pixels: int) -> QPoint:
    """A viewport point `pixels` to the right of the middle of the edge's first segment."""
    points = [edge.mapToScene(p) for p in edge._points]
    middle = (points[0] + points[1]) / 2
    return view.mapFromScene(middle) + QPoint(pixels, 0)


# -- drops into the flow ------------------------------------------------------------------------


def test_dragging_over_an_edge_highlights_it_and_the_drop_splices_the_state_in(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    document = scene.document
    view.zoom_by(0.5 / view.scale_factor())  # half zoom: the old 6-unit reach was 3 pixels here
    before = snapshot(document)
    edge = edge_between(scene, "Check", "Store")
    mime = palette_mime("state:Wait")
    point = beside_edge(view, edge, 10)  # 10 screen pixels off the line, 20 scene units
    assert drag_to(view, mime, point)
    assert scene.drop_hint.shown() and scene.drop_hint.edge is edge
    assert accent_pixels_near(view, beside_edge(view, edge, 0)) > 20, "the highlight is drawn"

    far = beside_edge(view, edge, 60)
    drag_to(view, mime, far)
    assert not scene.drop_hint.shown(), "no hint away from every edge and port"
    assert accent_pixels_near(view, beside_edge(view, edge, 0)) < 5
    drag_to(view, mime, point)
    assert scene.drop_hint.edge is edge

    drop_at(view, mime, point)
    assert not scene.drop_hint.shown()
    states = document.definition(M)["States"]
    assert states["Check"]["Next"] == "Wait" and states["Wait"]["Next"] == "Store"
    assert "End" not in states["Wait"]
    assert overlaps(scene) == []
    wait, check, store = (scene.state_item(M, f"/States/{n}") for n in ("Wait", "Check", "Store"))
    assert check.scene_box().bottom() < wait.scene_box().top() < store.scene_box().top()
    document.undo_stack.undo()
    assert snapshot(document) == before, "one undo takes the state and the room made for it"


def test_a_drop_on_the_start_edge_makes_the_new_state_the_first(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    document = scene.document
    before = snapshot(document)
    start = next(e for e in scene.machines[M].top.edges if e.kind == "start")
    mime = palette_mime("state:Pass")
    point = beside_edge(view, start, 6)
    drag_to(view, mime, point)
    assert scene.drop_hint.edge is start
    drop_at(view, mime, point)
    definition = document.definition(M)
    assert definition["StartAt"] == "Pass" and definition["States"]["Pass"]["Next"] == "Fetch"
    assert overlaps(scene) == []
    first, fetch = scene.state_item(M, "/States/Pass"), scene.state_item(M, "/States/Fetch")
    assert first.scene_box().bottom() < fetch.scene_box().top()
    document.undo_stack.undo()
    assert snapshot(document) == before


def test_leaving_the_canvas_takes_the_hint_away(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    drag_to(view, palette_mime("state:Pass"), beside_edge(view, edge_between(scene, "Fetch", "Check"), 4))
    assert scene.drop_hint.shown()
    QApplication.sendEvent(view.viewport(), QDragLeaveEvent())
    assert not scene.drop_hint.shown()


def test_a_drop_past_the_output_port_of_a_last_state_appends_after_it(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    document = scene.document
    store = scene.state_item(M, "/States/Store")
    mime = palette_mime("state:Succeed")
    below = view.mapFromScene(store.mapToScene(store.port_centre())) + QPoint(8, 30)
    assert drag_to(view, mime, below)
    assert scene.drop_hint.shown() and scene.drop_hint.after is store and scene.drop_hint.edge is None
    on_port = view.mapFromScene(store.mapToScene(store.port_centre()) + QPointF(0, -4))
    drag_to(view, mime, on_port)
    assert scene.drop_hint.after is store, "the port itself appends too"
    drop_at(view, mime, below)
    states = document.definition(M)["States"]
    assert states["Store"].get("Next") == "Succeed" and "End" not in states["Store"]
    assert states["Succeed"] == {"Type": "Succeed"}
    succeed = scene.state_item(M, "/States/Succeed")
    assert succeed.scene_box().top() > store.scene_box().bottom()
    assert abs(succeed.scene_box().center().x() - store.scene_box().center().x()) < 1
    assert overlaps(scene) == []


def test_a_drop_on_a_state_never_lands_on_it(flow_view: CanvasView) -> None:
    view, scene = flow_view, flow_view.scene()
    check = scene.state_item(M, "/States/Check")
    mime = palette_mime("state:Pass")
    point = view.mapFromScene(check.scene_box().center())
    drag_to(view, mime, point)
    assert not scene.drop_hint.shown()
    drop_at(view, mime, point)
    assert "Pass" in scene.document.definition(M)["States"]
    assert overlaps(scene) == []


def test_a_state_added_in_the_code_lands_clear_of_the_others(qapp: Any) -> None:
    from designer.document.commands import ReplaceDefinitionCommand

    document = document_for(FLOW)
    scene = DesignerScene(document)
    edited = json.loads(json.dumps(FLOW))
    edited["States"]["Fetch"]["Next"] = "Extra"
    edited["States"]["Extra"] = {"Type": "Pass", "Next": "Check"}
    document.push(ReplaceDefinitionCommand(document, M, edited))  # what the code view pushes
    assert scene.state_item(M, "/States/Extra") is not None
    assert overlaps(scene) == []
    scene.detach()


# -- no item over another ----------------------------------------------------------------------


def test_tab_makes_room_below_and_undo_puts_everything_back(window: Any, qtbot: Any) -> None:
    machine = window.document.machine_names()[0]
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    before = snapshot(window.document)
    accepted = window.scene.state_item(machine, "/States/OrderAccepted")
    accepted_at = accepted.pos()
    window.editor.select_state(machine, "/States/PublishOrderCreated")
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Tab)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Tab)  # after the new Pass: another
    states = window.document.definition(machine)["States"]
    assert states["Pass"]["Next"] == "Pass 2" and states["Pass 2"]["Next"] == "OrderAccepted"
    assert overlaps(window.scene) == []
    assert accepted.pos().y() > accepted_at.y(), "the states below moved down to make room"
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert snapshot(window.document) == before
    assert accepted.pos() == accepted_at


def test_duplicate_and_paste_find_free_space(window: Any, qtbot: Any) -> None:
    machine = window.document.machine_names()[0]
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    count = len(window.document.definition(machine)["States"])
    window.editor.select_state(machine, "/States/ValidateOrder")
    window.view.setFocus()
    for _ in range(3):
        qtbot.keyClick(window.view.viewport(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    window.editor.select_state(machine, "/States/IsOrderValid")
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    states = window.document.definition(machine)["States"]
    assert len(states) == count + 5 and "ValidateOrder 2" in states and "IsOrderValid 2" in states
    assert overlaps(window.scene) == []
    boxes = top_state_boxes(window.scene.machines[machine])
    copy, original = boxes["ValidateOrder 2"], boxes["ValidateOrder"]
    assert (copy.center() - original.center()).manhattanLength() < 400, "the copy lands near the original"


def test_a_growing_frame_pushes_resources_away(window: Any, qtbot: Any) -> None:
    window.open_path(PIPELINE)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    scene, document = window.scene, window.document
    assert overlaps(scene) == []
    frame = scene.machines["RetailOrder"].frame
    queue = scene.item_for_key("queue:customer-notifications")
    column = frame.scene_box()
    lowest = max(
        item.scene_box().bottom()
        for item in top_level_items(scene).values()
        if item.scene_box().left() < column.right() and item.scene_box().right() > column.left()
    )
    under = QPointF(column.left(), lowest + 30)  # just under the frame and what hangs from it
    document.push(MoveCommand(document, {queue.layout_key(): (None, (under.x(), under.y()))}))
    assert overlaps(scene) == []
    window.editor.select_state("RetailOrder", "/States/ValidateOrder")
    window.view.setFocus()
    for _ in range(4):  # each Pass goes into the flow and the frame grows down, onto the queue
        qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Tab)
    assert frame.scene_box().bottom() > under.y()
    assert overlaps(scene) == [], "the queue moved off the grown frame"
    # A resource dropped on a frame slides off it.
    queues = set(document.project.queues)
    mime, centre = palette_mime("resource:queue"), window.view.mapFromScene(frame.scene_box().center())
    drag_to(window.view, mime, centre)
    assert not scene.drop_hint.shown(), "a resource goes into no flow"
    drop_at(window.view, mime, centre)
    assert len(set(document.project.queues) - queues) == 1
    assert overlaps(scene) == []


# -- auto-layout -------------------------------------------------------------------------------


def test_ctrl_l_lays_out_the_project_without_overlaps_in_one_step(window: Any, qtbot: Any) -> None:
    window.open_path(PIPELINE)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    scene = window.scene
    # Make a mess: states of RetailOrder far down and right, over the other items.
    frame = scene.machines["RetailOrder"].frame
    mess = {}
    for i, item in enumerate(scene.machines["RetailOrder"].top.items.values()):
        spot = frame.mapFromScene(QPointF(900 + 40 * i, 300 + 30 * i))
        mess[item.layout_key()] = (None, (spot.x(), spot.y()))
    window.document.push(MoveCommand(window.document, mess, "Mess"))
    frame.fit_to_children()
    assert overlaps(scene), "the mess overlaps"
    count = window.document.undo_stack.count()
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(10)
    assert overlaps(scene) == []
    assert window.document.undo_stack.count() == count + 1


# -- a new machine ----------------------------------------------------------------------------


def test_a_new_machines_first_state_is_named_after_its_type() -> None:
    data = new_document()
    (definition,) = data.definitions.values()
    assert definition["StartAt"] == "Pass" and definition["States"] == {"Pass": {"Type": "Pass", "End": True}}


# -- nothing overlaps, on every example and every real-world file -------------------------------

REALWORLD = REPO.parent / "shared" / "realworld"


def _corpus() -> list[Any]:
    """(id, index row) of every real-world file the designer opens; none without the corpus."""
    if not (REALWORLD / "index.json").is_file():
        return []
    import test_realworld

    rows = json.loads((REALWORLD / "index.json").read_text(encoding="utf-8"))
    return [pytest.param(row, id=row["file"]) for row in rows if not test_realworld._expected_broken(row)]


def _check_open_and_layout(path: Any) -> None:
    document = ProjectDocument.from_file(path)
    scene = DesignerScene(document)
    try:
        assert overlaps(scene) == [], "after opening"
        CanvasEditor(document, scene).auto_layout()
        assert overlaps(scene) == [], "after auto-layout"
    finally:
        scene.detach()


@pytest.mark.parametrize("path", [PIPELINE, REPO / "resources" / "examples" / "order-processing.asl.json"])
def test_examples_never_overlap(qapp: Any, path: Any) -> None:
    _check_open_and_layout(path)


@pytest.mark.parametrize("row", _corpus())
def test_realworld_files_never_overlap(qapp: Any, tmp_path: Any, row: dict[str, Any]) -> None:
    import test_realworld

    _check_open_and_layout(test_realworld._openable_path(row, tmp_path))


def test_realworld_corpus_is_checked_when_present() -> None:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}; its overlap checks are skipped")
    assert _corpus(), "the corpus index lists files the designer opens"


def test_project_layout_hangs_rules_and_satellites_and_packs_unjoined_parts() -> None:
    from designer.canvas.placement import overlapping
    from designer.canvas.project_layout import project_layout

    sizes = {
        "bus:orders": (300.0, 58.0),
        "rule:A": (250.0, 66.0),
        "rule:B": (250.0, 66.0),
        "queue:q": (220.0, 58.0),
        "queue:dlq": (220.0, 58.0),
        "stateMachine:M": (400.0, 600.0),
        "function:f": (180.0, 50.0),
        **{f"stateMachine:Alone{i}": (400.0, 500.0) for i in range(4)},
    }
    routes = [
        ("bus:orders", "rule:A"),
        ("bus:orders", "rule:B"),
        ("rule:A", "queue:q"),
        ("queue:q", "queue:dlq"),
        ("queue:q", "stateMachine:M"),
        ("stateMachine:M", "function:f"),
    ]
    at = project_layout(sizes, routes)
    boxes = {k: QRectF(x, y, *sizes[k]) for k, (x, y) in at.items()}
    assert overlapping(boxes) == []
    bus, rule_a, rule_b = boxes["bus:orders"], boxes["rule:A"], boxes["rule:B"]
    assert bus.bottom() < rule_a.top() < rule_b.top() and rule_a.left() < bus.right()  # hanging rules
    assert boxes["queue:dlq"].top() > boxes["queue:q"].bottom()  # a dead-letter queue under its queue
    assert boxes["function:f"].top() > boxes["stateMachine:M"].bottom()  # a machine's function under it
    left = {round(b.left()) for k, b in boxes.items() if "Alone" in k}
    assert len(left) > 1, "machines no route joins are set side by side, not in one column"
    everything = QRectF()
    for box in boxes.values():
        everything = everything.united(box)
    assert everything.width() > everything.height() / 2
