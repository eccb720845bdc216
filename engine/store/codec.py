"""How events and records are turned into stored rows and back.

Both stores go through these functions, so the in-memory store used in tests returns exactly what
the SQLite store would: same timestamp precision, same JSON normalisation, fresh objects each read.

An event is stored as ``(id, previousEventId, type, timestamp, details)`` where ``details`` is the
JSON text of every *other* key of the event dict (normally the one ``...EventDetails`` key, but any
extra keys survive too). Reading rebuilds the dict in AWS key order. The round trip is exact for
JSON data, with these documented normalisations:

* ``timestamp`` comes back as an aware UTC ``datetime`` truncated to milliseconds (see
  :mod:`engine.store.timestamps`); a missing ``timestamp`` or ``previousEventId`` stays missing;
* datetimes nested *inside* details come back as ISO-8601 text (JSON has no date type);
* tuples come back as lists and non-string dict keys as strings (ordinary JSON behaviour).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from engine.redaction import mentions_secret, redact_secrets
from engine.store.record import ExecutionRecord, check_status
from engine.store.timestamps import format_optional, format_ts, parse_optional, to_utc

#: The keys that have their own columns; everything else goes to the details JSON.
_COLUMN_KEYS = frozenset(("id", "previousEventId", "timestamp", "type"))

#: (id, previous_event_id, type, timestamp text or None, details JSON text)
EventRow = tuple[int, int | None, str, str | None, str]


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# One encoder for every call: ``json.dumps`` with options builds a new one each time, which shows up
# when millions of events are written.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def dump_json(value: Any) -> str:
    """Compact JSON, unicode kept as is (smaller files, readable in sqlite3 shells)."""
    return _ENCODER.encode(value)


def encode_event(event: dict[str, Any]) -> EventRow:
    """Validate an event dict and split it into its stored columns."""
    if not isinstance(event, dict):
        raise TypeError(f"an event is a dict, not {type(event).__name__}")
    event_id = event.get("id")
    if not isinstance(event_id, int) or isinstance(event_id, bool) or event_id < 1:
        raise ValueError(f"an event needs a positive integer 'id', got {event_id!r}")
    previous = event.get("previousEventId")
    if previous is not None and (not isinstance(previous, int) or isinstance(previous, bool)):
        raise ValueError(f"'previousEventId' must be an integer, got {previous!r}")
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise ValueError(f"event {event_id} needs a string 'type'")
    timestamp = event.get("timestamp")
    details = {key: value for key, value in event.items() if key not in _COLUMN_KEYS}
    text = dump_json(details)
    if mentions_secret(text):  # an HTTP Task's Authorization header never reaches the store file
        text = dump_json(redact_secrets(details))
    return (event_id, previous, event_type, format_optional(timestamp), text)


def decode_event(row: EventRow) -> dict[str, Any]:
    """Rebuild the event dict from its stored columns (a new object every call)."""
    event_id, previous, event_type, timestamp, details = row
    event: dict[str, Any] = {}
    if timestamp is not None:
        event["timestamp"] = parse_optional(timestamp)
    event["type"] = event_type
    event["id"] = event_id
    if previous is not None:
        event["previousEventId"] = previous
    event.update(json.loads(details))
    return event


def normalize_record(record: ExecutionRecord) -> ExecutionRecord:
    """A copy of ``record`` as a store would return it: checked status, UTC ms dates, JSON metadata."""
    if not isinstance(record.metadata, dict):
        raise TypeError("ExecutionRecord.metadata must be a dict")
    return replace(
        record,
        status=check_status(record.status, finished=False),
        start_date=to_utc(record.start_date),
        stop_date=None if record.stop_date is None else to_utc(record.stop_date),
        metadata=json.loads(dump_json(record.metadata)),
    )


def copy_record(record: ExecutionRecord) -> ExecutionRecord:
    """A copy safe to hand out: the caller may mutate ``metadata`` without touching the store."""
    return replace(record, metadata=json.loads(dump_json(record.metadata)))
