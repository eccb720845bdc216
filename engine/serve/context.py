"""Building what every protocol shares: one project runtime, its store, its clock.

Without a PROJECT the runtime runs an empty project, so state machines, queues and buses created
through the APIs live in the same runtime (and the same trace) as a project's would. With
``--state FILE`` executions and histories go to the SQLite execution store in FILE; queue messages
and the protocols' own tables (state machines, activities, tags) live in the same file.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from engine.project import LoadedProject, Project, ProjectRuntime
from engine.serve.clock import ScaledClock
from engine.serve.dispatch import ServeContext
from engine.serve.sfn_executions import abort
from engine.store import open_store

log = logging.getLogger("statecanvas.serve")
STOPPED_ERROR = "StateCanvas.ServerStopped"


def build_context(
    project: Any = None,
    *,
    state_file: str | None = None,
    mocks_file: str | None = None,
    time_scale: float = 1.0,
    base_url: str = "http://127.0.0.1:8083",
    store: Any = None,
) -> ServeContext:
    """The context for a server; `project` is a LoadedProject or None (an empty project).
    `store` replaces the execution store (the designer's, which tells its views of every event)."""
    loaded = project if project is not None else LoadedProject(project=Project(), path=None)
    if store is None:
        store = open_store(state_file) if state_file else open_store(None)
    if state_file and hasattr(store, "abort_interrupted"):
        store.abort_interrupted()  # executions a killed server left RUNNING end ABORTED, as they did
    runtime = ProjectRuntime(
        loaded,
        clock=ScaledClock(time_scale),
        store=store,
        queue_state=str(Path(state_file)) if state_file else None,
    )
    return ServeContext(
        runtime=runtime,
        store=store,
        account=loaded.project.account,
        region=loaded.project.region,
        state_file=state_file,
        time_scale=time_scale,
        mocks_file=mocks_file,
        base_url=base_url,
    )


def start_runtime(context: ServeContext) -> None:
    """Set the runtime moving on the running loop: queue consumers long-poll, schedules fire.

    The project's consumers are built for `settle` (polls that return at once); served, each
    long-polls instead, so an idle queue costs nothing and a message is taken as it arrives."""
    runtime = context.runtime
    context.extras["consumer_tasks"] = [
        asyncio.get_running_loop().create_task(_consume(consumer)) for consumer in runtime.consumers
    ]
    runtime.events.start_schedules()


async def _consume(consumer: Any) -> None:
    while True:
        try:
            await consumer.poll_once(wait_time_seconds=20)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the consumer of %s failed to poll; retrying", consumer.queue)
            await asyncio.sleep(1.0)
        await asyncio.sleep(0)


async def close_context(context: ServeContext) -> None:
    runtime = context.runtime
    tasks = context.extras.pop("consumer_tasks", [])
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await stop_executions(context)
    await runtime.close()
    context.store.close()


async def stop_executions(context: ServeContext) -> None:
    """End the running executions as stopped ones: without the server they cannot go on."""
    for running in list(context.runtime.stepfunctions.executions.values()):
        if not running.task.done():
            await abort(context, running.arn, STOPPED_ERROR, "The local server stopped while it was running.")
