"""The inspector's tabs and a state machine's own settings, driven through the real widgets:
clicks on the canvas and on tabs, typing in fields, the keyboard on combo boxes, the menus'
actions and the delete question answered by its buttons."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import REPO
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from designer.app.main_window import MainWindow
from designer.document.files import load_document_file
from designer.panels.inspector.fields import BoolField, ComboField, LineField
from designer.panels.inspector.machine_form import MachineForm
from designer.panels.inspector.panel import TABS

M = "order-processing"
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


# -- helpers ------------------------------------------------------------------------------------


def shown(qtbot: Any, win: MainWindow) -> MainWindow:
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    return win


def click_scene_point(win: MainWindow, scene_point: QPointF) -> None:
    win.view.centerOn(scene_point)
    point = win.view.mapFromScene(scene_point)
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def click_state(win: MainWindow, name: str, machine: str = M) -> None:
    item = win.scene.state_item(machine, f"/States/{name}")
    assert item is not None
    click_scene_point(win, item.sceneBoundingRect().center())
    assert [i.label() for i in win.scene.selectedItems()] == [name]


def click_frame_header(win: MainWindow, machine: str) -> MachineForm:
    frame = win.scene.machines[machine].frame
    header = frame.header_rect()
    click_scene_point(win, frame.mapToScene(QPointF(header.left() + 60, header.center().y())))
    assert win.scene.selectedItems() == [frame]
    form = win.inspector.form
    assert isinstance(form, MachineForm) and form.machine == machine
    return form


def click_tab(win: MainWindow, title: str) -> QWidget:
    tabs = win.inspector.tabs
    index = TABS.index(title)
    assert tabs.isTabVisible(index) and tabs.isTabEnabled(index), title
    bar = tabs.tabBar()
    QTest.mouseClick(
        bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center()
    )
    assert tabs.currentIndex() == index
    return win.inspector.pages[title]


def panel_title(tabs: Any, index: int) -> str:
    return tabs.tabBar().accessibleTabName(index)


def type_into(field: LineField | QLineEdit, text: str) -> None:
    line = field if isinstance(field, QLineEdit) else field.line
    line.setFocus(Qt.FocusReason.MouseFocusReason)
    line.selectAll()
    QTest.keyClicks(line, text) if text else QTest.keyClick(line, Qt.Key.Key_Backspace)
    QTest.keyClick(line, Qt.Key.Key_Return)


def pick(combo_field: ComboField, value: Any) -> None:
    """Choose with the keyboard, as a user tabbing through the form would."""
    combo = combo_field.combo
    combo.setFocus(Qt.FocusReason.TabFocusReason)
    target = combo.findData(value)
    assert target >= 0, value
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    while combo.currentIndex() != target:
        QTest.keyClick(combo, key)


def click_box(field: BoolField) -> None:
    box = field.box
    QTest.mouseClick(
        box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, box.height() // 2)
    )


def everything(win: MainWindow) -> str:
    """The whole document as it would be saved: project (with layout) and every definition."""
    data = win.document.snapshot()
    return json.dumps(
        {"project": data.project.to_json(), "definitions": data.definitions, "order": list(data.definitions)}
    )


def undo_all(win: MainWindow, steps: int) -> None:
    for _ in range(steps):
        win.actions_.undo.trigger()


def menu_action(win: MainWindow, menu_title: str, text: str) -> Any:
    for top in win.menuBar().actions():
        if top.text() == menu_title:
            for action in top.menu().actions():
                if action.text() == text:
                    return action
    raise AssertionError(f"{menu_title} > {text} not found")


@pytest.fixture
def pipeline(qtbot: Any, tmp_path: Path) -> Any:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery")
    win.ask_before_close = False
    qtbot.addWidget(win)
    yield shown(qtbot, win)
    if win.message_box is not None:
        win.message_box.close()


# -- tabs ---------------------------------------------------------------------------------------


def test_inspector_and_code_view_are_both_in_sight(qtbot: Any, window: MainWindow) -> None:
    win = shown(qtbot, window)
    assert win.tabifiedDockWidgets(win.inspector_dock) == []
    inspector, code = win.inspector_dock.geometry(), win.code_dock.geometry()
    assert win.inspector_dock.isVisible() and win.code_dock.isVisible()
    assert not inspector.intersects(code)
    assert inspector.bottom() < code.top()  # the inspector above the code
    assert inspector.height() >= 300 and code.height() >= 200


def test_a_tasks_fields_are_in_workflow_studios_tabs(qtbot: Any, window: MainWindow) -> None:
    win = shown(qtbot, window)
    click_state(win, "ValidateOrder")
    panel = win.inspector
    tabs = panel.tabs
    assert [tabs.tabBar().accessibleTabName(i) for i in range(tabs.count())] == list(TABS)
    bar = tabs.tabBar()  # every tab in sight, without scroll arrows, in the dock's width
    qtbot.waitUntil(lambda: all(bar.tabRect(i).right() <= tabs.width() for i in range(tabs.count())))
    assert all(tabs.isTabVisible(i) and tabs.isTabEnabled(i) for i in range(tabs.count()))
    editors = panel.form.editors
    where = {
        "Configuration": [panel.name, panel.comment, panel.next, editors["Resource"]],
        "Input": [editors["InputPath"], editors["Parameters"]],
        "Output": [editors["ResultSelector"], editors["ResultPath"], editors["OutputPath"]],
        "Error handling": [
            editors["Retry"],
            editors["Catch"],
            editors["TimeoutSeconds"],
            editors["HeartbeatSeconds"],
        ],
        "Variables": [editors["Assign"]],
    }
    for title, widgets in where.items():
        page = click_tab(win, title)
        for widget in widgets:
            assert page.isAncestorOf(widget), (title, widget)
            assert widget.isVisible()
    assert "1 retrier" in tabs.tabToolTip(TABS.index("Error handling"))
    # A field edited in its tab is one undo step.
    before = everything(win)
    click_tab(win, "Output")
    type_into(editors["OutputPath"], "$.order")
    assert win.document.definition(M)["States"]["ValidateOrder"]["OutputPath"] == "$.order"
    undo_all(win, 1)
    assert everything(win) == before


def test_the_json_tab_edits_the_state_with_validation(qtbot: Any, window: MainWindow) -> None:
    win = shown(qtbot, window)
    click_state(win, "ValidateOrder")
    page = click_tab(win, "JSON")
    panel = win.inspector
    assert page.isAncestorOf(panel.raw) and panel.raw.isVisible()
    assert json.loads(panel.raw.toPlainText()) == win.document.definition(M)["States"]["ValidateOrder"]
    before = everything(win)
    panel.raw.setFocus()
    panel.raw.selectAll()
    QTest.keyClicks(panel.raw, '{"Type": "Pass",, "End": true}')
    QTest.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert "Line 1" in panel.error.text() and everything(win) == before
    panel.raw.selectAll()
    QTest.keyClicks(panel.raw, '{"Type": "Pass", "Comment": "later", "Next": "IsOrderValid"}')
    QTest.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    state = win.document.definition(M)["States"]["ValidateOrder"]
    assert state == {"Type": "Pass", "Comment": "later", "Next": "IsOrderValid"}
    # A Pass has no error handling: its tab stays, disabled, and says why.
    tabs = panel.tabs
    assert not tabs.isTabEnabled(TABS.index("Error handling"))
    assert "no error handling" in tabs.tabToolTip(TABS.index("Error handling"))
    assert tabs.currentIndex() == TABS.index("JSON")  # the tab the user was on stays
    undo_all(win, 1)
    assert everything(win) == before


def test_selecting_another_state_keeps_the_tab(qtbot: Any, window: MainWindow) -> None:
    win = shown(qtbot, window)
    click_state(win, "ValidateOrder")
    click_tab(win, "Input")
    click_state(win, "PublishOrderCreated")
    assert win.inspector.tabs.currentIndex() == TABS.index("Input")
    assert win.inspector.pages["Input"].isAncestorOf(win.inspector.form.editors["InputPath"])


def test_a_resource_shows_configuration_and_json_only(pipeline: MainWindow) -> None:
    win = pipeline
    item = win.scene.resources.item_for_key("queue:fulfillment-orders")
    assert item is not None
    click_scene_point(win, item.sceneBoundingRect().center())
    tabs = win.inspector.tabs
    visible = [panel_title(tabs, i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    assert visible == ["Configuration", "JSON"]


# -- machine settings ---------------------------------------------------------------------------


def test_a_frame_shows_the_machines_settings_and_each_edit_is_one_undo_step(
    qtbot: Any, window: MainWindow
) -> None:
    win = shown(qtbot, window)
    form = click_frame_header(win, M)
    tabs = win.inspector.tabs
    assert [panel_title(tabs, i) for i in range(tabs.count()) if tabs.isTabVisible(i)] == ["Configuration"]
    assert win.inspector.title.text() == M and "Standard state machine" in win.inspector.subtitle.text()
    assert form.name.text() == M
    assert form.editors["Comment"].line.text() == win.document.definition(M)["Comment"]
    before = everything(win)
    count = win.document.undo_stack.count()

    type_into(form.editors["Comment"], "Orders, checked and announced")
    type_into(form.editors["TimeoutSeconds"], "0")
    assert "from 1 to" in form.editors["TimeoutSeconds"].error_text()
    assert "TimeoutSeconds" not in win.document.definition(M)
    type_into(form.editors["TimeoutSeconds"], "3600")
    type_into(form.editors["Version"], "1.0")
    pick(form.editors["QueryLanguage"], "JSONata")
    pick(form.type, "EXPRESS")
    pick(form.level, "ERROR")
    click_box(form.include_data)
    click_box(form.tracing)

    definition = win.document.definition(M)
    assert definition["Comment"] == "Orders, checked and announced"
    assert (definition["TimeoutSeconds"], definition["Version"], definition["QueryLanguage"]) == (
        3600,
        "1.0",
        "JSONata",
    )
    assert list(definition)[:3] == ["Comment", "QueryLanguage", "StartAt"]  # ASL's usual order
    code = win.code_view.editor.toPlainText()  # the code view beside it shows each setting
    assert '"TimeoutSeconds": 3600' in code and '"QueryLanguage": "JSONata"' in code
    spec = win.document.project.state_machines[M].to_json()
    assert spec["type"] == "EXPRESS" and spec["tracingEnabled"] is True
    assert spec["logging"] == {"level": "ERROR", "includeExecutionData": True}
    assert "Express state machine" in win.inspector.subtitle.text()
    assert win.scene.machines[M].frame.caption.startswith("Express")
    texts = [win.document.undo_stack.text(i) for i in range(win.document.undo_stack.count())]
    assert win.document.undo_stack.count() == count + 8, texts  # eight edits, eight steps
    # Logging back off leaves no trace in the project.
    pick(form.level, "OFF")
    assert "logging" not in win.document.project.state_machines[M].to_json()
    assert not form.include_data.isEnabled()
    undo_all(win, 9)
    assert everything(win) == before
    assert form.editors["Comment"].line.text() == json.loads(before)["definitions"][M]["Comment"]
    assert form.type.value() == "STANDARD" and not form.tracing.box.isChecked()


def test_the_wheel_does_not_change_an_unfocused_setting(qtbot: Any, window: MainWindow) -> None:
    win = shown(qtbot, window)
    form = click_frame_header(win, M)
    win.view.setFocus()
    before = everything(win)
    combo = form.type.combo
    centre = QPointF(combo.rect().center())
    for delta in (-120, 120, -120):
        event = QWheelEvent(
            centre,
            QPointF(combo.mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(combo, event)
    assert everything(win) == before and form.type.value() == "STANDARD"


def test_renaming_a_machine_follows_every_reference(pipeline: MainWindow, tmp_path: Path) -> None:
    win = pipeline
    before = everything(win)
    old_keys = [k for k in win.document.project.layout.positions if k.startswith("stateMachine:Returns")]
    form = click_frame_header(win, "Returns")
    where = win.scene.machines["Returns"].frame.pos()
    type_into(form.name, "bad name")
    assert "letters, digits" in win.inspector.error.text() and form.name.text() == "Returns"
    type_into(form.name, "Fulfillment")
    assert "already exists" in win.inspector.error.text()
    assert everything(win) == before
    type_into(form.name, "Refunds")
    doc = win.document
    assert list(doc.definitions) == ["Fulfillment", "RetailOrder", "Refunds"]
    assert doc.project.rules["ReturnRequestedToReturns"].targets[0].target == "stateMachine:Refunds"
    positions = doc.project.layout.positions
    assert not any(k.startswith("stateMachine:Returns") for k in positions)
    assert {k.replace("Returns", "Refunds", 1) for k in old_keys} <= set(positions)
    # The renamed frame is selected again, in place, and the inspector shows it.
    frame = win.scene.machines["Refunds"].frame
    assert win.scene.selectedItems() == [frame] and win.inspector.title.text() == "Refunds"
    assert frame.pos() == where and doc.position("stateMachine:Refunds") == (where.x(), where.y())
    # Saved, the project loads again (no dangling reference).
    saved = tmp_path / "renamed" / "order-pipeline.statecanvas.json"
    saved.parent.mkdir()
    for file in PIPELINE.parent.glob("*.asl.json"):
        (saved.parent / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    doc.save(saved)
    assert "Refunds" in load_document_file(saved).definitions
    undo_all(win, 1)
    assert everything(win) == before


def test_add_and_delete_machines_from_the_menus(pipeline: MainWindow) -> None:
    win = pipeline
    doc = win.document
    before = everything(win)
    menu_action(win, "&Edit", "Add State &Machine").trigger()
    assert list(doc.definitions)[-1] == "StateMachine"
    frame = win.scene.machines["StateMachine"].frame
    assert win.scene.selectedItems() == [frame]
    form = win.inspector.form
    assert (
        isinstance(form, MachineForm) and form.name.hasFocus() and form.name.selectedText() == "StateMachine"
    )
    others = [p.frame.sceneBoundingRect() for n, p in win.scene.machines.items() if n != "StateMachine"]
    assert not any(frame.sceneBoundingRect().intersects(r) for r in others)
    QTest.keyClicks(form.name, "Invoices")
    QTest.keyClick(form.name, Qt.Key.Key_Return)
    assert "Invoices" in doc.definitions and "StateMachine" not in doc.definitions
    undo_all(win, 2)
    assert everything(win) == before

    # Delete asks first; Cancel changes nothing.
    click_frame_header(win, "Fulfillment")
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Delete)
    box = win.message_box
    assert box is not None and box.isVisible()
    assert "Fulfillment" in box.text() and "queue fulfillment-orders is drained by it" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert everything(win) == before
    # The frame's context menu offers the same, and Delete deletes it with what targets it.
    entries = [a.text() for a in win.actions_.context_menu(win.scene.machines["Fulfillment"].frame).actions()]
    assert "&Delete State Machine…" in entries and "Add State &Machine" in entries
    menu_action(win, "&Edit", "Delete State Machine…").trigger()
    box = win.message_box
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    delete.click()
    assert "Fulfillment" not in doc.definitions and "Fulfillment" not in win.scene.machines
    assert not any(c.target == "stateMachine:Fulfillment" for c in doc.project.consumers)
    assert not any(k.startswith("stateMachine:Fulfillment") for k in doc.project.layout.positions)
    undo_all(win, 1)
    assert everything(win) == before
    assert set(win.scene.machines) == set(doc.definitions)


def test_the_last_machine_is_not_deleted(qtbot: Any, window: MainWindow) -> None:
    win = shown(qtbot, window)
    before = copy.deepcopy(everything(win))
    click_frame_header(win, M)
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Delete)
    box = win.message_box
    assert box is not None and "only state machine" in box.text()
    box.close()
    assert everything(win) == before
