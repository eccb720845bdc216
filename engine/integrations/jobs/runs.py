"""Local job runs behind the optimized `.sync` integrations (Glue, Batch, ECS, Athena, CodeBuild).

A job started from a Task runs on the engine's clock: it takes a nominal time (virtual seconds,
so a virtual run still costs no real time) and ends SUCCEEDED, or FAILED when the project
function that stands for the job's code raises. Which function stands for a job is named by
the job itself (a Glue job name, a Batch job definition, an ECS task definition family, a
CodeBuild project), so a project serves its jobs the same way it serves Lambda functions.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.integrations.request import TaskError, TaskRequest

# How long a job without local code takes, in (virtual) seconds: long enough that a Wait or a
# heartbeat in a parallel branch interleaves as it would in the cloud.
NOMINAL_SECONDS = {"glue": 60.0, "batch": 30.0, "ecs": 30.0, "athena": 2.0, "codebuild": 45.0}


@dataclass
class JobRun:
    """One started job: what it was asked, when it ran and how it ended."""

    service: str
    id: str
    name: str  # the job, definition, task family or project it runs
    request: dict[str, Any]
    started: datetime
    stopped: datetime | None = None
    state: str = "RUNNING"  # RUNNING, SUCCEEDED, FAILED, STOPPED
    reason: str = ""
    output: Any = None
    done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)


def millis(moment: datetime | None) -> int | None:
    """Step Functions' JSON of an SDK timestamp in a .sync result: epoch milliseconds."""
    return None if moment is None else int(moment.timestamp() * 1000)


class JobRunner:
    """Starts job runs on the registry's clock and lets tasks wait for their end."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.runs: dict[str, JobRun] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def clock(self) -> Any:
        return self.registry.functions.clock

    def now(self) -> datetime:
        clock = self.clock
        return clock.now() if clock is not None else datetime.now(UTC)

    def start(self, service: str, name: str, request: TaskRequest, run_id: str | None = None) -> JobRun:
        payload = request.payload if isinstance(request.payload, dict) else {}
        run = JobRun(service, run_id or str(uuid.uuid4()), name, payload, self.now())
        self.runs[run.id] = run
        task = asyncio.ensure_future(self._work(run, request))
        self._tasks[run.id] = task
        task.add_done_callback(lambda _: self._tasks.pop(run.id, None))
        return run

    async def _work(self, run: JobRun, request: TaskRequest) -> None:
        functions = self.registry.functions
        try:
            if run.name and run.name in functions:
                run.output = await functions.invoke(
                    run.name, run.request, region=request.region, account=request.account
                )
            elif self.clock is not None:
                await self.clock.sleep(NOMINAL_SECONDS.get(run.service, 30.0))
        except TaskError as exc:
            run.state, run.reason = "FAILED", _failure_text(exc)
        except asyncio.CancelledError:
            if run.state == "RUNNING":
                run.state, run.reason = "STOPPED", "Stopped before it finished"
            raise
        else:
            run.state = "SUCCEEDED"
        finally:
            run.stopped = run.stopped or self.now()
            run.done.set()

    def stop(self, run_id: str, reason: str) -> JobRun | None:
        run = self.runs.get(run_id)
        if run is None or run.done.is_set():
            return run
        task = self._tasks.get(run_id)
        if task is not None:
            task.cancel()
        run.state, run.reason, run.stopped = "STOPPED", reason, self.now()
        run.done.set()
        return run

    async def finished(self, run: JobRun) -> JobRun:
        await run.done.wait()
        return run


def _failure_text(exc: TaskError) -> str:
    """The job's failure reason: the local code's error message, as a job reports its reason."""
    cause = exc.cause
    if isinstance(cause, str):
        try:
            document = json.loads(cause)
        except ValueError:
            return cause
        if isinstance(document, dict) and "errorMessage" in document:
            return f"{document.get('errorType', exc.error)}: {document['errorMessage']}"
        return cause
    return exc.error
