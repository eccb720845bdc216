"""Event routes of a project, derived for drawing: who sends events or messages to whom.

Routes come from the project's declarations (a rule's bus and targets, redrive policies,
subscriptions, consumers) and from what Task states call (`events:putEvents` on a bus,
`sqs:sendMessage`, `sns:publish`, `lambda:invoke`, `states:startExecution`), matched by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.asl import iter_states, state_path
from engine.project import Project
from engine.resource_refs import parse_ref

Endpoint = tuple[str, ...]  # ("queue", name), ("stateMachine", name), ("state", machine, path)

_DLQ_NAME = re.compile(r"(^|[-_.])(dlq|dead-?letter)", re.IGNORECASE)


@dataclass(frozen=True)
class Route:
    source: Endpoint
    target: Endpoint
    label: str = ""


def _ref(text: str, default_kind: str | None = None) -> Endpoint | None:
    ref = parse_ref(text if ":" in text or default_kind is None else f"{default_kind}:{text}")
    return (ref.kind, ref.name) if ref is not None else None


def dead_letter_queues(project: Project) -> set[str]:
    names = set()
    for queue in project.queues.values():
        if queue.redrive_policy is not None:
            ref = _ref(queue.redrive_policy.dead_letter_queue, "queue")
            if ref:
                names.add(ref[1])
    for rule in project.rules.values():
        for target in rule.targets:
            if target.dead_letter_queue:
                ref = _ref(target.dead_letter_queue, "queue")
                if ref:
                    names.add(ref[1])
    names |= {name for name in project.queues if _DLQ_NAME.search(name)}
    return names


def project_routes(project: Project, definitions: dict[str, dict[str, Any]]) -> list[Route]:
    routes: list[Route] = []
    for name, rule in project.rules.items():
        routes.append(Route(("bus", rule.bus), ("rule", name)))
        for target in rule.targets:
            ref = _ref(target.target)
            if ref:
                routes.append(Route(("rule", name), ref))
            if target.dead_letter_queue:
                dlq = _ref(target.dead_letter_queue, "queue")
                if dlq:
                    routes.append(Route(("rule", name), dlq, "on failure"))
    for name, queue in project.queues.items():
        if queue.redrive_policy is not None:
            dlq = _ref(queue.redrive_policy.dead_letter_queue, "queue")
            if dlq:
                routes.append(
                    Route(("queue", name), dlq, f"after {queue.redrive_policy.max_receive_count} tries")
                )
    for sub in project.subscriptions:
        topic, endpoint = _ref(sub.topic, "topic"), _ref(sub.endpoint)
        if topic and endpoint:
            routes.append(Route(topic, endpoint, "filtered" if sub.filter_policy else ""))
    for consumer in project.consumers:
        queue, target = _ref(consumer.queue, "queue"), _ref(consumer.target)
        if queue and target:
            routes.append(Route(queue, target))
    for machine, definition in definitions.items():
        for scope, name, state in iter_states(definition):
            for target in task_targets(state):
                routes.append(Route(("state", machine, state_path(scope, name)), target))
    return routes


def _last(text: Any, sep: str) -> str | None:
    return text.rsplit(sep, 1)[-1] if isinstance(text, str) and text else None


def task_targets(state: Any) -> list[Endpoint]:
    """What a Task state sends to, by the integration it calls and the names in its payload."""
    if not isinstance(state, dict) or state.get("Type") != "Task":
        return []
    resource = state.get("Resource")
    if not isinstance(resource, str):
        return []
    payload = state.get("Parameters") or state.get("Arguments") or {}
    if not isinstance(payload, dict):
        payload = {}
    if ":function:" in resource and not resource.startswith("arn:aws:states:::"):
        return [("function", resource.split(":function:", 1)[1].split(":")[0])]
    service = resource.removeprefix("arn:aws:states:::").split(".")[0]
    if service == "events:putEvents":
        entries = payload.get("Entries") if isinstance(payload.get("Entries"), list) else []
        buses = {_last(e.get("EventBusName"), "/") or "default" for e in entries if isinstance(e, dict)}
        return [("bus", b) for b in sorted(buses)]
    if service == "sqs:sendMessage" and _last(payload.get("QueueUrl"), "/"):
        return [("queue", _last(payload.get("QueueUrl"), "/"))]
    if service == "sns:publish" and _last(payload.get("TopicArn"), ":"):
        return [("topic", _last(payload.get("TopicArn"), ":"))]
    if service == "lambda:invoke":
        fn = payload.get("FunctionName")
        if isinstance(fn, str):
            return [("function", fn.split(":function:", 1)[1].split(":")[0] if ":function:" in fn else fn)]
    if service == "states:startExecution" and _last(payload.get("StateMachineArn"), ":"):
        return [("stateMachine", _last(payload.get("StateMachineArn"), ":"))]
    return []
