"""The bus: rules, routing, traces, targets of every kind, and building from a project."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.bus.api_errors import (
    InvalidEventPatternException,
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from engine.bus.bridge import EventBridge
from engine.bus.event_bus import EventBus
from engine.bus.pattern import PatternEngine
from engine.bus.targets import HandlerInvoker, RoutingInvoker, TargetDeliveryError
from engine.bus.trace import BusTrace, DeliveryAttempt, TargetDelivery
from engine.project import project_from_value
from engine.runtime.clock import VirtualClock

T0 = datetime(2024, 1, 1, tzinfo=UTC)
ORDER = {"Source": "shop", "DetailType": "OrderPlaced", "Detail": json.dumps({"total": 12, "id": "o-1"})}


class StandInRuleSet:
    """A tiny matcher: exact values listed per field, nested objects; enough to exercise the seam."""

    def __init__(self, patterns: dict[str, Any]) -> None:
        self.patterns: dict[str, Any] = {}
        for name, pattern in patterns.items():
            self.add(name, pattern)

    def add(self, name: str, pattern: Any) -> None:
        if not isinstance(pattern, dict) or not pattern:
            raise StandInError("Filter is not an object")
        self.patterns[name] = pattern

    def remove(self, name: str) -> None:
        del self.patterns[name]

    def matches(self, event: dict[str, Any]) -> list[str]:
        return [name for name, p in self.patterns.items() if not standin_explain(p, event)]


class StandInError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def standin_explain(pattern: dict[str, Any], event: dict[str, Any], where: str = "") -> list[str]:
    reasons = []
    for key, wanted in pattern.items():
        value = event.get(key) if isinstance(event, dict) else None
        if isinstance(wanted, dict):
            reasons += standin_explain(wanted, value or {}, f"{where}{key}.")
        elif value not in wanted:
            reasons.append(f"{where}{key}: {value!r} not in {wanted!r}")
    return reasons


STANDIN = PatternEngine(rule_set=StandInRuleSet, explain=standin_explain, invalid_error=StandInError)


def make(patterns: PatternEngine | None = None, **handlers: Any) -> tuple[EventBridge, VirtualClock]:
    clock = VirtualClock(T0)
    invoker = HandlerInvoker({f"queue:{name}": fn for name, fn in handlers.items()})
    return EventBridge(invoker=invoker, clock=clock, patterns=patterns), clock


async def test_stand_in_matcher_through_the_seam() -> None:
    got: list[str] = []
    service, _ = make(STANDIN, q=got.append)
    bus = service.bus()
    bus.put_rule("big", event_pattern={"source": ["shop"], "detail": {"total": [12]}})
    bus.put_targets("big", [{"Id": "t", "Arn": "queue:q", "InputPath": "$.detail.id"}])
    bus.put_rule("other", event_pattern={"source": ["elsewhere"]})
    service.put_events([ORDER])
    await service.drain()
    assert got == ['"o-1"']
    trace = service.traces.recent[-1]
    assert trace.matched_rules == ["big"]
    assert trace.rules[1].reasons == ["source: 'shop' not in ['elsewhere']"]
    with pytest.raises(InvalidEventPatternException) as caught:
        bus.put_rule("bad", event_pattern={})
    assert caught.value.message == "Event pattern is not valid. Reason: Filter is not an object"


async def test_trace_records_rules_attempts_and_outcomes() -> None:
    calls = 0

    def flaky(payload: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise TargetDeliveryError("THROTTLING", "slow down")

    service, _ = make(ok=lambda p: None, flaky=flaky)
    bus = service.bus()
    bus.put_rule("orders", event_pattern={"source": ["shop"], "detail": {"total": [{"numeric": [">", 10]}]}})
    bus.put_targets("orders", [{"Id": "ok", "Arn": "queue:ok"}, {"Id": "flaky", "Arn": "queue:flaky"}])
    bus.put_rule("refunds", event_pattern={"detail-type": ["Refund"]})
    bus.put_rule("off", event_pattern={"source": ["shop"]}, state="DISABLED")
    bus.put_rule("tick", schedule_expression="rate(1 hour)")
    changes: list[Any] = []
    service.add_trace_listener(lambda trace, change: changes.append(change))
    service.put_events([ORDER])
    await service.drain()
    trace: BusTrace = changes[0]
    assert isinstance(trace, BusTrace)
    by_rule = {r.rule: r for r in trace.rules}
    assert by_rule["orders"].matched and by_rule["orders"].reasons == []
    assert not by_rule["refunds"].matched and "detail-type" in by_rule["refunds"].reasons[0]
    assert by_rule["off"].reasons == ["the pattern matches but the rule is DISABLED"]
    assert not by_rule["tick"].matched
    assert {d.target_id: d.outcome for d in trace.deliveries} == {"ok": "delivered", "flaky": "delivered"}
    flaky_delivery = next(d for d in trace.deliveries if d.target_id == "flaky")
    assert [a.error_code for a in flaky_delivery.attempts] == ["THROTTLING", None]
    assert flaky_delivery.attempts[0].next_delay is not None
    assert sum(isinstance(c, DeliveryAttempt) for c in changes) == 3
    assert sum(isinstance(c, TargetDelivery) for c in changes) == 2
    assert trace.finished
    as_json = trace.to_json()
    json.dumps(as_json)  # serialisable for the CLI and the designer
    assert as_json["deliveries"][1]["attempts"][0]["errorCode"] == "THROTTLING"


async def test_event_matching_no_rule_still_traced() -> None:
    service, _ = make()
    seen: list[BusTrace] = []
    service.add_trace_listener(lambda t, c: seen.append(t))
    service.put_events([ORDER])
    assert len(seen) == 1 and seen[0].rules == [] and seen[0].finished


async def test_listener_errors_do_not_stop_delivery() -> None:
    got: list[str] = []
    service, _ = make(q=got.append)
    service.bus().put_rule("r", event_pattern={"source": ["shop"]})
    service.bus().put_targets("r", [{"Id": "t", "Arn": "queue:q"}])

    def broken(trace: BusTrace, change: Any) -> None:
        raise RuntimeError("listener bug")

    service.add_trace_listener(broken)
    service.put_events([ORDER])
    await service.drain()
    assert len(got) == 1


async def test_fifo_group_id_and_routing_by_kind() -> None:
    seen: list[tuple[str, str, str | None]] = []

    class Recorder:
        def __init__(self, kind: str) -> None:
            self.kind = kind

        async def invoke(self, target_ref: str, payload: str, *, message_group_id: str | None) -> None:
            seen.append((self.kind, target_ref, message_group_id))

    invoker = RoutingInvoker(
        {"queue": Recorder("sqs"), "topic": Recorder("sns"), "stateMachine": Recorder("sfn")},
        fallback=Recorder("other"),
    )
    service = EventBridge(invoker=invoker, clock=VirtualClock(T0))
    bus = service.bus()
    bus.put_rule("r", event_pattern={"source": ["shop"]})
    bus.put_targets(
        "r",
        [
            {
                "Id": "q",
                "Arn": "arn:aws:sqs:us-east-1:123456789012:orders.fifo",
                "SqsParameters": {"MessageGroupId": "g"},
            },
            {"Id": "t", "Arn": "topic:alerts"},
            {"Id": "s", "Arn": "stateMachine:Fulfil"},
            {"Id": "f", "Arn": "function:handle"},
        ],
    )
    service.put_events([ORDER])
    await service.drain()
    assert sorted(seen) == sorted(
        [
            ("sqs", "arn:aws:sqs:us-east-1:123456789012:orders.fifo", "g"),
            ("sns", "topic:alerts", None),
            ("sfn", "stateMachine:Fulfil", None),
            ("other", "function:handle", None),
        ]
    )


async def test_bus_to_bus_target_forwards_the_event() -> None:
    got: list[dict] = []
    service, _ = make(audit=lambda p: got.append(json.loads(p)))
    service.create_event_bus("audit")
    service.bus().put_rule("forward", event_pattern={"source": ["shop"]})
    service.bus().put_targets("forward", [{"Id": "bus", "Arn": service.bus("audit").arn}])
    service.bus("audit").put_rule("keep", event_pattern={"source": ["shop"]})
    service.bus("audit").put_targets("keep", [{"Id": "q", "Arn": "queue:audit"}])
    response = service.put_events([ORDER])
    await service.drain()
    assert [e["id"] for e in got] == [response["Entries"][0]["EventId"]]
    kinds = [(t.bus, t.kind) for t in service.traces.recent]
    assert kinds == [("default", "put"), ("audit", "forwarded")]


async def test_handler_receives_message_group_id_when_it_asks() -> None:
    got: list[tuple[str, str | None]] = []
    service, _ = make(q=lambda payload, message_group_id=None: got.append((payload, message_group_id)))
    service.bus().put_rule("r", event_pattern={"source": ["shop"]})
    service.bus().put_targets(
        "r", [{"Id": "t", "Arn": "queue:q", "Input": "{}", "SqsParameters": {"MessageGroupId": "g"}}]
    )
    service.put_events([ORDER])
    await service.drain()
    assert got == [("{}", "g")]


def test_rule_api_errors() -> None:
    bus = EventBus(invoker=HandlerInvoker(), clock=VirtualClock(T0))
    with pytest.raises(ValidationException, match="EventPattern or ScheduleExpression"):
        bus.put_rule("r")
    with pytest.raises(ValidationException, match="regular expression"):
        bus.put_rule("bad name", event_pattern={"source": ["a"]})
    with pytest.raises(InvalidEventPatternException, match="Event pattern is not valid"):
        bus.put_rule("r", event_pattern={"source": "shop"})
    with pytest.raises(ResourceNotFoundException, match=r"Rule nope does not exist on EventBus default\."):
        bus.put_targets("nope", [{"Id": "t", "Arn": "queue:q"}])
    bus.put_rule("r", event_pattern='{"source": ["shop"]}')
    with pytest.raises(ValidationException, match=r"Input for target t is not a valid JSON text\."):
        bus.put_targets("r", [{"Id": "t", "Arn": "queue:q", "Input": "{"}])
    with pytest.raises(LimitExceededException):
        bus.put_targets("r", [{"Id": f"t{i}", "Arn": "queue:q"} for i in range(6)])
    bus.put_targets("r", [{"Id": "t", "Arn": "queue:q"}])
    with pytest.raises(ValidationException, match="has targets"):
        bus.delete_rule("r")
    bus.remove_targets("r", ["t"])
    bus.delete_rule("r")
    assert bus.rules == {}


async def test_updating_a_rule_keeps_targets_and_changes_pattern() -> None:
    got: list[str] = []
    service, _ = make(q=got.append)
    bus = service.bus()
    bus.put_rule("r", event_pattern={"source": ["nobody"]})
    bus.put_targets("r", [{"Id": "t", "Arn": "queue:q"}])
    bus.put_rule("r", event_pattern={"source": ["shop"]})
    service.put_events([ORDER])
    await service.drain()
    assert len(got) == 1


async def test_from_project() -> None:
    loaded = project_from_value(
        {
            "formatVersion": 1,
            "account": "111122223333",
            "region": "eu-west-1",
            "buses": {"orders": {}},
            "queues": {"work": {}, "dlq": {}},
            "rules": {
                "big-orders": {
                    "bus": "orders",
                    "eventPattern": {"source": ["shop"]},
                    "targets": [
                        {
                            "id": "work",
                            "target": "queue:work",
                            "inputTransformer": {
                                "inputPathsMap": {"id": "$.detail.id"},
                                "inputTemplate": '{"order": <id>, "rule": "<aws.events.rule-arn>"}',
                            },
                            "retryPolicy": {"maximumRetryAttempts": 0},
                            "deadLetterQueue": "queue:dlq",
                        }
                    ],
                }
            },
        }
    )
    got: list[dict] = []
    service = EventBridge.from_project(
        loaded.project,
        invoker=HandlerInvoker({"queue:work": lambda p: got.append(json.loads(p))}),
        clock=VirtualClock(T0),
    )
    response = service.put_events([{**ORDER, "EventBusName": "orders"}])
    await service.drain()
    assert response["FailedEntryCount"] == 0
    assert got == [{"order": "o-1", "rule": "arn:aws:events:eu-west-1:111122223333:rule/orders/big-orders"}]
    assert service.bus("orders").rules["big-orders"].targets["work"].retry_policy.maximum_retry_attempts == 0
