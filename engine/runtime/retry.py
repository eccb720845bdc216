"""Retry and Catch: which retrier or catcher handles an error, and how long to back off."""

from __future__ import annotations

import math
import random
from typing import Any

from engine.runtime.errors import ALL, TASK_FAILED, TIMEOUT, StateFailure


def error_matches(names: list[str], failure: StateFailure) -> bool:
    """Does an ErrorEquals list cover this failure? Runtime errors are never caught."""
    if not failure.catchable:
        return False
    error = failure.error
    for name in names:
        if name in (ALL, error):
            return True
        if name == TASK_FAILED and error != TIMEOUT and not (error or "").startswith("States.Runtime"):
            return True
    return False


# The largest MaxDelaySeconds a retrier may set (366 days).
MAX_RETRY_DELAY = 31_622_400
# The longest a standard execution may run: one year.
MAX_EXECUTION_SECONDS = 31_536_000


class RetryState:
    """Attempt counts per retrier, kept across the attempts of one state entry."""

    def __init__(self, retriers: list[dict[str, Any]] | None) -> None:
        self.retriers = retriers or []
        self.attempts = [0] * len(self.retriers)
        self.total = 0

    def next_delay(self, failure: StateFailure, rng: random.Random) -> float | None:
        """Seconds to wait before retrying, or None when no retrier applies or all are spent."""
        for i, retrier in enumerate(self.retriers):
            if not error_matches(retrier.get("ErrorEquals", []), failure):
                continue
            max_attempts = retrier.get("MaxAttempts", 3)
            if self.attempts[i] >= max_attempts:
                return None
            interval = retrier.get("IntervalSeconds", 1)
            backoff = retrier.get("BackoffRate", 2.0)
            try:
                delay = float(interval * (backoff ** self.attempts[i]))
            except OverflowError:
                delay = math.inf
            # An execution lasts at most a year, so no back-off waits longer than MaxDelaySeconds'
            # own ceiling; AWS documents no other bound, and an unbounded one overflows the calendar.
            delay = min(delay, retrier.get("MaxDelaySeconds", MAX_RETRY_DELAY), MAX_RETRY_DELAY)
            if retrier.get("JitterStrategy") == "FULL":
                delay = rng.uniform(0, delay)
            self.attempts[i] += 1
            self.total += 1
            return delay
        return None


def find_catcher(catchers: list[dict[str, Any]] | None, failure: StateFailure) -> dict[str, Any] | None:
    for catcher in catchers or []:
        if error_matches(catcher.get("ErrorEquals", []), failure):
            return catcher
    return None
