"""What happened to an event on a bus, recorded so people can see it.

EventBridge itself is a black box: an event that reaches no target leaves nothing behind. The
designer and `statecanvas put-events` instead show, for every event, each rule it was tested
against (and why a pattern did not match), each target it was sent to, every attempt, and
where it finally went - delivered, dead-lettered or dropped. Listeners get the trace when the
event is routed and again at every attempt and outcome, so a view can update live while
retries are still sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Outcome = Literal["pending", "delivered", "dead-lettered", "dead-letter-failed", "dropped"]


@dataclass(slots=True)
class RuleEvaluation:
    """One rule tested against the event: matched, or why not (one reason per line)."""

    rule: str
    matched: bool
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "matched": self.matched, "reasons": list(self.reasons)}


@dataclass(slots=True)
class DeliveryAttempt:
    number: int
    at: datetime
    error_code: str | None = None
    error_message: str | None = None
    next_delay: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.error_code is None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"number": self.number, "at": self.at.isoformat()}
        if self.error_code is not None:
            value.update(errorCode=self.error_code, errorMessage=self.error_message)
        if self.next_delay is not None:
            value["nextDelaySeconds"] = round(self.next_delay, 3)
        return value


@dataclass(slots=True)
class TargetDelivery:
    """One target of one matched rule: the payload sent, the attempts, and the outcome."""

    rule: str
    target_id: str
    target: str
    payload: str | None = None
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    outcome: Outcome = "pending"
    exhausted_condition: str | None = None
    dead_letter_queue: str | None = None
    dead_letter_attributes: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "rule": self.rule,
            "targetId": self.target_id,
            "target": self.target,
            "outcome": self.outcome,
            "attempts": [a.to_json() for a in self.attempts],
        }
        if self.payload is not None:
            value["payload"] = self.payload
        if self.exhausted_condition:
            value["exhaustedRetryCondition"] = self.exhausted_condition
        if self.dead_letter_queue:
            value["deadLetterQueue"] = self.dead_letter_queue
        return value


@dataclass(slots=True)
class BusTrace:
    """Everything that happened to one event on one bus."""

    bus: str
    event: dict[str, Any]
    received_at: datetime
    kind: Literal["put", "scheduled", "replay", "forwarded"] = "put"
    rules: list[RuleEvaluation] = field(default_factory=list)
    deliveries: list[TargetDelivery] = field(default_factory=list)
    archived_in: list[str] = field(default_factory=list)

    @property
    def event_id(self) -> str:
        return str(self.event.get("id", ""))

    @property
    def matched_rules(self) -> list[str]:
        return [r.rule for r in self.rules if r.matched]

    @property
    def finished(self) -> bool:
        return all(d.outcome != "pending" for d in self.deliveries)

    def to_json(self) -> dict[str, Any]:
        return {
            "bus": self.bus,
            "kind": self.kind,
            "receivedAt": self.received_at.isoformat(),
            "event": self.event,
            "rules": [r.to_json() for r in self.rules],
            "deliveries": [d.to_json() for d in self.deliveries],
            "archivedIn": list(self.archived_in),
        }


TraceChange = BusTrace | TargetDelivery | DeliveryAttempt
TraceListener = Callable[[BusTrace, TraceChange], None]
"""Called with the trace and what just changed: the trace itself when the event has been routed,
a DeliveryAttempt after each attempt, the TargetDelivery when its outcome is final."""


class TraceHub:
    """Listeners, and the most recent traces for late viewers."""

    def __init__(self, keep: int = 500) -> None:
        self.listeners: list[TraceListener] = []
        self.recent: list[BusTrace] = []
        self.keep = keep

    def add(self, listener: TraceListener) -> None:
        self.listeners.append(listener)

    def remove(self, listener: TraceListener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def record(self, trace: BusTrace) -> None:
        self.recent.append(trace)
        if len(self.recent) > self.keep:
            del self.recent[: len(self.recent) - self.keep]
        self.emit(trace, trace)

    def emit(self, trace: BusTrace, change: TraceChange) -> None:
        """A listener that raises must not stop delivery: its error is reported to the loop only."""
        for listener in list(self.listeners):
            try:
                listener(trace, change)
            except Exception as exc:
                _report(exc)


def _report(exc: Exception) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    loop.call_exception_handler({"message": "bus trace listener failed", "exception": exc})
