"""Scheduled rules: `rate(...)` and `cron(...)` expressions, next fire times, and the firing loop.

Expressions are validated the way PutRule validates them (one message for every mistake:
"Parameter ScheduleExpression is not valid."), so a schedule that works here deploys. Cron
has AWS's six fields - minutes, hours, day-of-month, month, day-of-week, year - in UTC,
day-of-week counted 1 (SUN) to 7 (SAT), with exactly one of the two day fields `?`, and the
`L`, `W` and `#` forms. Fire times are whole minutes, AWS's finest granularity.

The loop sleeps on the injected clock, so a virtual clock runs a month of a `rate(5 minutes)`
rule in milliseconds while firing at exactly the times AWS would.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from engine.bus.api_errors import ValidationException

INVALID = "Parameter ScheduleExpression is not valid."
MAX_EXPRESSION_LENGTH = 256
YEAR_MIN, YEAR_MAX = 1970, 2199

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    name: i
    for i, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
_DAYS = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}


def _invalid() -> ValidationException:
    return ValidationException(INVALID)


@dataclass(frozen=True, slots=True)
class RateSchedule:
    """Every `value` units, counted from when the rule was created (its anchor)."""

    expression: str
    period_seconds: int

    def next_fire(self, after: datetime, *, anchor: datetime) -> datetime:
        """The first fire strictly after `after`: anchor + k periods, k >= 1, on a whole minute."""
        base = _minute_floor(anchor)
        if after < base:
            return base + timedelta(seconds=self.period_seconds)
        elapsed = (after - base).total_seconds()
        periods = int(elapsed // self.period_seconds) + 1
        return base + timedelta(seconds=periods * self.period_seconds)


@dataclass(frozen=True, slots=True)
class _DayOfMonth:
    days: frozenset[int] = frozenset()
    last: bool = False  # L
    last_weekday: bool = False  # LW
    nearest_weekday: frozenset[int] = frozenset()  # nW


@dataclass(frozen=True, slots=True)
class _DayOfWeek:
    days: frozenset[int] = frozenset()  # 1 = SUN ... 7 = SAT
    last_of: frozenset[int] = frozenset()  # nL: the last such weekday of the month
    nth: frozenset[tuple[int, int]] = frozenset()  # n#k: the k-th such weekday of the month


@dataclass(frozen=True, slots=True)
class CronSchedule:
    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    day_of_month: _DayOfMonth | None  # None when the field is `?`
    months: frozenset[int]
    day_of_week: _DayOfWeek | None  # None when the field is `?`
    years: frozenset[int]

    def next_fire(self, after: datetime, *, anchor: datetime | None = None) -> datetime | None:
        """The first matching minute strictly after `after` (UTC), or None if the years run out."""
        start = _minute_floor(after.astimezone(UTC)) + timedelta(minutes=1)
        for year in sorted(y for y in self.years if y >= start.year):
            for month in sorted(self.months):
                if (year, month) < (start.year, start.month):
                    continue
                for day in range(1, calendar.monthrange(year, month)[1] + 1):
                    if (year, month, day) < (start.year, start.month, start.day) or not self._day_matches(
                        year, month, day
                    ):
                        continue
                    for hour in sorted(self.hours):
                        for minute in sorted(self.minutes):
                            moment = datetime(year, month, day, hour, minute, tzinfo=UTC)
                            if moment >= start:
                                return moment
        return None

    def _day_matches(self, year: int, month: int, day: int) -> bool:
        last_day = calendar.monthrange(year, month)[1]
        if self.day_of_month is not None:
            dom = self.day_of_month
            if day in dom.days or (dom.last and day == last_day):
                return True
            if dom.last_weekday and day == _nearest_weekday(year, month, last_day):
                return True
            return any(n <= last_day and day == _nearest_weekday(year, month, n) for n in dom.nearest_weekday)
        dow = self.day_of_week
        assert dow is not None
        weekday = (calendar.weekday(year, month, day) + 1) % 7 + 1  # Python Mon=0 -> AWS Mon=2
        if weekday in dow.days:
            return True
        if weekday in dow.last_of and day + 7 > last_day:
            return True
        return (weekday, (day - 1) // 7 + 1) in dow.nth


Schedule = RateSchedule | CronSchedule


def parse_schedule(expression: Any) -> Schedule:
    """Parse a ScheduleExpression, raising AWS's ValidationException for anything it would refuse."""
    if not isinstance(expression, str) or not expression or len(expression) > MAX_EXPRESSION_LENGTH:
        raise _invalid()
    if expression.startswith("rate("):
        match = _RATE.fullmatch(expression)
        if not match:
            raise _invalid()
        value, unit = int(match.group(1)), match.group(2)
        # AWS insists on the singular for 1 and the plural otherwise, and on a positive value.
        if value <= 0 or (value == 1) != (not unit.endswith("s")):
            raise _invalid()
        return RateSchedule(expression, value * _UNIT_SECONDS[unit.rstrip("s")])
    if expression.startswith("cron(") and expression.endswith(")"):
        return _parse_cron(expression)
    raise _invalid()


