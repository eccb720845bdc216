"""A Task's "Local behaviour" in the inspector, driven as a newcomer would: a new Lambda Task
fails for want of a handler and the Run panel says how to serve it; one click writes a handler
stub and the run succeeds; a mocked result or error answers instead; all saved in the project.

The coroutines run on Qt's own loop (see conftest): they never spin a nested loop and wait by
polling with asyncio.sleep.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from designer.document.templates import state_template
from designer.panels.inspector.local_behaviour import LocalBehaviourSection
from designer.panels.inspector.mock_list import THROW

TASK = "ChargePayment"
MACHINE = "Orders"


def new_project(folder: Path) -> Path:
    """What a newcomer has after New, dropping a Task from the palette and saving."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "shop.statecanvas.json"
    definition = {"StartAt": TASK, "States": {TASK: state_template("Task")}}
    value = {"formatVersion": 1, "name": "shop", "stateMachines": {MACHINE: {"definition": definition}}}
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files the section asked the desktop to open (an editor would open them)."""
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()) or True)
    return urls


async def open_window(qtbot: Any, tmp_path: Path, path: Path | None) -> Any:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(path, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    return window


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    window = await open_window(qtbot, tmp_path, new_project(tmp_path / "shop"))
    yield window
    await close(window)


async def close(window: Any) -> None:
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)
    if window.message_box is not None:
        window.message_box.close()


def click(widget: Any) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


async def select_task(window: Any, name: str = TASK) -> LocalBehaviourSection:
    """Click the Task on the canvas; the inspector shows its local behaviour."""
    item = window.scene.state_item(MACHINE, f"/States/{name}")
    window.view.centerOn(item)
    point = window.view.mapFromScene(item.scene_box().center())
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert item.isSelected()
    section = await until(lambda: window.inspector.findChild(LocalBehaviourSection), what="the section")
    window.inspector.show_tab("Configuration")
    return section


async def run_to_end(window: Any) -> Any:
    d = window.debug
    d.ui.run_action.trigger()
    await until(lambda: d.session is not None and d.session.done and d.picture is not None, what="the run")
    return d.picture


def status_text(window: Any) -> str:
    return window.debug.ui.run_panel.status.text()


async def test_a_new_lambda_task_says_how_to_serve_it_and_a_stub_makes_the_run_succeed(
    win: Any, tmp_path: Path, opened: list[str]
) -> None:
    picture = await run_to_end(win)
    assert picture.status == "FAILED"
    text = status_text(win)
    assert "Lambda.ResourceNotFoundException" in text
    assert f"{TASK} has no local behaviour: open the" in text and "Local behaviour</a>" in text
    assert win.statusBar().currentMessage().startswith(f"{TASK} has no local behaviour")
    item = win.scene.state_item(MACHINE, f"/States/{TASK}")
    assert "has no local behaviour" in item.toolTip()
    overlay = win.debug.decorator.shown_overlay(item)
    assert overlay.hint and overlay.boundingRect().bottom() > item.rect().bottom() + 20

    section = await select_task(win)
    assert "Not served" in section.status.text()
    assert section.mode_buttons["handler"].isChecked() and section.handler.create_stub.isVisible()
    assert not section.mode_buttons["builtin"].isEnabled()  # Lambda is not one of the built-in services
    click(section.handler.create_stub)
    stub = tmp_path / "shop" / "handlers" / "charge_payment.py"
    assert stub.is_file() and "def handler(event, context):" in stub.read_text()
    assert opened == [str(stub)]
    project = win.document.project
    assert project.functions["charge-payment"].handler == "handlers/charge_payment.py:handler"
    state = win.document.state(section.address)
    assert state["Parameters"]["FunctionName"].endswith(":function:charge-payment")
    section = win.inspector.findChild(LocalBehaviourSection)
    assert "Runs the local handler handlers/charge_payment.py:handler" in section.status.text()
    assert section.handler.function.currentText() == "handler"

    win.debug.ui.run_panel.input.setPlainText('{"orderId": "o-1"}')
    picture = await run_to_end(win)
    assert picture.status == "SUCCEEDED", status_text(win)
    assert picture.output["Payload"] == {"orderId": "o-1"}  # the stub returns its event
    assert "no local behaviour" not in status_text(win)
    assert "has no local behaviour" not in item.toolTip()

    win.document.undo_stack.undo()  # one step: the function and the FunctionName go together
    assert "charge-payment" not in win.document.project.functions
    assert win.document.state(section.address)["Parameters"]["FunctionName"] == "my-function"
    assert stub.is_file()  # undo never deletes the user's file
    click(win.inspector.findChild(LocalBehaviourSection).handler.create_stub)  # again: the file is reused
    assert "exists already" in win.inspector.findChild(LocalBehaviourSection).message.text()


async def test_without_an_application_for_python_files_the_section_says_where_the_file_is(
    win: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)  # no desktop launcher
    section = await select_task(win)
    click(section.handler.create_stub)
    stub = tmp_path / "shop" / "handlers" / "charge_payment.py"
    message = win.inspector.findChild(LocalBehaviourSection).message.text()
    assert f"Open {stub} in your editor." in message
    click(win.inspector.findChild(LocalBehaviourSection).handler.open_button)
    assert f"open {stub} in your editor" in win.inspector.findChild(LocalBehaviourSection).message.text()


async def test_the_run_panel_link_shows_the_section(win: Any) -> None:
    await run_to_end(win)
    win.debug.ui.run_panel.status.linkActivated.emit(f"serve:/States/{TASK}")  # the label's own signal
    section = await until(lambda: win.inspector.findChild(LocalBehaviourSection), what="the section")
    assert win.scene.state_item(MACHINE, f"/States/{TASK}").isSelected()
    assert win.inspector.tabs.currentIndex() == win.inspector.tab_index("Configuration")
    assert section.isVisible()


async def test_a_mocked_result_then_a_mocked_error_answer_the_run_and_are_saved(
    win: Any, tmp_path: Path
) -> None:
    section = await select_task(win)
    click(section.mode_buttons["mock"])
    section = win.inspector.findChild(LocalBehaviourSection)
    assert section.mode_buttons["mock"].isChecked()
    (card,) = section.mocks.cards
    editor = card.result.editor
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, '{"StatusCode": 200, "Payload": {"charged": true, "amount": 42}')
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Line 1, column" in card.result.message.text()  # a missing brace is located, not applied
    assert win.document.project.state_machines[MACHINE].mocks[TASK] == [
        {"Return": {"StatusCode": 200, "Payload": {}}}
    ]
    QTest.keyClicks(editor, "}")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    mocked = {"StatusCode": 200, "Payload": {"charged": True, "amount": 42}}
    assert win.document.project.state_machines[MACHINE].mocks[TASK] == [{"Return": mocked}]

    picture = await run_to_end(win)
    assert picture.status == "SUCCEEDED"
    assert picture.output == mocked

    section = win.inspector.findChild(LocalBehaviourSection)
    card = section.mocks.cards[0]
    card.kind.setFocus()
    card.kind.showPopup()
    QTest.keyClick(card.kind.view(), Qt.Key.Key_Down)
    QTest.keyClick(card.kind.view(), Qt.Key.Key_Return)
    section = win.inspector.findChild(LocalBehaviourSection)
    card = section.mocks.cards[0]
    assert card.kind.currentText() == THROW
    card.error.line.setFocus()
    card.error.line.selectAll()
    QTest.keyClicks(card.error.line, "Card.Declined")
    QTest.keyClick(card.error.line, Qt.Key.Key_Return)
    section = win.inspector.findChild(LocalBehaviourSection)
    card = section.mocks.cards[0]
    card.cause.line.setFocus()
    card.cause.line.selectAll()
    QTest.keyClicks(card.cause.line, "insufficient funds")
    QTest.keyClick(card.cause.line, Qt.Key.Key_Return)
    expected = [{"Throw": {"Error": "Card.Declined", "Cause": "insufficient funds"}}]
    assert win.document.project.state_machines[MACHINE].mocks[TASK] == expected

    picture = await run_to_end(win)
    assert picture.status == "FAILED"
    assert picture.error == "Card.Declined"
    assert "Card.Declined" in status_text(win) and "no local behaviour" not in status_text(win)

    assert win.save()
    saved = json.loads(win.document.path.read_text(encoding="utf-8"))
    assert saved["stateMachines"][MACHINE]["mocks"] == {TASK: expected}
    assert win.open_path(win.document.path)
    section = await select_task(win)
    assert section.mode_buttons["mock"].isChecked()
    assert section.mocks.cards[0].error.line.text() == "Card.Declined"
    assert "1 mocked response" in section.status.text()


async def test_responses_answer_in_order_and_switching_back_to_handler_is_one_undo(win: Any) -> None:
    section = await select_task(win)
    click(section.mode_buttons["mock"])
    section = win.inspector.findChild(LocalBehaviourSection)
    click(section.mocks.add_button)
    section = win.inspector.findChild(LocalBehaviourSection)
    titles = [c.heading.text() for c in section.mocks.cards]
    assert titles == ["Invocation 1", "Invocation 2 and after"]
    click(section.mocks.cards[0].remove)
    section = win.inspector.findChild(LocalBehaviourSection)
    assert [c.heading.text() for c in section.mocks.cards] == ["Every invocation"]
    click(section.mode_buttons["handler"])  # a handler would lose to the mock: the mock goes
    assert TASK not in win.document.project.state_machines[MACHINE].mocks
    win.document.undo_stack.undo()
    assert TASK in win.document.project.state_machines[MACHINE].mocks


async def test_a_renamed_or_deleted_task_keeps_its_mocked_result_with_it(win: Any) -> None:
    section = await select_task(win)
    click(section.mode_buttons["mock"])
    name = win.inspector.name
    name.setFocus()
    name.selectAll()
    QTest.keyClicks(name, "Pay")
    QTest.keyClick(name, Qt.Key.Key_Return)
    assert set(win.document.project.state_machines[MACHINE].mocks) == {"Pay"}
    win.document.undo_stack.undo()
    assert set(win.document.project.state_machines[MACHINE].mocks) == {TASK}
    await select_task(win)
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Delete)
    assert TASK not in win.document.definition(MACHINE)["States"]
    assert not win.document.project.state_machines[MACHINE].mocks
    win.document.undo_stack.undo()
    assert set(win.document.project.state_machines[MACHINE].mocks) == {TASK}


async def test_an_untitled_document_asks_to_be_saved_before_writing_a_handler(
    qtbot: Any, tmp_path: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from designer.document.commands import AddStateCommand
    from engine.asl import StateAddress

    window = await open_window(qtbot, tmp_path, None)
    try:
        document = window.document
        machine = document.machine_names()[0]
        address = StateAddress.parse(machine, f"/States/{TASK}")
        document.push(AddStateCommand(document, address, state_template("Task")))
        item = window.scene.state_item(machine, f"/States/{TASK}")
        window.editor.select_item(item)
        section = await until(lambda: window.inspector.findChild(LocalBehaviourSection), what="the section")
        click(section.handler.create_stub)
        box = section.handler.message_box
        assert box is not None and box.isVisible()
        assert "Save the project first" in box.text()
        assert "Save the project first" in section.message.text()
        click(box.button(QMessageBox.StandardButton.Cancel))
        assert not list(tmp_path.rglob("handlers"))
        assert opened == []
        target = tmp_path / "later" / "new.statecanvas.json"
        target.parent.mkdir()
        monkeypatch.setattr(
            "designer.app.main_window.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
        )
        click(section.handler.create_stub)
        save = next(b for b in section.handler.message_box.buttons() if b.text() == "Save As…")
        click(save)
        await until(lambda: opened, what="the stub to open")
        assert opened == [str(target.parent / "handlers" / "charge_payment.py")]
        assert "charge-payment" in document.project.functions
    finally:
        await close(window)


async def test_an_existing_file_and_function_serve_the_task_without_the_file_being_run_to_list_them(
    win: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await run_to_end(win)
    item = win.scene.state_item(MACHINE, f"/States/{TASK}")
    assert "has no local behaviour" in item.toolTip()
    marker = tmp_path / "imported"
    billing = tmp_path / "shop" / "lib" / "billing.py"
    billing.parent.mkdir()
    billing.write_text(
        f"open({str(marker)!r}, 'w').close()\n\n"
        "def charge(event, context):\n    return {'charged': event}\n\n"
        "def refund(event, context):\n    return {'refunded': event}\n"
    )
    monkeypatch.setattr(
        "designer.panels.inspector.handler_page.QFileDialog.getOpenFileName",
        lambda *a, **k: (str(billing), "Python files (*.py)"),
    )
    section = await select_task(win)
    click(section.handler.choose)
    assert not marker.exists()  # listing the functions never ran the file
    section = win.inspector.findChild(LocalBehaviourSection)
    assert [section.handler.function.itemText(i) for i in range(section.handler.function.count())] == [
        "charge",
        "refund",
    ]
    assert win.document.project.functions["charge-payment"].handler == "lib/billing.py:charge"
    # served now: the old run's failure stays, its hint goes
    await until(lambda: "no local behaviour" not in status_text(win), what="the hint to go")
    assert "Lambda.ResourceNotFoundException" in status_text(win)
    assert "has no local behaviour" not in item.toolTip() and not win.debug.decorator.shown_overlay(item).hint
    combo = section.handler.function
    combo.setFocus()
    combo.showPopup()
    QTest.keyClick(combo.view(), Qt.Key.Key_Down)
    QTest.keyClick(combo.view(), Qt.Key.Key_Return)
    assert win.document.project.functions["charge-payment"].handler == "lib/billing.py:refund"
    win.debug.ui.run_panel.input.setPlainText('{"orderId": "o-2"}')
    picture = await run_to_end(win)
    assert picture.status == "SUCCEEDED"
    assert picture.output["Payload"] == {"refunded": {"orderId": "o-2"}}


async def test_a_built_in_service_task_says_so(qtbot: Any, tmp_path: Path) -> None:
    path = new_project(tmp_path / "queue")
    value = json.loads(path.read_text())
    value["stateMachines"][MACHINE]["definition"]["States"][TASK] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "orders", "MessageBody.$": "$"},
        "End": True,
    }
    value["queues"] = {"orders": {}}
    path.write_text(json.dumps(value))
    window = await open_window(qtbot, tmp_path, path)
    try:
        section = await select_task(window)
        assert section.mode_buttons["builtin"].isChecked()
        assert not section.mode_buttons["handler"].isEnabled()
        assert "Built in: SQS" in section.status.text()
        click(section.mode_buttons["mock"])  # a mock may still stand in for the service
        section = window.inspector.findChild(LocalBehaviourSection)
        assert section.mode_buttons["mock"].isChecked()
        assert window.document.project.state_machines[MACHINE].mocks[TASK] == [{"Return": {}}]
        click(section.mode_buttons["builtin"])
        assert TASK not in window.document.project.state_machines[MACHINE].mocks
        picture = await run_to_end(window)
        assert picture.status == "SUCCEEDED"
        assert "MessageId" in picture.output
    finally:
        await close(window)


def test_a_handler_is_pointed_at_however_the_task_names_its_function(qapp: Any) -> None:
    from designer_helpers import document_for

    from designer.document.task_behaviour import behaviour_of, serve_with_handler
    from engine.asl import StateAddress

    arn = "arn:aws:lambda:us-east-1:123456789012:function:charge-payment"
    states = {
        "Jsonata": {
            "Type": "Task",
            "QueryLanguage": "JSONata",
            "Resource": "arn:aws:states:::lambda:invoke",
            "End": True,
        },
        "Dynamic": {**state_template("Task"), "Parameters": {"FunctionName.$": "$.fn", "Payload.$": "$"}},
        "Direct": {"Type": "Task", "Resource": arn.replace("charge-payment", "old"), "End": True},
    }
    document = document_for({"StartAt": "Jsonata", "States": states})
    for name in states:
        address = StateAddress.parse("Orders", f"/States/{name}")
        serve_with_handler(document, address, "charge-payment", "handlers/charge_payment.py:handler")
        assert behaviour_of(document, address).kind == "handler"
    defined = document.definition("Orders")["States"]
    assert defined["Jsonata"]["Arguments"] == {"FunctionName": arn, "Payload": "{% $states.input %}"}
    assert defined["Dynamic"]["Parameters"] == {"FunctionName": arn, "Payload.$": "$"}
    assert defined["Direct"]["Resource"] == arn
    for _ in states:
        document.undo_stack.undo()
    assert document.definition("Orders")["States"] == states
    assert not document.project.functions
