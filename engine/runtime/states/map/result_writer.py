"""ResultWriter: a Distributed Map's child results exported to S3 (or reshaped) instead of returned.

With `Resource: arn:aws:states:::s3:putObject` and a Bucket and Prefix, Step Functions writes,
under `<Prefix>/<map run id>/`, one file per status that has executions (`SUCCEEDED_0.json`,
`FAILED_0.json`, `PENDING_0.json`) and a `manifest.json` listing them; the Map's result is then
`{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key": <manifest key>}}` rather than the array
of outputs, which may be far larger than a state can carry.

WriterConfig shapes each entry: NONE (the default when exporting) is the child execution's
description with its input and output as JSON text; COMPACT is the child's output alone; FLATTEN
is COMPACT with array outputs spliced into the list. A failed child is always written as NONE
writes it. OutputType JSONL writes one entry a line. Without a Resource, WriterConfig only
reshapes the Map's result (COMPACT being what a Map without ResultWriter returns anyway).
"""

from __future__ import annotations

import uuid
from typing import Any

from engine.integrations import S3Error, store_of
from engine.runtime import arns
from engine.runtime.env import iso_time
from engine.runtime.errors import StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.jsonpath_flow import render_template
from engine.runtime.state_run import StateRun
from engine.runtime.states.map.reader import new_map_run_arn
from engine.runtime.states.map.settings import MapSettings
from engine.runtime.states.map.state import item_input

RESULT_WRITER_FAILED = "States.ResultWriterFailed"
STATUSES = ("FAILED", "PENDING", "SUCCEEDED")


def write_results(
    run: StateRun,
    items: list[Any],
    effective: Any,
    results: list[Any],
    settings: MapSettings,
    failed: list[bool] | None = None,
) -> Any:
    """The Map's result once its children are done: the export's details, or the reshaped results.

    `failed` says which children failed (their result is then their {Error, Cause}); without it,
    a child counts as failed when failures are tolerated and its result is exactly such an
    object, which is what the map run records for a failed child.
    """
    writer: dict[str, Any] = run.state["ResultWriter"]
    config: dict[str, Any] = writer.get("WriterConfig") or {}
    exporting = "Resource" in writer
    transformation = config.get("Transformation", "NONE" if exporting else "COMPACT")
    output_type = config.get("OutputType", "JSON")
    if failed is None:
        failed = [_looks_failed(result, settings) for result in results]
    map_run_arn = _map_run_arn(run)
    label = run.state.get("Label") or run.name
    info = run.env.info
    child_machine = arns.map_run_machine(info.state_machine_name, label)
    now = iso_time(run.env.clock.now())
    entries: dict[str, list[Any]] = {status: [] for status in STATUSES}
    ordered: list[Any] = []  # the preview (no Resource) keeps the children's order
    for index, (result, did_fail) in enumerate(zip(results, failed, strict=True)):
        child_input = item_input(run, index, items[index], effective)
        if did_fail or transformation == "NONE":
            name = str(uuid.uuid4())
            entry = {
                "ExecutionArn": arns.execution_arn(info.region, info.account, child_machine, name),
                "Input": to_json_text(child_input),
                "InputDetails": {"Included": True},
                "Name": name,
                "RedriveCount": 0,
                "StartDate": now,
                "StateMachineArn": arns.state_machine_arn(info.region, info.account, child_machine),
                "Status": "FAILED" if did_fail else "SUCCEEDED",
                "StopDate": now,
            }
            if did_fail:
                entry.update({k: v for k, v in result.items() if k in ("Error", "Cause")})
                entry["RedriveStatus"] = "REDRIVABLE_BY_MAP_RUN"
            else:
                entry["Output"] = to_json_text(result)
                entry["OutputDetails"] = {"Included": True}
                entry["RedriveStatus"] = "NOT_REDRIVABLE"
                entry["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
            entries[entry["Status"]].append(entry)
            ordered.append(entry)
        elif transformation == "FLATTEN" and isinstance(result, list):
            entries["SUCCEEDED"].extend(result)
            ordered.extend(result)
        else:
            entries["SUCCEEDED"].append(result)
            ordered.append(result)
    if not exporting:
        return ordered
    return _export(run, writer, effective, map_run_arn, entries, output_type)


def _export(
    run: StateRun,
    writer: dict[str, Any],
    effective: Any,
    map_run_arn: str,
    entries: dict[str, list[Any]],
    output_type: str,
) -> dict[str, Any]:
    if run.jsonata:
        params = run.jsonata_scope().evaluate(writer.get("Arguments") or {}, "Arguments")
    else:
        params = render_template(writer.get("Parameters") or {}, effective, run.path_scope())
    bucket = params.get("Bucket") if isinstance(params, dict) else None
    if not isinstance(bucket, str) or not bucket:
        raise StateFailure(RESULT_WRITER_FAILED, "The ResultWriter's Bucket must be a non-empty string.")
    prefix = params.get("Prefix") or ""
    run_id = map_run_arn.rsplit(":", 1)[-1]
    folder = f"{prefix.rstrip('/')}/{run_id}/" if prefix else f"{run_id}/"
    extension = "jsonl" if output_type == "JSONL" else "json"
    store = store_of(run.env.services)
    files: dict[str, list[dict[str, Any]]] = {status: [] for status in STATUSES}
    try:
        for status in STATUSES:
            if not entries[status]:
                continue
            if output_type == "JSONL":
                body = "".join(to_json_text(entry) + "\n" for entry in entries[status])
            else:
                body = to_json_text(entries[status])
            key = f"{folder}{status}_0.{extension}"
            data = body.encode("utf-8")
            store.put_object(bucket, key, data, content_type="application/json")
            files[status].append({"Key": key, "Size": len(data)})
        manifest_key = f"{folder}manifest.json"
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
        store.put_object(bucket, manifest_key, to_json_text(manifest), content_type="application/json")
    except S3Error as exc:
        raise StateFailure(RESULT_WRITER_FAILED, exc.described()) from None
    return {"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key}}


def _looks_failed(result: Any, settings: MapSettings) -> bool:
    tolerated = settings.tolerated_count is not None or settings.tolerated_percentage is not None
    return tolerated and isinstance(result, dict) and "Error" in result and set(result) <= {"Error", "Cause"}


def _map_run_arn(run: StateRun) -> str:
    """The ARN of the map run this state entry started (its MapRunStarted event says it)."""
    label = run.state.get("Label") or run.name
    marker = f":mapRun:{run.env.info.state_machine_name}/{label}:"
    for event in reversed(run.env.history.events):
        if event["id"] <= run.entered_id:
            break
        if event["type"] == "MapRunStarted":
            arn = (event.get("mapRunStartedEventDetails") or {}).get("mapRunArn", "")
            if marker in arn:
                return arn

    return new_map_run_arn(run)
