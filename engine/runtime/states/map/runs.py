"""Distributed Map: each item runs as a child execution with its own history.

The parent's history shows the map run (MapRunStarted, MapRunSucceeded or MapRunFailed), not
every iteration, as AWS does beyond the 25,000-event limit. Each child's history is that of an
execution: ExecutionStarted, its states, ExecutionSucceeded or ExecutionFailed. Failures up to the
tolerated count or percentage let the run succeed; past that it fails with
States.ExceedToleratedFailureThreshold.

A map run may have hundreds of thousands of items, so its children run on a pool of as many
workers as MaxConcurrency allows (1,000 by default), each taking the next item when its child
ends: the tasks and histories alive at once follow the concurrency, not the item count (a task
per item made up front cost over a kilobyte an item). The items and their results are still held,
since the results are the state's output.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from dataclasses import replace
from typing import Any

from engine.runtime import arns
from engine.runtime.env import Frame
from engine.runtime.errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, StateFailure
from engine.runtime.history import History, failed_details, payload_details, started_details
from engine.runtime.state_run import StateRun
from engine.runtime.states.map.settings import TOLERATED_FAILURE_CAUSE, MapSettings

DEFAULT_DISTRIBUTED_CONCURRENCY = 1000


async def run_distributed(
    run: StateRun, processor: dict[str, Any], items: list[Any], effective: Any, settings: MapSettings
) -> list[Any]:
    from engine.runtime.interpreter import Interpreter
    from engine.runtime.states.map.state import item_input

    env = run.env
    history = env.history
    label = run.state.get("Label") or run.name
    run_id = str(uuid.uuid4())
    map_run_arn = arns.map_run_arn(
        env.info.region, env.info.account, env.info.state_machine_name, label, run_id
    )
    history.add("MapRunStarted", {"mapRunArn": map_run_arn})
    limit = settings.max_concurrency or DEFAULT_DISTRIBUTED_CONCURRENCY
    results: list[Any] = [None] * len(items)
    failures: list[StateFailure] = []

    async def child(index: int, value: Any) -> None:
        data = item_input(run, index, value, effective)
        child_env = _child_env(run, index, map_run_arn)
        child_history = child_env.history
        started = started_details(data, child_env.info.role_arn)
        child_history.add("ExecutionStarted", started, previous=0)
        frame = Frame(
            dict(run.frame.variables),
            {"Index": index, "Value": value},
            None,
            (*run.frame.path, run.name, str(index)),
        )
        status, error, cause = "SUCCEEDED", None, None
        try:
            output = await Interpreter(child_env).run_scope(processor, data, frame, started["input"])
        except StateFailure as failure:
            failures.append(failure)
            results[index] = failure.error_output()
            details = failed_details(failure.error, failure.cause)
            child_history.add("ExecutionFailed", details)
            status, error, cause = "FAILED", failure.error, details.get("cause")
        else:
            results[index] = output
            succeeded: dict[str, Any] = {}
            succeeded["output"], succeeded["outputDetails"] = payload_details(output)
            child_history.add("ExecutionSucceeded", succeeded)
        if env.store is not None:
            stopped = env.clock.now()
            arn = child_env.info.execution_arn
            env.store.finish_execution(arn, status=status, error=error, cause=cause, stop_date=stopped)

    pending = iter(enumerate(items))  # shared: each worker takes the next item when its child ends

    async def worker() -> None:
        for index, value in pending:
            await child(index, value)

    await asyncio.gather(*(worker() for _ in range(min(limit, len(items)))))
    if _exceeds(settings, len(failures), len(items)):
        cause = TOLERATED_FAILURE_CAUSE
        history.add("MapRunFailed", {"error": EXCEED_TOLERATED_FAILURE_THRESHOLD, "cause": cause})
        raise StateFailure(EXCEED_TOLERATED_FAILURE_THRESHOLD, cause)
    history.add("MapRunSucceeded")
    history.add("MapStateSucceeded")
    return results


def _exceeds(settings: MapSettings, failed: int, total: int) -> bool:
    """Past either threshold (or any failure when neither is set) the map run fails."""
    if failed == 0:
        return False
    if settings.tolerated_count is None and settings.tolerated_percentage is None:
        return True
    return settings.over_tolerance(failed, total)


def _child_env(run: StateRun, index: int, map_run_arn: str) -> Any:
    """A child execution's environment: its own history, recorded in the store under the map run."""
    env = run.env
    arn = f"{env.info.execution_arn}/{run.name}/{index}"
    sinks = []
    if env.store is not None:
        from engine.store import ExecutionRecord

        env.store.create_execution(
            ExecutionRecord(
                execution_arn=arn,
                state_machine_arn=env.info.state_machine_arn,
                name=f"{env.info.name}/{index}",
                start_date=env.clock.now(),
                parent_arn=env.info.execution_arn,
                metadata={"mapRunArn": map_run_arn},
            )
        )
        sinks.append(functools.partial(env.store.append_event, arn))
    info = replace(env.info, execution_arn=arn, name=f"{env.info.name}/{index}")
    return replace(env, history=History(env.clock, sinks=sinks), info=info)
