"""The debug gate driven headless: pause at a state, read its input, step, continue."""

from __future__ import annotations

import asyncio
import time

import engine
from engine.runtime.debug import Debugger, Tracer

MACHINE = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"items": [1, 2]}, "ResultPath": "$.order", "Next": "Each"},
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.order.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "StartAt": "Double",
                "States": {
                    "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": True}
                },
            },
            "ResultPath": "$.doubled",
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}


async def _run_with(debugger: Debugger, data: object = None):
    return asyncio.ensure_future(
        engine.run_async(MACHINE, data if data is not None else {"id": 7}, gate=debugger)
    )


async def test_breakpoint_pauses_with_the_state_input_then_step_and_continue() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Each")
    execution = await _run_with(debugger)
    pause = await debugger.next_pause(timeout=5)
    assert pause.state == "Each"
    assert pause.input == {"id": 7, "order": {"items": [1, 2]}}
    debugger.step()  # the next state at this depth: Done (the Map runs its items)
    pause = await debugger.next_pause(timeout=5)
    assert pause.state == "Done"
    assert pause.input["doubled"] == [{"v": 2}, {"v": 4}]
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    assert result.status == "SUCCEEDED"


async def test_step_into_a_map_iteration_and_out_again() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Each")
    execution = await _run_with(debugger)
    await debugger.next_pause(timeout=5)
    debugger.step_into()
    pause = await debugger.next_pause(timeout=5)
    assert (pause.state, pause.input, pause.depth) == ("Double", 1, 1)
    debugger.step_out()
    pause = await debugger.next_pause(timeout=5)
    assert pause.state == "Done"
    debugger.resume()
    assert (await asyncio.wait_for(execution, 5)).status == "SUCCEEDED"


async def test_conditional_breakpoint_and_edited_input() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Double", "{% $states.input = 2 %}")
    execution = await _run_with(debugger)
    pause = await debugger.next_pause(timeout=5)
    assert (pause.state, pause.input) == ("Double", 2)
    debugger.set_input(10)
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    assert result.output["doubled"] == [{"v": 2}, {"v": 20}]


async def test_stop_aborts_the_execution() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Prepare")
    execution = await _run_with(debugger)
    await debugger.next_pause(timeout=5)
    debugger.stop()
    result = await asyncio.wait_for(execution, 5)
    assert result.status == "ABORTED"
    assert result.history[-1]["type"] == "ExecutionAborted"


def test_an_idle_gate_changes_nothing() -> None:
    plain = engine.run(MACHINE, {"id": 1})
    traced = engine.run(MACHINE, {"id": 1}, gate=Tracer())
    assert plain.output == traced.output
    assert [e["type"] for e in plain.history] == [e["type"] for e in traced.history]
    started = time.perf_counter()
    engine.run(MACHINE, {"id": 1}, gate=Debugger())
    assert time.perf_counter() - started < 5
