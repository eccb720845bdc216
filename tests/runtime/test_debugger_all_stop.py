"""All-stop debugging: when one branch or iteration pauses, every other one stops at its next
state, the user can switch to any of them and step it, and continue lets them all go."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import engine
from engine.runtime.clock import VirtualClock
from engine.runtime.debug import Debugger, Pause


def branch(prefix: str, first: dict[str, Any] | None = None) -> dict[str, Any]:
    """A branch of two Pass states, `<prefix>1` then `<prefix>2`, each adding its name to `seen`."""
    one = first or {"Type": "Pass", "Result": f"{prefix}1", "ResultPath": f"$.{prefix}1"}
    two = {"Type": "Pass", "Result": f"{prefix}2", "ResultPath": f"$.{prefix}2", "End": True}
    return {
        "StartAt": f"{prefix}1",
        "States": {f"{prefix}1": {**one, "Next": f"{prefix}2"}, f"{prefix}2": two},
    }


FAN = {
    "StartAt": "Start",
    "States": {
        "Start": {"Type": "Pass", "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Branches": [branch("A"), branch("B"), branch("C")], "Next": "Join"},
        "Join": {"Type": "Pass", "End": True},
    },
}
ITEMS = {
    "StartAt": "Items",
    "States": {
        "Items": {
            "Type": "Map",
            "ItemProcessor": {
                "StartAt": "Inner",
                "States": {
                    "Inner": {"Type": "Pass", "Parameters": {"v.$": "$.value"}, "Next": "After"},
                    "After": {
                        "Type": "Pass",
                        "Parameters": {"doubled.$": "States.MathAdd($.v, $.v)"},
                        "End": True,
                    },
                },
            },
            "End": True,
        }
    },
}
FIVE = [{"value": n} for n in range(1, 6)]


def start(definition: dict[str, Any], debugger: Debugger, data: Any = None, **options: Any) -> asyncio.Future:
    return asyncio.ensure_future(
        engine.run_async(definition, data if data is not None else {}, gate=debugger, **options)
    )


def states(debugger: Debugger) -> dict[str, tuple[str, str | None]]:
    """Each live thread's label -> (status, state)."""
    return {t.label: (t.status, t.state) for t in debugger.thread_list()}


def number(debugger: Debugger, label: str) -> int:
    return next(t.number for t in debugger.thread_list() if t.label == label)


def entered(result_or_history: Any) -> list[str]:
    history = getattr(result_or_history, "history", result_or_history)
    return [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]


async def pause_at(debugger: Debugger, state: str, label: str | None = None) -> Pause:
    pause = await debugger.next_pause(timeout=5)
    assert pause.state == state, (pause.state, pause.label, pause.reason)
    if label is not None:
        assert pause.label == label
    return pause


async def test_parallel_pause_in_one_branch_holds_the_others_and_any_can_be_stepped() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Fan")
    events: list[dict[str, Any]] = []
    execution = asyncio.ensure_future(engine.run_async(FAN, {}, gate=debugger, history_sinks=[events.append]))
    await pause_at(debugger, "Fan", "Execution")
    debugger.step_into()
    pause = await pause_at(debugger, "A1", "Parallel Fan/branch 1")
    assert (pause.reason, pause.depth, pause.path) == ("step", 1, ("Fan", "0"))
    await debugger.settle()
    assert states(debugger) == {
        "Execution": ("waiting", "Fan"),
        "Parallel Fan/branch 1": ("paused", "A1"),
        "Parallel Fan/branch 2": ("paused", "B1"),
        "Parallel Fan/branch 3": ("paused", "C1"),
    }
    assert entered(events) == ["Start", "Fan"]  # no branch ran a state: all stopped at their first
    assert debugger.selected is not None and debugger.selected.label == "Parallel Fan/branch 1"

    second = debugger.select(number(debugger, "Parallel Fan/branch 2"))
    assert (second.state, second.label, second.reason) == ("B1", "Parallel Fan/branch 2", "halt")
    assert debugger.current is second
    debugger.step()
    pause = await pause_at(debugger, "B2", "Parallel Fan/branch 2")
    assert pause.input == {"B1": "B1"}
    await debugger.settle()
    assert states(debugger)["Parallel Fan/branch 1"] == ("paused", "A1")  # stepping one moved no other
    assert states(debugger)["Parallel Fan/branch 3"] == ("paused", "C1")
    assert entered(events) == ["Start", "Fan", "B1"]

    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    plain = await engine.run_async(FAN, {})
    assert (result.status, result.output) == ("SUCCEEDED", plain.output)
    assert list(states(debugger)) == ["Execution"]  # every branch has ended


