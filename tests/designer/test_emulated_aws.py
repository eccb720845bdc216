"""The Emulated AWS dock: the project's seed shown and edited (undoable, saved with the project),
and after a run what the run's emulated account holds, browsed as a tree with a JSON view."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTreeWidgetItem

SEED = {
    "dynamodb": {"Orders": {"items": [{"id": "o-1", "total": 12}]}},
    "s3": {"reports": {"seed.txt": "hello"}},
    "ssm": {"/shop/currency": "EUR"},
}
MACHINE = {
    "StartAt": "Read",
    "States": {
        "Read": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "Orders", "Key": {"id": {"S.$": "$.id"}}},
            "ResultPath": "$.found",
            "Next": "Write",
        },
        "Write": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:dynamodb:putItem",
            "Parameters": {"TableName": "Orders", "Item": {"id": {"S": "o-2"}, "total": {"N": "30"}}},
            "ResultPath": None,
            "Next": "Report",
        },
        "Report": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
            "Parameters": {"Bucket": "reports", "Key": "o-2.json", "Body": {"total": 30}},
            "ResultPath": None,
            "End": True,
        },
    },
}


def _project(tmp_path: Path, seed: dict[str, Any] | None) -> Path:
    (tmp_path / "pay.py").write_text("def handler(event, context):\n    return {'statusCode': 200}\n")
    body: dict[str, Any] = {
        "name": "shop",
        "stateMachines": {"Shop": {"definition": MACHINE}},
        "functions": {"pay": {"handler": "pay.py:handler"}},
    }
    if seed is not None:
        body["seed"] = seed
    path = tmp_path / "shop.statecanvas.json"
    path.write_text(json.dumps(body))
    return path


async def _window(qtbot: Any, tmp_path: Path, seed: dict[str, Any] | None) -> Any:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        _project(tmp_path, seed), settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False
    )
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    window.debug.ui.docks["Emulated AWS"].show()
    window.debug.ui.docks["Emulated AWS"].raise_()
    return window


@pytest.fixture
async def shop(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    window = await _window(qtbot, tmp_path, SEED)
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)


def _children(item: QTreeWidgetItem) -> list[str]:
    return [item.child(index).text(0) for index in range(item.childCount())]


def _group(panel: Any, title: str) -> QTreeWidgetItem:
    tree = panel.tree
    return next(
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == title
    )


def _click_item(tree: Any, item: QTreeWidgetItem) -> None:
    tree.scrollToItem(item)
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())


def _open_tab(panel: Any, index: int) -> None:
    bar = panel.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def _type_seed(panel: Any, text: str) -> None:
    editor = panel.seed_edit
    QTest.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    QTest.keyClicks(editor, text)
    QTest.mouseClick(panel.apply_seed, Qt.MouseButton.LeftButton)


async def test_before_a_run_the_tree_shows_the_seed_and_a_picked_item_shows_its_json(shop: Any) -> None:
    panel = shop.debug.ui.emulated_panel
    assert "seed" in panel.source.text()
    tables = _group(panel, "DynamoDB tables")
    assert _children(tables) == ["Orders"]
    orders = tables.child(0)
    assert orders.text(1) == "1 item"
    _click_item(panel.tree, orders.child(0))
    assert json.loads(panel.json.toPlainText()) == {"id": "o-1", "total": 12}
    assert _children(_group(panel, "SSM parameters")) == ["/shop/currency"]


async def test_the_seed_is_edited_in_the_panel_undone_and_saved_with_the_project(shop: Any) -> None:
    panel, document = shop.debug.ui.emulated_panel, shop.document
    _open_tab(panel, 1)
    _type_seed(panel, '{"dynamodb": {"Carts": {"items": [{"id": "c-1"}]}}, "ssm": {"/a": "b"}}')
    assert panel.seed_error.text() == ""
    assert list(document.project.seed.dynamodb) == ["Carts"]
    assert _children(_group(panel, "DynamoDB tables")) == ["Carts"]  # the tree follows the seed
    document.save()
    saved = json.loads(Path(document.path).read_text())
    assert saved["seed"] == {"dynamodb": {"Carts": {"items": [{"id": "c-1"}]}}, "ssm": {"/a": "b"}}
    QTest.keyClick(
        panel.seed_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )  # the editor's own undo
    shop.document.undo_stack.undo()
    assert list(document.project.seed.dynamodb) == ["Orders"]
    assert '"Orders"' in panel.seed_edit.toPlainText()


async def test_a_bad_seed_is_refused_with_where_and_why(shop: Any) -> None:
    panel, document = shop.debug.ui.emulated_panel, shop.document
    _open_tab(panel, 1)
    _type_seed(panel, '{"dynamodb": {"T": {"items": 5}}}')
    assert "dynamodb/T/items" in panel.seed_error.text()
    _type_seed(panel, '{"ssm": {"/a": }')
    assert "line 1" in panel.seed_error.text()
    assert list(document.project.seed.dynamodb) == ["Orders"]  # nothing changed


async def test_a_project_without_a_seed_opens_and_saves_without_one(qtbot: Any, tmp_path: Path) -> None:
    window = await _window(qtbot, tmp_path, None)
    panel = window.debug.ui.emulated_panel
    assert _group(panel, "DynamoDB tables").childCount() == 0
    window.document.save()
    assert "seed" not in json.loads(Path(window.document.path).read_text())


async def test_after_a_run_the_tree_shows_what_the_run_created_and_touched(shop: Any) -> None:
    d = shop.debug
    d.ui.run_panel.input.set_value({"id": "o-1"})
    d.ui.run_action.trigger()
    await until(lambda: d.session is not None and d.session.done, what="the run")
    assert d.picture.status == "SUCCEEDED", d.picture
    panel = d.ui.emulated_panel
    await until(lambda: "last run" in panel.source.text(), what="the emulated state")
    orders = _group(panel, "DynamoDB tables").child(0)
    assert orders.text(0) == "Orders" and orders.text(1) == "2 items"
    bucket = _group(panel, "S3 buckets").child(0)
    assert sorted(_children(bucket)) == ["o-2.json", "seed.txt"]
    written = next(
        bucket.child(i) for i in range(bucket.childCount()) if bucket.child(i).text(0) == "o-2.json"
    )
    _click_item(panel.tree, written)
    assert json.loads(panel.json.toPlainText()) == {"total": 30}
    assert d.session.runtime.loaded.project.seed.dynamodb["Orders"].items == [{"id": "o-1", "total": 12}]


async def test_what_a_run_left_can_be_kept_as_the_seed_of_the_next_run(shop: Any) -> None:
    d = shop.debug
    panel = d.ui.emulated_panel
    assert not panel.keep.isEnabled()  # before a run there is nothing of a run to keep
    d.ui.run_panel.input.set_value({"id": "o-1"})
    d.ui.run_action.trigger()
    await until(lambda: "last run" in panel.source.text(), what="the emulated state")
    QTest.mouseClick(panel.keep, Qt.MouseButton.LeftButton)
    seed = shop.document.project.seed
    assert [item["id"] for item in seed.dynamodb["Orders"].items] == ["o-1", "o-2"]
    assert json.loads(seed.s3["reports"]["o-2.json"]) == {"total": 30}
    assert seed.ssm == {"/shop/currency": "EUR"}
    shop.document.undo_stack.undo()
    assert [item["id"] for item in shop.document.project.seed.dynamodb["Orders"].items] == ["o-1"]


async def test_api_routes_are_edited_in_the_panel_and_checked_against_the_projects_functions(
    shop: Any,
) -> None:
    panel, document = shop.debug.ui.emulated_panel, shop.document
    _open_tab(panel, 2)

    def type_routes(text: str) -> None:
        editor = panel.routes_edit
        QTest.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
        QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(editor, Qt.Key.Key_Delete)
        QTest.keyClicks(editor, text)
        QTest.mouseClick(panel.apply_routes, Qt.MouseButton.LeftButton)

    type_routes('{"POST /orders/{id}/pay": "nobody"}')
    assert "no function named 'nobody'" in panel.routes_error.text()
    type_routes('{"/orders": "pay"}')
    assert "METHOD /path" in panel.routes_error.text()
    assert document.project.api_routes == {}
    type_routes('{"POST /orders/{id}/pay": "pay"}')
    assert panel.routes_error.text() == ""
    assert document.project.api_routes == {"POST /orders/{id}/pay": "pay"}
    document.save()
    assert json.loads(Path(document.path).read_text())["apiRoutes"] == {"POST /orders/{id}/pay": "pay"}
    document.undo_stack.undo()
    assert document.project.api_routes == {} and json.loads(panel.routes_edit.toPlainText()) == {}
