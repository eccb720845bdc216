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
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from serve_window import client, file_menu_action, open_pipeline, stop_serving

from designer.debug.overlay import PAUSED
from engine.runtime.history_view import NOT_RUN, SUCCEEDED

MACHINE = "Returns"
INSPECT = "/States/InspectReturn"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    window = open_pipeline(qtbot, tmp_path)
    yield window
    await stop_serving(window)


def status(win: Any, path: str) -> str:
    item = win.scene.state_item(MACHINE, path)
    overlay = win.debug.decorator.shown_overlay(item)
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
    assert d.ui.events_panel.table.model().rowCount() >= 5  # ExecutionStarted ... ExecutionSucceeded

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


RETAIL = "RetailOrder"


def retail_arn(sfn: Any) -> str:
    machines = sfn.list_state_machines()["stateMachines"]
    return next(m["stateMachineArn"] for m in machines if m["name"] == RETAIL)


async def serving(win: Any) -> tuple[Any, Any]:
    file_menu_action(win, "Ser&ve Locally").trigger()
    panel = await until(lambda: getattr(win, "serve_panel", None), what="the serve panel")
    await until(lambda: panel.serving, what="the server to listen")
    return panel, client(panel.app.context.base_url)


def click_retail_state(win: Any, path: str) -> None:
    item = win.scene.state_item(RETAIL, path)
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


async def test_a_served_execution_pauses_on_errors_as_the_run_menu_says(win: Any) -> None:
    panel, sfn = await serving(win)
    arn = await asyncio.to_thread(retail_arn, sfn)
    d = win.debug
    d.ui.break_error_action.trigger()  # Run > Break on Error, before any execution
    assert d.ui.break_error_action.isChecked()

    def start(name: str, data: Any) -> str:
        return sfn.start_execution(stateMachineArn=arn, name=name, input=json.dumps(data))["executionArn"]

    def described(execution: str) -> str:
        return sfn.describe_execution(executionArn=execution)["status"]

    rejected = await asyncio.to_thread(start, "rejected", {"orderId": "o-9", "items": []})
    await until(
        lambda: d.pause is not None and d.pause.state == "OrderRejected", what="the pause on the error"
    )
    assert d.pause.reason == "error" and d.shown_arn == rejected
    await asyncio.sleep(0.2)
    assert await asyncio.to_thread(described, rejected) == "RUNNING"  # held by the designer
    QTest.keyClick(win, Qt.Key.Key_F5)
    await until(lambda: panel.statuses().get("rejected") == "FAILED", what="the resumed execution's end")

    # Break on Caught Error turned on now reaches the next executions; the caught CardDeclined pauses
    d.ui.break_caught_action.trigger()
    big = {"orderId": "o-10", "items": [{"sku": "CAR", "quantity": 1, "price": 90000}]}
    declined = await asyncio.to_thread(start, "declined", big)
    await until(
        lambda: d.pause is not None and d.shown_arn == declined and d.pause.state == "ChargePayment",
        what="the pause on the caught error",
    )
    assert d.pause.reason == "error"
    QTest.keyClick(win, Qt.Key.Key_F5)  # caught: on to OrderRejected, where Break on Error holds it again
    await until(lambda: d.pause is not None and d.pause.state == "OrderRejected", what="the second pause")
    QTest.keyClick(win, Qt.Key.Key_F5)
    await until(lambda: panel.statuses().get("declined") == "FAILED", what="the declined order's end")