async def test_stepping_past_a_branch_end_stops_in_a_held_branch_and_out_reaches_the_join() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("A1")
    execution = start(FAN, debugger)
    await pause_at(debugger, "A1", "Parallel Fan/branch 1")
    debugger.step()
    await pause_at(debugger, "A2", "Parallel Fan/branch 1")
    debugger.step()  # branch 1 ends; the Parallel waits for branches 2 and 3, held: stop in one
    pause = await pause_at(debugger, "B1", "Parallel Fan/branch 2")
    assert pause.reason == "switch"
    debugger.step()
    await pause_at(debugger, "B2", "Parallel Fan/branch 2")
    debugger.step()  # branch 2 ends too: the step stops in the last one held
    pause = await pause_at(debugger, "C1", "Parallel Fan/branch 3")
    assert pause.reason == "switch"
    debugger.select(number(debugger, "Parallel Fan/branch 3"))
    debugger.step_into()
    pause = await pause_at(debugger, "C2", "Parallel Fan/branch 3")
    debugger.step_out()  # out of branch 3: to the Parallel's next state
    pause = await pause_at(debugger, "Join", "Execution")
    assert pause.depth == 0
    assert [sorted(r) for r in pause.input] == [["A1", "A2"], ["B1", "B2"], ["C1", "C2"]]
    debugger.resume()
    assert (await asyncio.wait_for(execution, 5)).output == (await engine.run_async(FAN, {})).output


async def test_a_switch_back_to_a_branch_stepped_before_says_switch() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Fan")
    execution = start(FAN, debugger)
    await pause_at(debugger, "Fan")
    debugger.step_into()
    await pause_at(debugger, "A1", "Parallel Fan/branch 1")
    await debugger.settle()
    debugger.select(number(debugger, "Parallel Fan/branch 2"))
    debugger.step()
    await pause_at(debugger, "B2", "Parallel Fan/branch 2")
    debugger.step()  # branch 2 ends: back to branch 1, where the user was before
    pause = await pause_at(debugger, "A1", "Parallel Fan/branch 1")
    assert pause.reason == "switch"
    debugger.resume()
    assert (await asyncio.wait_for(execution, 5)).status == "SUCCEEDED"


async def test_step_over_a_parallel_from_the_top_runs_every_branch() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Fan")
    execution = start(FAN, debugger)
    await pause_at(debugger, "Fan")
    debugger.step()
    pause = await pause_at(debugger, "Join", "Execution")
    assert len(pause.input) == 3
    debugger.resume()
    assert (await asyncio.wait_for(execution, 5)).status == "SUCCEEDED"


async def test_map_of_five_a_pause_in_one_iteration_holds_the_rest_at_their_breakpoint() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("Inner")
    execution = start(ITEMS, debugger, copy.deepcopy(FIVE))
    pause = await pause_at(debugger, "Inner", "Map Items/iteration 0")
    assert pause.input == {"value": 1}
    await debugger.settle()
    held = states(debugger)
    assert held.pop("Execution") == ("waiting", "Items")
    assert held == {f"Map Items/iteration {i}": ("paused", "Inner") for i in range(5)}

    third = debugger.select(number(debugger, "Map Items/iteration 3"))
    assert (third.input, third.reason) == ({"value": 4}, "breakpoint")
    debugger.step()
    pause = await pause_at(debugger, "After", "Map Items/iteration 3")
    assert pause.input == {"v": 4}
    debugger.set_input({"v": 40})  # the selected iteration's input, nobody else's

    reported = []
    for _ in range(3):  # continue reports the breakpoints the held iterations reached, in turn
        debugger.resume()
        reported.append((await pause_at(debugger, "Inner")).label)
    assert reported == [f"Map Items/iteration {i}" for i in (1, 2, 4)]
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    expected = (await engine.run_async(ITEMS, copy.deepcopy(FIVE))).output
    expected[3] = {"doubled": 80}
    assert (result.status, result.output) == ("SUCCEEDED", expected)


async def test_step_out_of_one_iteration_runs_the_whole_map() -> None:
    debugger = Debugger()
    debugger.pause()
    execution = start(ITEMS, debugger, copy.deepcopy(FIVE))
    await pause_at(debugger, "Items")
    debugger.step_into()
    await pause_at(debugger, "Inner", "Map Items/iteration 0")
    await debugger.settle()
    debugger.select(number(debugger, "Map Items/iteration 2"))
    debugger.step_out()  # out of iteration 2: the whole Map runs, nothing else stops
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    assert result.output == (await engine.run_async(ITEMS, copy.deepcopy(FIVE))).output


