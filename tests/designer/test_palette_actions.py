"""The palette's AWS actions: found by search, browsed by category, dropped as a ready Task."""

from __future__ import annotations

import json
import time
from typing import Any

from designer_helpers import shown_canvas
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_building import drag_to, drop_at, palette_mime

from designer.canvas.theme import LIGHT
from designer.canvas.view import CanvasView
from designer.panels.palette import ENTRY_ROLE, PalettePanel
from designer.panels.palette_actions import OPTIMIZED_GROUP

DYNAMO_PUT = "action:arn:aws:states:::dynamodb:putItem"


def _type(qtbot: Any, palette: PalettePanel, text: str) -> None:
    palette.search.setFocus()
    QTest.keyClicks(palette.search, text)
    qtbot.waitUntil(lambda: any(e.startswith("action:") for e in palette.visible_entries()), timeout=30_000)


def _row(palette: PalettePanel, entry: str) -> Any:
    for i in range(palette.list.count()):
        if palette.list.item(i).data(ENTRY_ROLE) == entry:
            return palette.list.item(i)
    raise AssertionError(f"{entry} not listed: {palette.visible_entries()}")


def test_search_finds_actions_by_service_and_operation(qtbot: Any) -> None:
    palette = PalettePanel(LIGHT)
    qtbot.addWidget(palette)
    palette.show()
    _type(qtbot, palette, "dynamo put")
    entries = palette.visible_entries()
    assert entries[0] == DYNAMO_PUT  # optimized first
    assert "action:arn:aws:states:::aws-sdk:dynamodb:putItem" in entries
    QTest.keySequence(palette.search, "Ctrl+A")
    QTest.keyClicks(palette.search, "PutItem")
    assert palette.visible_entries()[0] == DYNAMO_PUT
    QTest.keySequence(palette.search, "Ctrl+A")
    QTest.keyClicks(palette.search, "start job run")
    found = palette.visible_entries()
    assert "action:arn:aws:states:::glue:startJobRun" in found
    assert "action:arn:aws:states:::aws-sdk:glue:startJobRun" in found
    assert found.index("action:arn:aws:states:::glue:startJobRun") < found.index(
        "action:arn:aws:states:::aws-sdk:glue:startJobRun"
    )
    QTest.keySequence(palette.search, "Ctrl+A")
    QTest.keyClicks(palette.search, "choice")
    assert palette.visible_entries()[0] == "state:Choice"  # states still come first


def test_browse_by_category_optimized_first(qtbot: Any) -> None:
    palette = PalettePanel(LIGHT)
    qtbot.addWidget(palette)
    palette.show()
    palette.tabs.setCurrentWidget(palette.action_tree)
    tree = palette.action_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 2, timeout=30_000)
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups[0] == OPTIMIZED_GROUP and "Database" in groups and groups[-1] == "All other services"
    database = tree.topLevelItem(groups.index("Database"))
    _double_click(tree, database)
    assert database.isExpanded()
    dynamo = next(
        database.child(i) for i in range(database.childCount()) if "DynamoDB" in database.child(i).text(0)
    )
    _double_click(tree, dynamo)
    qtbot.waitUntil(lambda: dynamo.childCount() > 10)
    assert "PutItem" in [dynamo.child(i).text(0) for i in range(dynamo.childCount())]


def _double_click(tree: Any, item: Any) -> None:
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    QTest.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    QTest.mouseDClick(
        tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )


def _view(qtbot: Any, definition: dict[str, Any]) -> CanvasView:
    return shown_canvas(qtbot, definition)[0]


def test_dropping_an_action_makes_a_task_with_its_request_skeleton(qtbot: Any) -> None:
    view = _view(qtbot, {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    document = view.scene().document
    palette = PalettePanel(LIGHT)
    qtbot.addWidget(palette)
    _type(qtbot, palette, "dynamo put")
    entry = _row(palette, DYNAMO_PUT).data(ENTRY_ROLE)
    point = QPoint(800, 600)
    assert drag_to(view, palette_mime(entry), point)
    drop_at(view, palette_mime(entry), point)
    states = document.definition("Orders")["States"]
    task = states["DynamoDB PutItem"]
    assert task["Type"] == "Task" and task["Resource"] == "arn:aws:states:::dynamodb:putItem"
    assert task["Parameters"] == {"TableName": "", "Item": {}}
    document.undo_stack.undo()  # one undo step removes it whole
    assert "DynamoDB PutItem" not in document.definition("Orders")["States"]


def test_a_jsonata_machine_gets_arguments(qtbot: Any) -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    view = _view(qtbot, definition)
    document = view.scene().document
    entry = "action:arn:aws:states:::aws-sdk:sfn:startSyncExecution"
    assert drag_to(view, palette_mime(entry), QPoint(800, 600))
    drop_at(view, palette_mime(entry), QPoint(800, 600))
    state = document.definition("Orders")["States"]["Step Functions StartSyncExecution"]
    assert state["Resource"] == "arn:aws:states:::aws-sdk:sfn:startSyncExecution"
    assert state["Arguments"] == {"StateMachineArn": ""}
    assert "Parameters" not in state


def test_in_the_window_double_clicking_an_action_adds_it_and_the_inspector_shows_its_request(
    window: Any, qtbot: Any
) -> None:
    from designer.panels.inspector.service_request import RequestSection

    palette = window.palette
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    _type(qtbot, palette, "sfn start sync")
    QApplication.processEvents()
    row = _row(palette, "action:arn:aws:states:::aws-sdk:sfn:startSyncExecution")
    palette.list.scrollToItem(row)
    centre = palette.list.visualItemRect(row).center()
    viewport = palette.list.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    # Added where the view's centre is (in the example, inside the Parallel's branch): look everywhere.
    text = json.dumps(window.document.definitions)
    assert text.count('"arn:aws:states:::aws-sdk:sfn:startSyncExecution"') == 1  # one gesture, one Task
    assert '"Step Functions StartSyncExecution"' in text
    assert '"Parameters": {"StateMachineArn": ""}' in text
    section = window.inspector.findChild(RequestSection)
    assert section is not None and "StartSyncExecution" in section.heading.text()


def test_one_double_click_adds_once_even_when_adding_takes_longer_than_the_interval(qtbot: Any) -> None:
    """Adding a state can outlast a double-click interval (a service Task builds its request
    form); the gesture's second signal, delivered after that work, must not add a second state."""
    palette = PalettePanel(LIGHT)
    qtbot.addWidget(palette)
    palette.show()
    added: list[str] = []

    def slow_add(entry: str) -> None:
        added.append(entry)
        time.sleep(QApplication.doubleClickInterval() / 1000 * 1.5)

    palette.activated.connect(slow_add)
    palette.list.scrollToItem(_row(palette, "state:Pass"))
    _double_click(palette.list, _row(palette, "state:Pass"))
    assert added == ["state:Pass"]
