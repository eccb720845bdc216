"""Redriving a finished execution: continue it from the state where it stopped, under its own ARN.

Step Functions keeps what the successful states did and runs again from the unsuccessful one, with
the input that state received the first time; the history grows by an ``ExecutionRedriven`` event
and whatever the second attempt writes. Both come from the history already stored: the last
top-level state that was entered and never exited is where the execution stopped, and its Entered
event holds its input; the variables assigned before it are in the Exited events of the states
that ran. When that state is a Parallel or a Map, it runs again only its branches, iterations or
child executions that did not succeed, each from where it stopped: the execution record's
redrive ledger (engine.runtime.redrive_ledger) says which those are.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from engine.runtime.api import Execution, conclude, record_end
from engine.runtime.clock import Clock
from engine.runtime.env import ExecutionEnv, ExecutionInfo, Frame
from engine.runtime.history import (
    History,
)
from engine.runtime.interpreter import Interpreter
from engine.runtime.redrive_ledger import LEDGER_KEY, RedriveLedger, ResumePoint


class NotRedrivable(Exception):
    """The execution cannot continue locally; the message says why (it reaches the user)."""


def redrive_point(machine: dict[str, Any], events: Iterable[dict[str, Any]]) -> ResumePoint:
    """Find the top-level state the execution stopped in, from its history."""
    states = machine.get("States", {})
    open_state: tuple[str, str] | None = None
    variables: dict[str, Any] = {}
    for event in events:
        kind = event.get("type", "")
        if kind.endswith("StateEntered"):
            details = event.get("stateEnteredEventDetails") or {}
            if details.get("name") in states:
                open_state = (details["name"], details.get("input") or "{}")
        elif kind.endswith("StateExited"):
            details = event.get("stateExitedEventDetails") or {}
            if details.get("name") in states:
                open_state = None
                for key, text in (details.get("assignedVariables") or {}).items():
                    variables[key] = json.loads(text)
    if open_state is None:
        raise NotRedrivable("Execution history has no unsuccessful state to redrive from.")
    name, input_text = open_state
    return ResumePoint(name, input_text, variables)


async def redrive_async(
    machine: dict[str, Any],
    info: ExecutionInfo,
    point: ResumePoint,
    *,
    clock: Clock,
    services: Any,
    store: Any,
    last_event_id: int,
    history_sinks: list[Any] | None = None,
    callbacks: Any = None,
    gate: Any = None,
) -> Execution:
    """Continue a reopened execution from `point`; its record must already be RUNNING in `store`.

    `info.redrive_count` is this attempt's count (the context object's `$$.Execution.RedriveCount`).
    """
    sinks = list(history_sinks or [])
    if store is not None:
        sinks.append(functools.partial(store.append_event, info.execution_arn))
    history = History(clock, sinks=sinks, last_id=last_event_id)
    env = ExecutionEnv(
        info, clock, history, services, gate=gate, query_language=machine.get("QueryLanguage", "JSONPath")
    )
    env.store = store
    if store is not None:
        record = store.get_execution(info.execution_arn)
        plan = record.metadata.get(LEDGER_KEY) if record is not None else None
        env.redrive = RedriveLedger(store, info.execution_arn, plan)
    if callbacks is not None:
        env.callbacks = callbacks
    history.add("ExecutionRedriven", {"redriveCount": info.redrive_count})
    execution = Execution("RUNNING", execution_arn=info.execution_arn, start_date=info.start_time)
    body = Interpreter(env).run_scope(
        point.scope(machine), point.data(), point.frame(Frame()), point.input_text
    )
    await conclude(body, machine.get("TimeoutSeconds"), clock, history, execution)
    if store is not None:
        record_end(store, execution)
    return execution


def redrive_info(
    record: Any, *, account: str, region: str, role_arn: str, redrive_count: int
) -> ExecutionInfo:
    """The execution's own identity (ARN, start time, input) from its stored record."""
    start: datetime = record.start_date
    machine_name = record.state_machine_arn.rsplit(":", 1)[-1]
    return ExecutionInfo(
        execution_arn=record.execution_arn,
        name=record.name,
        state_machine_arn=record.state_machine_arn,
        state_machine_name=machine_name,
        role_arn=role_arn,
        input=json.loads(record.input or "{}"),
        start_time=start,
        account=account,
        region=region,
        redrive_count=redrive_count,
    )
