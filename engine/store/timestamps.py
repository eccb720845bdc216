"""Timestamp normalisation shared by every store.

Both stores keep time as ISO-8601 text in UTC with millisecond precision (``2024-05-01T12:00:00.123Z``):
that is what AWS shows, it sorts lexicographically in SQLite, and it makes the in-memory store and the
SQLite store return identical values. Reading turns the text back into an aware ``datetime`` in UTC.

Accepted inputs: aware ``datetime`` (converted to UTC), naive ``datetime`` (taken to be UTC), ISO-8601
strings (``Z`` or an offset; no offset means UTC) and numbers (seconds since the epoch, as the AWS CLI
prints ``timestamp`` in JSON output). Sub-millisecond digits are truncated, not rounded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


def utc_now() -> datetime:
    """The current time, aware and in UTC, truncated to milliseconds."""
    return truncate_ms(datetime.now(UTC))


def truncate_ms(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def to_utc(value: datetime | str | float) -> datetime:
    """Coerce any accepted timestamp form to an aware UTC ``datetime`` with millisecond precision."""
    if isinstance(value, datetime):
        if value.tzinfo is UTC:  # the engine's own timestamps: skip the conversion
            return value if value.microsecond % 1000 == 0 else truncate_ms(value)
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        raise TypeError(f"not a timestamp: {value!r}")
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return truncate_ms(moment)


def format_ts(value: datetime | str | float) -> str:
    """The stored text form: ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    if isinstance(value, datetime):
        return _format_datetime(value)
    return _format_utc(to_utc(value))


@lru_cache(maxsize=1024)
def _format_datetime(value: datetime) -> str:
    """Cached: events come in bursts stamped with the same time (a virtual clock stands still while
    states that do not wait run), and formatting was a large part of what storing an event cost.
    Equal datetimes are the same instant, so they share one UTC text."""
    return _format_utc(to_utc(value))


def _format_utc(moment: datetime) -> str:
    # isoformat truncates to milliseconds and always pads the year; the offset is "+00:00" after to_utc.
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def format_optional(value: datetime | str | float | None) -> str | None:
    return None if value is None else format_ts(value)


def parse_ts(text: str) -> datetime:
    """Inverse of :func:`format_ts`."""
    return datetime.fromisoformat(text)


def parse_optional(text: str | None) -> datetime | None:
    return None if text is None else parse_ts(text)
