"""Archives and replays: keep a bus's events, and send a time window of them through it again.

An archive keeps the events of one bus that match its pattern (all of them when it has none)
for its retention period (0 days: for ever). A replay re-puts the archived events of a window
onto the same bus with a top-level `replay-name` field, optionally only to some rules, as AWS
does; replayed events are not archived again, which is what lets an archive and a replay of it
coexist without the archive growing on every replay.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.bus.api_errors import (
    InvalidEventPatternException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ValidationException,
)
from engine.bus.events import REPLAY_NAME_FIELD, event_json, parse_time, rule_arn
from engine.bus.pattern import PatternEngine


@dataclass(slots=True)
class ArchivedEvent:
    event: dict[str, Any]
    received_at: datetime

    @property
    def time(self) -> datetime:
        """When the event happened (its `time`), which is what a replay window selects on."""
        return parse_time(self.event["time"])


@dataclass
class Archive:
    name: str
    arn: str
    event_source_arn: str
    event_pattern: dict[str, Any] | str | None = None
    retention_days: int = 0
    description: str | None = None
    created_at: datetime | None = None
    state: str = "ENABLED"
    events: list[ArchivedEvent] = field(default_factory=list)

    def validate(self) -> None:
        if not isinstance(self.retention_days, int) or self.retention_days < 0:
            raise ValidationException(
                f"1 validation error detected: Value '{self.retention_days}' at 'retentionDays' failed to "
                "satisfy constraint: Member must have value greater than or equal to 0"
            )

    def add(self, event: dict[str, Any], received_at: datetime) -> None:
        self.events.append(ArchivedEvent(copy.deepcopy(event), received_at))

    def purge(self, now: datetime) -> int:
        """Drop events past retention (counted from when they were received); how many were dropped."""
        if self.retention_days == 0:
            return 0
        cutoff = now - timedelta(days=self.retention_days)
        kept = [e for e in self.events if e.received_at >= cutoff]
        dropped = len(self.events) - len(kept)
        self.events = kept
        return dropped

    def window(self, start: datetime, end: datetime) -> list[ArchivedEvent]:
        """The events a replay of [start, end] sends, oldest first."""
        chosen = [e for e in self.events if start <= e.time <= end]
        return sorted(chosen, key=lambda e: (e.time, e.received_at))

    @property
    def event_count(self) -> int:
        return len(self.events)

    @property
    def size_bytes(self) -> int:
        return sum(len(event_json(e.event).encode("utf-8")) for e in self.events)

    def describe(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "ArchiveName": self.name,
            "ArchiveArn": self.arn,
            "EventSourceArn": self.event_source_arn,
            "State": self.state,
            "RetentionDays": self.retention_days,
            "EventCount": self.event_count,
            "SizeBytes": self.size_bytes,
        }
        if self.event_pattern is not None:
            pattern = self.event_pattern
            value["EventPattern"] = pattern if isinstance(pattern, str) else event_json(pattern)
        if self.description:
            value["Description"] = self.description
        return value


@dataclass
class Replay:
    """A running or finished replay; `wait()` returns once it is COMPLETED or CANCELLED."""

    name: str
    arn: str
    archive: str
    event_source_arn: str
    destination_arn: str
    start: datetime
    end: datetime
    filter_rules: list[str] | None = None  # rule names; None replays to every rule
    state: str = "STARTING"
    events_replayed: int = 0
    last_replayed_time: datetime | None = None
    state_reason: str | None = None
    task: asyncio.Task[None] | None = None

    async def wait(self) -> None:
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self.task)

    def describe(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "ReplayName": self.name,
            "ReplayArn": self.arn,
            "EventSourceArn": self.event_source_arn,
            "Destination": {"Arn": self.destination_arn},
            "State": self.state,
            "EventStartTime": self.start.isoformat(),
            "EventEndTime": self.end.isoformat(),
        }
        if self.filter_rules is not None:
            bus_name = self.destination_arn.split(":event-bus/", 1)[-1]
            account, region = self.arn.split(":")[4], self.arn.split(":")[3]
            value["Destination"]["FilterArns"] = [
                rule_arn(name, bus_name, account=account, region=region) for name in self.filter_rules
            ]
        if self.last_replayed_time is not None:
            value["EventLastReplayedTime"] = self.last_replayed_time.isoformat()
        if self.state_reason:
            value["StateReason"] = self.state_reason
        return value


def check_replay_window(start: datetime, end: datetime, now: datetime) -> None:
    if start >= end:
        raise ValidationException(
            "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
        )
    if end > now:
        raise ValidationException(
            "Parameter EventEndTime is not valid. Reason: EventEndTime cannot be in the future."
        )


async def run_replay(
    replay: Replay,
    events: list[ArchivedEvent],
    publish: Callable[[dict[str, Any]], None],
    clock: Any,
) -> None:
    """Re-put each event with `replay-name` set, yielding between events so deliveries interleave."""
    replay.state = "RUNNING"
    try:
        for archived in events:
            event = copy.deepcopy(archived.event)
            event[REPLAY_NAME_FIELD] = replay.name
            publish(event)
            replay.events_replayed += 1
            replay.last_replayed_time = archived.time
            await clock.sleep(0)
    except asyncio.CancelledError:
        replay.state = "CANCELLED"
        raise
    except Exception as exc:
        replay.state = "FAILED"
        replay.state_reason = str(exc)
        return
    replay.state = "COMPLETED"


class ArchiveStore:
    """A bus's archives and replays (CreateArchive, DeleteArchive, StartReplay, CancelReplay).

    Archive patterns are compiled into one rule set, so recording an event costs one match
    whatever the number of archives.
    """

    def __init__(
        self,
        *,
        bus_arn: str,
        account: str,
        region: str,
        clock: Any,
        patterns: PatternEngine,
        check_rule: Callable[[str], Any],
        publish: Callable[[dict[str, Any], list[str] | None], None],
    ) -> None:
        self.bus_arn = bus_arn
        self.account = account
        self.region = region
        self.clock = clock
        self.patterns = patterns
        self.check_rule = check_rule
        self.publish = publish
        self.archives: dict[str, Archive] = {}
        self.replays: dict[str, Replay] = {}
        self._matcher = patterns.rule_set({})

    def create(
        self,
        name: str,
        *,
        event_pattern: dict[str, Any] | str | None = None,
        retention_days: int = 0,
        description: str | None = None,
    ) -> Archive:
        if name in self.archives:
            raise ResourceAlreadyExistsException(f"Archive {name} already exists.")
        archive = Archive(
            name,
            f"arn:aws:events:{self.region}:{self.account}:archive/{name}",
            self.bus_arn,
            event_pattern,
            retention_days,
            description,
            self.clock.now(),
        )
        archive.validate()
        if event_pattern is not None:
            try:
                self._matcher.add(name, event_pattern)
            except self.patterns.invalid_error as exc:
                reason = getattr(exc, "reason", str(exc))
                raise InvalidEventPatternException(f"Event pattern is not valid. Reason: {reason}") from None
        self.archives[name] = archive
        return archive

    def update(
        self,
        name: str,
        *,
        event_pattern: dict[str, Any] | str | None = None,
        retention_days: int | None = None,
        description: str | None = None,
    ) -> Archive:
        """UpdateArchive: what is given replaces what the archive had; the events it kept stay.
        A refused pattern or retention leaves the archive as it was."""
        archive = self.archives.get(name)
        if archive is None:
            raise ResourceNotFoundException(f"Archive {name} does not exist.")
        if retention_days is not None:
            Archive(name, archive.arn, archive.event_source_arn, retention_days=retention_days).validate()
        if event_pattern is not None:
            if archive.event_pattern is not None:
                self._matcher.remove(name)
            try:
                self._matcher.add(name, event_pattern)
            except self.patterns.invalid_error as exc:
                if archive.event_pattern is not None:
                    self._matcher.add(name, archive.event_pattern)
                reason = getattr(exc, "reason", str(exc))
                raise InvalidEventPatternException(f"Event pattern is not valid. Reason: {reason}") from None
            archive.event_pattern = event_pattern
        if retention_days is not None:
            archive.retention_days = retention_days
        if description is not None:
            archive.description = description
        return archive

    def delete(self, name: str) -> None:
        archive = self.archives.pop(name, None)
        if archive is None:
            raise ResourceNotFoundException(f"Archive {name} does not exist.")
        if archive.event_pattern is not None:
            self._matcher.remove(name)

    def record(self, event: dict[str, Any], received_at: datetime) -> list[str]:
        """Keep the event in every archive that wants it; the names of those archives.

        A replayed event is never archived again.
        """
        if REPLAY_NAME_FIELD in event or not self.archives:
            return []
        matched = set(self._matcher.matches(event))
        kept = []
        for archive in self.archives.values():
            archive.purge(received_at)
            if archive.event_pattern is None or archive.name in matched:
                archive.add(event, received_at)
                kept.append(archive.name)
        return kept

    def start_replay(
        self,
        name: str,
        archive_name: str,
        start_time: datetime,
        end_time: datetime,
        destination_rules: list[str] | None = None,
    ) -> Replay:
        """Replay the archive's events of [start_time, end_time] onto the bus, to the given rules.

        Rules may be named or given by ARN; when omitted, every rule of the bus is a destination.
        """
        if name in self.replays:
            raise ResourceAlreadyExistsException(f"Replay {name} already exists.")
        archive = self.archives.get(archive_name)
        if archive is None:
            raise ResourceNotFoundException(f"Archive {archive_name} does not exist.")
        check_replay_window(start_time, end_time, self.clock.now())
        rules = None
        if destination_rules is not None:
            rules = [r.rsplit("/", 1)[-1] if r.startswith("arn:") else r for r in destination_rules]
            for rule_name in rules:
                self.check_rule(rule_name)
        replay = Replay(
            name=name,
            arn=f"arn:aws:events:{self.region}:{self.account}:replay/{name}",
            archive=archive.arn,
            event_source_arn=archive.event_source_arn,
            destination_arn=self.bus_arn,
            start=start_time,
            end=end_time,
            filter_rules=rules,
        )
        events = archive.window(start_time, end_time)
        replay.task = asyncio.get_running_loop().create_task(
            run_replay(replay, events, lambda event: self.publish(event, rules), self.clock)
        )
        self.replays[name] = replay
        return replay

    def cancel_replay(self, name: str) -> None:
        replay = self.replays.get(name)
        if replay is None:
            raise ResourceNotFoundException(f"Replay {name} does not exist.")
        if replay.state in ("COMPLETED", "CANCELLED", "FAILED"):
            raise ValidationException(f"Replay {name} is not in a state that can be cancelled.")
        replay.state = "CANCELLING"
        if replay.task is not None:
            replay.task.cancel()

    def cancel_all(self) -> None:
        for replay in self.replays.values():
            if replay.task is not None and not replay.task.done():
                replay.task.cancel()
