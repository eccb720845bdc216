"""Retry policies and dead-letter queues, on a virtual clock so a day of back-off takes no time."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.bus.api_errors import ValidationException
from engine.bus.bridge import EventBridge
from engine.bus.retry_policy import Backoff, RetryPolicy, deliver_with_retries
from engine.bus.targets import CallbackDeadLetters, HandlerInvoker, TargetDeliveryError
from engine.runtime.clock import VirtualClock

T0 = datetime(2024, 1, 1, tzinfo=UTC)
ENTRY = {"Source": "shop", "DetailType": "OrderPlaced", "Detail": '{"id": "o-1"}'}


class Failing:
    """A target that fails `failures` times (for ever when None) with the given code."""

    def __init__(self, code: str = "THROTTLING", failures: int | None = None) -> None:
        self.code = code
        self.failures = failures
        self.calls: list[datetime] = []
        self.clock: VirtualClock | None = None

    def __call__(self, payload: str) -> None:
        assert self.clock is not None
        self.calls.append(self.clock.now())
        if self.failures is None or len(self.calls) <= self.failures:
            raise TargetDeliveryError(self.code, f"{self.code} from target")


def setup(target: Any, **target_fields: Any) -> tuple[EventBridge, VirtualClock, list[tuple[str, str, dict]]]:
    clock = VirtualClock(T0)
    if isinstance(target, Failing):
        target.clock = clock
    dead: list[tuple[str, str, dict[str, str]]] = []
    service = EventBridge(
        invoker=HandlerInvoker({"queue:work": target}),
        dead_letters=CallbackDeadLetters(lambda q, body, attrs: dead.append((q, body, attrs))),
        clock=clock,
        rng=random.Random(7),
    )
    bus = service.bus()
    bus.put_rule("orders", event_pattern={"source": ["shop"]})
    bus.put_targets("orders", [{"Id": "work", "Arn": "queue:work", **target_fields}])
    return service, clock, dead


def test_default_policy_is_aws_default() -> None:
    policy = RetryPolicy()
    assert (policy.maximum_retry_attempts, policy.maximum_event_age_in_seconds) == (185, 86400)


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (RetryPolicy(186, 3600), "less than or equal to 185"),
        (RetryPolicy(-1, 3600), "greater than or equal to 0"),
        (RetryPolicy(3, 59), "greater than or equal to 60"),
        (RetryPolicy(3, 86401), "less than or equal to 86400"),
    ],
)
def test_policy_ranges(policy: RetryPolicy, message: str) -> None:
    with pytest.raises(ValidationException, match=message):
        policy.validate()


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    rng = random.Random(1)
    backoff = Backoff(base_seconds=1, cap_seconds=600)
    for n in range(1, 12):
        step = min(600, 2 ** (n - 1))
        assert step / 2 <= backoff.delay(n, rng) <= step
    assert 300 <= backoff.delay(185, rng) <= 600


async def test_retries_until_success_with_growing_gaps() -> None:
    target = Failing(failures=4)
    service, _clock, dead = setup(target, DeadLetterConfig={"Arn": "queue:dlq"})
    service.put_events([ENTRY])
    await service.drain()
    assert len(target.calls) == 5
    gaps = [(b - a).total_seconds() for a, b in zip(target.calls, target.calls[1:], strict=False)]
    for n, gap in enumerate(gaps, start=1):
        assert 2 ** (n - 1) / 2 <= gap <= 2 ** (n - 1) + 1e-6
    assert dead == []
    delivery = service.traces.recent[-1].deliveries[0]
    assert delivery.outcome == "delivered"
    assert [a.succeeded for a in delivery.attempts] == [False] * 4 + [True]


async def test_maximum_retry_attempts_exhausted_goes_to_dlq() -> None:
    target = Failing()
    service, _clock, dead = setup(
        target, RetryPolicy={"MaximumRetryAttempts": 3}, DeadLetterConfig={"Arn": "queue:dlq"}
    )
    response = service.put_events([ENTRY])
    await service.drain()
    assert len(target.calls) == 4  # the first try and 3 retries
    ((queue, body, attributes),) = dead
    assert queue == "queue:dlq"
    event = json.loads(body)
    assert event["id"] == response["Entries"][0]["EventId"] and event["detail"] == {"id": "o-1"}
    assert attributes == {
        "RULE_ARN": "arn:aws:events:us-east-1:123456789012:rule/orders",
        "TARGET_ARN": "arn:aws:sqs:us-east-1:123456789012:work",
        "ERROR_CODE": "THROTTLING",
        "ERROR_MESSAGE": "THROTTLING from target",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "RETRY_ATTEMPTS": "3",
    }
    delivery = service.traces.recent[-1].deliveries[0]
    assert delivery.outcome == "dead-lettered"
    assert delivery.exhausted_condition == "MaximumRetryAttempts"


async def test_maximum_event_age_exhausted_goes_to_dlq() -> None:
    target = Failing()
    service, _clock, dead = setup(
        target,
        RetryPolicy={"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 60},
        DeadLetterConfig={"Arn": "queue:dlq"},
    )
    service.put_events([ENTRY])
    await service.drain()
    ((_, _, attributes),) = dead
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumEventAgeInSeconds"
    assert int(attributes["RETRY_ATTEMPTS"]) == len(target.calls) - 1
    assert (target.calls[-1] - T0).total_seconds() <= 60
    assert len(target.calls) < 10


async def test_default_policy_spans_about_a_day_in_no_real_time() -> None:
    target = Failing()
    service, clock, dead = setup(target, DeadLetterConfig={"Arn": "queue:dlq"})
    service.put_events([ENTRY])
    await service.drain()
    ((_, _, _attributes),) = dead
    assert len(target.calls) <= 186
    assert (target.calls[-1] - T0).total_seconds() <= 86400
    assert (clock.now() - T0).total_seconds() > 12 * 3600  # the retries really were spread out


@pytest.mark.parametrize("code", ["NO_PERMISSIONS", "NO_RESOURCE"])
async def test_errors_that_retrying_cannot_fix_go_straight_to_dlq(code: str) -> None:
    target = Failing(code=code)
    service, _clock, dead = setup(target, DeadLetterConfig={"Arn": "queue:dlq"})
    service.put_events([ENTRY])
    await service.drain()
    assert len(target.calls) == 1
    ((_, _, attributes),) = dead
    assert attributes["ERROR_CODE"] == code
    assert attributes["RETRY_ATTEMPTS"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in attributes


async def test_missing_target_is_no_resource() -> None:
    clock = VirtualClock(T0)
    dead: list[Any] = []
    service = EventBridge(
        invoker=HandlerInvoker(),
        dead_letters=CallbackDeadLetters(lambda q, b, a: dead.append(a)),
        clock=clock,
    )
    service.bus().put_rule("r", event_pattern={"source": ["shop"]})
    service.bus().put_targets(
        "r", [{"Id": "t", "Arn": "queue:gone", "DeadLetterConfig": {"Arn": "queue:dlq"}}]
    )
    service.put_events([ENTRY])
    await service.drain()
    assert dead[0]["ERROR_CODE"] == "NO_RESOURCE"


async def test_without_dlq_the_event_is_dropped() -> None:
    target = Failing()
    service, _clock, _dead = setup(target, RetryPolicy={"MaximumRetryAttempts": 0})
    service.put_events([ENTRY])
    await service.drain()
    assert len(target.calls) == 1
    assert service.traces.recent[-1].deliveries[0].outcome == "dropped"


async def test_handler_exception_counts_as_error_from_target() -> None:
    def broken(payload: str) -> None:
        raise RuntimeError("boom")

    service, _clock, dead = setup(
        broken, RetryPolicy={"MaximumRetryAttempts": 1}, DeadLetterConfig={"Arn": "queue:d"}
    )
    service.put_events([ENTRY])
    await service.drain()
    assert dead[0][2]["ERROR_CODE"] == "ERROR_FROM_TARGET"
    assert "boom" in dead[0][2]["ERROR_MESSAGE"]


async def test_failing_dlq_is_recorded() -> None:
    clock = VirtualClock(T0)

    def refuse(queue: str, body: str, attributes: dict[str, str]) -> None:
        raise RuntimeError("queue gone")

    service = EventBridge(invoker=HandlerInvoker(), dead_letters=CallbackDeadLetters(refuse), clock=clock)
    service.bus().put_rule("r", event_pattern={"source": ["shop"]})
    service.bus().put_targets(
        "r", [{"Id": "t", "Arn": "queue:gone", "DeadLetterConfig": {"Arn": "queue:dlq"}}]
    )
    service.put_events([ENTRY])
    await service.drain()
    assert service.traces.recent[-1].deliveries[0].outcome == "dead-letter-failed"


async def test_deliver_with_retries_directly() -> None:
    clock = VirtualClock(T0)
    calls = 0

    async def send() -> None:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise TargetDeliveryError("TIMEOUT", "slow")

    outcome = await deliver_with_retries(
        send, policy=RetryPolicy(5, 3600), clock=clock, received_at=T0, rng=random.Random(0)
    )
    assert outcome.delivered and outcome.retry_attempts == 2
    assert [a.next_delay is not None for a in outcome.attempts] == [True, True, False]
