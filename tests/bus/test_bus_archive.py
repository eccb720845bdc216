"""Archives and replays: what is kept, for how long, and how a replay re-puts it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from engine.bus.api_errors import (
    InvalidEventPatternException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ValidationException,
)
from engine.bus.bridge import EventBridge
from engine.bus.targets import HandlerInvoker
from engine.runtime.clock import VirtualClock

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def entry(source: str, n: int) -> dict[str, str]:
    return {"Source": source, "DetailType": "T", "Detail": json.dumps({"n": n})}


def setup() -> tuple[EventBridge, VirtualClock, dict[str, list[dict]]]:
    clock = VirtualClock(T0)
    received: dict[str, list[dict]] = {"a": [], "b": []}
    invoker = HandlerInvoker(
        {
            "queue:a": lambda p: received["a"].append(json.loads(p)),
            "queue:b": lambda p: received["b"].append(json.loads(p)),
        }
    )
    service = EventBridge(invoker=invoker, clock=clock)
    bus = service.bus()
    bus.put_rule("ra", event_pattern={"source": ["shop"]})
    bus.put_targets("ra", [{"Id": "a", "Arn": "queue:a"}])
    bus.put_rule("rb", event_pattern={"source": ["shop"]})
    bus.put_targets("rb", [{"Id": "b", "Arn": "queue:b"}])
    return service, clock, received


async def test_archive_keeps_matching_events_only() -> None:
    service, _clock, _ = setup()
    bus = service.bus()
    archive = bus.create_archive("shop-events", event_pattern={"source": ["shop"]})
    everything = bus.create_archive("all")
    service.put_events([entry("shop", 1), entry("other", 2)])
    await service.drain()
    assert [e.event["detail"]["n"] for e in archive.events] == [1]
    assert [e.event["detail"]["n"] for e in everything.events] == [1, 2]
    described = archive.describe()
    assert described["EventCount"] == 1 and described["SizeBytes"] > 0
    assert described["EventSourceArn"] == bus.arn
    assert json.loads(described["EventPattern"]) == {"source": ["shop"]}
    assert service.traces.recent[0].archived_in == ["shop-events", "all"]


async def test_replay_re_puts_window_with_replay_name() -> None:
    service, clock, received = setup()
    bus = service.bus()
    bus.create_archive("arch")
    for n in range(3):
        service.put_events([entry("shop", n)])
        await clock.sleep(60)
    await service.drain()
    ids = [e["id"] for e in received["a"]]
    received["a"].clear()
    received["b"].clear()
    await clock.sleep(600)
    replay = bus.start_replay("again", "arch", T0 + timedelta(seconds=30), T0 + timedelta(minutes=5))
    await replay.wait()
    await service.drain()
    assert replay.state == "COMPLETED"
    assert replay.events_replayed == 2
    assert [e["detail"]["n"] for e in received["a"]] == [1, 2]
    assert all(e["replay-name"] == "again" for e in received["a"])
    assert [e["id"] for e in received["a"]] == ids[1:]
    assert len(received["b"]) == 2  # no filter: every rule
    # Replayed events are not archived again.
    assert bus.archives["arch"].event_count == 3
    replay_traces = [t for t in service.traces.recent if t.kind == "replay"]
    assert len(replay_traces) == 2 and all(t.archived_in == [] for t in replay_traces)


async def test_replay_to_chosen_rules_by_name_or_arn() -> None:
    service, clock, received = setup()
    bus = service.bus()
    bus.create_archive("arch")
    service.put_events([entry("shop", 1)])
    await service.drain()
    received["a"].clear()
    received["b"].clear()
    await clock.sleep(120)
    replay = bus.start_replay("only-b", "arch", T0, T0 + timedelta(minutes=1), [bus.rule_arn("rb")])
    await replay.wait()
    await service.drain()
    assert received["a"] == []
    assert [e["replay-name"] for e in received["b"]] == ["only-b"]
    assert replay.describe()["Destination"] == {"Arn": bus.arn, "FilterArns": [bus.rule_arn("rb")]}


async def test_retention_drops_old_events() -> None:
    service, clock, _ = setup()
    bus = service.bus()
    archive = bus.create_archive("week", retention_days=7)
    service.put_events([entry("shop", 1)])
    await clock.sleep(8 * 86400)
    service.put_events([entry("shop", 2)])
    await service.drain()
    assert [e.event["detail"]["n"] for e in archive.events] == [2]


async def test_archive_and_replay_errors() -> None:
    service, _clock, _ = setup()
    bus = service.bus()
    bus.create_archive("arch")
    with pytest.raises(ResourceAlreadyExistsException):
        bus.create_archive("arch")
    with pytest.raises(InvalidEventPatternException, match=r"Event pattern is not valid\. Reason:"):
        bus.create_archive("bad", event_pattern={"source": "not-a-list"})
    with pytest.raises(ValidationException):
        bus.create_archive("neg", retention_days=-1)
    with pytest.raises(ResourceNotFoundException, match=r"Archive nope does not exist\."):
        bus.start_replay("r", "nope", T0 - timedelta(hours=1), T0)
    with pytest.raises(ValidationException, match="EventStartTime must be before EventEndTime"):
        bus.start_replay("r", "arch", T0, T0 - timedelta(hours=1))
    with pytest.raises(ValidationException, match="cannot be in the future"):
        bus.start_replay("r", "arch", T0, T0 + timedelta(days=1))
    with pytest.raises(ResourceNotFoundException):
        bus.start_replay("r", "arch", T0 - timedelta(hours=1), T0, ["no-such-rule"])
    replay = bus.start_replay("r", "arch", T0 - timedelta(hours=1), T0)
    with pytest.raises(ResourceAlreadyExistsException):
        bus.start_replay("r", "arch", T0 - timedelta(hours=1), T0)
    await replay.wait()
    with pytest.raises(ValidationException):
        bus.cancel_replay("r")
    bus.delete_archive("arch")
    with pytest.raises(ResourceNotFoundException):
        bus.delete_archive("arch")
