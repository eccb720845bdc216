"""The thread picker: a pause in one Parallel branch holds the others (all-stop); the user picks
another branch in the Run panel, F10 steps that one, F5 lets them all finish. Non-Stop Debugging
in the Run menu lets the other branches run on instead."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox
from test_debug import until, wait_pause

import engine
from designer.debug.overlay import PAUSED
from designer.document.files import DocumentData
from engine.project import Project
from engine.project.model import StateMachineSpec


def branch(prefix: str) -> dict[str, Any]:
    first, second = f"{prefix}1", f"{prefix}2"
    return {
        "StartAt": first,
        "States": {
            first: {"Type": "Pass", "Result": first, "ResultPath": f"$.{first}", "Next": second},
            second: {"Type": "Pass", "Result": second, "ResultPath": f"$.{second}", "End": True},
        },
    }


FAN = {
    "StartAt": "Start",
    "States": {
        "Start": {"Type": "Pass", "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Branches": [branch(p) for p in "ABC"], "Next": "Join"},
        "Join": {"Type": "Pass", "End": True},
    },
}
A1 = "/States/Fan/Branches[0]/States/A1"
B1 = "/States/Fan/Branches[1]/States/B1"
B2 = "/States/Fan/Branches[1]/States/B2"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    project = Project(name="threads", state_machines={"Fanned": StateMachineSpec(default_input={})})
    window.document.reset(DocumentData(project, {"Fanned": FAN}, None))
    window.activateWindow()
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)


def key(win: Any, which: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A debugger key pressed on the canvas, as a user does (the Run menu's shortcuts)."""
    win.view.setFocus()
    QTest.keyClick(win.view.viewport(), which, modifier)


def overlay(win: Any, path: str) -> str | None:
    item = win.scene.state_item("Fanned", path)
    status = win.debug.decorator.shown_overlay(item)
    return status.status if status is not None and status.isVisible() else None


async def choose(combo: QComboBox, number: int) -> None:
    """Open the picker with a click and click the row of thread `number`."""
    QTest.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    await until(view.isVisible, what="the picker's list")
    await asyncio.sleep(QApplication.doubleClickInterval() / 1000 + 0.05)  # not the opening click's release
    row = combo.findData(number)
    rect = view.visualRect(combo.model().index(row, 0))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    await until(lambda: not view.isVisible(), what="the picker to close")


async def activate(win: Any) -> None:
    """Back to the window once a menu has closed (offscreen, the closed menu stays the active window)."""
    await until(lambda: QApplication.activePopupWidget() is None, what="the menu to close")
    win.activateWindow()
    await until(lambda: QApplication.activeWindow() is win, what="the window to be active again")


def rows(d: Any) -> list[str]:
    combo = d.threads.thread_picker.combo
    return [combo.itemText(i) for i in range(combo.count())]


