"""Executions that clients of File > Serve Locally start, live in the designer: chosen in the
Served Executions list they show on the canvas, in Events and State Data like a designer run,
and the designer's breakpoints pause them (the client reads RUNNING) until F5.

The boto3 client runs in worker threads; the test coroutine runs on the Qt loop (qasync), which
is also the server's, and waits by polling."""

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

from designer.debug.history_model import NOT_RUN, SUCCEEDED
from designer.debug.overlay import PAUSED

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
MACHINE = "Returns"
INSPECT = "/States/InspectReturn"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    yield window
    panel = getattr(window, "serve_panel", None)
    if panel is not None and panel.serving:
        await panel.stop()


def file_menu_action(win: Any, text: str) -> Any:
    file_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")
    return next(a for a in file_menu.actions() if a.text() == text)


def client(url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "stepfunctions",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(inject_host_prefix=False, retries={"max_attempts": 0}),
    )


def status(win: Any, path: str) -> str:
    item = win.scene.state_item(MACHINE, path)
    overlay = getattr(item, "_sc_status", None)
    return overlay.status if overlay is not None and overlay.isVisible() else NOT_RUN


def click_row(panel: Any, name: str) -> None:
    row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == name)
    rect = panel.table.visualItemRect(panel.table.item(row, 0))
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_state(win: Any, path: str) -> None:
    item = win.scene.state_item(MACHINE, path)
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


async def test_served_executions_show_on_the_canvas_and_stop_at_breakpoints(win: Any) -> None:
    file_menu_action(win, "Ser&ve Locally").trigger()
    panel = await until(lambda: getattr(win, "serve_panel", None), what="the serve panel")
    await until(lambda: panel.serving, what="the server to listen")
    sfn = client(panel.app.context.base_url)
    arn = next(
        m["stateMachineArn"]
        for m in await asyncio.to_thread(lambda: sfn.list_state_machines()["stateMachines"])
        if m["name"] == MACHINE
    )
    data = json.dumps({"detail": {"orderId": "o-1", "reason": "too small"}})  # as the orders bus delivers

    def start(name: str) -> str:
        return sfn.start_execution(stateMachineArn=arn, name=name, input=data)["executionArn"]

    def described(execution: str) -> str:
        return sfn.describe_execution(executionArn=execution)["status"]

    first = await asyncio.to_thread(start, "first")
    await until(
        lambda: panel.statuses().get("first") not in (None, "RUNNING"), what="the first execution's end"
    )
    assert panel.statuses()["first"] == "SUCCEEDED"
    assert status(win, INSPECT) == NOT_RUN  # nothing on the canvas until it is chosen
    click_row(panel, "first")
    await until(lambda: status(win, INSPECT) == SUCCEEDED, what="the overlay of the chosen execution")
    d = win.debug
    assert d.shown_arn == first and d.picture is not None and d.picture.status == "SUCCEEDED"
    assert d.events_panel.table.model().rowCount() >= 5  # ExecutionStarted ... ExecutionSucceeded

    click_state(win, INSPECT)
    QTest.keyClick(win, Qt.Key.Key_F9)
    assert INSPECT in d.breakpoints[MACHINE]
    second = await asyncio.to_thread(start, "second")
    await until(lambda: d.pause is not None and d.pause.state == "InspectReturn", what="the pause")
    await until(lambda: status(win, INSPECT) == PAUSED, what="the paused state on the canvas")
    assert d.shown_arn == second
    assert await asyncio.to_thread(described, second) == "RUNNING"
    await asyncio.sleep(0.3)
    assert await asyncio.to_thread(described, second) == "RUNNING"  # still held at the breakpoint

    QTest.keyClick(win, Qt.Key.Key_F5)
    await until(lambda: panel.statuses().get("second") == "SUCCEEDED", what="the resumed execution's end")
    assert await asyncio.to_thread(described, second) == "SUCCEEDED"
    await until(lambda: status(win, INSPECT) == SUCCEEDED, what="the overlay after the resume")
