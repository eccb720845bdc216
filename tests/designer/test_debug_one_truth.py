"""One truth for what the debugger shows: the Run panel's status line, the canvas overlay, the
selected state's data and its data-flow tab describe the same execution, the same iteration and
the same moment, whether the user changes the iteration picker, scrubs the history slider or steps.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QToolButton
from test_debug import until, wait_pause

from designer.debug.overlay import PAUSED
from designer.document.files import DocumentData
from engine.project import Project
from engine.project.model import StateMachineSpec
from engine.runtime.history_view import NOT_RUN, RUNNING, SUCCEEDED

INNER = "/States/Each/ItemProcessor/States/Inner"
EACH = "/States/Each"
LOOPED = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Next": "Each"},
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Inner",
                "States": {
                    "Inner": {
                        "Type": "Pass",
                        "Parameters": {"value.$": "$.value", "double.$": "States.MathAdd($.value, $.value)"},
                        "ResultPath": "$.result",
                        "Next": "After",
                    },
                    "After": {"Type": "Pass", "End": True},
                },
            },
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
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
    project = Project(name="truth", state_machines={"Looped": StateMachineSpec(default_input=ITEMS)})
    window.document.reset(DocumentData(project, {"Looped": LOOPED}, None))
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)


def overlay_status(win: Any, path: str) -> str:
    item = win.scene.state_item("Looped", path)
    overlay = win.debug.decorator.shown_overlay(item)
    return overlay.status if overlay is not None and overlay.isVisible() else NOT_RUN


def pick(combo: QComboBox, data: Any) -> None:
    """Choose an entry of a picker with the keyboard, as a user does."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data, f"no entry {data!r} in the picker"


def click_state(win: Any, path: str) -> None:
    item = win.scene.state_item("Looped", path)
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.mapToScene(item.boundingRect().center() + QPointF(0, 6)))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert item.isSelected()


def click_action(win: Any, action: Any) -> None:
    button = win.debug.ui.toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


async def agree(win: Any, path: str, iteration: int | None = None) -> str:
    """Every view of the selected state tells the same story; returns the overlay's status."""
    d = win.debug
    await asyncio.sleep(0.1)  # the panels follow the canvas a moment after a pause
    shown = d.shown
    status_line = d.ui.run_panel.status.text()
    title = d.ui.state_panel.title.text()
    overlay = overlay_status(win, path)
    if shown.pause is not None and d.cursor is None:
        assert "Paused" in status_line and "Running" not in status_line
    if shown.cursor is not None:
        assert f"as it was after event {shown.cursor}" in status_line
        assert f"as it was after event {shown.cursor}" in title
    if iteration is not None:
        assert f"iteration {iteration} of Each" in title, title
    if overlay == PAUSED:
        assert "paused before it runs" in title
        assert d.ui.state_panel.apply_input.isEnabled()
        return overlay
    assert not d.ui.state_panel.apply_input.isEnabled()
    if overlay == NOT_RUN:
        assert "has not run" in title
        return overlay
    assert f"· {overlay}" in title, (overlay, title)
    shown_input = d.ui.state_panel.input.value()
    await until(
        lambda: d.ui.state_panel.pipeline.steps and d.ui.state_panel.pipeline.steps[0].value == shown_input,
        what="the data flow of the run shown",
    )
    steps = d.ui.state_panel.pipeline.steps
    output = d.ui.state_panel.output.toPlainText()
    if overlay == SUCCEEDED:
        assert all(step.present for step in steps), [(s.label, s.present) for s in steps]
        assert json.loads(output) == steps[-1].value
    elif overlay == RUNNING:
        assert output == "(the state has not finished)"
        assert "Output" not in [step.label for step in steps]
    return overlay