def _parse_cron(expression: str) -> CronSchedule:
    fields = expression[5:-1].split()
    if len(fields) != 6:
        raise _invalid()
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise _invalid()  # exactly one of the day fields must be `?`
    return CronSchedule(
        expression,
        minutes=_parse_simple(minute, 0, 59),
        hours=_parse_simple(hour, 0, 23),
        day_of_month=None if dom == "?" else _parse_day_of_month(dom),
        months=_parse_simple(month, 1, 12, names=_MONTHS),
        day_of_week=None if dow == "?" else _parse_day_of_week(dow),
        years=_parse_simple(year, YEAR_MIN, YEAR_MAX, wrap=False),
    )


def _parse_simple(
    text: str,
    low: int,
    high: int,
    *,
    names: dict[str, int] | None = None,
    wrap: bool = True,
    step: bool = True,
) -> frozenset[int]:
    """A field of `*`, values, ranges and increments, comma-separated."""
    values: set[int] = set()
    for item in text.split(","):
        values |= _parse_item(item, low, high, names, wrap=wrap, step=step)
    return frozenset(values)


def _parse_item(
    item: str, low: int, high: int, names: dict[str, int] | None, *, wrap: bool, step: bool
) -> set[int]:
    base, slash, increment_text = item.partition("/")
    increment = 1
    if slash:
        if not step or not increment_text.isdigit() or int(increment_text) == 0:
            raise _invalid()
        increment = int(increment_text)
    if base == "*":
        start, end = low, high
    elif "-" in base:
        first, _, second = base.partition("-")
        start, end = _value(first, low, high, names), _value(second, low, high, names)
    else:
        start = _value(base, low, high, names)
        end = high if slash else start  # `a/n` runs from a to the end of the range
    if start <= end:
        span = list(range(start, end + 1))
    elif wrap:
        span = list(range(start, high + 1)) + list(range(low, end + 1))
    else:
        raise _invalid()
    return set(span[::increment])


def _value(text: str, low: int, high: int, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise _invalid()
    value = int(text)
    if not low <= value <= high:
        raise _invalid()
    return value


def _parse_day_of_month(text: str) -> _DayOfMonth:
    days: set[int] = set()
    last = last_weekday = False
    nearest: set[int] = set()
    for item in text.split(","):
        if item == "L":
            last = True
        elif item == "LW":
            last_weekday = True
        elif item.endswith("W"):
            nearest.add(_value(item[:-1], 1, 31, None))
        else:
            days |= _parse_item(item, 1, 31, None, wrap=True, step=True)
    return _DayOfMonth(frozenset(days), last, last_weekday, frozenset(nearest))


def _parse_day_of_week(text: str) -> _DayOfWeek:
    days: set[int] = set()
    last_of: set[int] = set()
    nth: set[tuple[int, int]] = set()
    for item in text.split(","):
        if item == "L":
            days.add(7)  # `L` alone is the last day of the week, Saturday
        elif item.endswith("L"):
            last_of.add(_value(item[:-1], 1, 7, _DAYS))
        elif "#" in item:
            day, _, k = item.partition("#")
            if not k.isdigit() or not 1 <= int(k) <= 5:
                raise _invalid()
            nth.add((_value(day, 1, 7, _DAYS), int(k)))
        else:
            days |= _parse_item(item, 1, 7, _DAYS, wrap=True, step=False)
    return _DayOfWeek(frozenset(days), frozenset(last_of), frozenset(nth))


def _nearest_weekday(year: int, month: int, day: int) -> int:
    """`nW`: the weekday nearest day n, without leaving the month (Quartz's rule, which AWS follows)."""
    last_day = calendar.monthrange(year, month)[1]
    weekday = calendar.weekday(year, month, day)  # Mon=0 ... Sun=6
    if weekday == 5:  # Saturday: Friday before, or Monday after when Friday is last month
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: Monday after, or Friday before when Monday is next month
        return day + 1 if day < last_day else day - 2
    return day


def _minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


FireCallback = Callable[[str, datetime], Awaitable[None] | None]


@dataclass
class Scheduler:
    """Fires each scheduled rule at its times on the given clock, until stopped.

    `on_fire(rule_name, scheduled_time)` is called once per fire; the bus turns it into a
    Scheduled Event for that rule's targets.
    """

    clock: Any
    on_fire: FireCallback
    _tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def add(self, rule_name: str, schedule: Schedule, *, anchor: datetime | None = None) -> None:
        self.remove(rule_name)
        anchor = anchor or self.clock.now()
        self._tasks[rule_name] = asyncio.get_running_loop().create_task(
            self._run(rule_name, schedule, anchor), name=f"schedule:{rule_name}"
        )

    def remove(self, rule_name: str) -> None:
        task = self._tasks.pop(rule_name, None)
        if task is not None:
            task.cancel()

    @property
    def rule_names(self) -> list[str]:
        return sorted(self._tasks)

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, rule_name: str, schedule: Schedule, anchor: datetime) -> None:
        after = self.clock.now()
        while True:
            due = schedule.next_fire(after, anchor=anchor)
            if due is None:
                return
            await self.clock.sleep(max(0.0, (due - self.clock.now()).total_seconds()))
            result = self.on_fire(rule_name, due)
            if inspect.isawaitable(result):
                await result
            after = due
