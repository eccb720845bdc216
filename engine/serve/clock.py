"""The clock `statecanvas serve` runs executions on: real time, optionally sped up.

Clients wait for executions in real time, so virtual time (which jumps to the next timer the
moment the loop is idle) would race ahead of them; yet a Wait of an hour is a nuisance in a test
suite. ``--time-scale N`` makes every wait take 1/N of its length, and the clock's ``now`` moves N
times as fast from the moment the server started, so the timestamps in a history stay consistent
with the waits between them (a Wait of 60 s is 60 s apart in the history, 1 s apart on the wall).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class ScaledClock:
    """Real time at ``scale`` times its speed (1.0: the wall clock itself)."""

    def __init__(self, scale: float = 1.0) -> None:
        if not scale > 0:
            raise ValueError("the time scale must be a positive number")
        self.scale = scale
        self._origin = datetime.now(UTC)
        self._origin_monotonic = time.monotonic()

    def now(self) -> datetime:
        if self.scale == 1.0:
            return datetime.now(UTC)
        elapsed = time.monotonic() - self._origin_monotonic
        return self._origin + timedelta(seconds=elapsed * self.scale)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.scale)
