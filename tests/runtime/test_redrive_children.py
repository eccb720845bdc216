"""Redriving from a Parallel or Map state: only the children that did not succeed run again, each
from where it stopped, and the outputs of the others are kept."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from engine.integrations import ServiceRegistry
from engine.runtime.api import Execution, run_async
from engine.runtime.clock import VirtualClock
from engine.runtime.redrive import redrive_async, redrive_info, redrive_point
from engine.runtime.redrive_ledger import LEDGER_KEY
from engine.store import MemoryStore


def fn(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:123456789012:function:{name}"


class Flaky:
    """Local functions that count their calls; `fail_once` ones fail their first call for `bad`."""

    def __init__(self, bad: Any) -> None:
        self.bad = bad
        self.calls: Counter[str] = Counter()

    def handler(self, name: str, *, fail_once: bool = False) -> Any:
        def call(event: Any, context: Any) -> Any:
            key = f"{name}:{event.get('n', '')}" if isinstance(event, dict) else name
            self.calls[key] += 1
            if fail_once and self.calls[key] == 1 and (self.bad is None or event.get("n") == self.bad):
                raise RuntimeError(f"{key} failed")
            return {"by": name, "n": event.get("n") if isinstance(event, dict) else None}

        return call


def run_then_redrive(
    machine: dict[str, Any], data: Any, handlers: dict[str, Any]
) -> tuple[Execution, Execution, list[dict[str, Any]], list[dict[str, Any]], MemoryStore]:
    """Run `machine` (it must fail), redrive it once; the two outcomes and the history before and
    after the redrive."""

    async def scenario() -> Any:
        store, clock = MemoryStore(), VirtualClock()
        registry = ServiceRegistry(handlers=handlers)
        first = await run_async(machine, data, clock=clock, name="one", store=store, services=registry)
        arn = first.execution_arn
        before = list(store.iter_history(arn))
        point = redrive_point(machine, before)
        record = store.get_execution(arn)
        store.reopen_execution(arn, metadata={"redriveCount": 1})
        info = redrive_info(record, account="123456789012", region="us-east-1", role_arn="r", redrive_count=1)
        second = await redrive_async(
            machine, info, point, clock=clock, services=registry, store=store, last_event_id=len(before)
        )
        return first, second, before, list(store.iter_history(arn))[len(before) :], store

    return asyncio.run(scenario())


def entered(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]


def distributed_map(execution_type: str) -> dict[str, Any]:
    """A distributed Map whose children pass through Mark, then call the `work` function."""
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
                    "StartAt": "Mark",
                    "States": {
                        "Mark": {"Type": "Pass", "Next": "Work"},
                        "Work": {"Type": "Task", "Resource": fn("work"), "End": True},
                    },
                },
            }
        },
    }


def test_a_redriven_parallel_runs_only_its_failed_branch_from_its_failed_state() -> None:
    flaky = Flaky(None)
    machine = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Next": "After",
                "Branches": [
                    {
                        "StartAt": "A",
                        "States": {"A": {"Type": "Task", "Resource": fn("steady"), "End": True}},
                    },
                    {
                        "StartAt": "Before",
                        "States": {
                            "Before": {"Type": "Wait", "Seconds": 5, "Next": "B"},
                            "B": {"Type": "Task", "Resource": fn("flaky"), "End": True},
                        },
                    },
                    {"StartAt": "C", "States": {"C": {"Type": "Task", "Resource": fn("other"), "End": True}}},
                ],
            },
            "After": {"Type": "Pass", "End": True},
        },
    }
    handlers = {
        "steady": flaky.handler("steady"),
        "flaky": flaky.handler("flaky", fail_once=True),
        "other": flaky.handler("other"),
    }
    first, second, _, new, _ = run_then_redrive(machine, {"n": 1}, handlers)
    assert first.status == "FAILED" and first.error == "RuntimeError"
    assert second.status == "SUCCEEDED", second
    assert second.output == [{"by": "steady", "n": 1}, {"by": "flaky", "n": 1}, {"by": "other", "n": 1}]
    assert flaky.calls == Counter({"steady:1": 1, "other:1": 1, "flaky:1": 2})
    assert new[0]["type"] == "ExecutionRedriven"
    # the Parallel is entered again; in it only branch 1 runs, from B (its Wait had ended)
    assert entered(new) == ["Fan", "B", "After"]


def test_a_redriven_inline_map_keeps_its_successful_iterations() -> None:
    flaky = Flaky(3)
    machine = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {
                    "StartAt": "Mark",
                    "States": {
                        "Mark": {"Type": "Pass", "Next": "Hold"},
                        "Hold": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Work"},
                        "Work": {"Type": "Task", "Resource": fn("work"), "End": True},
                    },
                },
            }
        },
    }
    items = [{"n": 1, "delay": 0}, {"n": 2, "delay": 1}, {"n": 3, "delay": 5}, {"n": 4, "delay": 60}]
    first, second, before, new, _ = run_then_redrive(
        machine, items, {"work": flaky.handler("work", fail_once=True)}
    )
    assert first.status == "FAILED"
    assert [
        e["mapIterationAbortedEventDetails"]["index"] for e in before if e["type"] == "MapIterationAborted"
    ] == [3]
    assert second.status == "SUCCEEDED", second
    assert second.output == [{"by": "work", "n": n} for n in (1, 2, 3, 4)]
    # item 3 failed in Work and runs it again; item 4 was stopped in its Wait and goes on from there
    assert flaky.calls == Counter({"work:1": 1, "work:2": 1, "work:3": 2, "work:4": 1})
    started = [
        e["mapIterationStartedEventDetails"]["index"] for e in new if e["type"] == "MapIterationStarted"
    ]
    assert sorted(started) == [2, 3]
    assert Counter(entered(new)) == Counter({"Each": 1, "Work": 2, "Hold": 1})


def test_a_redriven_distributed_map_redrives_its_map_run_and_failed_children() -> None:
    flaky = Flaky(2)
    machine = distributed_map("STANDARD")
    items = [{"n": 1}, {"n": 2}, {"n": 3}]
    first, second, before, new, store = run_then_redrive(
        machine, items, {"work": flaky.handler("work", fail_once=True)}
    )
    assert (first.status, first.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert second.status == "SUCCEEDED", second
    assert second.output == [{"by": "work", "n": n} for n in (1, 2, 3)]
    assert flaky.calls == Counter({"work:1": 1, "work:2": 2, "work:3": 1})
    started = next(e for e in before if e["type"] == "MapRunStarted")["mapRunStartedEventDetails"]
    redriven = next(e for e in new if e["type"] == "MapRunRedriven")
    assert redriven["mapRunRedrivenEventDetails"] == {"mapRunArn": started["mapRunArn"], "redriveCount": 1}
    assert "MapRunStarted" not in [e["type"] for e in new]
    # the failed child was redriven under its own ARN: its history grows and continues from Work
    child = store.get_execution(first.execution_arn + "/Each/1")
    assert child is not None and (child.status, child.metadata["redriveCount"]) == ("SUCCEEDED", 1)
    types = [e["type"] for e in store.iter_history(child.execution_arn)]
    tail = types[types.index("ExecutionRedriven") :]
    assert tail[:2] == ["ExecutionRedriven", "TaskStateEntered"] and tail[-1] == "ExecutionSucceeded"
    assert types.count("ExecutionStarted") == 1 and types.count("PassStateEntered") == 1
    other = store.get_execution(first.execution_arn + "/Each/0")
    assert other is not None and "redriveCount" not in other.metadata


def test_a_map_failed_inside_a_parallel_branch_is_redriven_inside_it() -> None:
    flaky = Flaky(2)
    machine = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {
                        "StartAt": "A",
                        "States": {"A": {"Type": "Task", "Resource": fn("steady"), "End": True}},
                    },
                    {
                        "StartAt": "Assign",
                        "States": {
                            "Assign": {"Type": "Pass", "Assign": {"seen": "yes"}, "Next": "Each"},
                            "Each": {
                                "Type": "Map",
                                "ItemsPath": "$.items",
                                "ItemSelector": {"n.$": "$$.Map.Item.Value", "seen.$": "$seen"},
                                "ItemProcessor": {
                                    "StartAt": "Hold",
                                    "States": {
                                        "Hold": {"Type": "Wait", "SecondsPath": "$.n", "Next": "Work"},
                                        "Work": {"Type": "Task", "Resource": fn("work"), "End": True},
                                    },
                                },
                                "End": True,
                            },
                        },
                    },
                ],
            }
        },
    }
    handlers = {"steady": flaky.handler("steady"), "work": flaky.handler("work", fail_once=True)}
    first, second, _, new, _ = run_then_redrive(machine, {"n": 0, "items": [1, 2]}, handlers)
    assert first.status == "FAILED"
    assert second.status == "SUCCEEDED", second
    assert second.output == [{"by": "steady", "n": 0}, [{"by": "work", "n": 1}, {"by": "work", "n": 2}]]
    assert flaky.calls == Counter({"steady:0": 1, "work:1": 1, "work:2": 2})
    # the branch goes on at its Map (the variable it assigned before is still there); the Map runs item 2
    assert entered(new) == ["Fan", "Each", "Work"]


def test_a_map_run_redriven_a_thousand_times_is_not_redriven_again() -> None:
    """AWS's hard limit: the 1,001st redrive of a map run fails with States.Runtime."""
    machine = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Work",
                    "States": {"Work": {"Type": "Task", "Resource": fn("work"), "End": True}},
                },
            }
        },
    }

    def work(event: Any, context: Any) -> Any:
        raise RuntimeError("always")

    async def scenario() -> Any:
        store, clock = MemoryStore(), VirtualClock()
        registry = ServiceRegistry(handlers={"work": work})
        first = await run_async(machine, [1], clock=clock, name="one", store=store, services=registry)
        arn = first.execution_arn
        ledger = store.get_execution(arn).metadata[LEDGER_KEY]
        ledger["Each"]["mapRun"]["redriveCount"] = 1000
        store.update_metadata(arn, {LEDGER_KEY: ledger})
        before = list(store.iter_history(arn))
        record = store.get_execution(arn)
        store.reopen_execution(arn, metadata={"redriveCount": 1})
        info = redrive_info(record, account="123456789012", region="us-east-1", role_arn="r", redrive_count=1)
        return await redrive_async(
            machine,
            info,
            redrive_point(machine, before),
            clock=clock,
            services=registry,
            store=store,
            last_event_id=len(before),
        )

    second = asyncio.run(scenario())
    assert (second.status, second.error) == ("FAILED", "States.Runtime")
    assert "limit of 1000 redrives" in (second.cause or "")
    assert "MapRunRedriven" not in [e["type"] for e in second.history]


def test_a_redriven_map_run_runs_its_failed_express_children_from_the_start() -> None:
    flaky = Flaky(2)
    machine = distributed_map("EXPRESS")
    first, second, _, _, store = run_then_redrive(
        machine, [{"n": 1}, {"n": 2}], {"work": flaky.handler("work", fail_once=True)}
    )
    assert first.status == "FAILED" and second.status == "SUCCEEDED", second
    assert flaky.calls == Counter({"work:1": 1, "work:2": 2})
    child = store.get_execution(first.execution_arn + "/Each/1")
    assert child is not None and child.status == "SUCCEEDED"
    types = [e["type"] for e in store.iter_history(child.execution_arn)]
    tail = types[types.index("ExecutionRedriven") :]
    assert tail[:2] == ["ExecutionRedriven", "PassStateEntered"]  # again from its first state
