"""A distributed Map's run as the Step Functions API sees it: its settings, live and recorded.

UpdateMapRun reaches a running map run by its ARN alone, so the runs in progress are kept here
by ARN (each ARN ends in a fresh id, so runs of different executions never collide) for as long
as they run. Changing the concurrency wakes the run's worker pool, which starts or retires
workers to match; changed tolerated failures count when the run decides whether it failed.

DescribeMapRun asks for the settings after the run, and after a restart, too: they are also
recorded in the metadata of the execution the run belongs to (``mapRuns``, by ARN), rewritten on
every update.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.runtime.states.map.settings import MapSettings

METADATA_KEY = "mapRuns"


@dataclass
class MapRunControl:
    """One map run: its settings (the very object the run reads), what DescribeMapRun reports of
    it, and how to wake its worker pool."""

    arn: str
    execution_arn: str  # the execution whose Map state started the run
    settings: MapSettings
    store: Any = None
    on_change: Callable[[], None] | None = None
    total: int = 0  # the child executions the run has (batches, with an ItemBatcher)
    writes_results: bool = False
    status: str = "RUNNING"
    start_date: datetime | None = None
    stop_date: datetime | None = None
    redrive_count: int = 0
    redrive_date: datetime | None = None

    def update(
        self,
        *,
        max_concurrency: int | None = None,
        tolerated_count: int | None = None,
        tolerated_percentage: float | None = None,
    ) -> None:
        if max_concurrency is not None:
            self.settings.max_concurrency = max_concurrency
        if tolerated_count is not None:
            self.settings.tolerated_count = tolerated_count
        if tolerated_percentage is not None:
            self.settings.tolerated_percentage = tolerated_percentage
        self.record()
        if self.on_change is not None:
            self.on_change()

    def finish(self, status: str, when: datetime) -> None:
        self.status, self.stop_date = status, when
        self.record()

    def record(self) -> None:
        """Write the run into the owning execution's metadata (when it is stored); a redriven run
        keeps the start date it was first recorded with."""
        if self.store is None:
            return
        with contextlib.suppress(Exception):  # a store without metadata, or one closed meanwhile
            record = self.store.get_execution(self.execution_arn)
            if record is None:
                return
            runs = dict(record.metadata.get(METADATA_KEY) or {})
            before = runs.get(self.arn) or {}
            runs[self.arn] = {
                **settings_json(self.settings),
                "status": self.status,
                "startDate": before.get("startDate") or _iso(self.start_date),
                "stopDate": _iso(self.stop_date),
                "total": self.total,
                "writesResults": self.writes_results,
                "redriveCount": self.redrive_count,
                "redriveDate": _iso(self.redrive_date),
            }
            self.store.update_metadata(self.execution_arn, {METADATA_KEY: runs})


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def settings_json(settings: MapSettings) -> dict[str, Any]:
    """The settings as DescribeMapRun reports them (0 where nothing is set, as AWS reports)."""
    return {
        "maxConcurrency": settings.max_concurrency,
        "toleratedFailureCount": settings.tolerated_count or 0,
        "toleratedFailurePercentage": settings.tolerated_percentage or 0.0,
    }


_LIVE: dict[str, MapRunControl] = {}


def track(control: MapRunControl) -> None:
    _LIVE[control.arn] = control
    control.record()


def untrack(arn: str) -> None:
    _LIVE.pop(arn, None)


def live(arn: str) -> MapRunControl | None:
    """The map run `arn` while it runs (on this process), else None."""
    return _LIVE.get(arn)


class WorkerPool:
    """Workers taking the run's items one at a time, as many as the run's concurrency allows now.

    `work(should_stop)` is a worker's whole life: take the next item and run it until none are
    left (then it returns False) or until `should_stop()` says it is one worker too many (then it
    returns True). `resize` (an UpdateMapRun) starts more workers at once; extra ones stop after
    their current item."""

    def __init__(self, work: Callable[[Callable[[], bool]], Any], limit: Callable[[], int]) -> None:
        self._work = work
        self._limit = limit
        self._tasks: set[asyncio.Task[Any]] = set()
        self._active = 0  # workers started and not stopped
        self._changed = asyncio.Event()
        self._left = True  # items may be left for new workers

    def resize(self) -> None:
        self._changed.set()

    def _should_stop(self) -> bool:
        if self._active > self._limit():
            self._active -= 1
            return True
        return False

    def _grow(self, wanted: int) -> None:
        while self._left and self._active < wanted:
            self._active += 1
            self._tasks.add(asyncio.ensure_future(self._work(self._should_stop)))

    async def run(self, initial: int) -> None:
        self._grow(initial)
        try:
            while self._tasks:
                waiter = asyncio.ensure_future(self._changed.wait())
                try:
                    done, _ = await asyncio.wait({*self._tasks, waiter}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    waiter.cancel()
                for task in done - {waiter}:
                    self._tasks.discard(task)
                    if task.result() is False:  # this worker found no item left
                        self._active -= 1
                        self._left = False
                if self._changed.is_set():
                    self._changed.clear()
                    self._grow(self._limit())
        except BaseException:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            raise
