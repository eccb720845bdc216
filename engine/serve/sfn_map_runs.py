"""Distributed Map runs over the wire: DescribeMapRun, ListMapRuns, UpdateMapRun.

A map run is found through the execution its Map state ran in: the run records itself (settings,
status, dates, size) in that execution's metadata as it starts, changes and ends
(engine.runtime.states.map.control), and its child executions are in the execution store under
its ARN, so the counts are those of the children's records. A run in progress is also reachable
live, which is how UpdateMapRun changes its concurrency and tolerated failures as it runs.
"""

from __future__ import annotations

import json
from typing import Any

from engine.runtime.states.map.control import METADATA_KEY, live
from engine.serve.dispatch import AwsError, ServeContext, ServeRequest, validation_error
from engine.serve.sfn_shapes import arn_parts, member, paginate, timestamp

_COUNTED = {"RUNNING": "running", "SUCCEEDED": "succeeded", "FAILED": "failed"}
_COUNTED |= {"TIMED_OUT": "timedOut", "ABORTED": "aborted"}


def _not_found(arn: str) -> AwsError:
    return AwsError("ResourceNotFound", f"Resource not found: '{arn}'", fields={"resourceName": arn})


def _map_run_arn(request: ServeRequest) -> str:
    arn = member(request.params, "mapRunArn", required=True, min_len=1, max_len=2000)
    arn_parts(arn, "mapRun")
    return arn


def find_owner(context: ServeContext, arn: str) -> tuple[Any, dict[str, Any]]:
    """The execution whose Map state ran `arn`, and what the run recorded there."""
    parts = arn_parts(arn, "mapRun")
    machine = parts[6].split("/", 1)[0]
    machine_arn = ":".join([*parts[:5], "stateMachine", machine])
    store = context.store
    for record in store.list_executions(machine_arn, limit=None):
        recorded = (record.metadata.get(METADATA_KEY) or {}).get(arn)
        if recorded is not None:
            return record, recorded
    raise _not_found(arn)


def _counts(children: list[Any], total: int) -> dict[str, int]:
    counts = dict.fromkeys(_COUNTED.values(), 0)
    for child in children:
        key = _COUNTED.get(str(child.status))
        if key is not None:
            counts[key] += 1
    counts["total"] = max(total, len(children))
    counts["pending"] = counts["total"] - len(children)
    return counts


