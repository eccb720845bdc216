"""Executions over the wire: start (also by test case), stop, describe, list, history, sync.

The execution store is the record of every execution (running or finished, before or after a
restart); the runtime's Step Functions service holds the tasks of the ones running now. An ARN
ending ``#TestCase`` starts the machine with that test case of the ``--mocks`` file, as Step
Functions Local does.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from engine.asl import json_value_problem
from engine.runtime import RunningExecution, execution_arn, run_async, to_json_text
from engine.serve.dispatch import AwsError, ServeContext, ServeRequest
from engine.serve.sfn_map_runs import child_machine, find_owner
from engine.serve.sfn_redrive import redrive_execution, redrive_fields
from engine.serve.sfn_runs import find_record, keep_mock_counts, registry_for, trace_finished
from engine.serve.sfn_shapes import check_name, member, page_token, paginate, timestamp
from engine.serve.sfn_state import ServeMachine, describe_machine_shape, find_machine, sfn_state
from engine.serve.sfn_versions import recorded_through, resolve, through_filter
from engine.strict_json import JsonInputError, loads_strict

MAX_INPUT = 262_144
STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE")


def _parse_input(text: str | None) -> Any:
    if text is None:
        return {}
    try:
        value = loads_strict(text)
    except (JsonInputError, ValueError) as exc:
        raise AwsError("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{exc}'") from None
    problem = json_value_problem(value)  # deeper than AWS reads: refused here, not lost after starting
    if problem is not None:
        raise AwsError("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{problem[0]}'")
    return value


def start(
    context: ServeContext,
    machine: ServeMachine,
    data: Any,
    *,
    name: str | None = None,
    test_case: str | None = None,
    gate: Any = None,
    recorded: dict[str, str] | None = None,
) -> Any:
    """Start an execution on the runtime; returns its RunningExecution (the task, the ARN).
    ``recorded`` holds the version and alias ARNs the execution was started through."""
    runtime = context.runtime
    service = runtime.stepfunctions
    if gate is None and context.gate_for is not None:
        gate = context.gate_for(machine.name)
    name = name or str(uuid.uuid4())
    arn = execution_arn(context.region, context.account, machine.name, name, machine_type=machine.type)
    if arn in service.executions or context.store.get_execution(arn) is not None:
        raise AwsError("ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")
    services = registry_for(context, machine.name, machine.arn, test_case)
    coroutine = run_async(
        json.loads(machine.definition),
        data,
        clock=runtime.clock,
        name=name,
        state_machine_name=machine.name,
        machine_type=machine.type,
        account=context.account,
        region=context.region,
        role_arn=machine.role_arn,
        gate=gate,
        services=services,
        store=context.store,
        metadata={**({"testCase": test_case} if test_case else {}), **(recorded or {})} or None,
        callbacks=service.callbacks,
        history_sinks=[service._count_event],
    )
    running = RunningExecution(arn, machine.arn, asyncio.ensure_future(coroutine), gate)
    service.executions[arn] = running
    service._loop = asyncio.get_running_loop()
    runtime.trace.execution_started(machine.name, arn, "API")
    running.task.add_done_callback(lambda task: trace_finished(runtime, machine.name, arn, task))
    if test_case:
        running.task.add_done_callback(keep_mock_counts(context, arn, services))
    return running


def _machine_and_case(context: ServeContext, arn: str) -> tuple[ServeMachine, str | None, dict[str, str]]:
    """The machine (a version's snapshot through a version or alias ARN), the test case, and the
    version and alias ARNs the execution records."""
    base, _, case = arn.partition("#")
    machine, recorded = resolve(context, base)
    return machine, (case or None), recorded


async def start_execution(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    machine, case, recorded = _machine_and_case(
        context, member(params, "stateMachineArn", required=True, min_len=1, max_len=256)
    )
    name = member(params, "name", min_len=1, max_len=80)
    if name is not None:
        check_name(name)
    data = _parse_input(member(params, "input", max_len=MAX_INPUT))
    member(params, "traceHeader", max_len=256)
    if name is not None and machine.type == "STANDARD":
        again = _same_start(context, machine, name, data)
        if again is not None:
            return again
    running = start(context, machine, data, name=name, test_case=case, recorded=recorded)
    await asyncio.sleep(0)  # the execution records itself (its start date) before its first wait
    record = context.store.get_execution(running.arn)
    started = record.start_date if record is not None else context.clock.now()
    return {"executionArn": running.arn, "startDate": timestamp(started)}


def _same_start(context: ServeContext, machine: ServeMachine, name: str, data: Any) -> dict[str, Any] | None:
    """StartExecution is idempotent for a Standard machine: the same name and input while that
    execution runs answer with the running execution instead of ExecutionAlreadyExists."""
    arn = execution_arn(context.region, context.account, machine.name, name)
    record = context.store.get_execution(arn)
    if record is None or record.status != "RUNNING" or record.input != to_json_text(data):
        return None
    return {"executionArn": arn, "startDate": timestamp(record.start_date)}


async def start_sync_execution(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    machine, case, recorded = _machine_and_case(
        context, member(params, "stateMachineArn", required=True, min_len=1, max_len=256)
    )
    if machine.type != "EXPRESS":
        raise AwsError(
            "StateMachineTypeNotSupported", "This operation is not supported by this type of state machine"
        )
    name = member(params, "name", min_len=1, max_len=80)
    if name is not None:
        check_name(name)
    data = _parse_input(member(params, "input", max_len=MAX_INPUT))
    running = start(context, machine, data, name=name, test_case=case, recorded=recorded)
    execution = await running.task
    out = _describe(context, running.arn)
    for key in ("redriveCount", "redriveStatus", "redriveStatusReason", "redriveDate"):
        out.pop(key, None)
    elapsed = (execution.stop_date - execution.start_date).total_seconds() if execution.start_date else 0.0
    out["billingDetails"] = {
        "billedMemoryUsedInMB": 64,
        "billedDurationInMilliseconds": max(100, int(elapsed * 1000 + 99) // 100 * 100),
    }
    return out


def _describe(context: ServeContext, arn: str) -> dict[str, Any]:
    record = find_record(context, arn)
    out: dict[str, Any] = {
        "executionArn": record.execution_arn,
        "stateMachineArn": record.state_machine_arn,
        "name": record.name,
        "status": str(record.status),
        "startDate": timestamp(record.start_date),
        "input": record.input,
        "inputDetails": {"included": True},
    }
    if record.stop_date is not None:
        out["stopDate"] = timestamp(record.stop_date)
    if record.metadata.get("mapRunArn"):  # a distributed Map's child execution
        out["mapRunArn"] = record.metadata["mapRunArn"]
    out.update(recorded_through(record))
    if record.status == "SUCCEEDED":
        out["output"] = record.output
        out["outputDetails"] = {"included": True}
    for key in ("error", "cause"):
        value = getattr(record, key)
        if value is not None:
            out[key] = value
    out.update(redrive_fields(context, record, with_reason=True))
    return out


async def describe_execution(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = member(request.params, "executionArn", required=True, min_len=1, max_len=256)
    return _describe(context, arn)


async def describe_state_machine_for_execution(
    request: ServeRequest, context: ServeContext
) -> dict[str, Any]:
    arn = member(request.params, "executionArn", required=True, min_len=1, max_len=256)
    record = find_record(context, arn)
    machine = sfn_state(context).machines.get(record.state_machine_arn)
    if machine is None:
        raise AwsError(
            "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{record.state_machine_arn}'"
        )
    shape = describe_machine_shape(machine)
    out = {k: shape[k] for k in ("stateMachineArn", "name", "roleArn", "loggingConfiguration")}
    out["definition"] = record.definition or machine.definition
    out["updateDate"] = machine.update_date or machine.creation_date
    out["tracingConfiguration"] = machine.tracing
    version = sfn_state(context).versions.get(record.metadata.get("stateMachineVersionArn", ""))
    out["revisionId"] = (version or machine).revision_id  # the revision the execution ran
    if record.metadata.get("mapRunArn"):
        parent = context.store.get_execution(record.parent_arn) if record.parent_arn else None
        text = (parent.definition if parent is not None else None) or machine.definition
        return child_machine(out, record.metadata["mapRunArn"], text)
    return out


async def stop_execution(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = member(params, "executionArn", required=True, min_len=1, max_len=256)
    error = member(params, "error", max_len=256)
    cause = member(params, "cause", max_len=32768)
    record = find_record(context, arn)
    if record.status == "RUNNING":
        await abort(context, arn, error, cause)
    return {"stopDate": timestamp(context.store.get_execution(arn).stop_date)}


async def abort(context: ServeContext, arn: str, error: str | None, cause: str | None) -> None:
    """Stop a running execution from outside: its task ends, its history ends ExecutionAborted."""
    running = context.runtime.stepfunctions.executions.get(arn)
    if running is not None and not running.task.done():
        running.task.cancel()
        await asyncio.gather(running.task, return_exceptions=True)
    record = context.store.get_execution(arn)
    if record is None or record.status != "RUNNING":
        return
    last = context.store.history_length(arn)
    details: dict[str, Any] = {}
    if cause is not None:
        details["cause"] = cause
    if error is not None:
        details["error"] = error
    now = context.clock.now()
    event = {"id": last + 1, "previousEventId": last, "timestamp": now, "type": "ExecutionAborted"}
    event["executionAbortedEventDetails"] = details
    context.store.append_event(arn, event)
    context.store.finish_execution(arn, status="ABORTED", error=error, cause=cause, stop_date=now)


async def list_executions(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    machine_arn = member(params, "stateMachineArn", min_len=1, max_len=256)
    map_run = member(params, "mapRunArn", min_len=1, max_len=2000)
    status = member(params, "statusFilter", choices=STATUSES)
    limit = member(params, "maxResults", "integer", low=0, high=1000)
    token = member(params, "nextToken", min_len=1, max_len=3096)
    redriven = member(params, "redriveFilter", choices=("REDRIVEN", "NOT_REDRIVEN"))
    if machine_arn is None and map_run is None:
        raise AwsError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
    if map_run is not None:
        records = _map_run_children(context, map_run, status)
    else:
        machine = find_machine(context, machine_arn)
        started_through = through_filter(context, machine_arn)
        if machine.type == "EXPRESS":
            raise AwsError(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine",
            )
        records = [  # a distributed Map's child executions are listed by their map run, not here
            r
            for r in context.store.list_executions(machine.arn, status, limit=None)
            if "mapRunArn" not in r.metadata and started_through(r)
        ]
    if redriven is not None:
        want = redriven == "REDRIVEN"
        records = [r for r in records if (int(r.metadata.get("redriveCount", 0)) > 0) == want]
    chunk, next_token = paginate(records, token, limit)
    items = []
    for r in chunk:
        item = {
            "executionArn": r.execution_arn,
            "stateMachineArn": r.state_machine_arn,
            "name": r.name,
            "status": str(r.status),
            "startDate": timestamp(r.start_date),
            **redrive_fields(context, r, with_reason=False),
        }
        if r.stop_date is not None:
            item["stopDate"] = timestamp(r.stop_date)
        if r.metadata.get("mapRunArn"):
            item["mapRunArn"] = r.metadata["mapRunArn"]
        item.update(recorded_through(r))
        items.append(item)
    out: dict[str, Any] = {"executions": items}
    if next_token:
        out["nextToken"] = next_token
    return out


def _map_run_children(context: ServeContext, map_run: str, status: str | None) -> list[Any]:
    """The child executions of a distributed Map's run (with a redriveFilter: those its redrives
    redrove, or not)."""
    children = [
        r for r in context.store.list_executions(limit=None) if r.metadata.get("mapRunArn") == map_run
    ]
    if not children:  # a run with no items has none; a run that never was is ResourceNotFound
        find_owner(context, map_run)
    return [r for r in children if status is None or str(r.status) == status]


_DATA_KEYS = ("input", "output", "inputDetails", "outputDetails", "parameters")


async def get_execution_history(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = member(params, "executionArn", required=True, min_len=1, max_len=256)
    limit = member(params, "maxResults", "integer", low=0, high=1000) or 100
    reverse = bool(member(params, "reverseOrder", "boolean"))
    token = member(params, "nextToken", min_len=1, max_len=3096)
    with_data = member(params, "includeExecutionData", "boolean")
    find_record(context, arn)
    after = page_token(token)
    events: list[dict[str, Any]] = []
    more = False
    for event in context.store.iter_history(arn, reverse=reverse, after_id=after):
        if len(events) == limit:
            more = True
            break
        events.append(_event_shape(event, with_data is not False))
    out: dict[str, Any] = {"events": events}
    if more:
        out["nextToken"] = f"p{events[-1]['id']}"
    return out


def _event_shape(event: dict[str, Any], with_data: bool) -> dict[str, Any]:
    out = dict(event)
    out["timestamp"] = timestamp(out.get("timestamp"))
    if not with_data:
        for key, value in out.items():
            if key.endswith("EventDetails") and isinstance(value, dict):
                out[key] = {k: v for k, v in value.items() if k not in _DATA_KEYS}
    return out


OPERATIONS = {
    "StartExecution": start_execution,
    "StartSyncExecution": start_sync_execution,
    "DescribeExecution": describe_execution,
    "DescribeStateMachineForExecution": describe_state_machine_for_execution,
    "StopExecution": stop_execution,
    "ListExecutions": list_executions,
    "GetExecutionHistory": get_execution_history,
    "RedriveExecution": redrive_execution,
}
