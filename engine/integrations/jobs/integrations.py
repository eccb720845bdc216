"""The optimized job integrations as Task services: start the job, and for `.sync` wait on the
engine's clock until it ends, answering with the service's description of the finished job or
failing with `States.TaskFailed` and that description as the cause, as Step Functions does.

SDK forms of the same services (`aws-sdk:glue:getJobRun`...) and actions not listed here go on
to the emulated AWS account, so a workflow can still create and inspect resources there.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from engine.integrations.jobs import shapes
from engine.integrations.jobs.runs import JobRun, JobRunner
from engine.integrations.request import TaskError, TaskRequest

Invoker = Callable[[TaskRequest], Awaitable[Any]]


def _payload(request: TaskRequest) -> dict[str, Any]:
    if isinstance(request.payload, dict):
        return request.payload
    raise TaskError(
        "States.Runtime",
        f"The parameters of {request.resource} must be a JSON object, not {json.dumps(request.payload)}",
    )


def _required(service: str, request: TaskRequest, *members: str) -> list[str]:
    payload = _payload(request)
    values = []
    for member in members:
        value = payload.get(member)
        if not isinstance(value, str) or not value:
            raise TaskError(
                f"{service}.ValidationException" if service != "Glue" else "Glue.InvalidInputException",
                f"1 validation error detected: Value null at '{member[:1].lower() + member[1:]}' failed to "
                f"satisfy constraint: Member must not be null (Service: {service}; Status Code: 400; "
                "Error Code: ValidationException)",
            )
        values.append(value)
    return values


def _short_name(reference: str, marker: str) -> str:
    """`arn:...:job-definition/name:3` or `name:3` -> `name`: the code a job runs."""
    tail = reference.rsplit(marker, 1)[-1] if marker in reference else reference
    return tail.split(":")[0]


def _failed(description: Any) -> TaskError:
    return TaskError("States.TaskFailed", json.dumps(description, separators=(",", ":")))


class JobIntegrations:
    """Glue, Batch, ECS, Athena and CodeBuild, bound to one registry (its clock and functions)."""

    def __init__(self, registry: Any, fallback: Invoker) -> None:
        self.registry = registry
        self.runner = JobRunner(registry)
        self.fallback = fallback  # the emulated account, for what these do not serve

    def invokers(self) -> dict[str, Invoker]:
        return {
            "glue": self.glue,
            "batch": self.batch,
            "ecs": self.ecs,
            "athena": self.athena,
            "codebuild": self.codebuild,
        }

    async def _wait(self, request: TaskRequest, run: JobRun, started: Any) -> JobRun:
        submit = request.extra.get("submit")
        if submit is not None:
            submit(started)
        return await self.runner.finished(run)

    async def glue(self, request: TaskRequest) -> Any:
        if request.kind != "service" or request.action != "startJobRun":
            return await self.fallback(request)
        (name,) = _required("Glue", request, "JobName")
        run = self.runner.start("glue", name, request, run_id="jr_" + _hex(64))
        if request.pattern != ".sync":
            return shapes.glue_started(run)
        await self._wait(request, run, shapes.glue_started(run))
        if run.state != "SUCCEEDED":
            raise _failed(shapes.glue_job_run(run))
        return shapes.glue_job_run(run)

    async def batch(self, request: TaskRequest) -> Any:
        if request.kind != "service" or request.action != "submitJob":
            return await self.fallback(request)
        _, definition, _ = _required("Batch", request, "JobName", "JobDefinition", "JobQueue")
        run = self.runner.start("batch", _short_name(definition, "job-definition/"), request)
        region, account = request.region, request.account
        if request.pattern != ".sync":
            return shapes.batch_started(run, region, account)
        await self._wait(request, run, shapes.batch_started(run, region, account))
        if run.state != "SUCCEEDED":
            raise _failed(shapes.batch_job(run, region, account))
        return shapes.batch_job(run, region, account)

    async def ecs(self, request: TaskRequest) -> Any:
        if request.kind != "service" or request.action != "runTask":
            return await self.fallback(request)
        (definition,) = _required("ECS", request, "TaskDefinition")
        run = self.runner.start("ecs", _short_name(definition, "task-definition/"), request)
        region, account = request.region, request.account
        if request.pattern != ".sync":
            return shapes.ecs_started(run, region, account)
        await self._wait(request, run, shapes.ecs_started(run, region, account))
        if run.state != "SUCCEEDED":
            raise _failed(shapes.ecs_task(run, region, account))
        return shapes.ecs_task(run, region, account)

    async def athena(self, request: TaskRequest) -> Any:
        if request.kind != "service":
            return await self.fallback(request)
        if request.action == "startQueryExecution":
            _required("Athena", request, "QueryString")
            workgroup = str(_payload(request).get("WorkGroup") or "")
            run = self.runner.start("athena", workgroup, request)
            started = {"QueryExecutionId": run.id, **shapes.http_metadata()}
            if request.pattern != ".sync":
                return started
            await self._wait(request, run, started)
            if run.state != "SUCCEEDED":
                raise _failed(shapes.athena_execution(run))
            return {**shapes.athena_execution(run), **shapes.http_metadata()}
        if request.action in ("getQueryExecution", "getQueryResults", "stopQueryExecution"):
            (run_id,) = _required("Athena", request, "QueryExecutionId")
            run = self.runner.runs.get(run_id)
            if run is None:
                raise TaskError(
                    "Athena.InvalidRequestException",
                    f"QUERY_NOT_FOUND: Query has not been found: {run_id} (Service: Athena; "
                    "Status Code: 400; Error Code: InvalidRequestException)",
                )
            if request.action == "stopQueryExecution":
                self.runner.stop(run_id, "Query was cancelled by user")
                return shapes.http_metadata()
            if request.action == "getQueryResults":
                return shapes.athena_results(run)
            return {**shapes.athena_execution(run), **shapes.http_metadata()}
        return await self.fallback(request)

    async def codebuild(self, request: TaskRequest) -> Any:
        if request.kind != "service" or request.action != "startBuild":
            return await self.fallback(request)
        (project,) = _required("CodeBuild", request, "ProjectName")
        run = self.runner.start("codebuild", project, request)
        region, account = request.region, request.account
        if request.pattern != ".sync":
            return shapes.codebuild_build(run, region, account)
        await self._wait(request, run, shapes.codebuild_build(run, region, account))
        if run.state != "SUCCEEDED":
            raise _failed(shapes.codebuild_build(run, region, account))
        return shapes.codebuild_build(run, region, account)


def _hex(length: int) -> str:
    import secrets

    return secrets.token_hex(length // 2)
