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

# A year's Wait takes half a minute at the top speed; at the bottom, a second takes a quarter hour.
# Beyond them the scaled clock leaves the calendar (past year 9999 within days of serving) or
# timers stop meaning anything, so the scale is held between the two.
MIN_TIME_SCALE = 0.001
MAX_TIME_SCALE = 1_000_000.0
_LAST_DAY = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)


class ScaledClock:
    """Real time at ``scale`` times its speed (1.0: the wall clock itself)."""

    def __init__(self, scale: float = 1.0) -> None:
        if not MIN_TIME_SCALE <= scale <= MAX_TIME_SCALE:
            raise ValueError(f"the time scale must be between {MIN_TIME_SCALE:g} and {MAX_TIME_SCALE:g}")
        self.scale = scale
        self._origin = datetime.now(UTC)
        self._origin_monotonic = time.monotonic()
        self._horizon = (_LAST_DAY - self._origin).total_seconds()

    def now(self) -> datetime:
        if self.scale == 1.0:
            return datetime.now(UTC)
        elapsed = time.monotonic() - self._origin_monotonic
        # A server left running for years at top speed stops at the calendar's end (a day short of
        # it, so float seconds cannot round past the last instant), not in an OverflowError.
        return self._origin + timedelta(seconds=min(elapsed * self.scale, self._horizon))

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.scale)
