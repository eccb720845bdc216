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
since the results are the state's output. UpdateMapRun changes the concurrency and the tolerated
failures while the run goes on (engine.runtime.states.map.control).

A redriven execution redrives its map run (MapRunRedriven, same map run ARN): the child executions
that succeeded keep their outputs and do not run; a Standard child that did not is redriven (its
record reopened, its history grows by ExecutionRedriven and continues from the state it stopped
in); an Express child runs again from the start, as AWS starts it anew.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from engine.runtime import arns
from engine.runtime.env import ExecutionEnv, Frame
from engine.runtime.errors import EXCEED_TOLERATED_FAILURE_THRESHOLD, RUNTIME, StateFailure
from engine.runtime.history import History, failed_details, payload_details, started_details
from engine.runtime.interpreter import Interpreter
from engine.runtime.redrive_ledger import ChildPlan
from engine.runtime.state_run import StateRun
from engine.runtime.states.map.control import MapRunControl, WorkerPool, track, untrack
from engine.runtime.states.map.settings import TOLERATED_FAILURE_CAUSE, MapSettings
from engine.runtime.states.map.state import item_input

DEFAULT_DISTRIBUTED_CONCURRENCY = 1000
MAX_MAP_RUN_REDRIVES = 1000  # AWS's hard limit on redrives of one map run


async def run_distributed(
    run: StateRun, processor: dict[str, Any], items: list[Any], effective: Any, settings: MapSettings
) -> list[Any]:
    env = run.env
    history = env.history
    ledger = env.redrive
    plan = ledger.take(run.frame, run.name) if ledger is not None else None
    express = (processor.get("ProcessorConfig") or {}).get("ExecutionType") == "EXPRESS"
    map_run = _start_map_run(run, plan)
    map_run_arn = map_run["mapRunArn"]
    limit = settings.max_concurrency or DEFAULT_DISTRIBUTED_CONCURRENCY
    results: list[Any] = [None] * len(items)
    kept = {i: v for i, v in (plan.succeeded if plan is not None else {}).items() if i < len(items)}
    for index, output in kept.items():
        results[index] = output
    failures: list[StateFailure] = []
    frames: dict[int, Frame] = {}  # the children running, failed or stopped: where each one is

    async def child(index: int, value: Any) -> None:
        data = item_input(run, index, value, effective)
        frame = Frame(
            dict(run.frame.variables),
            {"Index": index, "Value": value},
            None,
            (*run.frame.path, run.name, str(index)),
        )
        frames[index] = frame
        point = plan.points.get(index) if plan is not None and not express else None
        child_env = _child_env(run, index, map_run_arn, redriven=plan is not None)
        child_history = child_env.history
        scope, text = processor, None
        if point is not None:
            scope, frame = point.scope(processor), point.frame(frame)
            data, text = point.data(), point.input_text
        if child_env.info.redrive_count:  # redriven: a Standard child continues where it stopped
            child_history.add("ExecutionRedriven", {"redriveCount": child_env.info.redrive_count})
        else:
            started = started_details(data, child_env.info.role_arn)
            child_history.add("ExecutionStarted", started, previous=0)
            text = started["input"]
        status, error, cause = "SUCCEEDED", None, None
        try:
            output = await Interpreter(child_env).run_scope(scope, data, frame, text)
        except StateFailure as failure:
            failures.append(failure)
            results[index] = failure.error_output()
            details = failed_details(failure.error, failure.cause)
            child_history.add("ExecutionFailed", details)
            status, error, cause = "FAILED", failure.error, details.get("cause")
        else:
            results[index] = output
            del frames[index]  # only an unsuccessful child's frame is kept, for where it stopped
            out: dict[str, Any] = {}
            out["output"], out["outputDetails"] = payload_details(output)
            child_history.add("ExecutionSucceeded", out)
        _finish(run, child_env, status, error, cause)

    # shared: each worker takes the next item when its child ends
    pending = ((i, v) for i, v in enumerate(items) if i not in kept)

    async def worker(should_stop: Callable[[], bool]) -> bool:
        """Run items until none are left (False) or the pool has one worker too many (True)."""
        for index, value in pending:
            await child(index, value)
            if should_stop():
                return True
        return False

    def keep() -> None:
        """The run failed or was stopped: the children that did not succeed are those with a frame
        left and those never started; the others' outputs are kept for a redrive."""
        if ledger is not None:
            unfinished: list[tuple[int, Frame | None]] = [*frames.items(), *((i, None) for i, _ in pending)]
            left = {i for i, _ in unfinished}
            succeeded = {i: results[i] for i in range(len(items)) if i not in left}
            ledger.record(run.frame, run.name, succeeded, unfinished, plan, map_run)

    pool = WorkerPool(worker, lambda: settings.max_concurrency or DEFAULT_DISTRIBUTED_CONCURRENCY)
    control = _control(run, map_run, settings, len(items), pool)
    try:
        await pool.run(min(limit, len(items) - len(kept)))
    except asyncio.CancelledError:
        keep()
        control.finish("ABORTED", env.clock.now())
        raise
    finally:
        untrack(map_run_arn)
    if _exceeds(settings, len(failures), len(items)):
        keep()
        control.finish("FAILED", env.clock.now())
        cause = TOLERATED_FAILURE_CAUSE
        history.add("MapRunFailed", {"error": EXCEED_TOLERATED_FAILURE_THRESHOLD, "cause": cause})
        raise StateFailure(EXCEED_TOLERATED_FAILURE_THRESHOLD, cause)
    control.finish("SUCCEEDED", env.clock.now())
    history.add("MapRunSucceeded")
    history.add("MapStateSucceeded")
    return results


