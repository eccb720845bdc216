"""Running a definition: `run` (blocking) and `run_async` (on the running event loop)."""

from __future__ import annotations

import asyncio
import functools
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.asl import json_value_problem, load_document
from engine.deep_nesting import nesting_headroom
from engine.integrations import MockConfig, ServiceRegistry
from engine.runtime.arns import execution_arn, state_machine_arn
from engine.runtime.clock import Clock, RealClock, VirtualClock
from engine.runtime.env import ExecutionEnv, ExecutionInfo, Frame
from engine.runtime.errors import ExecutionAborted, InvalidExecutionInput, StateFailure
from engine.runtime.history import (
    History,
    HistoryLimitExceeded,
    failed_details,
    payload_details,
    started_details,
    to_json_text,
)
from engine.runtime.interpreter import Interpreter
from engine.runtime.redrive_ledger import RedriveLedger

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass
class Execution:
    """The outcome of one execution and its AWS-shaped history.

    The output and the history stay out of the repr: `asyncio.run` (3.12) formats the finished
    task, result included, when it restores the SIGINT handler, and a history of thousands of
    events would cost more to print than the run took.
    """

    status: str  # SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    output: Any = field(default=None, repr=False)
    error: str | None = None
    cause: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list, repr=False)
    execution_arn: str = ""
    start_date: datetime | None = None
    stop_date: datetime | None = None

    def to_json(self, *, with_history: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        if self.status == "SUCCEEDED":
            out["output"] = self.output
        else:
            if self.error is not None:
                out["error"] = self.error
            if self.cause is not None:
                out["cause"] = self.cause
        if with_history:
            out["history"] = [_event_json(e) for e in self.history]
        return out


def _event_json(event: dict[str, Any]) -> dict[str, Any]:
    out = dict(event)
    stamp = out.get("timestamp")
    if isinstance(stamp, datetime):
        out["timestamp"] = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return out


def run(
    definition: Any,
    input: Any = None,
    *,
    clock: str | Clock = "virtual",
    mocks: Any = None,
    handlers: dict[str, Any] | None = None,
    **options: Any,
) -> Execution:
    """Run a definition to the end and return its Execution (blocking)."""
    return asyncio.run(run_async(definition, input, clock=clock, mocks=mocks, handlers=handlers, **options))


async def run_async(
    definition: Any,
    input: Any = None,
    *,
    clock: str | Clock = "virtual",
    mocks: Any = None,
    handlers: dict[str, Any] | None = None,
    name: str | None = None,
    state_machine_name: str = "StateMachine",
    machine_type: str = "STANDARD",
    account: str = DEFAULT_ACCOUNT,
    region: str = DEFAULT_REGION,
    role_arn: str | None = None,
    gate: Any = None,
    services: ServiceRegistry | None = None,
    test_case: str | None = None,
    history_sinks: list[Any] | None = None,
    seed: int | None = None,
    store: Any = None,
    parent_arn: str | None = None,
    callbacks: Any = None,
    metadata: dict[str, Any] | None = None,
) -> Execution:
    """Run a definition on the running event loop.

    `mocks` is a MockConfig, or a Step Functions Local mock config (dict or path) used with
    `test_case`; `handlers` maps Lambda function names or ARNs to `handler(event, context)`.
    `metadata` goes into the store's record (what a later redrive must run the same way again).
    """
    machine = (
        definition
        if isinstance(definition, dict)
        else load_document(Path(definition) if isinstance(definition, Path) else definition)
    )
    problem = json_value_problem(input)
    if problem is not None:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{problem[0]}' at {problem[1]}")
    the_clock: Clock = VirtualClock() if clock == "virtual" else RealClock() if clock == "real" else clock  # type: ignore[assignment]
    registry = services or ServiceRegistry(handlers=handlers)
    if registry.functions.clock is None:
        registry.functions.clock = the_clock
    if handlers and services is not None:
        for fn, handler in handlers.items():
            registry.functions.register(fn, handler)
    if mocks is not None:
        registry.mocks = (
            mocks
            if isinstance(mocks, MockConfig)
            else MockConfig.load(mocks, state_machine=state_machine_name, test_case=test_case or "")
        )
    name = name or str(uuid.uuid4())
    info = ExecutionInfo(
        execution_arn=execution_arn(region, account, state_machine_name, name, machine_type=machine_type),
        name=name,
        state_machine_arn=state_machine_arn(region, account, state_machine_name),
        state_machine_name=state_machine_name,
        role_arn=role_arn or f"arn:aws:iam::{account}:role/StateCanvasExecutionRole",
        input=input,
        start_time=the_clock.now(),
        account=account,
        region=region,
    )
    sinks = list(history_sinks or [])
    if store is not None:
        # Imported here for start-up time: the store loads only when a run keeps its execution.
        from engine.store import ExecutionRecord

        store.create_execution(
            ExecutionRecord(
                execution_arn=info.execution_arn,
                state_machine_arn=info.state_machine_arn,
                name=name,
                start_date=info.start_time,
                input=to_json_text(input),
                parent_arn=parent_arn,
                definition=to_json_text(machine),
                metadata=dict(metadata or {}),
            )
        )
        sinks.append(functools.partial(store.append_event, info.execution_arn))
    history = History(the_clock, sinks=sinks)
    env = ExecutionEnv(
        info,
        the_clock,
        history,
        registry,
        gate=gate,
        query_language=machine.get("QueryLanguage", "JSONPath"),
        store=store,
    )
    if callbacks is not None:
        env.callbacks = callbacks
    if store is not None:
        env.redrive = RedriveLedger(store, info.execution_arn)
    started = started_details(input, info.role_arn)
    history.add("ExecutionStarted", started, previous=0)
    execution = Execution("RUNNING", execution_arn=info.execution_arn, start_date=info.start_time)
    interpreter = Interpreter(env, seed=seed)
    body = interpreter.run_scope(machine, input, Frame(), started["input"])
    await conclude(body, machine.get("TimeoutSeconds"), the_clock, history, execution)
    if services is None and registry.emulation is not None:
        registry.emulation.close()  # the run made its emulated account: it ends with the run
    if store is not None:
        record_end(store, execution)
    return execution


async def conclude(body: Any, timeout: Any, clock: Clock, history: History, execution: Execution) -> None:
    """Run an execution's top-level scope to its end and record how it ended, as AWS does: the
    closing history event and the execution's status, output, error, cause and stop date (a run
    and a redrive end the same way)."""
    try:
        with nesting_headroom():  # payloads and templates may nest as deeply as AWS accepts
            output = await _with_timeout(body, timeout, clock) if timeout else await body
    except StateFailure as failure:
        details = failed_details(failure.error, failure.cause)
        history.add("ExecutionFailed", details)
        execution.status, execution.error, execution.cause = "FAILED", failure.error, details.get("cause")
    except TimeoutError:
        history.add("ExecutionTimedOut", {})
        execution.status = "TIMED_OUT"
    except ExecutionAborted as aborted:
        history.add("ExecutionAborted", {})
        execution.status, execution.error, execution.cause = "ABORTED", aborted.error, aborted.cause
    except HistoryLimitExceeded:
        execution.status, execution.error = "FAILED", "States.Runtime"
        execution.cause = "The execution reached the maximum number of history events (25000)."
    else:
        succeeded: dict[str, Any] = {}
        succeeded["output"], succeeded["outputDetails"] = payload_details(output)
        history.add("ExecutionSucceeded", succeeded)
        execution.status, execution.output = "SUCCEEDED", output
    execution.history = history.events
    execution.stop_date = clock.now()


def record_end(store: Any, execution: Execution) -> None:
    """Write how an execution ended to its store record."""
    store.finish_execution(
        execution.execution_arn,
        status=execution.status,
        output=to_json_text(execution.output) if execution.status == "SUCCEEDED" else None,
        error=execution.error,
        cause=execution.cause,
        stop_date=execution.stop_date,
    )


async def _with_timeout(body: Any, seconds: float, clock: Clock) -> Any:
    work = asyncio.ensure_future(body)
    timer = asyncio.ensure_future(clock.sleep(seconds))
    try:
        done, _ = await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    if work in done:
        return work.result()
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)
    raise TimeoutError
