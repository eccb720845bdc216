"""The EventBridge event envelope: what a rule's pattern sees and what a target receives.

Every event on a bus, whether put by a caller, fired by a schedule or replayed from an
archive, has the same top-level shape, so patterns, input paths and templates can be written
once against it. Building it in one place keeps the field order, the time format (seconds,
`Z`) and the ARNs identical to what AWS produces, which is what makes exported patterns and
transformers behave the same in the cloud.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

ENVELOPE_VERSION = "0"
SCHEDULED_SOURCE = "aws.events"
SCHEDULED_DETAIL_TYPE = "Scheduled Event"
REPLAY_NAME_FIELD = "replay-name"


def format_time(moment: datetime) -> str:
    """ISO 8601 to the second with a `Z`, as AWS writes `time` (sub-seconds are dropped, not rounded)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime:
    """A PutEvents `Time` or an envelope `time` as an aware UTC datetime.

    SDKs send `Time` as a datetime or as epoch seconds; envelopes carry ISO text. All three are
    accepted so an entry read from a file and one built in Python behave alike.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError(f"not a time: {value!r}")


def bus_arn(name: str, *, account: str, region: str) -> str:
    return f"arn:aws:events:{region}:{account}:event-bus/{name}"


def rule_arn(rule_name: str, bus_name: str, *, account: str, region: str) -> str:
    """Rules on the default bus have the short ARN; rules on custom buses name their bus, as in AWS."""
    if bus_name == "default":
        return f"arn:aws:events:{region}:{account}:rule/{rule_name}"
    return f"arn:aws:events:{region}:{account}:rule/{bus_name}/{rule_name}"


def build_event(
    *,
    source: str,
    detail_type: str,
    detail: dict[str, Any],
    account: str,
    region: str,
    time: datetime,
    resources: list[str] | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """The envelope in AWS's field order (patterns do not care, but people reading traces do)."""
    return {
        "version": ENVELOPE_VERSION,
        "id": event_id or str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": format_time(time),
        "region": region,
        "resources": list(resources or []),
        "detail": detail,
    }


def event_from_entry(
    entry: dict[str, Any], *, account: str, region: str, now: datetime, event_id: str | None = None
) -> dict[str, Any]:
    """The envelope for a PutEvents entry that has already passed validation.

    `Time` falls back to the moment of the call, as AWS documents; `Detail` is the JSON text of an
    object (validation guarantees it parses).
    """
    moment = parse_time(entry["Time"]) if entry.get("Time") is not None else now
    return build_event(
        source=entry["Source"],
        detail_type=entry["DetailType"],
        detail=json.loads(entry["Detail"]),
        account=account,
        region=region,
        time=moment,
        resources=entry.get("Resources") or [],
        event_id=event_id,
    )


def scheduled_event(*, rule_arn_: str, account: str, region: str, time: datetime) -> dict[str, Any]:
    """What a scheduled rule sends its targets: source aws.events, the rule as the only resource."""
    return build_event(
        source=SCHEDULED_SOURCE,
        detail_type=SCHEDULED_DETAIL_TYPE,
        detail={},
        account=account,
        region=region,
        time=time,
        resources=[rule_arn_],
    )


def event_json(event: dict[str, Any]) -> str:
    """Compact JSON, the way targets and dead-letter queues receive an event."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)
