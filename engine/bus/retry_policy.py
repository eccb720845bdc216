"""Per-target retries: how long and how often EventBridge keeps trying a failing target.

A target's RetryPolicy bounds retries two ways, by count (MaximumRetryAttempts, 0-185,
default 185) and by the event's age (MaximumEventAgeInSeconds, 60-86400, default a day);
whichever runs out first ends delivery, and that condition is what the dead-letter queue is
told. Back-off is exponential with jitter and waits on the injected clock, so on a virtual
clock a day of retries costs nothing and a test can count every attempt.

AWS does not publish its back-off constants. The ones here (1 s doubling, capped at 10
minutes, jittered between half and all of the step) make the default 185 retries span close
to the default 24 hours, so both limits are about equally likely to be the one reached.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.bus.api_errors import ValidationException
from engine.bus.targets import TargetDeliveryError, as_delivery_error

DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185
DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS = 86400
MAXIMUM_RETRY_ATTEMPTS_EXHAUSTED = "MaximumRetryAttempts"
MAXIMUM_EVENT_AGE_EXHAUSTED = "MaximumEventAgeInSeconds"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age_in_seconds: int = DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS

    def validate(self) -> None:
        """The ranges PutTargets enforces, with its constraint messages."""
        if not 0 <= self.maximum_retry_attempts <= DEFAULT_MAXIMUM_RETRY_ATTEMPTS:
            low = self.maximum_retry_attempts < 0
            bound = "greater than or equal to 0" if low else "less than or equal to 185"
            raise ValidationException(
                f"1 validation error detected: Value '{self.maximum_retry_attempts}' at "
                "'retryPolicy.maximumRetryAttempts' failed to satisfy constraint: "
                f"Member must have value {bound}"
            )
        if not 60 <= self.maximum_event_age_in_seconds <= DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS:
            bound = (
                "greater than or equal to 60"
                if self.maximum_event_age_in_seconds < 60
                else "less than or equal to 86400"
            )
            raise ValidationException(
                f"1 validation error detected: Value '{self.maximum_event_age_in_seconds}' at "
                "'retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have "
                f"value {bound}"
            )

    @classmethod
    def from_value(cls, value: Any) -> RetryPolicy:
        """From AWS's JSON (`MaximumRetryAttempts`...) or the project model (`maximum_retry_attempts`)."""
        if value is None:
            return cls()
        if isinstance(value, RetryPolicy):
            return value
        if isinstance(value, dict):
            return cls(
                int(value.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS)),
                int(value.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS)),
            )
        return cls(int(value.maximum_retry_attempts), int(value.maximum_event_age_in_seconds))


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off with jitter: retry n waits between half and all of base*2^(n-1), capped."""

    base_seconds: float = 1.0
    cap_seconds: float = 600.0

    def delay(self, retry_number: int, rng: random.Random) -> float:
        step = min(self.cap_seconds, self.base_seconds * 2 ** min(retry_number - 1, 62))
        return rng.uniform(step / 2, step)


@dataclass(slots=True)
class AttemptRecord:
    """One call to the target: when, and how it ended (error None when it succeeded)."""

    number: int  # 1 for the first try, 2 for the first retry...
    at: datetime
    error: TargetDeliveryError | None = None
    next_delay: float | None = None  # seconds until the next retry, when there is one


@dataclass(slots=True)
class RetryOutcome:
    delivered: bool
    attempts: list[AttemptRecord] = field(default_factory=list)
    error: TargetDeliveryError | None = None
    exhausted_condition: str | None = None  # None on success or for an error that is not retried

    @property
    def retry_attempts(self) -> int:
        return max(0, len(self.attempts) - 1)


async def deliver_with_retries(
    send: Callable[[], Awaitable[None]],
    *,
    policy: RetryPolicy,
    clock: Any,
    received_at: datetime,
    rng: random.Random,
    backoff: Backoff | None = None,
    on_attempt: Callable[[AttemptRecord], None] | None = None,
) -> RetryOutcome:
    """Call `send` until it succeeds or the policy gives up, sleeping on `clock` in between.

    The event's age is measured from when the bus received it. A retry that would start after
    the age limit is not made: delivery ends there with MaximumEventAgeInSeconds.
    """
    backoff = backoff or Backoff()
    outcome = RetryOutcome(delivered=False)
    while True:
        record = AttemptRecord(len(outcome.attempts) + 1, clock.now())
        outcome.attempts.append(record)
        try:
            await send()
        except Exception as exc:  # an invoker's failure of any kind is the target's failure
            record.error = as_delivery_error(exc)
        else:
            outcome.delivered = True
            _notify(on_attempt, record)
            return outcome
        outcome.error = record.error
        if not record.error.retryable:
            _notify(on_attempt, record)
            return outcome
        retries_done = len(outcome.attempts) - 1
        if retries_done >= policy.maximum_retry_attempts:
            outcome.exhausted_condition = MAXIMUM_RETRY_ATTEMPTS_EXHAUSTED
            _notify(on_attempt, record)
            return outcome
        delay = backoff.delay(retries_done + 1, rng)
        age_then = (clock.now() - received_at).total_seconds() + delay
        if age_then > policy.maximum_event_age_in_seconds:
            outcome.exhausted_condition = MAXIMUM_EVENT_AGE_EXHAUSTED
            _notify(on_attempt, record)
            return outcome
        record.next_delay = delay
        _notify(on_attempt, record)
        await clock.sleep(delay)


def _notify(on_attempt: Callable[[AttemptRecord], None] | None, record: AttemptRecord) -> None:
    if on_attempt is not None:
        on_attempt(record)
