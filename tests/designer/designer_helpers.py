"""Helpers shared by the designer tests (conftest puts this folder on sys.path)."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.canvas.editor import CanvasEditor
from designer.canvas.scene import DesignerScene
from designer.canvas.view import CanvasView
from designer.document.files import DocumentData
from designer.document.project_document import ProjectDocument
from engine.project import Project
from engine.project.model import StateMachineSpec

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "resources" / "examples" / "order-processing.asl.json"
DATA = Path(__file__).parent / "data"


def example_definition() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def document_for(definition: dict[str, Any], name: str = "Orders") -> ProjectDocument:
    project = Project(name="test", state_machines={name: StateMachineSpec()})
    return ProjectDocument(DocumentData(project, {name: copy.deepcopy(definition)}, None, "project"))


def shown_canvas(qtbot: Any, definition: dict[str, Any]) -> tuple[CanvasView, DesignerScene]:
    """A canvas on `definition` shown at 900x700 and fitted, as the user first sees it, for tests
    that drive it with the mouse; the caller detaches the scene when it keeps it past the test."""
    document = document_for(definition)
    scene = DesignerScene(document)
    view = CanvasView(scene, CanvasEditor(document, scene))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    view.fit()
    return view, scene


async def until(condition: Callable[[], Any], what: str = "the condition", timeout: float = 20.0) -> Any:
    """Wait on the Qt loop (qasync) until `condition()` is truthy and return its value; the test
    coroutine polls with asyncio.sleep, never spinning a nested Qt loop."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := condition()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
    return value


def activate(qtbot: Any, win: Any) -> None:
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)


def click_state(win: Any, name: str, machine: str = "order-processing") -> None:
    item = win.scene.state_item(machine, f"/States/{name}")
    assert item is not None
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert [i.label() for i in win.scene.selectedItems()] == [name]
