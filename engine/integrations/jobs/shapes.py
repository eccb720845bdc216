"""What each optimized job integration answers: the start response (request-response) and the
job's description when it ends (`.sync`), shaped as Step Functions returns them.

Request-response answers carry the SDK's HTTP metadata as Step Functions adds it; `.sync`
answers are the service's own description call (GetJobRun, DescribeJobs, DescribeTasks,
GetQueryExecution, BatchGetBuilds) with SDK timestamps as epoch milliseconds.
"""

from __future__ import annotations

import uuid
from typing import Any

from engine.integrations.jobs.runs import JobRun, millis


def http_metadata(content_type: str = "application/x-amz-json-1.1") -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    return {
        "SdkHttpMetadata": {
            "HttpHeaders": {"Content-Type": content_type, "x-amzn-RequestId": request_id},
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def _drop_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None}


# Glue ------------------------------------------------------------------------------------------


def glue_started(run: JobRun) -> dict[str, Any]:
    # Step Functions copies JobName from the request into the response, which has only JobRunId.
    return {"JobName": run.name, "JobRunId": run.id, **http_metadata()}


def glue_job_run(run: JobRun) -> dict[str, Any]:
    seconds = int((run.stopped - run.started).total_seconds()) if run.stopped else 0
    return _drop_none(
        {
            "Arguments": run.request.get("Arguments"),
            "Attempt": 0,
            "CompletedOn": millis(run.stopped),
            "ErrorMessage": run.reason or None if run.state == "FAILED" else None,
            "ExecutionTime": seconds,
            "GlueVersion": run.request.get("GlueVersion", "4.0"),
            "Id": run.id,
            "JobName": run.name,
            "JobRunState": run.state,
            "LastModifiedOn": millis(run.stopped or run.started),
            "MaxCapacity": run.request.get("MaxCapacity", 10.0),
            "PredecessorRuns": [],
            "StartedOn": millis(run.started),
            "Timeout": run.request.get("Timeout", 2880),
        }
    )


# Batch -----------------------------------------------------------------------------------------


def batch_started(run: JobRun, region: str, account: str) -> dict[str, Any]:
    return {
        "JobArn": batch_arn(run, region, account),
        "JobId": run.id,
        "JobName": run.request.get("JobName", ""),
        **http_metadata(),
    }


def batch_arn(run: JobRun, region: str, account: str) -> str:
    return f"arn:aws:batch:{region}:{account}:job/{run.id}"


def batch_job(run: JobRun, region: str, account: str) -> dict[str, Any]:
    exit_code = 0 if run.state == "SUCCEEDED" else 1
    reason = "Essential container in task exited"
    return _drop_none(
        {
            "Attempts": [
                {
                    "Container": {"ExitCode": exit_code, "Reason": run.reason or None},
                    "StartedAt": millis(run.started),
                    "StatusReason": reason,
                    "StoppedAt": millis(run.stopped),
                }
            ],
            "Container": {"ExitCode": exit_code, "Reason": run.reason or None},
            "CreatedAt": millis(run.started),
            "DependsOn": run.request.get("DependsOn", []),
            "JobArn": batch_arn(run, region, account),
            "JobDefinition": run.request.get("JobDefinition", ""),
            "JobId": run.id,
            "JobName": run.request.get("JobName", ""),
            "JobQueue": run.request.get("JobQueue", ""),
            "Parameters": run.request.get("Parameters", {}),
            "StartedAt": millis(run.started),
            "Status": run.state,
            "StatusReason": reason,
            "StoppedAt": millis(run.stopped),
            "Tags": run.request.get("Tags", {}),
        }
    )


# ECS -------------------------------------------------------------------------------------------


def ecs_task(run: JobRun, region: str, account: str) -> dict[str, Any]:
    cluster = str(run.request.get("Cluster") or "default").rsplit("/", 1)[-1]
    task_arn = f"arn:aws:ecs:{region}:{account}:task/{cluster}/{run.id.replace('-', '')}"
    finished = run.done.is_set()
    container: dict[str, Any] = {
        "ContainerArn": f"arn:aws:ecs:{region}:{account}:container/{cluster}/{uuid.uuid4()}",
        "LastStatus": "STOPPED" if finished else "RUNNING",
        "Name": run.name,
        "TaskArn": task_arn,
    }
    if finished:
        container["ExitCode"] = 0 if run.state == "SUCCEEDED" else 1
        if run.reason:
            container["Reason"] = run.reason
    definition = str(run.request.get("TaskDefinition", run.name))
    if not definition.startswith("arn:"):
        definition = f"arn:aws:ecs:{region}:{account}:task-definition/{definition}"
    return _drop_none(
        {
            "Attachments": [],
            "ClusterArn": f"arn:aws:ecs:{region}:{account}:cluster/{cluster}",
            "Containers": [container],
            "CreatedAt": millis(run.started),
            "DesiredStatus": "STOPPED" if finished else "RUNNING",
            "LastStatus": "STOPPED" if finished else "RUNNING",
            "LaunchType": run.request.get("LaunchType", "FARGATE"),
            "Overrides": run.request.get("Overrides", {"ContainerOverrides": []}),
            "StartedAt": millis(run.started),
            "StopCode": "EssentialContainerExited" if finished else None,
            "StoppedAt": millis(run.stopped) if finished else None,
            "StoppedReason": "Essential container in task exited" if finished else None,
            "TaskArn": task_arn,
            "TaskDefinitionArn": definition,
        }
    )


def ecs_started(run: JobRun, region: str, account: str) -> dict[str, Any]:
    return {"Failures": [], "Tasks": [ecs_task(run, region, account)], **http_metadata()}


# Athena ----------------------------------------------------------------------------------------


def athena_execution(run: JobRun) -> dict[str, Any]:
    status: dict[str, Any] = {"State": run.state, "SubmissionDateTime": millis(run.started)}
    if run.done.is_set():
        status["CompletionDateTime"] = millis(run.stopped)
    if run.reason:
        status["StateChangeReason"] = run.reason
    output = (run.request.get("ResultConfiguration") or {}).get("OutputLocation")
    return {
        "QueryExecution": _drop_none(
            {
                "Query": run.request.get("QueryString", ""),
                "QueryExecutionContext": run.request.get("QueryExecutionContext"),
                "QueryExecutionId": run.id,
                "ResultConfiguration": {"OutputLocation": f"{output.rstrip('/')}/{run.id}.csv"}
                if output
                else None,
                "StatementType": "DML",
                "Statistics": {"DataScannedInBytes": 0, "EngineExecutionTimeInMillis": 0},
                "Status": status,
                "WorkGroup": run.request.get("WorkGroup", "primary"),
            }
        )
    }


def athena_results(run: JobRun) -> dict[str, Any]:
    """Rows a local query returns: the serving function's list of row dicts, else none."""
    rows = run.output if isinstance(run.output, list) else []
    columns = list(rows[0]) if rows and isinstance(rows[0], dict) else []

    def row(values: list[Any]) -> dict[str, Any]:
        return {"Data": [{"VarCharValue": str(value)} for value in values]}

    data = [row(columns)] if columns else []
    data += [row([item.get(name, "") for name in columns]) for item in rows if isinstance(item, dict)]
    return {
        "ResultSet": {
            "ResultSetMetadata": {
                "ColumnInfo": [{"Name": name, "Label": name, "Type": "varchar"} for name in columns]
            },
            "Rows": data,
        },
        "UpdateCount": 0,
        **http_metadata(),
    }


# CodeBuild -------------------------------------------------------------------------------------


def codebuild_build(run: JobRun, region: str, account: str) -> dict[str, Any]:
    project = run.name
    status = "IN_PROGRESS" if not run.done.is_set() else run.state
    return {
        "Build": _drop_none(
            {
                "Arn": f"arn:aws:codebuild:{region}:{account}:build/{project}:{run.id}",
                "BuildComplete": run.done.is_set(),
                "BuildNumber": 1,
                "BuildStatus": status,
                "CurrentPhase": "COMPLETED" if run.done.is_set() else "BUILD",
                "EndTime": millis(run.stopped) if run.done.is_set() else None,
                "Id": f"{project}:{run.id}",
                "Initiator": "states",
                "ProjectName": project,
                "SourceVersion": run.request.get("SourceVersion"),
                "StartTime": millis(run.started),
            }
        ),
        **({} if run.done.is_set() else http_metadata()),
    }
