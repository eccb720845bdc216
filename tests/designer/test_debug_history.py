"""The execution picture: what the designer shows, computed from AWS-shaped histories alone."""

from __future__ import annotations

import asyncio
from typing import Any

from designer.debug.live_store import LiveStore
from engine.runtime import run_async
from engine.runtime.debug import Debugger
from engine.runtime.history_view import (
    CAUGHT,
    FAILED,
    NOT_RUN,
    RETRIED,
    RUNNING,
    SUCCEEDED,
    ExecutionPicture,
)

FLAKY = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 3}],
            "Catch": [{"ErrorEquals": ["Gone"], "ResultPath": "$.error", "Next": "Fallback"}],
            "Next": "Fan",
        },
        "Fan": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 3,
            "ItemProcessor": {
                "StartAt": "Double",
                "States": {
                    "Double": {
                        "Type": "Pass",
                        "Parameters": {"v.$": "States.MathAdd($.v, $.v)"},
                        "Next": "Check",
                    },
                    "Check": {"Type": "Pass", "End": True},
                },
            },
            "ResultPath": "$.doubled",
            "Next": "Both",
        },
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": 1, "End": True}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "Result": 2, "End": True}}},
            ],
            "ResultPath": "$.both",
            "End": True,
        },
        "Fallback": {"Type": "Fail", "Error": "Gone"},
    },
}


def flaky(fail_with: list[str]) -> Any:
    calls = iter(fail_with)

    class Busy(Exception):
        pass

    class Gone(Exception):
        pass

    def handler(event: Any, context: Any) -> Any:
        kind = next(calls, None)
        if kind == "Busy":
            raise Busy("try later")
        if kind == "Gone":
            raise Gone("it went")
        return {"items": [{"v": 1}, {"v": 2}, {"v": 3}]}

    return handler


def run(fail_with: list[str], store: LiveStore | None = None) -> Any:
    return asyncio.run(
        run_async(FLAKY, {}, handlers={"flaky": flaky(fail_with)}, store=store, state_machine_name="Flaky")
    )


def test_statuses_retries_and_iterations_from_the_history() -> None:
    store = LiveStore()
    execution = run(["Busy", "Busy"], store)
    assert execution.status == "SUCCEEDED"
    (arn,) = store.histories
    picture = ExecutionPicture(store.histories[arn], FLAKY, notes=store.notes[arn])
    assert picture.status_of("/States/Fetch") == (RETRIED, 2, 1)
    fetch = picture.visits_of("/States/Fetch")[0]
    assert [f.error for f in fetch.failures] == ["Busy", "Busy"] and all(f.retried for f in fetch.failures)
    inner = "/States/Fan/ItemProcessor/States/Double"
    assert picture.status_of(inner) == (SUCCEEDED, 0, 3)
    assert [v.thread for v in picture.visits_of(inner)] == [(("Fan", 0),), (("Fan", 1),), (("Fan", 2),)]
    assert [v.output for v in picture.visits_of(inner, {"Fan": 1})] == [{"v": 4}]
    assert picture.progress() == (3, 3)
    fan = picture.visits_of("/States/Fan")[0]
    assert picture.iteration_result(fan) == [{"v": 2}, {"v": 4}, {"v": 6}]
    assert (
        "/States/Fan/ItemProcessor/States/Double",
        "/States/Fan/ItemProcessor/States/Check",
        False,
    ) in picture.edges_taken({"Fan": 2})
    assert ("/States/Fetch", "/States/Fan", False) in picture.edges_taken()
    left = "/States/Both/Branches[0]/States/Left"
    assert picture.status_of(left) == (SUCCEEDED, 0, 1)
    assert picture.iteration_result(picture.visits_of("/States/Both")[0]) == [1, 2]
    assert picture.status == "SUCCEEDED"


def test_the_same_picture_without_the_live_notes() -> None:
    store = LiveStore()
    run([], store)
    (arn,) = store.histories
    with_notes = ExecutionPicture(store.histories[arn], FLAKY, notes=store.notes[arn])
    without = ExecutionPicture(store.histories[arn], FLAKY)

    def shape(p: ExecutionPicture) -> Any:
        return [(p.visits[v].path, p.visits[v].thread, p.visits[v].status) for v in p.order]

    assert shape(with_notes) == shape(without)


def test_caught_failed_and_time_travel() -> None:
    store = LiveStore()
    execution = run(["Gone"], store)
    assert execution.status == "FAILED"
    (arn,) = store.histories
    events = store.histories[arn]
    picture = ExecutionPicture(events, FLAKY)
    assert picture.status_of("/States/Fetch")[0] == CAUGHT
    assert picture.status_of("/States/Fallback")[0] == FAILED
    assert ("/States/Fetch", "/States/Fallback", True) in picture.edges_taken()
    assert picture.status_of("/States/Fan")[0] == NOT_RUN
    entered = next(e["id"] for e in events if e["type"] == "TaskStateEntered")
    earlier = ExecutionPicture(events, FLAKY, upto=entered)
    assert earlier.status_of("/States/Fetch")[0] == RUNNING
    assert earlier.status_of("/States/Fallback")[0] == NOT_RUN
    assert earlier.status == "RUNNING"
    assert ExecutionPicture(events, FLAKY, upto=0).status == "NOT_STARTED"


async def test_a_parallel_branch_view_dims_the_other_branches(qtbot: Any) -> None:
    from designer_helpers import document_for
    from PySide6.QtCore import QSettings

    from designer.app.main_window import MainWindow

    window = MainWindow(settings=QSettings(), offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.document.reset(document_for(FLAKY, "Flaky").snapshot())
    d = window.debug
    d.ui.run_panel.machine.setCurrentText("Flaky")
    d.ui.run_panel.input.set_value({})
    definition = dict(FLAKY)
    definition["StartAt"] = "Both"  # no Lambda here: start at the Parallel
    d.start(debug=False, data={}, definitions={"Flaky": definition})
    while not d.session.done:
        await asyncio.sleep(0.01)
    containers = {path: choices for path, _label, choices in d.views._containers(d.picture)}
    assert containers["/States/Both"] == [
        ("All branches", None),
        ("Branch 1: Left", 0),
        ("Branch 2: Right", 1),
    ]
    d.views.set_focus("/States/Both", 1)
    left = d.decorator.shown_overlay(window.scene.state_item("Flaky", "/States/Both/Branches[0]/States/Left"))
    right = d.decorator.shown_overlay(
        window.scene.state_item("Flaky", "/States/Both/Branches[1]/States/Right")
    )
    assert left.dimmed and not right.dimmed and right.status == SUCCEEDED
    d.views.set_focus("/States/Both", None)
    assert not left.dimmed


def test_an_idle_debugger_is_not_awaited_but_still_pauses_where_asked() -> None:
    class Counting(Debugger):
        calls = 0

        async def before_state(self, point: Any) -> Any:
            Counting.calls += 1
            return await super().before_state(point)

    chain = {
        "StartAt": "S0",
        "States": {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(9)}
        | {"S9": {"Type": "Pass", "End": True}},
    }

    async def scenario() -> list[str]:
        debugger = Counting()
        debugger.set_breakpoint("S5")
        task = asyncio.ensure_future(run_async(chain, {}, gate=debugger))
        first = await debugger.next_pause(timeout=5)
        debugger.step()
        second = await debugger.next_pause(timeout=5)
        debugger.resume()
        assert (await task).status == "SUCCEEDED"
        return [first.state, second.state]

    assert asyncio.run(scenario()) == ["S5", "S6"]
    assert Counting.calls == 2  # only where a pause was possible: the breakpoint and the step
