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


def first_match(handlers: list[dict[str, Any]] | None, failure: StateFailure) -> int | None:
    """The index of the first retrier or catcher whose ErrorEquals covers the failure. Only the
    first one counts: a matching retrier whose attempts are spent hands on to the catchers, never
    to a later retrier."""
    for index, handler in enumerate(handlers or []):
        if error_matches(handler.get("ErrorEquals", []), failure):
            return index
    return None


def backoff_seconds(retrier: dict[str, Any], attempts: int) -> float:
    """How long a retrier waits before its next retry after `attempts` retries, before any jitter.

    An execution lasts at most a year, so no back-off waits longer than MaxDelaySeconds' own
    ceiling; AWS documents no other bound, and an unbounded one overflows the calendar.
    """
    interval = retrier.get("IntervalSeconds", 1)
    backoff = retrier.get("BackoffRate", 2.0)
    try:
        delay = float(interval * (backoff**attempts))
    except OverflowError:
        delay = math.inf
    return min(delay, retrier.get("MaxDelaySeconds", MAX_RETRY_DELAY), MAX_RETRY_DELAY)


class RetryState:
    """Attempt counts per retrier, kept across the attempts of one state entry."""

    def __init__(self, retriers: list[dict[str, Any]] | None) -> None:
        self.retriers = retriers or []
        self.attempts = [0] * len(self.retriers)
        self.total = 0

    def next_delay(self, failure: StateFailure, rng: random.Random) -> float | None:
        """Seconds to wait before retrying, or None when no retrier applies or all are spent."""
        index = first_match(self.retriers, failure)
        if index is None:
            return None
        retrier = self.retriers[index]
        if self.attempts[index] >= retrier.get("MaxAttempts", 3):
            return None
        delay = backoff_seconds(retrier, self.attempts[index])
        if retrier.get("JitterStrategy") == "FULL":
            delay = rng.uniform(0, delay)
        self.attempts[index] += 1
        self.total += 1
        return delay


def find_catcher(catchers: list[dict[str, Any]] | None, failure: StateFailure) -> dict[str, Any] | None:
    """The catcher that handles the failure, if any."""
    index = first_match(catchers, failure)
    return None if index is None or catchers is None else catchers[index]
