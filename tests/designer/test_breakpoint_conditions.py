"""Breakpoint conditions in the window: checked as they are typed (OK disabled while they do not
parse, the column shown), tried on an input, and pausing on the right Map iteration in a run.

Driven as a user would: Ctrl+Shift+F9 on the selected state opens the dialog, real key events type
the condition, buttons are clicked. The run tests poll with asyncio.sleep on Qt's own loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from test_debug import until, wait_pause

from designer.document.files import DocumentData
from engine.project import Project
from engine.project.model import StateMachineSpec

INNER = "/States/Each/ItemProcessor/States/Inner"
MACHINE = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Inner",
                "States": {"Inner": {"Type": "Pass", "End": True}},
            },
            "End": True,
        },
    },
}
ITEMS = {"items": [{"value": 1}, {"value": 2}, {"value": 3}, {"value": 4}]}


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    project = Project(name="conditions", state_machines={"Mapped": StateMachineSpec(default_input=ITEMS)})
    window.document.reset(DocumentData(project, {"Mapped": MACHINE}, None))
    yield window
    editor = window.debug.breaks.editor
    if editor is not None and shiboken6.isValid(editor):
        editor.close()
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)


async def open_condition_dialog(win: Any, path: str = INNER) -> Any:
    """Select the state and press Ctrl+Shift+F9, as a user opens Breakpoint Condition…"""
    win.editor.select_item(win.scene.state_item("Mapped", path))
    win.activateWindow()
    await until(win.isActiveWindow, what="the window to be active again")
    QTest.keyClick(
        win.view.viewport(),
        Qt.Key.Key_F9,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    editor = win.debug.breaks.editor
    assert editor is not None and editor.isVisible()
    return editor


def under_column(editor: Any) -> int:
    """The column of the field's text the caret label points at, from where both are drawn."""
    field, pointer = editor.condition, editor.pointer
    caret_x = (
        pointer.mapTo(editor, pointer.contentsRect().topLeft()).x()
        + pointer.fontMetrics().horizontalAdvance("^") / 2
    )
    for position in range(len(field.text()) + 1):
        field.setCursorPosition(position)
        left = field.mapTo(editor, field.cursorRect().center()).x()
        width = field.fontMetrics().horizontalAdvance("M")
        if left <= caret_x < left + width:
            return position + 1
    return 0


def retype(widget: Any, text: str) -> None:
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_Delete)
    QTest.keyClicks(widget, text)


async def test_a_condition_that_does_not_parse_disables_ok_and_shows_where(win: Any) -> None:
    editor = await open_condition_dialog(win)
    assert "$states.input.value = 3" in editor.help.text() and "{% JSONata %}" in editor.help.text()
    assert editor.ok.isEnabled()  # empty: always pause
    QTest.keyClicks(editor.condition, "$.value == ")
    assert not editor.ok.isEnabled() and not editor.trial.isEnabled()
    assert editor.problem.text().startswith("Column 11: expected a path")
    assert editor.pointer.text() == "^" and under_column(editor) == 11
    QTest.keyClicks(editor.condition, "3")
    assert editor.ok.isEnabled() and editor.problem.text() == "" and editor.pointer.text() == " "
    retype(editor.condition, "$$$(")
    assert not editor.ok.isEnabled()
    assert editor.problem.text().startswith("Column 3: expected '.' or '['")
    assert under_column(editor) == 3
    QTest.keyClick(editor.condition, Qt.Key.Key_Return)  # Enter does not keep what does not parse
    assert editor.isVisible() and INNER not in win.debug.breakpoints.get("Mapped", {})
    retype(editor.condition, '$.value == 3 && $index = 2 || $item.value > "a"')
    assert editor.ok.isEnabled()
    QTest.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert win.debug.breakpoints["Mapped"][INNER] == '$.value == 3 && $index = 2 || $item.value > "a"'


async def test_try_says_pauses_does_not_pause_or_why_it_cannot_tell(win: Any) -> None:
    editor = await open_condition_dialog(win)
    assert editor.sample_caption.text() == "Try it on the machine's default input:"
    assert editor.context.value() == {"Map": {"Item": {"Index": 0, "Value": ITEMS}}}  # inside a Map
    retype(editor.sample, '{"value": 3}')
    retype(editor.condition, "$.value == 3")
    QTest.mouseClick(editor.trial, Qt.MouseButton.LeftButton)
    assert editor.result.text() == "→ pauses"
    retype(editor.condition, "$states.input.value = 4")
    QTest.mouseClick(editor.trial, Qt.MouseButton.LeftButton)
    assert editor.result.text() == "→ does not pause"
    retype(editor.condition, "$index == 0")
    QTest.mouseClick(editor.trial, Qt.MouseButton.LeftButton)
    assert editor.result.text() == "→ pauses"
    retype(editor.condition, "$.missing > 2")
    QTest.mouseClick(editor.trial, Qt.MouseButton.LeftButton)
    assert editor.result.text().startswith("Error: path '$.missing' does not resolve")
    assert "does not pause" in editor.result.text()
    assert "#C24E00" in editor.result.styleSheet()  # an answer it cannot give reads as an error
    retype(editor.condition, "{% $states.input.value * 2 = 6 %}")
    QTest.mouseClick(editor.trial, Qt.MouseButton.LeftButton)
    assert editor.result.text() == "→ pauses"
    QTest.keyClick(editor.condition, Qt.Key.Key_Escape)
    assert not editor.isVisible() and INNER not in win.debug.breakpoints.get("Mapped", {})


async def test_a_condition_from_the_dialog_pauses_on_the_right_iteration(win: Any) -> None:
    d = win.debug
    editor = await open_condition_dialog(win)
    QTest.keyClicks(editor.condition, "$.value == 3")
    QTest.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    d.debug()
    pause = await wait_pause(d, "Inner")
    assert pause.input == {"value": 3} and pause.path == ("Each", "2")
    editor = await open_condition_dialog(win)  # while paused, Try works on the paused input
    assert editor.sample_caption.text() == "Try it on the paused input:"
    assert editor.context.value()["Map"]["Item"]["Index"] == 2
    retype(editor.condition, "$index == 2 && $.value == 3")
    QTest.mouseClick(editor.trial, Qt.MouseButton.LeftButton)
    assert editor.result.text() == "→ pauses"
    QTest.keyClick(editor.condition, Qt.Key.Key_Escape)
    d.resume()
    await until(lambda: d.session.done, what="the end of the run")
    assert d.picture.status == "SUCCEEDED"


async def test_a_condition_that_cannot_be_decided_is_said_once(win: Any) -> None:
    d = win.debug
    editor = await open_condition_dialog(win)
    QTest.keyClicks(editor.condition, "$.missing > 2")
    QTest.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    d.debug()
    await until(lambda: d.session.done, what="the end of the run")
    assert d.pause is None and d.picture.status == "SUCCEEDED"
    said = win.statusBar().currentMessage()
    assert said.startswith("The condition $.missing > 2 could not be evaluated at Inner in Each[0]")
    assert said.endswith("the breakpoint does not pause there")
    editor = await open_condition_dialog(win)  # and the dialog says it again
    assert editor.last_problem.isVisible() and "no member 'missing'" in editor.last_problem.text()
