"""EventBridge archives and replays over the wire: names are account-wide, the engine keeps them per bus.

AWS addresses an archive by name alone and a replay by its archive's ARN, while the engine's
`ArchiveStore` belongs to one bus; these functions find the bus that holds a name, so the API
reads as AWS's does. Times cross the wire as epoch seconds (what the JSON protocol sends).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.bus import Archive, EventBus, Replay
from engine.bus.api_errors import ResourceAlreadyExistsException, ResourceNotFoundException
from engine.serve.dispatch import AwsError, ServeContext, validation_error
from engine.serve.members import missing, opt_dict, opt_int, opt_str, opt_str_list, page, req_str


def _buses(context: ServeContext) -> list[EventBus]:
    return list(context.runtime.events.buses.values())


def _bus_of_source(context: ServeContext, arn: str) -> EventBus:
    for bus in _buses(context):
        if bus.arn == arn:
            return bus
    raise ResourceNotFoundException(f"Event bus {arn.rsplit('/', 1)[-1]} does not exist.")


def _archive(context: ServeContext, name: str) -> tuple[EventBus, Archive]:
    for bus in _buses(context):
        if name in bus.archives:
            return bus, bus.archives[name]
    raise ResourceNotFoundException(f"Archive {name} does not exist.")


def _replay(context: ServeContext, name: str) -> tuple[EventBus, Replay]:
    for bus in _buses(context):
        if name in bus.replays:
            return bus, bus.replays[name]
    raise ResourceNotFoundException(f"Replay {name} does not exist.")


def _time(params: dict[str, Any], name: str) -> datetime:
    value = params.get(name)
    if value is None:
        raise missing(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AwsError("SerializationException", f"Value of {name} must be a timestamp.")
    return datetime.fromtimestamp(value, UTC)


def _archive_json(archive: Archive) -> dict[str, Any]:
    value = archive.describe()
    if archive.created_at is not None:
        value["CreationTime"] = archive.created_at
    return value


def create_archive(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = req_str(params, "ArchiveName")
    source = req_str(params, "EventSourceArn")
    if any(name in bus.archives for bus in _buses(context)):
        raise ResourceAlreadyExistsException(f"Archive {name} already exists.")
    retention = opt_int(params, "RetentionDays")
    archive = _bus_of_source(context, source).create_archive(
        name,
        event_pattern=opt_str(params, "EventPattern"),
        retention_days=0 if retention is None else retention,
        description=opt_str(params, "Description"),
    )
    return {"ArchiveArn": archive.arn, "State": archive.state, "CreationTime": archive.created_at}


def describe_archive(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    return _archive_json(_archive(context, req_str(params, "ArchiveName"))[1])


def list_archives(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    prefix = opt_str(params, "NamePrefix") or ""
    source = opt_str(params, "EventSourceArn")
    state = opt_str(params, "State")
    archives = [
        _archive_json(archive)
        for bus in _buses(context)
        for name, archive in sorted(bus.archives.items())
        if name.startswith(prefix)
        and (source is None or archive.event_source_arn == source)
        and (state is None or archive.state == state)
    ]
    for archive in archives:
        archive.pop("EventPattern", None)
        archive.pop("Description", None)
        archive.pop("ArchiveArn", None)
    items, token = page(archives, opt_str(params, "NextToken"), opt_int(params, "Limit"))
    return {"Archives": items, **({"NextToken": token} if token else {})}


def update_archive(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = req_str(params, "ArchiveName")
    pattern = opt_str(params, "EventPattern")
    retention = opt_int(params, "RetentionDays")
    description = opt_str(params, "Description")
    opt_str(params, "KmsKeyIdentifier")  # accepted and ignored: local archives are not encrypted
    bus, _ = _archive(context, name)
    archive = bus.update_archive(
        name, event_pattern=pattern or None, retention_days=retention, description=description
    )
    return {"ArchiveArn": archive.arn, "State": archive.state, "CreationTime": archive.created_at}


def delete_archive(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus, archive = _archive(context, req_str(params, "ArchiveName"))
    bus.delete_archive(archive.name)
    return {}


def start_replay(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = req_str(params, "ReplayName")
    source = req_str(params, "EventSourceArn")
    destination = opt_dict(params, "Destination")
    if destination is None:
        raise missing("Destination")
    archive_name = source.rsplit("/", 1)[-1] if source.startswith("arn:") else source
    bus, archive = _archive(context, archive_name)
    target = destination.get("Arn")
    if target != bus.arn:
        raise validation_error(
            "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
        )
    filters = opt_str_list(destination, "FilterArns")
    if any(name in b.replays for b in _buses(context)):
        raise ResourceAlreadyExistsException(f"Replay {name} already exists.")
    replay = bus.start_replay(
        name, archive.name, _time(params, "EventStartTime"), _time(params, "EventEndTime"), filters
    )
    return {"ReplayArn": replay.arn, "State": replay.state, "ReplayStartTime": context.clock.now()}


def _replay_json(replay: Replay) -> dict[str, Any]:
    value: dict[str, Any] = {
        "ReplayName": replay.name,
        "ReplayArn": replay.arn,
        "EventSourceArn": replay.archive,
        "Destination": replay.describe()["Destination"],
        "State": replay.state,
        "EventStartTime": replay.start,
        "EventEndTime": replay.end,
    }
    if replay.last_replayed_time is not None:
        value["EventLastReplayedTime"] = replay.last_replayed_time
    if replay.state_reason:
        value["StateReason"] = replay.state_reason
    return value


def describe_replay(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    return _replay_json(_replay(context, req_str(params, "ReplayName"))[1])


def list_replays(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    prefix = opt_str(params, "NamePrefix") or ""
    state = opt_str(params, "State")
    replays = [
        _replay_json(replay)
        for bus in _buses(context)
        for name, replay in sorted(bus.replays.items())
        if name.startswith(prefix) and (state is None or replay.state == state)
    ]
    items, token = page(replays, opt_str(params, "NextToken"), opt_int(params, "Limit"))
    return {"Replays": items, **({"NextToken": token} if token else {})}


def cancel_replay(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    bus, replay = _replay(context, req_str(params, "ReplayName"))
    bus.cancel_replay(replay.name)
    return {"ReplayArn": replay.arn, "State": replay.state}


OPERATIONS = {
    "CreateArchive": create_archive,
    "DescribeArchive": describe_archive,
    "ListArchives": list_archives,
    "UpdateArchive": update_archive,
    "DeleteArchive": delete_archive,
    "StartReplay": start_replay,
    "DescribeReplay": describe_replay,
    "ListReplays": list_replays,
    "CancelReplay": cancel_replay,
}
