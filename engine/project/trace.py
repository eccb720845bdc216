"""One trace of a project run: events on buses, rules matched or not (and why), deliveries,
queue messages, topic fan-out, function calls and executions, in the order they happened.

It is what `statecanvas put-events` prints and what the designer's choreography view follows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TraceEntry:
    kind: str  # event, rule, delivery, queue, topic, function, execution
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, **self.data}


_QUEUE_WORDS = {
    "sent": "message queued",
    "received": "message received",
    "deleted": "message processed and deleted",
    "moved_to_dlq": "message moved to the dead-letter queue",
    "dead_lettered": "message dead-lettered",
    "expired": "message expired",
    "redriven": "message redriven",
    "deduplicated": "duplicate message dropped",
}


class Trace:
    def __init__(self) -> None:
        self.entries: list[TraceEntry] = []
        self.executions: dict[str, dict[str, Any]] = {}

    def add(self, kind: str, text: str, **data: Any) -> None:
        self.entries.append(TraceEntry(kind, text, data))

    # Listeners wired by ProjectRuntime ---------------------------------------------------------

    def events_put(self, entries: list[dict[str, Any]], response: dict[str, Any]) -> None:
        for entry, result in zip(entries, response.get("Entries", []), strict=False):
            bus = entry.get("EventBusName", "default")
            label = f"{entry.get('Source')} / {entry.get('DetailType')} on bus {bus}"
            if "EventId" in result:
                self.add("event", f"event put: {label}", eventId=result["EventId"])
            else:
                self.add(
                    "event",
                    f"event refused: {label}: {result.get('ErrorCode')}: {result.get('ErrorMessage')}",
                    error=result,
                )

    def on_bus_trace(self, trace: Any, change: Any) -> None:
        if change is trace:
            detail_type = trace.event.get("detail-type")
            self.add(
                "event",
                f"event {detail_type} from {trace.event.get('source')} routed on bus {trace.bus}",
                eventId=trace.event_id,
                bus=trace.bus,
            )
            for rule in trace.rules:
                if rule.matched:
                    self.add("rule", f"  rule {rule.rule}: matched", rule=rule.rule, matched=True)
                else:
                    why = "; ".join(rule.reasons) or "pattern does not match"
                    self.add(
                        "rule",
                        f"  rule {rule.rule}: not matched ({why})",
                        rule=rule.rule,
                        matched=False,
                        reasons=list(rule.reasons),
                    )
        elif hasattr(change, "outcome") and change.outcome != "pending":
            text = f"  target {change.target} ({change.rule}/{change.target_id}): {change.outcome}"
            if change.attempts and change.attempts[-1].error_code:
                text += f" after {len(change.attempts)} attempt(s): {change.attempts[-1].error_message}"
            if change.dead_letter_queue and change.outcome.startswith("dead-letter"):
                text += f" -> {change.dead_letter_queue}"
            self.add("delivery", text, **change.to_json())

    def on_queue_event(self, event: Any) -> None:
        kind = str(getattr(event.kind, "value", event.kind))
        words = _QUEUE_WORDS.get(kind)
        if words is None:
            return
        depth = event.depth
        text = (
            f"queue {event.queue_name}: {words} (visible {depth.visible}, in flight {depth.in_flight}, "
            f"delayed {depth.delayed})"
        )
        if kind == "received" and event.detail.get("receive_count"):
            text += f", receive #{event.detail['receive_count']}"
        self.add("queue", text, queue=event.queue_name, event=kind, messageId=event.message_id)

    def on_publish(self, trace: Any) -> None:
        for delivery in trace.deliveries:
            state = "delivered" if delivery["delivered"] else f"not delivered ({delivery['reason']})"
            self.add(
                "topic", f"topic {trace.topic}: {delivery['endpoint']} {state}", topic=trace.topic, **delivery
            )

    def function_invoked(self, name: str, event: Any) -> None:
        self.add("function", f"function {name} invoked", function=name)

    def function_failed(self, name: str, error: BaseException) -> None:
        self.add(
            "function",
            f"function {name} failed: {getattr(error, 'error', type(error).__name__)}",
            function=name,
        )

    def execution_started(self, machine: str, arn: str, cause: str) -> None:
        self.executions[arn] = {"stateMachine": machine, "status": "RUNNING"}
        self.add(
            "execution", f"execution of {machine} started ({cause})", stateMachine=machine, executionArn=arn
        )

    def execution_finished(self, machine: str, arn: str, task: Any) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.add("execution", f"execution of {machine} crashed: {exc}", stateMachine=machine)
            return
        execution = task.result()
        record = {"stateMachine": machine, "status": execution.status, **execution.to_json()}
        self.executions[arn] = record
        if execution.status == "SUCCEEDED":
            text = f"execution of {machine} SUCCEEDED: {json.dumps(execution.output)[:200]}"
        else:
            text = (
                f"execution of {machine} {execution.status}: {execution.error}: {str(execution.cause)[:200]}"
            )
        self.add("execution", text, stateMachine=machine, executionArn=arn, status=execution.status)

    # Output ------------------------------------------------------------------------------------

    def lines(self) -> list[str]:
        return [entry.text for entry in self.entries]

    def to_json(self) -> list[dict[str, Any]]:
        return [entry.to_json() for entry in self.entries]