async def test_the_picker_the_slider_and_stepping_keep_every_view_on_one_iteration(win: Any) -> None:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText("Looped")
    await until(lambda: win.scene.state_item("Looped", INNER) is not None, what="the canvas")
    click_state(win, INNER)
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_F9)  # Run > Toggle Breakpoint
    assert d.breakpoints["Looped"] == {INNER: None}
    click_action(win, d.ui.debug_action)
    for index in range(3):  # one iteration at a time (MaxConcurrency 1): pause in the third
        pause = await wait_pause(d, "Inner")
        if pause.path != ("Each", str(index)):
            raise AssertionError(f"paused in {pause.path}, expected iteration {index}")
        if index < 2:
            click_action(win, d.ui.continue_action)
            await until(lambda i=index: d.pause is None or d.pause.path != ("Each", str(i)))
    await until(lambda: d.shown is not None and d.shown.paused_path == INNER, what="the pause shown")
    assert overlay_status(win, INNER) == PAUSED
    assert await agree(win, INNER, 2) == PAUSED
    assert "paused at <b>Inner</b> in iteration 2 of Each" in d.ui.run_panel.status.text()
    assert d.ui.state_panel.input.value() == {"value": 3}

    # the picker: iteration 1, finished, while the run is paused in iteration 2
    assert d.ui.run_panel.container.currentData() == EACH
    pick(d.ui.run_panel.choice, 1)
    assert d.focus[EACH] == 1
    assert "Paused" in d.ui.run_panel.status.text()
    assert "showing iteration 1 of Each" in d.ui.run_panel.status.text()
    assert await agree(win, INNER, 1) == SUCCEEDED
    assert d.ui.state_panel.input.value() == {"value": 2}
    assert json.loads(d.ui.state_panel.output.toPlainText())["result"] == {"value": 2, "double": 4}
    pick(d.ui.run_panel.choice, 3)  # not started yet: nothing of another iteration stands in for it
    assert await agree(win, INNER, None) == NOT_RUN
    assert "has not run in iteration 3 of Each yet" in d.ui.state_panel.title.text()
    pick(d.ui.run_panel.choice, 2)
    assert await agree(win, INNER, 2) == PAUSED

    # time travel: back to the moment iteration 1's Inner had entered and not exited
    pick(d.ui.run_panel.choice, 1)
    history = d.session.history()
    entered = [e["id"] for e in history if e.get("stateEnteredEventDetails", {}).get("name") == "Inner"][1]
    slider = d.ui.run_panel.slider
    slider.setFocus()
    while slider.value() > entered:
        QTest.keyClick(slider, Qt.Key.Key_Left)
    assert d.cursor == entered
    assert "Paused" not in d.ui.run_panel.status.text().split("·")[0]
    assert "now paused at Inner" in d.ui.run_panel.status.text()
    assert await agree(win, INNER, 1) == RUNNING
    pick(d.ui.run_panel.choice, 0)
    assert await agree(win, INNER, 0) == SUCCEEDED
    QTest.keyClick(slider, Qt.Key.Key_End)
    assert d.cursor is None
    pick(d.ui.run_panel.choice, 2)
    assert await agree(win, INNER, 2) == PAUSED

    # stepping: Step Over runs iteration 2's Inner; the views follow the pause to After
    click_action(win, d.ui.step_action)
    pause = await wait_pause(d, "After")
    assert pause.path == ("Each", "2")
    after = "/States/Each/ItemProcessor/States/After"
    await until(lambda: d.shown is not None and d.shown.paused_path == after, what="the step shown")
    assert await agree(win, after, 2) == PAUSED
    click_state(win, INNER)
    assert await agree(win, INNER, 2) == SUCCEEDED
    assert d.ui.state_panel.input.value() == {"value": 3}
    click_action(win, d.ui.continue_action)
    await wait_pause(d, "Inner")  # iteration 3
    click_state(win, INNER)
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_F9)  # the breakpoint off: run to the end
    assert d.breakpoints["Looped"] == {}
    click_action(win, d.ui.continue_action)
    await until(lambda: d.session.done, what="the end of the run")
    assert await agree(win, INNER, None) == SUCCEEDED
