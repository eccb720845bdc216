"""Stepping through choreography in the window: F10 over PublishOrderCreated stops at the bus, the
queue, the consumer and the started Fulfillment one hop at a time, each marked "paused here" on the
canvas with its event in the Choreography panel and the queue's depth of that moment.

Keys and clicks go to the real widgets; the test coroutine runs on Qt's loop (qasync) and waits by
polling with asyncio.sleep.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import until
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtTest import QTest

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)
    if window.message_box is not None:
        window.message_box.close()


def press(win: Any, key: Qt.Key) -> None:
    QTest.keyClick(win.view.viewport(), key)


def click_state(win: Any, machine: str, path: str) -> None:
    item = win.scene.state_item(machine, path)
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.mapToScene(item.boundingRect().center() + QPointF(0, 6)))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert item.isSelected()


def gauge(win: Any, queue: str) -> tuple[int, int]:
    item = win.scene.item_for_key(f"queue:{queue}")
    meter = win.debug.decorator.shown_gauge(queue, item)
    return (meter.visible_count, meter.in_flight) if meter is not None else (0, 0)


async def hop_at(win: Any, kind: str, name: str) -> Any:
    view = win.debug.hop_view
    await until(
        lambda: view.hop is not None and (view.hop.kind, view.hop.name) == (kind, name),
        what=f"a pause at {kind} {name}",
    )
    return view.hop


async def test_f10_over_publish_order_created_walks_the_hops_with_the_canvas_following(win: Any) -> None:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText("RetailOrder")
    click_state(win, "RetailOrder", "/States/PublishOrderCreated")
    press(win, Qt.Key.Key_F9)  # Run > Toggle Breakpoint
    assert d.breakpoints["RetailOrder"] == {"/States/PublishOrderCreated": None}
    press(win, Qt.Key.Key_F5)  # Debug: runs to the breakpoint
    await until(lambda: d.pause is not None and d.pause.state == "PublishOrderCreated", what="the breakpoint")
    view, box = d.hop_view, d.ui.choreography.hop
    assert view.marked_keys() == [] and not box.isVisible()

    press(win, Qt.Key.Key_F10)  # over the state: to the first hop of the story it sets off
    bus = await hop_at(win, "bus", "orders")
    assert view.marked_keys() == ["bus:orders", "rule:OrderCreatedToFulfillment"]
    assert box.isVisible() and "rules matched: OrderCreatedToFulfillment" in box.title.text()
    assert box.payload.value()["detail-type"] == "OrderCreated"
    assert box.payload.value()["detail"]["orderId"] == "o-1001"
    assert gauge(win, "fulfillment-orders") == (0, 0)  # matched, not delivered yet
    assert d.pause is None and "Paused at bus orders" in win.statusBar().currentMessage()

    press(win, Qt.Key.Key_F10)
    await hop_at(win, "queue", "fulfillment-orders")
    assert view.marked_keys() == ["queue:fulfillment-orders"]
    await until(lambda: gauge(win, "fulfillment-orders") == (1, 0), what="the queue's depth on the canvas")
    assert view.markers[0].label == "paused here · 1 visible · 0 in flight"  # legible when zoomed out too
    assert box.payload.value()["id"] == bus.payload["id"]

    press(win, Qt.Key.Key_F10)
    await hop_at(win, "consumer", "fulfillment-orders")
    assert view.marked_keys() == ["queue:fulfillment-orders"]
    await until(lambda: gauge(win, "fulfillment-orders") == (0, 1), what="the message in flight")
    assert view.markers[0].label == "paused here · 0 visible · 1 in flight"
    assert "for stateMachine:Fulfillment" in box.title.text()

    press(win, Qt.Key.Key_F10)
    started = await hop_at(win, "execution", "Fulfillment")
    assert view.marked_keys() == ["stateMachine:Fulfillment"]
    assert started.payload["detail"]["orderId"] == "o-1001"
    assert gauge(win, "fulfillment-orders") == (0, 1)

    press(win, Qt.Key.Key_F5)  # continue: every hop and the execution run to the end
    await until(lambda: d.session.done, what="the end of the run")
    assert view.marked_keys() == [] and not box.isVisible()
    assert d.picture.status == "SUCCEEDED"
    assert gauge(win, "fulfillment-orders") == (0, 0)


async def test_step_out_of_the_hops_returns_to_the_machine_being_debugged(win: Any) -> None:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText("RetailOrder")
    click_state(win, "RetailOrder", "/States/PublishOrderCreated")
    press(win, Qt.Key.Key_F9)
    press(win, Qt.Key.Key_F5)
    await until(lambda: d.pause is not None and d.pause.state == "PublishOrderCreated", what="the breakpoint")
    assert not d.ui.out_action.isEnabled()  # at the top level of the machine: nothing to step out of
    press(win, Qt.Key.Key_F10)
    await hop_at(win, "bus", "orders")
    assert d.ui.out_action.isEnabled()  # out of the story's hops
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)
    await until(lambda: d.pause is not None and d.pause.state == "OrderCompleted", what="the next state")
    assert d.hop_view.hop is None and d.hop_view.marked_keys() == []
    await until(
        lambda: any("execution of Fulfillment SUCCEEDED" in line for line in d.ui.choreography.lines()),
        what="the story's end in the choreography trace",
    )
    press(win, Qt.Key.Key_F5)
    await until(lambda: d.session.done, what="the end of the run")
    assert d.picture.status == "SUCCEEDED"


def click_resource(win: Any, key: str) -> Any:
    item = win.scene.item_for_key(key)
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.mapToScene(item.boundingRect().center()))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert item.isSelected()
    return item


async def test_f9_on_a_queue_pauses_every_message_that_reaches_it(win: Any) -> None:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText("RetailOrder")
    queue = click_resource(win, "queue:customer-notifications")
    press(win, Qt.Key.Key_F9)
    assert d.hop_view.breakpoints == {"queue:customer-notifications"}
    assert [dot.key for dot in d.hop_view.dots] == ["queue:customer-notifications"]
    assert d.hop_view.dots[0].parentItem() is queue and d.hop_view.dots[0].isVisible()
    press(win, Qt.Key.Key_F5)  # Debug: no state breakpoint, so the run goes to the queue's
    hop = await hop_at(win, "queue", "customer-notifications")
    assert hop.payload["detail-type"] == "OrderShipped" and hop.payload["detail"]["trackingNumber"]
    assert d.hop_view.marked_keys() == ["queue:customer-notifications"]
    await until(lambda: gauge(win, "customer-notifications") == (1, 0), what="the queue's depth")
    press(win, Qt.Key.Key_F5)
    await until(lambda: d.session.done, what="the end of the run")
    assert d.picture.status == "SUCCEEDED"
    click_resource(win, "queue:customer-notifications")
    press(win, Qt.Key.Key_F9)  # F9 again clears it
    assert d.hop_view.breakpoints == set() and d.hop_view.dots == []
