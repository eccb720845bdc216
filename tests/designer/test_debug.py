"""The designer's debugger, driven as a user would, on the Qt event loop (qasync).

Every test coroutine runs on Qt's own loop (see `pytest_asyncio_loop_factories` in conftest): it
never spins a loop of its own (no qtbot.wait, no processEvents, no dialog exec) and waits by
polling with asyncio.sleep, so the engine, the timers and the widgets all move together.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import until
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtTest import QTest

from designer.debug.overlay import PAUSED
from designer.document.files import DocumentData
from engine.project import Project
from engine.project.model import QueueSpec, StateMachineSpec
from engine.runtime.history_view import CAUGHT, FAILED, NOT_RUN, SUCCEEDED

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
POISON = {
    "EventBusName": "orders",
    "Source": "retail.orders",
    "DetailType": "OrderCreated",
    "Detail": {
        "orderId": "o-9",
        "customer": {"id": "c-1"},
        "items": [{"sku": "X", "quantity": 1}],
        "poison": True,
    },
}


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


def status(win: Any, machine: str, path: str) -> str:
    item = win.scene.state_item(machine, path)
    overlay = win.debug.decorator.shown_overlay(item)
    return overlay.status if overlay is not None and overlay.isVisible() else NOT_RUN


def choose(win: Any, machine: str) -> Any:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText(machine)
    return d


async def wait_pause(d: Any, state: str | None = None) -> Any:
    await until(
        lambda: d.pause is not None and (state is None or d.pause.state == state), what=f"a pause at {state}"
    )
    return d.pause


# Breakpoints ------------------------------------------------------------------------------------------


async def test_a_breakpoint_set_in_the_gutter_pauses_there_and_the_canvas_highlights_it(win: Any) -> None:
    d = choose(win, "RetailOrder")
    charge = win.scene.state_item("RetailOrder", "/States/ChargePayment")
    gutter = d.decorator.shown_gutter(charge)
    win.view.centerOn(charge)
    point = win.view.mapFromScene(gutter.mapToScene(QPointF(gutter.SIZE / 2, gutter.SIZE / 2)))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert d.breakpoints["RetailOrder"] == {"/States/ChargePayment": None}
    assert gutter.enabled
    d.debug()
    pause = await wait_pause(d)
    assert (pause.state, pause.reason) == ("ChargePayment", "breakpoint")
    assert status(win, "RetailOrder", "/States/ChargePayment") == PAUSED
    assert status(win, "RetailOrder", "/States/ValidateOrder") == SUCCEEDED
    assert status(win, "RetailOrder", "/States/PublishOrderCreated") == NOT_RUN
    await until(
        charge.isSelected, what="the selection"
    )  # it follows the pause, as a debugger moves to the line
    assert "Paused" in d.ui.run_panel.status.text() and "ChargePayment" in d.ui.run_panel.status.text()
    taken = win.scene.machines["RetailOrder"].top.edges
    trails = {
        (e.source.address.name, e.target.address.name)
        for e in taken
        if (trail := d.decorator.shown_trail("RetailOrder", e)) and trail.isVisible() and e.kind != "start"
    }
    assert trails == {("ValidateOrder", "IsOrderValid"), ("IsOrderValid", "ChargePayment")}
    # the state's data while paused: its input, and the steps the engine computes before the call
    await until(lambda: d.ui.state_panel.pipeline.steps, what="the pipeline")
    assert d.ui.state_panel.pipeline.labels() == ["Input", "Parameters"]
    assert d.ui.state_panel.pipeline.steps[1].value["Payload"] == {"orderId": "o-1001", "amount": 33.0}
    d.resume()
    await until(lambda: d.session.done, what="the end of the run")
    assert d.picture.status == "SUCCEEDED"


async def test_conditional_breakpoints_pause_only_when_the_predicate_holds(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.set_breakpoint("RetailOrder", "/States/ValidateOrder", "{% $count($states.input.items) > 5 %}")
    d.set_breakpoint("RetailOrder", "/States/PublishOrderCreated", "$.validation.valid")
    assert d.decorator.shown_gutter(win.scene.state_item("RetailOrder", "/States/ValidateOrder")).condition
    pause = (d.debug(), await wait_pause(d))[1]
    assert pause.state == "PublishOrderCreated"  # two items: ValidateOrder's condition is false
    d.stop()
    await until(lambda: d.session.done)
    assert d.picture.status == "ABORTED"


async def test_the_condition_editor_tries_a_predicate_and_keeps_it(win: Any) -> None:
    d = choose(win, "RetailOrder")
    item = win.scene.state_item("RetailOrder", "/States/ChargePayment")
    win.editor.select_item(item)
    editor = d.edit_condition()
    editor.condition.setText("$.validation.total")
    editor.sample.set_value({"validation": {"total": 0}})
    assert not editor.try_condition()
    editor.accept()
    assert d.breakpoints["RetailOrder"]["/States/ChargePayment"] == "$.validation.total"
    d.toggle_breakpoint()  # F9 on a set breakpoint clears it
    assert "/States/ChargePayment" not in d.breakpoints["RetailOrder"]


async def test_break_on_caught_error_pauses_where_the_catcher_takes_over(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.ui.run_panel.input.set_value({"orderId": "o-7", "items": [{"sku": "TV", "quantity": 1, "price": 9000}]})
    d.ui.break_caught_action.setChecked(True)
    d.debug()
    pause = await wait_pause(d)
    assert (pause.state, pause.reason) == ("ChargePayment", "error")
    assert "CardDeclined" in str(pause.error.error)
    d.resume()
    await until(lambda: d.session.done)
    assert d.picture.status == "FAILED"
    assert status(win, "RetailOrder", "/States/ChargePayment") == CAUGHT
    assert status(win, "RetailOrder", "/States/OrderRejected") == FAILED
    catch_edge = next(e for e in win.scene.machines["RetailOrder"].top.edges if e.kind == "catch")
    assert win.debug.decorator.shown_trail("RetailOrder", catch_edge).isVisible()
    assert "OrderRejected" in d.ui.run_panel.status.text()


# Stepping ---------------------------------------------------------------------------------------------


async def test_stepping_walks_the_retail_order_machine(win: Any) -> None:
    d = choose(win, "RetailOrder")
    win.activateWindow()
    win.view.setFocus()
    QTest.keyClick(win, Qt.Key.Key_F10)  # F10 while idle: debug, paused at the first state
    if d.session is None:  # no window activation offscreen: the action is what F10 triggers
        d.ui.step_action.trigger()
    walked = [(await wait_pause(d)).state]
    hops: list[str] = []
    for expected in ("IsOrderValid", "ChargePayment", "PublishOrderCreated", "OrderCompleted"):
        d.ui.step_action.trigger()
        while d.pause is None:  # a step over PublishOrderCreated walks its story hop by hop first
            await until(lambda: d.pause is not None or d.hop_view.hop is not None, what="the next stop")
            if d.pause is None:
                hops.append(f"{d.hop_view.hop.kind} {d.hop_view.hop.name}")
                d.ui.step_action.trigger()
        pause = await wait_pause(d, expected)
        walked.append(pause.state)
        path = f"/States/{expected}"
        assert status(win, "RetailOrder", path) == PAUSED
        previous = f"/States/{walked[-2]}"
        assert status(win, "RetailOrder", previous) == SUCCEEDED
    assert walked == [
        "ValidateOrder",
        "IsOrderValid",
        "ChargePayment",
        "PublishOrderCreated",
        "OrderCompleted",
    ]
    assert hops[:4] == [
        "bus orders",
        "queue fulfillment-orders",
        "consumer fulfillment-orders",
        "execution Fulfillment",
    ]
    assert "bus orders" in hops[4:]  # OrderShipped on its way back to Retail
    d.ui.step_action.trigger()
    while not d.session.done:  # the story's last hops (the fan-out to customers) may still be paused
        await until(lambda: d.session.done or d.hop_view.hop is not None)
        if d.hop_view.hop is not None:
            d.ui.step_action.trigger()
    assert d.picture.status == "SUCCEEDED"
    assert all(status(win, "RetailOrder", f"/States/{name}") == SUCCEEDED for name in walked)
    assert status(win, "RetailOrder", "/States/OrderRejected") == NOT_RUN


async def test_step_into_a_map_iteration_shows_that_iteration(win: Any) -> None:
    d = choose(win, "Fulfillment")
    d.ui.run_panel.input.set_value(
        {
            "detail": {
                "orderId": "o-5",
                "customer": {"id": "c"},
                "items": [
                    {"sku": "A", "quantity": 1},
                    {"sku": "B", "quantity": 2},
                    {"sku": "C", "quantity": 3},
                ],
                "replyTo": "nobody",
            }
        }
    )
    d.step_into()  # idle: start paused at the first state
    assert (await wait_pause(d, "PickItems")).depth == 0
    d.step_into()
    pause = await wait_pause(d, "PickItem")
    assert pause.path == ("PickItems", "0") and pause.depth == 1
    assert pause.input == {"orderId": "o-5", "sku": "A", "quantity": 1}
    inner = "/States/PickItems/ItemProcessor/States/PickItem"
    assert status(win, "Fulfillment", inner) == PAUSED
    assert d.focus["/States/PickItems"] == 0
    await until(lambda: d.ui.run_panel.container.currentData() == "/States/PickItems", what="the Map picker")
    assert d.ui.run_panel.choice.currentData() == 0
    await until(lambda: len(d.threads.thread_picker.rows()) == 4, what="the other iterations")  # all-stop:
    rows = d.threads.thread_picker.rows()
    held = [(row.label, row.where) for row in rows[2:]]  # they wait at their first state
    assert held == [(f"Map PickItems/iteration {i}", "paused at PickItem") for i in (1, 2)]
    assert d.picture.progress() == (0, 3)
    d.views.set_focus("/States/PickItems", 1)  # the iteration picker: iteration 1 has not run PickItem yet
    assert status(win, "Fulfillment", inner) == NOT_RUN
    d.views.set_focus("/States/PickItems", 0)
    assert status(win, "Fulfillment", inner) == PAUSED
    d.step_out()
    pause = await wait_pause(d, "PublishOrderPicked")
    assert pause.depth == 0
    await until(lambda: d.ui.run_panel.progress.value() == 3, what="the Map's progress")
    assert d.ui.run_panel.progress.isVisible() and d.ui.run_panel.progress.maximum() == 3
    d.stop()
    await until(lambda: d.session.done)


async def test_run_to_the_selected_state_and_edit_its_input(win: Any) -> None:
    d = choose(win, "RetailOrder")
    win.editor.select_item(win.scene.state_item("RetailOrder", "/States/IsOrderValid"))
    d.run_to_selected()
    pause = await wait_pause(d, "IsOrderValid")
    assert pause.reason == "run-to"
    await until(d.ui.state_panel.apply_input.isEnabled, what="the paused state's data")
    edited = copy.deepcopy(pause.input)
    edited["validation"]["valid"] = False
    d.ui.state_panel.input.set_value(edited)
    d.refresh()  # events keep coming while paused: an edit in progress is kept
    assert '"valid": false' in d.ui.state_panel.input.toPlainText()
    d.ui.state_panel.apply_input.click()
    d.resume()
    await until(lambda: d.session.done)
    assert d.picture.status == "FAILED"  # the edited input took the Default branch
    assert status(win, "RetailOrder", "/States/OrderRejected") == FAILED
    assert status(win, "RetailOrder", "/States/ChargePayment") == NOT_RUN


# Time travel --------------------------------------------------------------------------------------------


async def test_time_travel_restores_the_colours_of_the_moment(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.ui.run_panel.input.set_value({"orderId": "o-3", "items": [{"sku": "TV", "quantity": 1, "price": 7000}]})
    d.run()
    await until(lambda: d.session.done)
    events = d.session.history()
    assert status(win, "RetailOrder", "/States/ChargePayment") == CAUGHT
    charge_entered = next(
        e["id"] for e in events if e.get("stateEnteredEventDetails", {}).get("name") == "ChargePayment"
    )
    d.ui.run_panel.slider.setValue(charge_entered)  # scrub back to ChargePayment's start
    assert d.cursor == charge_entered
    assert status(win, "RetailOrder", "/States/ValidateOrder") == SUCCEEDED
    assert status(win, "RetailOrder", "/States/ChargePayment") == "running"
    assert status(win, "RetailOrder", "/States/OrderRejected") == NOT_RUN
    assert d.ui.events_panel.model.rowCount() == charge_entered
    d.ui.run_panel.slider.setValue(2)
    assert status(win, "RetailOrder", "/States/ChargePayment") == NOT_RUN
    d.ui.run_panel.slider.setValue(d.ui.run_panel.slider.maximum())  # back to the end
    assert d.cursor is None
    assert status(win, "RetailOrder", "/States/ChargePayment") == CAUGHT
    assert status(win, "RetailOrder", "/States/OrderRejected") == FAILED
    d.ui.events_panel.event_activated.emit(charge_entered)  # double-click in the event table does the same
    assert status(win, "RetailOrder", "/States/OrderRejected") == NOT_RUN


async def test_the_selected_state_shows_its_data_and_pipeline_from_the_history(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.run()
    await until(lambda: d.session.done)
    win.editor.select_item(win.scene.state_item("RetailOrder", "/States/ValidateOrder"))
    await until(lambda: d.ui.state_panel.pipeline.steps, what="the pipeline")
    labels = d.ui.state_panel.pipeline.labels()
    assert labels == ["Input", "Parameters", "Result", "ResultSelector", "ResultPath", "Output"]
    values = {s.label: s.value for s in d.ui.state_panel.pipeline.steps}
    assert values["ResultSelector"] == {"valid": True, "total": 33.0, "reason": None}
    assert values["ResultPath"]["validation"]["total"] == 33.0
    assert '"orderId": "o-1001"' in d.ui.state_panel.input.toPlainText()
    assert '"Name": "ValidateOrder"' in d.ui.state_panel.context.toPlainText()
    d.ui.events_panel.filter_to(state="ValidateOrder")
    assert d.ui.events_panel.visible_types()[0] == "TaskStateEntered"
    d.ui.events_panel.filter_to(state="", kind="Exited")
    assert set(d.ui.events_panel.visible_types()) == {
        "TaskStateExited",
        "ChoiceStateExited",
        "SucceedStateExited",
    }
    assert d.ui.timeline.canvas.bars[0].label == "ValidateOrder"


async def test_run_from_a_state_and_test_state_with_edited_input(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.run()
    await until(lambda: d.session.done)
    win.editor.select_item(win.scene.state_item("RetailOrder", "/States/IsOrderValid"))
    d.ui.state_panel.input.set_value({"validation": {"valid": True, "total": 0}})
    d.ui.state_panel.test.click()  # TestState on the edited input
    await until(lambda: "status" in d.ui.test_panel.response.toPlainText(), what="TestState")
    assert '"nextState": "OrderRejected"' in d.ui.test_panel.response.toPlainText()
    d.ui.state_panel.run_from.click()  # a new execution that starts here
    await until(lambda: d.session.done)
    assert d.picture.status == "FAILED"
    assert [d.picture.visits[v].name for v in d.picture.order] == ["IsOrderValid", "OrderRejected"]
    assert status(win, "RetailOrder", "/States/ValidateOrder") == NOT_RUN


async def test_test_state_from_the_run_menu_uses_a_mocked_result(win: Any) -> None:
    d = win.debug
    win.editor.select_item(win.scene.state_item("RetailOrder", "/States/ChargePayment"))
    d.ui.test_state_action.trigger()
    panel = d.ui.test_panel
    panel.input.set_value({"orderId": "o-1", "validation": {"total": 12}})
    panel.mock.set_value({"Payload": {"paymentId": "pay-mock"}})
    panel.run.click()
    await until(lambda: panel.pipeline.steps, what="TestState")
    assert '"paymentId": "pay-mock"' in panel.response.toPlainText()
    assert panel.pipeline.labels() == [
        "Input",
        "Parameters",
        "Result",
        "ResultSelector",
        "ResultPath",
        "Output",
    ]


# Callbacks ------------------------------------------------------------------------------------------------


def approval_document() -> DocumentData:
    definition = {
        "StartAt": "AskApproval",
        "States": {
            "AskApproval": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                    "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.orderId"},
                },
                "HeartbeatSeconds": 3600,
                "ResultPath": "$.approval",
                "Next": "Approved",
            },
            "Approved": {"Type": "Succeed"},
        },
    }
    project = Project(
        name="approvals",
        state_machines={"Approve": StateMachineSpec(default_input={"orderId": "o-77"})},
        queues={"approvals": QueueSpec()},
    )
    return DocumentData(project, {"Approve": definition}, None, "project")


async def test_a_callback_sent_from_the_ui_completes_the_task(win: Any) -> None:
    win.document.reset(approval_document())
    d = choose(win, "Approve")
    assert '"orderId": "o-77"' in d.ui.run_panel.input.toPlainText()
    d.ui.real_clock_action.setChecked(True)
    d.run()
    await until(lambda: d.ui.callbacks.tasks.topLevelItemCount() == 1, what="the waiting task")
    assert d.ui.callbacks.tasks.topLevelItem(0).text(0) == "AskApproval"
    assert status(win, "Approve", "/States/AskApproval") == "running"
    assert "wait for a callback" in d.ui.run_panel.status.text()
    d.ui.callbacks.heartbeat.click()
    await until(lambda: d.ui.callbacks.tasks.topLevelItem(0).text(2) == "1", what="the heartbeat")
    d.ui.callbacks.output.set_value({"approved": True, "by": "ana"})
    d.ui.callbacks.success.click()
    await until(lambda: d.session.done)
    assert d.picture.status == "SUCCEEDED"
    assert d.picture.output["approval"] == {"approved": True, "by": "ana"}
    assert d.ui.callbacks.tasks.topLevelItemCount() == 0
    assert status(win, "Approve", "/States/AskApproval") == SUCCEEDED


async def test_a_failure_sent_from_the_ui_fails_the_task(win: Any) -> None:
    win.document.reset(approval_document())
    d = choose(win, "Approve")
    d.run()
    await until(lambda: d.ui.callbacks.tasks.topLevelItemCount() == 1, what="the waiting task")
    d.ui.callbacks.error_field.setText("Rejected")
    d.ui.callbacks.cause_field.setText("over budget")
    d.ui.callbacks.failure.click()
    await until(lambda: d.session.done)
    assert (d.picture.status, d.picture.error, d.picture.cause) == ("FAILED", "Rejected", "over budget")
    assert status(win, "Approve", "/States/AskApproval") == FAILED


# Choreography ---------------------------------------------------------------------------------------------


async def test_put_event_shows_the_trace_and_the_dlq_filling_for_a_poison_order(win: Any) -> None:
    d = win.debug
    panel = d.ui.choreography
    panel.entries.set_value([POISON])
    panel.put.click()
    await until(lambda: d.session is not None and d.session.done, what="the choreography to settle")
    lines = panel.lines()
    assert any("rule OrderCreatedToFulfillment: matched" in line for line in lines)
    assert any(
        'rule ReturnRequestedToReturns: not matched (detail-type: "OrderCreated" does not match' in line
        for line in lines
    )
    assert any("target queue:warehouse-notifications" in line and "delivered" in line for line in lines)
    assert any("execution of Fulfillment started" in line for line in lines)
    assert sum("warehouse-notifications: message received" in line for line in lines) == 3
    assert any("warehouse-dlq: message dead-lettered" in line for line in lines)
    assert any("execution of Fulfillment SUCCEEDED" in line for line in lines)  # the order still ships
    assert panel.summary.text().startswith("2 rule matches, ")  # OrderCreated, then OrderShipped
    rows = {
        panel.queues.topLevelItem(i).text(0): panel.queues.topLevelItem(i)
        for i in range(panel.queues.topLevelItemCount())
    }
    assert rows["warehouse-dlq"].text(1) == "1"
    assert rows["warehouse-notifications"].text(3) == "1"  # its DLQ's depth
    gauge = win.debug.decorator.shown_gauge("warehouse-dlq", win.scene.item_for_key("queue:warehouse-dlq"))
    assert gauge.visible_count == 1 and max(gauge.samples) == 1
    assert win.scene.item_for_key("queue:warehouse-dlq").depth == 1
    # clicking an entry selects what it is about
    for i in range(panel.trace.topLevelItemCount()):
        item = panel.trace.topLevelItem(i)
        if "rule OrderCreatedToFulfillment: matched" in item.text(0):
            panel.trace.itemClicked.emit(item, 0)
            break
    assert win.scene.item_for_key("rule:OrderCreatedToFulfillment").isSelected()
    panel.queues.itemClicked.emit(rows["warehouse-dlq"], 0)
    assert win.scene.item_for_key("queue:warehouse-dlq").isSelected()


async def test_a_run_colours_every_machine_the_choreography_reaches(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.run()
    await until(lambda: d.session.done)
    assert status(win, "RetailOrder", "/States/OrderCompleted") == SUCCEEDED
    assert status(win, "Fulfillment", "/States/PublishOrderShipped") == SUCCEEDED
    assert status(win, "Fulfillment", "/States/PickItems/ItemProcessor/States/PickItem") == SUCCEEDED
    item = win.scene.state_item("Fulfillment", "/States/PickItems/ItemProcessor/States/PickItem")
    assert d.decorator.shown_overlay(item).runs == 2  # one per iteration
    win.editor.select_item(win.scene.state_item("Fulfillment", "/States/CreateShipment"))
    assert d.session.machine_of(d.shown_arn) == "Fulfillment"  # the views follow to that execution
    labels = [d.ui.events_panel.execution.itemText(i) for i in range(d.ui.events_panel.execution.count())]
    assert any(label.startswith("Fulfillment") for label in labels)


# Input, stop, the window keeps working ----------------------------------------------------------------


async def test_the_input_is_saved_as_the_machines_default_input_undoably(win: Any) -> None:
    d = choose(win, "Returns")
    d.ui.run_panel.input.set_value({"orderId": "o-4", "reason": "damaged"})
    d.ui.run_panel.save_input.click()
    spec = win.document.project.state_machines["Returns"]
    assert spec.default_input == {"orderId": "o-4", "reason": "damaged"}
    assert win.document.modified
    win.document.undo_stack.undo()
    assert spec.default_input is None
    win.document.undo_stack.redo()
    assert spec.default_input == {"orderId": "o-4", "reason": "damaged"}
    d.ui.run_panel.input.setPlainText("{not json")
    assert d.start(debug=False) is None
    assert "not valid JSON" in d.ui.run_panel.error.text()


async def test_stop_ends_a_paused_run_and_the_window_stays_responsive(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.set_breakpoint("RetailOrder", "/States/ValidateOrder", None)
    d.debug()
    await wait_pause(d, "ValidateOrder")
    ticks = 0

    def tick() -> None:
        nonlocal ticks
        ticks += 1

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    await asyncio.sleep(0.3)  # paused: Qt timers still fire, nothing blocks the loop
    timer.stop()
    assert ticks >= 2
    assert d.ui.stop_action.isEnabled()
    d.ui.stop_action.trigger()
    await until(lambda: d.session.done)
    assert d.picture.status == "ABORTED"
    assert not d.ui.stop_action.isEnabled()


async def test_breakpoints_survive_an_edit_that_rebuilds_the_canvas(win: Any) -> None:
    d = choose(win, "RetailOrder")
    d.set_breakpoint("RetailOrder", "/States/OrderCompleted", None)
    definition = copy.deepcopy(win.document.definition("RetailOrder"))
    definition["Comment"] = "edited"
    from designer.document.commands import ReplaceDefinitionCommand

    win.document.push(ReplaceDefinitionCommand(win.document, "RetailOrder", definition))
    await until(
        lambda: (
            d.decorator.shown_gutter(win.scene.state_item("RetailOrder", "/States/OrderCompleted"))
            is not None
        )
    )
    assert d.decorator.shown_gutter(win.scene.state_item("RetailOrder", "/States/OrderCompleted")).enabled