async def test_breakpoints_reach_a_running_served_execution_and_its_choreography_shows(win: Any) -> None:
    """A served execution that waits for its task token: the OrderCreated it put is routed by the
    rule to the queues (the Choreography panel shows it), and a breakpoint set while it waits
    pauses it when the client sends the task's success."""
    panel, sfn = await serving(win)
    arn = await asyncio.to_thread(retail_arn, sfn)
    order = {
        "orderId": "o-11",
        "customer": {"id": "c-1"},
        "items": [{"sku": "BOOK", "quantity": 2, "price": 5}],
    }

    def start() -> str:
        return sfn.start_execution(stateMachineArn=arn, name="waiting", input=json.dumps(order))[
            "executionArn"
        ]

    waiting = await asyncio.to_thread(start)

    def task_token() -> str | None:
        events = sfn.get_execution_history(executionArn=waiting, maxResults=1000)["events"]
        for event in events:
            if event["type"] == "TaskScheduled":
                parameters = json.loads(event["taskScheduledEventDetails"]["parameters"])
                if "Entries" in parameters:
                    return parameters["Entries"][0]["Detail"]["replyTo"]
        return None

    token = None
    for _ in range(200):
        token = await asyncio.to_thread(task_token)
        if token:
            break
        await asyncio.sleep(0.05)
    assert token, "the execution never put its OrderCreated event"
    await until(lambda: "waiting" in panel.statuses(), what="the execution in the list")
    click_row(panel, "waiting")
    d = win.debug
    await until(lambda: d.shown_arn == waiting, what="the served execution on show")
    await until(
        lambda: any(line == "rule OrderCreatedToFulfillment: matched" for line in d.ui.choreography.lines()),
        what="the rule match in the choreography",
    )
    lines = d.ui.choreography.lines()
    assert any("event OrderCreated from retail.orders routed on bus orders" in line for line in lines)
    assert any(line.startswith("target queue:warehouse-notifications") for line in lines), lines
    await until(
        lambda: any(line.startswith("queue warehouse-notifications:") for line in d.ui.choreography.lines()),
        what="the message arriving in the queue",
    )

    assert d.pause is None  # the execution runs (it waits for its token); no breakpoint was set at its start
    click_retail_state(win, "/States/OrderCompleted")
    QTest.keyClick(win, Qt.Key.Key_F9)
    assert "/States/OrderCompleted" in d.breakpoints[RETAIL]
    await asyncio.to_thread(
        lambda: sfn.send_task_success(taskToken=token, output='{"trackingNumber": "t-1"}')
    )
    await until(lambda: d.pause is not None and d.pause.state == "OrderCompleted", what="the pause set late")
    assert d.shown_arn == waiting
    described = await asyncio.to_thread(lambda: sfn.describe_execution(executionArn=waiting)["status"])
    assert described == "RUNNING"
    QTest.keyClick(win, Qt.Key.Key_F5)
    await until(lambda: panel.statuses().get("waiting") == "SUCCEEDED", what="the resumed execution's end")


async def test_an_execution_a_client_event_starts_through_a_rule_stops_at_a_breakpoint(win: Any) -> None:
    """The client puts ReturnRequested; the rule starts Returns, which the breakpoint holds."""
    panel, _ = await serving(win)
    d = win.debug
    click_state(win, INSPECT)
    QTest.keyClick(win, Qt.Key.Key_F9)
    assert INSPECT in d.breakpoints[MACHINE]
    events = client(panel.app.context.base_url, "events")
    entry = {
        "EventBusName": "orders",
        "Source": "retail.returns",
        "DetailType": "ReturnRequested",
        "Detail": json.dumps({"orderId": "o-12", "reason": "too small"}),
    }
    put = await asyncio.to_thread(lambda: events.put_events(Entries=[entry]))
    assert put["FailedEntryCount"] == 0
    await until(lambda: d.pause is not None and d.pause.state == "InspectReturn", what="the pause")
    paused = d.shown_arn
    assert paused is not None and f":{MACHINE}:" in paused
    store = panel.app.context.store
    assert store.get_execution(paused).status == "RUNNING"
    lines = d.ui.choreography.lines()
    assert "rule ReturnRequestedToReturns: matched" in lines, lines
    QTest.keyClick(win, Qt.Key.Key_F5)
    await until(lambda: store.get_execution(paused).status == "SUCCEEDED", what="the resumed execution's end")