async def test_virtual_time_stands_still_while_paused() -> None:
    waits = copy.deepcopy(FAN)
    fan = waits["States"]["Fan"]
    fan["Branches"][0] = branch("A", {"Type": "Wait", "Seconds": 5})
    fan["Branches"][2] = branch("C", {"Type": "Wait", "Seconds": 60})
    clock = VirtualClock()
    began = clock.now()
    debugger = Debugger()
    debugger.set_breakpoint("A2")
    events: list[dict[str, Any]] = []
    execution = start(waits, debugger, clock=clock, history_sinks=[events.append])
    await pause_at(debugger, "A2", "Parallel Fan/branch 1")
    await asyncio.sleep(0.2)  # the loop idles: only branch 3's Wait could move time now
    assert (clock.now() - began).total_seconds() == 5
    assert states(debugger)["Parallel Fan/branch 3"][0] == "running"  # still inside its Wait
    assert [e["type"] for e in events].count("WaitStateExited") == 1  # branch 1's, not branch 3's
    assert entered(events).count("C2") == 0
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    assert result.status == "SUCCEEDED"
    assert (clock.now() - began).total_seconds() == 60


async def test_non_stop_lets_the_other_branches_run_on() -> None:
    debugger = Debugger(non_stop=True)
    debugger.set_breakpoint("A1")
    events: list[dict[str, Any]] = []
    execution = start(FAN, debugger, history_sinks=[events.append])
    await pause_at(debugger, "A1", "Parallel Fan/branch 1")
    for _ in range(100):
        if {"B2", "C2"} <= set(entered(events)):
            break
        await asyncio.sleep(0)
    assert {"B1", "B2", "C1", "C2"} <= set(entered(events))  # branches 2 and 3 finished meanwhile
    assert "A2" not in entered(events)
    assert list(states(debugger)) == ["Execution", "Parallel Fan/branch 1"]
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    assert result.output == (await engine.run_async(FAN, {})).output


async def test_selecting_a_thread_that_is_not_held_says_why() -> None:
    debugger = Debugger()
    debugger.set_breakpoint("A1")
    execution = start(FAN, debugger)
    await pause_at(debugger, "A1")
    await debugger.settle()
    for wrong, message in ((1, "is not paused: waiting in Fan"), (99, "no thread 99")):
        try:
            debugger.select(wrong)
        except LookupError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"thread {wrong} was selected")
    debugger.resume()
    assert (await asyncio.wait_for(execution, 5)).status == "SUCCEEDED"


async def test_a_distributed_maps_child_executions_are_threads_too() -> None:
    distributed = copy.deepcopy(ITEMS)
    distributed["States"]["Items"]["ItemProcessor"]["ProcessorConfig"] = {"Mode": "DISTRIBUTED"}
    debugger = Debugger()
    debugger.set_breakpoint("Inner")
    execution = start(distributed, debugger, copy.deepcopy(FIVE[:3]))
    await pause_at(debugger, "Inner", "Map Items/iteration 0")
    await debugger.settle()
    assert states(debugger) == {
        "Execution": ("waiting", "Items"),
        **{f"Map Items/iteration {i}": ("paused", "Inner") for i in range(3)},
    }
    debugger.resume()
    assert (await pause_at(debugger, "Inner")).label == "Map Items/iteration 1"
    debugger.resume()
    assert (await pause_at(debugger, "Inner")).label == "Map Items/iteration 2"
    debugger.resume()
    result = await asyncio.wait_for(execution, 5)
    assert result.output == (await engine.run_async(distributed, copy.deepcopy(FIVE[:3]))).output


async def test_a_project_run_settling_around_a_paused_execution_does_not_move_time() -> None:
    from engine.project import Project
    from engine.project.loader import LoadedProject
    from engine.project.model import StateMachineSpec
    from engine.project.runtime import ProjectRuntime

    waits = copy.deepcopy(FAN)
    waits["States"]["Fan"]["Branches"][0] = branch("A", {"Type": "Wait", "Seconds": 5})
    waits["States"]["Fan"]["Branches"][2] = branch("C", {"Type": "Wait", "Seconds": 60})
    project = Project(name="waits", state_machines={"Waits": StateMachineSpec()})
    runtime = ProjectRuntime(LoadedProject(project, None, {"Waits": waits}))
    began = runtime.clock.now()
    debugger = Debugger()
    debugger.set_breakpoint("A2")
    running = runtime.stepfunctions.start_execution(runtime.machine_arns["Waits"], {}, gate=debugger)
    settling = asyncio.ensure_future(runtime.settle())  # as the designer's session drives a run
    await pause_at(debugger, "A2", "Parallel Fan/branch 1")
    await asyncio.sleep(0.2)
    assert (runtime.clock.now() - began).total_seconds() == 5  # branch 3's Wait has not jumped
    debugger.resume()
    await asyncio.wait_for(settling, 5)
    assert (await running.task).status == "SUCCEEDED"
    assert (runtime.clock.now() - began).total_seconds() == 60
    await runtime.close()
