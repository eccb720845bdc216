"""PutEvents request checks and response shape, as AWS applies and returns them.

AWS splits failures in two: a request it will not read at all (too many entries, too large)
fails the whole call with a ValidationException, while a bad entry fails only itself and comes
back in `Entries` with an ErrorCode/ErrorMessage next to the successful EventIds. Callers that
retry failed entries rely on that split, so it is reproduced exactly, in entry order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.bus.api_errors import ValidationException
from engine.bus.events import parse_time

MAX_ENTRIES = 10
MAX_REQUEST_BYTES = 1024 * 1024  # the entries' total, 1 MB since January 2026 (256 KB before)
TIME_FIELD_BYTES = 14  # what a `Time` counts for, whatever its encoding (AWS's size rule)

INVALID_ARGUMENT = "InvalidArgument"
MALFORMED_DETAIL = "MalformedDetail"
NOT_AUTHORIZED_FOR_SOURCE = "NotAuthorizedForSourceException"
RESOURCE_NOT_FOUND = "ResourceNotFoundException"


@dataclass(frozen=True, slots=True)
class EntryError:
    """Why one entry was refused: AWS's ErrorCode and ErrorMessage for it."""

    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"ErrorCode": self.code, "ErrorMessage": self.message}


def check_request(entries: Any) -> list[dict[str, Any]]:
    """Refuse the whole call where AWS does; return the entries to be checked one by one."""
    if not isinstance(entries, list):
        raise ValidationException(
            "1 validation error detected: Value null at 'entries' failed to satisfy constraint: "
            "Member must not be null"
        )
    if len(entries) > MAX_ENTRIES:
        raise ValidationException(
            f"1 validation error detected: Value '{_describe_entries(entries)}' at 'entries' failed to "
            f"satisfy constraint: Member must have length less than or equal to {MAX_ENTRIES}"
        )
    if not entries:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    if sum(entry_size(e) for e in entries if isinstance(e, dict)) > MAX_REQUEST_BYTES:
        raise ValidationException("Total size of the entries in the request is over the limit.")
    return entries


def entry_size(entry: dict[str, Any]) -> int:
    """Bytes an entry counts for against the request limit, by AWS's published rule.

    Time counts a fixed 14 bytes; Source, DetailType, Detail and each Resource count their UTF-8
    length. Keys, quotes and EventBusName do not count.
    """
    size = TIME_FIELD_BYTES if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if isinstance(value, str):
            size += len(value.encode("utf-8"))
    for resource in entry.get("Resources") or []:
        if isinstance(resource, str):
            size += len(resource.encode("utf-8"))
    return size


def check_entry(entry: Any) -> EntryError | None:
    """The first problem AWS would report for this entry, or None when it is acceptable.

    The order matters because AWS reports one error per entry: required fields first (Source,
    DetailType, Detail), then the Detail's shape, then who may use the source.
    """
    if not isinstance(entry, dict):
        return EntryError(
            INVALID_ARGUMENT, "Parameter Source is not valid. Reason: Source is a required argument."
        )
    for field in ("Source", "DetailType", "Detail"):
        value = entry.get(field)
        if not isinstance(value, str) or not value:
            return EntryError(
                INVALID_ARGUMENT, f"Parameter {field} is not valid. Reason: {field} is a required argument."
            )
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        detail = None
    if not isinstance(detail, dict):
        return EntryError(MALFORMED_DETAIL, "Detail is malformed.")
    resources = entry.get("Resources")
    if resources is not None and (
        not isinstance(resources, list) or not all(isinstance(r, str) for r in resources)
    ):
        return EntryError(INVALID_ARGUMENT, "Parameter Resources is not valid.")
    if entry.get("Time") is not None:
        try:
            parse_time(entry["Time"])
        except (ValueError, OverflowError, OSError):
            return EntryError(INVALID_ARGUMENT, "Parameter Time is not valid.")
    if entry["Source"].startswith("aws."):
        # Only AWS services may emit aws.* sources; a custom event claiming one is refused.
        return EntryError(NOT_AUTHORIZED_FOR_SOURCE, "Not authorized for the source.")
    return None


def unknown_bus(name: str) -> EntryError:
    return EntryError(RESOURCE_NOT_FOUND, f"Event bus {name} does not exist.")


def bus_name_of(entry: dict[str, Any]) -> str:
    """The bus an entry is for: a name or an ARN in EventBusName, the default bus when absent."""
    name = entry.get("EventBusName") or "default"
    if isinstance(name, str) and name.startswith("arn:") and ":event-bus/" in name:
        return name.split(":event-bus/", 1)[1]
    return str(name)


def put_events_response(results: list[str | EntryError]) -> dict[str, Any]:
    """AWS's response: one result per entry, in request order, and how many failed."""
    entries: list[dict[str, str]] = []
    failed = 0
    for result in results:
        if isinstance(result, EntryError):
            failed += 1
            entries.append(result.to_json())
        else:
            entries.append({"EventId": result})
    return {"FailedEntryCount": failed, "Entries": entries}


def _describe_entries(entries: list[Any]) -> str:
    """A short rendering of the entries for the length message (AWS prints the Java objects)."""
    parts = []
    for entry in entries:
        if isinstance(entry, dict):
            fields = ", ".join(f"{k}={entry[k]}" for k in ("Source", "DetailType") if k in entry)
            parts.append(f"PutEventsRequestEntry({fields})")
        else:
            parts.append(repr(entry))
    return "[" + ", ".join(parts) + "]"
