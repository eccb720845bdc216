"""Schedule expressions: AWS's validation, next fire times, and firing on a virtual clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine.bus.api_errors import ValidationException
from engine.bus.bridge import EventBridge
from engine.bus.schedule import CronSchedule, RateSchedule, parse_schedule
from engine.bus.targets import HandlerInvoker
from engine.runtime.clock import VirtualClock


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


VALID = [
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(2 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(*/5 * * * ? *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 LW * ? *)",
    "cron(0 0 15W * ? *)",
    "cron(0 0 ? * 6L *)",
    "cron(0 0 1 JAN,JUL ? 2025-2030)",
    "cron(0 12 ? * sun *)",
]

INVALID = [
    "",
    "every 5 minutes",
    "rate(1 minutes)",
    "rate(3 minute)",
    "rate(0 minutes)",
    "rate(-1 minutes)",
    "rate(5 seconds)",
    "rate(5minutes)",
    "rate(1.5 hours)",
    "cron(* * * * *)",
    "cron(0 12 * * * *)",
    "cron(0 12 ? * ? *)",
    "cron(7 20 * * 1-7 *)",
    "cron(60 * * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 0 32 * ? *)",
    "cron(0 0 0 * ? *)",
    "cron(0 0 * 13 ? *)",
    "cron(0 0 ? * 8 *)",
    "cron(0 0 ? * MON/2 *)",
    "cron(0 0 * * ? 1969)",
    "cron(0 0 * * ? 2200)",
    "cron(0/0 * * * ? *)",
    "cron(0 0 ? * 2#6 *)",
    "cron(0 0 ? * FOO *)",
    "cron(0 0 * * ? * *)",
    "cron(0 0 1,? * ? *)",
]


@pytest.mark.parametrize("expression", VALID)
def test_valid_expressions(expression: str) -> None:
    assert isinstance(parse_schedule(expression), RateSchedule | CronSchedule)


@pytest.mark.parametrize("expression", INVALID)
def test_invalid_expressions_get_aws_message(expression: str) -> None:
    with pytest.raises(ValidationException) as caught:
        parse_schedule(expression)
    assert caught.value.code == "ValidationException"
    assert caught.value.message == "Parameter ScheduleExpression is not valid."


def test_rate_periods() -> None:
    assert parse_schedule("rate(1 minute)").period_seconds == 60  # type: ignore[union-attr]
    assert parse_schedule("rate(2 hours)").period_seconds == 7200  # type: ignore[union-attr]
    assert parse_schedule("rate(3 days)").period_seconds == 3 * 86400  # type: ignore[union-attr]


def test_rate_fires_from_its_anchor_on_whole_minutes() -> None:
    schedule = parse_schedule("rate(5 minutes)")
    anchor = at(2024, 1, 1, 12, 0, 30)
    assert schedule.next_fire(anchor, anchor=anchor) == at(2024, 1, 1, 12, 5)
    assert schedule.next_fire(at(2024, 1, 1, 12, 5), anchor=anchor) == at(2024, 1, 1, 12, 10)
    assert schedule.next_fire(at(2024, 1, 1, 13, 2), anchor=anchor) == at(2024, 1, 1, 13, 5)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 10 * * ? *)", at(2024, 1, 1, 10, 0), at(2024, 1, 2, 10, 0)),
        ("cron(15 12 * * ? *)", at(2024, 1, 1), at(2024, 1, 1, 12, 15)),
        ("cron(0 18 ? * MON-FRI *)", at(2024, 1, 5, 18, 0), at(2024, 1, 8, 18, 0)),  # Friday -> Monday
        ("cron(0 8 1 * ? *)", at(2024, 1, 1, 8, 0), at(2024, 2, 1, 8, 0)),
        ("cron(0/15 * * * ? *)", at(2024, 1, 1, 0, 7, 59), at(2024, 1, 1, 0, 15)),
        ("cron(*/20 * * * ? *)", at(2024, 1, 1, 0, 40), at(2024, 1, 1, 1, 0)),
        ("cron(0 0 L * ? *)", at(2024, 2, 1), at(2024, 2, 29)),  # leap year
        ("cron(0 0 L * ? *)", at(2023, 2, 1), at(2023, 2, 28)),
        ("cron(0 0 ? * 6#3 *)", at(2024, 1, 1), at(2024, 1, 19)),  # third Friday
        ("cron(0 0 ? * 6L *)", at(2024, 1, 1), at(2024, 1, 26)),  # last Friday
        ("cron(0 0 15W * ? *)", at(2024, 6, 1), at(2024, 6, 14)),  # the 15th is a Saturday
        ("cron(0 0 1W * ? *)", at(2024, 5, 31, 12), at(2024, 6, 3)),  # the 1st is a Saturday
        ("cron(0 0 LW * ? *)", at(2024, 6, 1), at(2024, 6, 28)),  # the 30th is a Sunday
        ("cron(30 23 31 12 ? *)", at(2024, 12, 31, 23, 30), at(2025, 12, 31, 23, 30)),
        ("cron(0 12 ? * SUN *)", at(2024, 1, 1), at(2024, 1, 7, 12, 0)),  # 1 = SUN
        ("cron(0 12 ? * 1 *)", at(2024, 1, 1), at(2024, 1, 7, 12, 0)),
        ("cron(0 0 31 * ? *)", at(2024, 4, 1), at(2024, 5, 31)),  # April has no 31st
        ("cron(0 22-2 * * ? *)", at(2024, 1, 1, 3), at(2024, 1, 1, 22)),  # a range across midnight
    ],
)
def test_cron_next_fire(expression: str, after: datetime, expected: datetime) -> None:
    assert parse_schedule(expression).next_fire(after, anchor=after) == expected


def test_cron_runs_out_of_years() -> None:
    assert parse_schedule("cron(0 0 1 1 ? 2025)").next_fire(at(2025, 1, 1), anchor=at(2025, 1, 1)) is None


def test_schedule_only_on_the_default_bus() -> None:
    service = EventBridge(invoker=HandlerInvoker(), clock=VirtualClock(at(2024, 1, 1)))
    service.create_event_bus("orders")
    with pytest.raises(ValidationException, match="only on the default event bus"):
        service.bus("orders").put_rule("tick", schedule_expression="rate(5 minutes)")
    with pytest.raises(ValidationException, match=r"Parameter ScheduleExpression is not valid\."):
        service.bus().put_rule("tick", schedule_expression="rate(5 minute)")


async def test_scheduler_fires_scheduled_events_on_the_virtual_clock() -> None:
    clock = VirtualClock(at(2024, 1, 1, 12, 0, 0))
    received: list[dict] = []
    service = EventBridge(
        invoker=HandlerInvoker({"queue:ticks": lambda p: received.append(json.loads(p))}), clock=clock
    )
    bus = service.bus()
    rule_arn = bus.put_rule("tick", schedule_expression="rate(5 minutes)")
    bus.put_targets("tick", [{"Id": "t", "Arn": "queue:ticks"}])
    bus.put_rule("other", event_pattern={"source": ["aws.events"]})
    bus.put_targets("other", [{"Id": "o", "Arn": "queue:other"}])
    service.start_schedules()
    await clock.sleep(3590)
    await service.drain()
    await service.close()
    assert [e["time"] for e in received[:3]] == [
        "2024-01-01T12:05:00Z",
        "2024-01-01T12:10:00Z",
        "2024-01-01T12:15:00Z",
    ]
    assert len(received) == 11
    first = received[0]
    assert first["source"] == "aws.events"
    assert first["detail-type"] == "Scheduled Event"
    assert first["detail"] == {}
    assert first["resources"] == [rule_arn]
    # Scheduled events go to their rule's targets only, not through the bus's other rules.
    scheduled = [t for t in service.traces.recent if t.kind == "scheduled"]
    assert all(t.matched_rules == ["tick"] for t in scheduled)


async def test_disabled_scheduled_rule_does_not_fire() -> None:
    clock = VirtualClock(at(2024, 1, 1))
    received: list[str] = []
    service = EventBridge(invoker=HandlerInvoker({"queue:t": received.append}), clock=clock)
    bus = service.bus()
    bus.put_rule("cron", schedule_expression="cron(0 * * * ? *)")
    bus.put_targets("cron", [{"Id": "t", "Arn": "queue:t"}])
    service.start_schedules()
    await clock.sleep(3 * 3600 - 60)
    assert len(received) == 2  # 01:00 and 02:00
    bus.disable_rule("cron")
    await clock.sleep(3 * 3600)
    assert len(received) == 2
    bus.enable_rule("cron")
    await clock.sleep(3600)
    await service.close()
    assert len(received) == 3
