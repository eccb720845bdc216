"""Retries as the user reads them: the Retries table's back-off column, the timeline's attempt
markers with their tooltips and its two clocks, and Run from here refused where it cannot start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QHelpEvent, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton, QToolTip
from test_debug import until

from designer.document.files import DocumentData
from engine.project import Project
from engine.project.model import StateMachineSpec

FLAKY = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "Retry": [
                {"ErrorEquals": ["CardDeclined"], "IntervalSeconds": 2, "BackoffRate": 2, "MaxAttempts": 3}
            ],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}},
            "End": True,
        },
    },
}
DECLINED = {"Throw": {"Error": "CardDeclined", "Cause": "try again"}}
MOCKS = {"Charge": [DECLINED, DECLINED, {"Return": {"Payload": {"items": [1, 2]}}}]}


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    spec = StateMachineSpec(default_input={"items": [1, 2]}, mocks=MOCKS)
    window.document.reset(
        DocumentData(Project(name="flaky", state_machines={"Flaky": spec}), {"Flaky": FLAKY}, None)
    )
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)


def click_state(win: Any, path: str) -> None:
    item = win.scene.state_item("Flaky", path)
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.mapToScene(item.boundingRect().center() + QPointF(0, 6)))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert item.isSelected()


def tooltip_at(widget: Any, point: QPointF) -> str:
    """What hovering shows: the widget answers a ToolTip help event at that point."""
    local = QPoint(int(point.x()), int(point.y()))
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, local, widget.mapToGlobal(local)))
    text = QToolTip.text()
    QToolTip.hideText()
    return text


async def test_retries_show_their_back_off_in_the_table_and_on_the_timeline(win: Any) -> None:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText("Flaky")
    await until(lambda: win.scene.state_item("Flaky", "/States/Charge") is not None, what="the canvas")
    button = d.ui.toolbar.widgetForAction(d.ui.run_action)
    assert isinstance(button, QToolButton)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    await until(lambda: d.session is not None and d.session.done, what="the end of the run")
    assert d.picture.status == "SUCCEEDED"

    click_state(win, "/States/Charge")
    await until(lambda: d.ui.state_panel.retries.topLevelItemCount() == 3, what="the Retries table")
    table = d.ui.state_panel.retries
    assert table.headerItem().text(5) == "Back-off"
    rows = [[table.topLevelItem(r).text(c) for c in (0, 2, 4, 5)] for r in range(3)]
    assert rows == [
        ["1", "CardDeclined", "retried", "2 s"],
        ["2", "CardDeclined", "retried", "4 s"],
        ["3", "", "succeeded", ""],
    ]
    assert d.ui.state_panel.tabs.tabText(4) == "Retries (2)"
    assert d.ui.state_panel.run_from.isEnabled()

    d.ui.docks["Timeline"].raise_()
    canvas = d.ui.timeline.canvas
    canvas.resize(max(canvas.width(), 900), canvas.height())  # room to tell the markers apart
    row = next(i for i, bar in enumerate(canvas.bars) if bar.label == "Charge")
    bar = canvas.bars[row]
    assert [a.outcome for a in bar.attempts] == ["retried", "retried", "succeeded"]
    assert canvas.timed and canvas.span >= 6  # two back-offs of 2 s and 4 s on the virtual clock
    rect = canvas.bar_rect(row)
    second, _failed = canvas.attempt_x(bar.attempts[1])
    assert "attempt 2 · retried CardDeclined" in tooltip_at(canvas, QPointF(second, rect.center().y()))
    _start, failed_at = canvas.attempt_x(bar.attempts[0])
    assert failed_at is not None
    backoff = tooltip_at(canvas, QPointF((failed_at + second) / 2, rect.center().y()))
    assert "attempt 1" in backoff and "back-off 2 s" in backoff
    assert "back-off 4 s" in canvas.tooltip_for(row)

    # two clocks: the events' virtual time (6 s of back-off) and the wall clock (no real wait)
    assert canvas.clock.isVisible()
    canvas.clock.setFocus()
    QTest.keyClick(canvas.clock, Qt.Key.Key_Down)
    assert canvas.clock.currentData() == "wall"
    assert canvas.span < 6
    assert "wall clock" in tooltip_at(canvas, QPointF(300, 4))

    # Run from here: a state inside the Map cannot start an execution, and the button says why
    click_state(win, "/States/Each/ItemProcessor/States/Inner")
    assert not d.ui.state_panel.run_from.isEnabled()
    assert "Only a top-level state can start an execution" in d.ui.state_panel.run_from.toolTip()
    assert "Each" in d.ui.state_panel.run_from.toolTip()
    palette = d.ui.state_panel.run_from.palette()  # and it reads as disabled: greyed, not as an enabled one
    role = QPalette.ColorRole.ButtonText
    assert palette.color(QPalette.ColorGroup.Disabled, role) != palette.color(
        QPalette.ColorGroup.Active, role
    )
    click_state(win, "/States/Charge")
    assert d.ui.state_panel.run_from.isEnabled()