async def test_pick_a_held_branch_step_it_with_f10_and_continue_with_f5(win: Any) -> None:
    d = win.debug
    key(win, Qt.Key.Key_F11)  # idle: start paused at the first state
    await wait_pause(d, "Start")
    key(win, Qt.Key.Key_F10)
    await wait_pause(d, "Fan")
    assert not d.threads.thread_picker.isVisible()  # one thread: nothing to choose
    key(win, Qt.Key.Key_F11)
    pause = await wait_pause(d, "A1")
    assert pause.label == "Parallel Fan/branch 1"
    picker = d.threads.thread_picker
    await until(lambda: picker.isVisible() and len(rows(d)) == 4, what="the thread picker")
    assert rows(d) == [
        "1  Execution · waiting in Fan",
        "2  Parallel Fan/branch 1 · paused at A1 (step)",
        "3  Parallel Fan/branch 2 · paused at B1",
        "4  Parallel Fan/branch 3 · paused at C1",
    ]
    assert picker.combo.currentData() == 2 and picker.held.text() == "3 paused"
    assert not picker.combo.model().item(0).isEnabled()  # the top level waits: it cannot be chosen
    assert d.session.history()[-1]["type"] != "PassStateExited"  # no branch has run a state

    await choose(picker.combo, 3)
    pause = await wait_pause(d, "B1")
    assert (pause.label, d.debugger.selected.number) == ("Parallel Fan/branch 2", 3)
    await until(lambda: overlay(win, B1) == PAUSED, what="the canvas to show branch 2's pause")
    await until(
        lambda: "<b>B1</b> · paused before it runs" in d.ui.state_panel.title.text(), what="B1's data"
    )
    assert d.ui.state_panel.input.value() == {}  # B1's input, before it runs
    assert "paused at <b>B1</b> in Parallel Fan/branch 2" in d.ui.run_panel.status.text()

    key(win, Qt.Key.Key_F10)  # steps the branch chosen, and only that one
    pause = await wait_pause(d, "B2")
    assert (pause.label, pause.input) == ("Parallel Fan/branch 2", {"B1": "B1"})
    await until(lambda: overlay(win, B2) == PAUSED, what="the canvas to follow the step")
    await until(lambda: "3  Parallel Fan/branch 2 · paused at B2 (step)" in rows(d), what="the picker")
    assert "2  Parallel Fan/branch 1 · paused at A1 (step)" in rows(d)
    assert "4  Parallel Fan/branch 3 · paused at C1" in rows(d)
    assert picker.combo.currentData() == 3

    key(win, Qt.Key.Key_F11, Qt.KeyboardModifier.ControlModifier)  # Next Paused Thread
    pause = await wait_pause(d, "C1")
    assert (pause.label, picker.combo.currentData()) == ("Parallel Fan/branch 3", 4)

    menu = win.actions_.context_menu(win.scene.state_item("Fanned", A1))  # right-click on A1
    menu.popup(win.mapToGlobal(win.rect().center()))
    await until(menu.isVisible, what="the state's menu")
    switch = next(a for a in menu.actions() if a.text() == "Switch to Parallel Fan/branch 1")
    no = Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, no, menu.actionGeometry(switch).center())
    pause = await wait_pause(d, "A1")
    assert d.debugger.selected.label == "Parallel Fan/branch 1"
    await activate(win)

    key(win, Qt.Key.Key_F5)  # continue: every branch goes on
    await until(lambda: d.session.done, what="the run to end")
    expected = (await engine.run_async(FAN, {})).output
    assert d.picture.status == "SUCCEEDED" and d.picture.output == expected
    await until(lambda: not picker.isVisible(), what="the picker to go")


async def test_non_stop_debugging_lets_the_other_branches_run_on(win: Any) -> None:
    d = win.debug
    menu = d.ui.menu
    menu.popup(win.mapToGlobal(win.rect().center()))
    await until(menu.isVisible, what="the Run menu")
    rect = menu.actionGeometry(d.ui.non_stop_action)
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert d.ui.non_stop_action.isChecked()
    await activate(win)
    key(win, Qt.Key.Key_F11)
    await wait_pause(d, "Start")
    key(win, Qt.Key.Key_F10)
    await wait_pause(d, "Fan")
    key(win, Qt.Key.Key_F11)
    await wait_pause(d, "A1")
    assert d.debugger.non_stop
    entered = lambda: [  # noqa: E731
        e["stateEnteredEventDetails"]["name"] for e in d.session.history() if "stateEnteredEventDetails" in e
    ]
    await until(lambda: {"B2", "C2"} <= set(entered()), what="branches 2 and 3 to run on")
    await until(lambda: len(rows(d)) == 2, what="the picker")
    assert rows(d) == ["1  Execution · waiting in Fan", "2  Parallel Fan/branch 1 · paused at A1 (step)"]
    key(win, Qt.Key.Key_F5)
    await until(lambda: d.session.done, what="the run to end")
    assert d.picture.status == "SUCCEEDED"
