"""Clocks: virtual time for fast, repeatable runs, real time for interactive ones.

With the virtual clock a Wait state or a retry back-off costs no real time, yet every history
event carries the timestamp it would have had. Time only advances when every running task of
the execution is waiting on the clock: the earliest sleeper wakes first, so concurrent
branches interleave exactly as they would in real time.

While real work runs outside the loop (a local handler in a thread), the virtual clock is held:
it then runs at real speed, so a task's timeout means real seconds for that work instead of
expiring the instant the loop looks idle. Interactive runs that wait for people (callbacks sent
from the designer) use the real clock.

While a debugger holds an execution paused, its virtual time stands still (`pause_time`):
nothing the paused user is looking at may move on, not even a Wait in another branch.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class VirtualClock:
    """Discrete-event time: `sleep` parks the caller until virtual time reaches its deadline."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._advancer: asyncio.Task[None] | None = None
        self._holds = 0
        self._frozen = 0
        self._paused = 0

    def now(self) -> datetime:
        return self._now

    def hold(self) -> None:
        """Something external is awaited: let time flow at real speed until `release`."""
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)

    def freeze(self) -> None:
        """Hand time over to a driver: it moves only through `advance` and `advance_to_next`.

        A driver that knows when the whole system is quiet (the project runtime settling queues,
        buses and executions together) decides when time may jump; the idle heuristic cannot see
        work waiting in a queue for the driver to deliver.
        """
        self._frozen += 1

    def thaw(self) -> None:
        self._frozen = max(0, self._frozen - 1)

    def pause_time(self) -> None:
        """A debugger paused the execution: time stands still until `resume_time`. Neither the
        idle advancer, nor a driver (`advance_to_next`, `advance`), nor a hold moves it."""
        self._paused += 1

    def resume_time(self) -> None:
        self._paused = max(0, self._paused - 1)

    @property
    def time_paused(self) -> bool:
        return self._paused > 0

    @property
    def busy_in_real_time(self) -> bool:
        """Someone holds the clock: real work (a handler) is running right now."""
        return self._holds > 0

    def next_deadline(self) -> datetime | None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    def advance_to_next(self) -> bool:
        """Jump to the earliest sleeper's deadline and wake it; False when nobody sleeps (or time is
        paused by a debugger)."""
        if self._paused:
            return False
        deadline = self.next_deadline()
        if deadline is None:
            return False
        if deadline > self._now:
            self._now = deadline
        self._wake_due()
        return True

    def advance(self, seconds: float) -> None:
        """Move time forward by hand (tests), waking whoever is due; nothing while time is paused."""
        if self._paused:
            return
        self._now += timedelta(seconds=seconds)
        self._wake_due()

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._sleepers, (self._now + timedelta(seconds=seconds), next(self._seq), future))
        if self._advancer is None or self._advancer.done():
            self._advancer = loop.create_task(self._advance_when_idle())
        await future

    async def _advance_when_idle(self) -> None:
        # Let every other ready task run first: time moves only when all are parked on sleep.
        while self._sleepers:
            for _ in range(20):
                await asyncio.sleep(0)
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)  # a sleep cancelled early (a wait woken by its event)
            if not self._sleepers:
                return
            if self._frozen or self._paused:
                await asyncio.sleep(0.005)  # a driver moves time; keep real work flowing meanwhile
                continue
            if self._holds:
                await self._follow_real_time()
                continue
            deadline = self._sleepers[0][0]
            if deadline > self._now:
                self._now = deadline
            self._wake_due()

    async def _follow_real_time(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        wait = (self._sleepers[0][0] - self._now).total_seconds() if self._sleepers else 0.05
        await asyncio.sleep(min(max(wait, 0.0), 0.05))
        self._now += timedelta(seconds=loop.time() - started)
        self._wake_due()

    def _wake_due(self) -> None:
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