def _control(
    run: StateRun, map_run: dict[str, Any], settings: MapSettings, total: int, pool: WorkerPool
) -> MapRunControl:
    """The run as UpdateMapRun and DescribeMapRun reach it, tracked while it runs and recorded."""
    env = run.env
    now = env.clock.now()
    redriven = int(map_run.get("redriveCount", 0))
    control = MapRunControl(
        str(map_run["mapRunArn"]),
        env.info.execution_arn,
        settings,
        env.store,
        pool.resize,
        total=total,
        writes_results="ResultWriter" in run.state,
        start_date=now,
        redrive_count=redriven,
        redrive_date=now if redriven else None,
    )
    track(control)
    return control


def _start_map_run(run: StateRun, plan: ChildPlan | None) -> dict[str, Any]:
    """A new map run (MapRunStarted), or, when the execution is redriven, the last attempt's map
    run again (MapRunRedriven), at most 1,000 times as AWS allows."""
    env = run.env
    if plan is not None and plan.map_run is not None:
        count = int(plan.map_run.get("redriveCount", 0)) + 1
        arn = str(plan.map_run["mapRunArn"])
        if count > MAX_MAP_RUN_REDRIVES:
            raise StateFailure(
                RUNTIME, f"Map Run '{arn}' cannot be redriven: it reached the limit of 1000 redrives."
            )
        env.history.add("MapRunRedriven", {"mapRunArn": arn, "redriveCount": count})
        return {"mapRunArn": arn, "redriveCount": count}
    label = run.state.get("Label") or run.name
    arn = arns.map_run_arn(
        env.info.region, env.info.account, env.info.state_machine_name, label, str(uuid.uuid4())
    )
    env.history.add("MapRunStarted", {"mapRunArn": arn})
    return {"mapRunArn": arn, "redriveCount": 0}


def _finish(
    run: StateRun, child_env: ExecutionEnv, status: str, error: str | None, cause: str | None
) -> None:
    store = run.env.store
    if store is not None:
        arn = child_env.info.execution_arn
        store.finish_execution(arn, status=status, error=error, cause=cause, stop_date=run.env.clock.now())


def _exceeds(settings: MapSettings, failed: int, total: int) -> bool:
    """Past either threshold (or any failure when neither is set) the map run fails."""
    if failed == 0:
        return False
    if settings.tolerated_count is None and settings.tolerated_percentage is None:
        return True
    return settings.over_tolerance(failed, total)


def _child_env(run: StateRun, index: int, map_run_arn: str, *, redriven: bool = False) -> ExecutionEnv:
    """A child execution's environment: its own history, recorded in the store under the map run.

    In a redriven map run a child that ran before keeps its record and its history, which grows
    (its redrive count in `info.redrive_count`)."""
    env = run.env
    arn = f"{env.info.execution_arn}/{run.name}/{index}"
    sinks = []
    last_id, count = 0, 0
    if env.store is not None:
        # Imported here for start-up time: the store loads only when a run keeps its execution.
        from engine.store import ExecutionRecord

        before = env.store.get_execution(arn) if redriven else None
        if before is not None:
            if before.status == "RUNNING":  # cut short with its parent, which was stopped: it ends now
                env.store.finish_execution(arn, status="ABORTED", stop_date=env.clock.now())
            count = int(before.metadata.get("redriveCount", 0)) + 1
            env.store.reopen_execution(arn, metadata={"redriveCount": count})
            last_id = env.store.history_length(arn)
        else:
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
    info = replace(env.info, execution_arn=arn, name=f"{env.info.name}/{index}", redrive_count=count)
    return replace(env, history=History(env.clock, sinks=sinks, last_id=last_id), info=info)
