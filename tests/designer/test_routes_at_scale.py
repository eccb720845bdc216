"""Routes from states to declared project resources: fast on large machines, never through a box.

A Task calling a declared function gets a route from its state, out of its machine frame, to the
function's item. Found by one search over the whole machine's channels, such routes took seconds
at 120 states and minutes at 200; they now leave the frame along a corridor and then search the
few top-level boxes.
"""

from __future__ import annotations

import importlib.util
import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import REPO
from PySide6.QtCore import QRectF

from designer.canvas.items.edge_item import EdgeItem
from designer.canvas.items.resource_items import ResourceItem
from designer.canvas.items.state_item import StateItem
from designer.canvas.scene import DesignerScene
from designer.document.project_document import ProjectDocument

EXAMPLE_PROJECT = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "designer_routes", REPO / "benchmarks" / "designer_routes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ends_and_holders(edge: EdgeItem) -> set[int]:
    """The route's own ends and what holds them: a route starts inside its state's containers."""
    held = set()
    for end in (edge.source, edge.target):
        node = end
        while node is not None:
            held.add(id(node))
            node = node.parentItem()
    return held


def _label(item: Any) -> str:
    return item.address.name if isinstance(item, StateItem) else item.name


def _crossings(scene: DesignerScene) -> list[str]:
    """Every route segment that passes through a state or resource box other than its ends'."""
    boxes = [
        (item, item.scene_box().adjusted(0.5, 0.5, -0.5, -0.5))
        for item in scene.items()
        if isinstance(item, StateItem | ResourceItem) and item.isVisible()
    ]
    found = []
    for edge in scene.resources.routes:
        assert len(edge._points) >= 2, f"route {_label(edge.source)} -> {_label(edge.target)} has no path"
        own = _ends_and_holders(edge)
        for a, b in itertools.pairwise(edge.mapToScene(p) for p in edge._points):
            assert abs(a.x() - b.x()) < 0.01 or abs(a.y() - b.y()) < 0.01, "routes are orthogonal"
            segment = QRectF(a, b).normalized()
            for item, box in boxes:
                if id(item) not in own and box.intersects(segment.adjusted(-0.01, -0.01, 0.01, 0.01)):
                    found.append(f"{_label(edge.source)} -> {_label(edge.target)} crosses {_label(item)}")
    return found


def test_a_300_state_machine_calling_10_functions_opens_quickly_and_routes_around_every_box(
    qapp: Any, tmp_path: Path
) -> None:
    path = _generator().project_with_functions(tmp_path, 300, functions=10)
    started = time.perf_counter()
    document = ProjectDocument.from_file(path)
    scene = DesignerScene(document)
    elapsed = time.perf_counter() - started
    # Before routes left frames by corridors this took minutes; a loaded 2-core machine takes
    # well under a second now.
    assert elapsed < 10.0, f"opening took {elapsed:.1f} s"
    functions = [item for item in scene.resources.items.values() if item.project_kind == "function"]
    assert len(functions) == 10
    routes = scene.resources.routes
    assert len(routes) > 100
    assert {edge.target for edge in routes} == set(functions)
    assert _crossings(scene) == []
    frame = scene.machines["Big"].frame.scene_box()
    for edge in routes:
        # Out of the state by a side its transitions leave free, straight on its first stretch.
        first, second = (edge.mapToScene(p) for p in edge._points[:2])
        state = edge.source.scene_box()
        assert min(abs(first.x() - state.left()), abs(first.x() - state.right())) < 0.1
        assert abs(first.y() - second.y()) < 0.01
        # And out of the frame for good: no point after the frame is left lies in it again.
        outside = [frame.contains(edge.mapToScene(p)) for p in edge._points]
        assert outside.index(False) > 0 and not any(outside[outside.index(False) :])


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_the_example_projects_routes_pass_no_box(qapp: Any, direction: str) -> None:
    scene = DesignerScene(ProjectDocument.from_file(EXAMPLE_PROJECT), direction=direction)
    assert scene.resources.routes
    assert _crossings(scene) == []


def test_a_left_right_machine_calling_functions_routes_around_every_box(qapp: Any, tmp_path: Path) -> None:
    document = ProjectDocument.from_file(_generator().project_with_functions(tmp_path, 120, functions=10))
    scene = DesignerScene(document, direction="LR")
    assert len(scene.resources.routes) > 40
    assert _crossings(scene) == []


def test_dragging_a_calling_state_carries_its_route_around_the_other_boxes(
    qapp: Any, qtbot: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    from designer.canvas.editor import CanvasEditor
    from designer.canvas.view import CanvasView

    document = ProjectDocument.from_file(_generator().project_with_functions(tmp_path, 60, functions=10))
    scene = DesignerScene(document)
    view = CanvasView(scene, CanvasEditor(document, scene))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    route = next(e for e in scene.resources.routes if _label(e.source).startswith("Step"))
    state = route.source
    view.centerOn(state)
    before = state.scene_box()
    press = view.mapFromScene(before.center())
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, press)
    for step in range(1, 9):  # well down the flow, across the rows below
        QTest.mouseMove(view.viewport(), press + QPoint(0, 20 * step))
    QTest.mouseRelease(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, press + QPoint(0, 160)
    )
    qtbot.wait(50)
    after = state.scene_box()
    assert after.top() > before.top() + 40
    first = route.mapToScene(route._points[0])
    assert min(abs(first.x() - after.left()), abs(first.x() - after.right())) < 0.1
    assert after.top() <= first.y() <= after.bottom()
    assert _crossings(scene) == []