async def describe_map_run(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = _map_run_arn(request)
    owner, recorded = find_owner(context, arn)
    running = live(arn)
    status = recorded.get("status") or "RUNNING"
    stop_date = recorded.get("stopDate")
    if status == "RUNNING" and running is None and owner.status != "RUNNING":
        status, stop_date = "ABORTED", owner.stop_date  # its execution ended without it (a stopped server)
    children = [
        r
        for r in context.store.list_executions(limit=None, parent_arn=owner.execution_arn)
        if r.metadata.get("mapRunArn") == arn
    ]
    counts = _counts(children, int(recorded.get("total") or 0))
    finished = counts["succeeded"] + counts["failed"] + counts["timedOut"] + counts["aborted"]
    counts["resultsWritten"] = finished if recorded.get("writesResults") and status != "RUNNING" else 0
    out: dict[str, Any] = {
        "mapRunArn": arn,
        "executionArn": owner.execution_arn,
        "status": status,
        "startDate": timestamp(recorded.get("startDate")),
        "maxConcurrency": int(recorded.get("maxConcurrency") or 0),
        "toleratedFailurePercentage": float(recorded.get("toleratedFailurePercentage") or 0.0),
        "toleratedFailureCount": int(recorded.get("toleratedFailureCount") or 0),
        "itemCounts": counts,
        "executionCounts": dict(counts),
        "redriveCount": int(recorded.get("redriveCount") or 0),
    }
    if stop_date is not None and status != "RUNNING":
        out["stopDate"] = timestamp(stop_date)
    if recorded.get("redriveDate"):
        out["redriveDate"] = timestamp(recorded["redriveDate"])
    return out


async def list_map_runs(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = member(params, "executionArn", required=True, min_len=1, max_len=256)
    limit = member(params, "maxResults", "integer", low=0, high=1000)
    token = member(params, "nextToken", min_len=1, max_len=1024)
    arn_parts(arn, "execution", "express")
    record = context.store.get_execution(arn)
    if record is None:
        raise AwsError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")
    runs = record.metadata.get(METADATA_KEY) or {}
    ordered = sorted(runs.items(), key=lambda item: item[1].get("startDate") or "", reverse=True)
    chunk, next_token = paginate(ordered, token, limit)
    items = []
    for run_arn, recorded in chunk:
        parts = run_arn.split(":")
        item = {
            "executionArn": arn,
            "mapRunArn": run_arn,
            "stateMachineArn": ":".join([*parts[:5], "stateMachine", parts[6]]),
            "startDate": timestamp(recorded.get("startDate")),
        }
        if recorded.get("stopDate") and recorded.get("status") != "RUNNING":
            item["stopDate"] = timestamp(recorded["stopDate"])
        items.append(item)
    out: dict[str, Any] = {"mapRuns": items}
    if next_token:
        out["nextToken"] = next_token
    return out


async def update_map_run(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = _map_run_arn(request)
    concurrency = member(params, "maxConcurrency", "integer", low=0)
    count = member(params, "toleratedFailureCount", "integer", low=0)
    percentage = params.get("toleratedFailurePercentage")
    if percentage is not None:
        if isinstance(percentage, bool) or not isinstance(percentage, (int, float)):
            raise AwsError(
                "SerializationException", "Value of member 'toleratedFailurePercentage' must be a float."
            )
        if not 0 <= percentage <= 100:
            raise validation_error(
                f"1 validation error detected: Value '{percentage}' at 'toleratedFailurePercentage' failed "
                "to satisfy constraint: Member must have value between 0 and 100"
            )
    if concurrency is None and count is None and percentage is None:
        raise validation_error(
            "At least one of the parameters maxConcurrency, toleratedFailurePercentage and "
            "toleratedFailureCount must be specified"
        )
    running = live(arn)
    if running is None:
        find_owner(context, arn)  # ResourceNotFound for a run that never was
        raise validation_error(f"Map Run '{arn}' is not in progress: only a running Map Run can be updated")
    running.update(
        max_concurrency=concurrency,
        tolerated_count=count,
        tolerated_percentage=float(percentage) if percentage is not None else None,
    )
    return {}


def child_machine(shape: dict[str, Any], map_run_arn: str, definition: str) -> dict[str, Any]:
    """DescribeStateMachineForExecution of a map run's child execution: the Map's item processor,
    a state machine of its own named `Machine/Label` (`shape` describes the machine it ran in)."""
    label = map_run_arn.split(":")[6].split("/", 1)[-1]
    out = dict(shape)
    out["stateMachineArn"] = f"{shape['stateMachineArn']}/{label}"
    out["name"] = f"{shape['name']}/{label}"
    out["mapRunArn"], out["label"] = map_run_arn, label
    try:
        processor = _processor(json.loads(definition), label)
    except ValueError:
        processor = None
    if processor is not None:
        out["definition"] = json.dumps(processor, indent=2)
    return out


def _processor(scope: Any, label: str) -> dict[str, Any] | None:
    """The item processor of the Map state labelled (or named) `label`, at any depth of `scope`."""
    states = scope.get("States") if isinstance(scope, dict) else None
    for name, state in (states or {}).items():
        if not isinstance(state, dict):
            continue
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if (
            state.get("Type") == "Map"
            and (state.get("Label") or name) == label
            and isinstance(processor, dict)
        ):
            return processor
        for inner in [*(state.get("Branches") or []), processor]:
            found = _processor(inner, label)
            if found is not None:
                return found
    return None


OPERATIONS = {
    "DescribeMapRun": describe_map_run,
    "ListMapRuns": list_map_runs,
    "UpdateMapRun": update_map_run,
}
