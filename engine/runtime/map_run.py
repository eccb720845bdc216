"""Distributed Map: each item runs as a child execution with its own history.

The parent's history shows the map run (MapRunStarted, MapRunSucceeded or MapRunFailed), not
every iteration, as AWS does beyond the 25,000-event limit. Failures up to the tolerated count
or percentage let the run succeed; past that it fails with
States.ExceedToleratedFailureThreshold.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from engine.runtime.env import Frame
from engine.runtime.errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, StateFailure
from engine.runtime.history import History
from engine.runtime.map_settings import MapSettings
from engine.runtime.state_run import StateRun

DEFAULT_DISTRIBUTED_CONCURRENCY = 1000


async def run_distributed(run: StateRun, processor: dict[str, Any], items: list[Any], effective: Any,
                          settings: MapSettings) -> list[Any]:
    from engine.runtime.interpreter import Interpreter
    from engine.runtime.states.map_state import item_input

    env = run.env
    history = env.history
    label = run.state.get("Label") or run.name
    run_id = str(uuid.uuid4())
    map_run_arn = (
        f"arn:aws:states:{env.info.region}:{env.info.account}:mapRun:{env.info.state_machine_name}/"
        f"{label}:{run_id}"
    )
    history.add("MapRunStarted", {"mapRunArn": map_run_arn})
    limit = settings.max_concurrency or DEFAULT_DISTRIBUTED_CONCURRENCY
    semaphore = asyncio.Semaphore(limit)
    results: list[Any] = [None] * len(items)
    failures: list[StateFailure] = []

    async def child(index: int, value: Any) -> None:
        async with semaphore:
            data = item_input(run, index, value, effective)
            child_env = _child_env(run, index)
            frame = Frame(dict(run.frame.variables), {"Index": index, "Value": value}, None,
                          run.frame.path + (run.name, str(index)))
            try:
                results[index] = await Interpreter(child_env).run_scope(processor, data, frame)
            except StateFailure as failure:
                failures.append(failure)
                results[index] = failure.error_output()

    await asyncio.gather(*(child(i, v) for i, v in enumerate(items)))
    if _exceeds(settings, len(failures), len(items)):
        cause = "The specified tolerated failure threshold was exceeded"
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
    if settings.tolerated_count is not None and failed > settings.tolerated_count:
        return True
    return settings.tolerated_percentage is not None and failed * 100.0 / total > settings.tolerated_percentage


def _child_env(run: StateRun, index: int) -> Any:
    from dataclasses import replace

    env = run.env
    child_history = History(env.clock, sinks=list(getattr(env, "child_sinks", [])))
    info = replace(env.info, execution_arn=f"{env.info.execution_arn}/{run.name}/{index}",
                   name=f"{env.info.name}/{index}")
    return replace(env, history=child_history, info=info)
