"""RedriveExecution over the wire, and the redrive fields DescribeExecution/ListExecutions report.

A Standard execution that ended FAILED, TIMED_OUT or ABORTED in the last 14 days continues from the
state it stopped in, with the same ARN; the store reopens its record and its history grows. A
Parallel or Map state it stopped in runs again only its unsuccessful branches, iterations or child
executions (engine.runtime.redrive_ledger). An execution started as ``stateMachineArn#TestCase``
is redriven with that test case's mocked responses again. What cannot be redriven is refused with
AWS's ``ExecutionNotRedrivable`` and the reason AWS gives (``redriveStatusReason``, worded as AWS
words it: no closing period), or, for what only the local engine cannot do, the reason why.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.runtime import (
    MAX_HISTORY_EVENTS,
    NotRedrivable,
    RealClock,
    RunningExecution,
    VirtualClock,
    redrive_async,
    redrive_info,
    redrive_point,
)
from engine.serve.dispatch import AwsError, ServeContext, ServeRequest
from engine.serve.sfn_runs import find_record, keep_mock_counts, registry_for, trace_finished
from engine.serve.sfn_shapes import member, timestamp
from engine.serve.sfn_state import sfn_state

REDRIVABLE_PERIOD = timedelta(days=14)
MAX_EXECUTION_TIME = timedelta(days=365)  # a Standard execution's whole life, redrives included
EXPRESS_REFUSAL = "This API action is not supported by EXPRESS state machines."


def redrive_refusal(context: ServeContext, record: Any) -> str | None:
    """Why `record` cannot be redriven now (AWS's redriveStatusReason), or None when it can."""
    if ":express:" in record.execution_arn:
        return EXPRESS_REFUSAL
    if record.status in ("RUNNING", "SUCCEEDED"):
        return f"Execution is {record.status} and cannot be redriven"
    now = _now(context)
    if record.stop_date is not None and now - record.stop_date > REDRIVABLE_PERIOD:
        return "Execution redrivable period exceeded"
    if now - record.start_date > MAX_EXECUTION_TIME:
        return "Execution has exceeded the max execution time"
    if context.store.history_length(record.execution_arn) >= MAX_HISTORY_EVENTS:
        return "Execution history event limit exceeded"
    return None


def _now(context: ServeContext) -> datetime:
    now = context.clock.now()
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def redrive_fields(context: ServeContext, record: Any, *, with_reason: bool) -> dict[str, Any]:
    """redriveCount, redriveDate and redriveStatus (with its reason when asked) of one execution."""
    out: dict[str, Any] = {"redriveCount": int(record.metadata.get("redriveCount", 0))}
    if record.metadata.get("redriveDate"):
        out["redriveDate"] = timestamp(record.metadata["redriveDate"])
    if with_reason:
        reason = redrive_refusal(context, record)
        out["redriveStatus"] = "REDRIVABLE" if reason is None else "NOT_REDRIVABLE"
        if reason is not None:
            out["redriveStatusReason"] = reason
    return out


async def redrive_execution(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    """Continue a failed, timed-out or aborted Standard execution from the state it stopped in."""
    params = request.params
    arn = member(params, "executionArn", required=True, min_len=1, max_len=256)
    member(params, "clientToken", min_len=1, max_len=64)
    record = find_record(context, arn)
    runtime = context.runtime
    service = runtime.stepfunctions
    running = service.executions.get(arn)
    if running is not None and not running.task.done():
        raise AwsError("ExecutionNotRedrivable", "Execution is RUNNING and cannot be redriven")
    reason = redrive_refusal(context, record)
    if reason is not None:
        raise AwsError("ExecutionNotRedrivable", reason)
    machine_def = json.loads(record.definition) if record.definition else None
    machine = sfn_state(context).machines.get(record.state_machine_arn)
    if machine_def is None:
        if machine is None:
            raise AwsError("ExecutionNotRedrivable", "State machine is in DELETING status")
        machine_def = json.loads(machine.definition)
    try:
        point = redrive_point(machine_def, context.store.iter_history(arn))
    except NotRedrivable as exc:
        raise AwsError("ExecutionNotRedrivable", str(exc)) from None
    name = record.state_machine_arn.rsplit(":", 1)[-1]
    test_case = record.metadata.get("testCase")
    try:
        services = (
            registry_for(context, name, record.state_machine_arn, test_case)
            if test_case
            else runtime.registry
        )
    except AwsError as exc:  # the server runs without the mock config the execution was started with
        raise AwsError("ExecutionNotRedrivable", f"Test case '{test_case}': {exc.message}") from None
    if test_case:
        services.mocks.counts.update(record.metadata.get("mockCounts") or {})
    count = int(record.metadata.get("redriveCount", 0)) + 1
    now = _now(context)
    try:
        context.store.reopen_execution(arn, metadata={"redriveCount": count, "redriveDate": now.isoformat()})
    except (NotImplementedError, ValueError) as exc:
        raise AwsError("ExecutionNotRedrivable", f"Execution cannot be reopened: {exc}") from None
    role = machine.role_arn if machine is not None else f"arn:aws:iam::{context.account}:role/StateCanvas"
    gate = context.gate_for(name) if context.gate_for is not None else None
    info = redrive_info(
        record, account=context.account, region=context.region, role_arn=role, redrive_count=count
    )
    coroutine = redrive_async(
        machine_def,
        info,
        point,
        clock=_clock(runtime.clock),
        services=services,
        store=context.store,
        last_event_id=context.store.history_length(arn),
        history_sinks=[service._count_event],
        callbacks=service.callbacks,
        gate=gate,
    )
    task = asyncio.ensure_future(coroutine)
    service.executions[arn] = RunningExecution(arn, record.state_machine_arn, task, gate)
    service._loop = asyncio.get_running_loop()
    runtime.trace.execution_started(name, arn, "RedriveExecution")
    task.add_done_callback(lambda done: trace_finished(runtime, name, arn, done))
    if test_case:
        task.add_done_callback(keep_mock_counts(context, arn, services))
    return {"redriveDate": timestamp(now)}


def _clock(clock: Any) -> Any:
    if clock == "virtual":
        return VirtualClock()
    if clock == "real":
        return RealClock()
    return clock
