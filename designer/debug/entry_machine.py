"""Which state machine the Run panel offers first: the one a user would start by hand.

In a project, machines started by the choreography (a rule's target, a topic subscription, a
queue consumer, another machine's startExecution task) run because something upstream ran; the
machine nothing starts is where a story begins (in the order pipeline, RetailOrder: it publishes
OrderCreated, which starts Fulfillment). Starting a downstream machine by hand works, but its
input is then whatever the user types instead of what the story would send.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.project import Project
from engine.resource_refs import parse_ref


def started_by_something(project: Project, definitions: dict[str, dict[str, Any]]) -> set[str]:
    """The machines a rule, a subscription, a consumer or another machine's task starts."""
    refs: list[str] = []
    for rule in project.rules.values():
        refs += [target.target for target in rule.targets]
    refs += [sub.endpoint for sub in project.subscriptions]
    refs += [consumer.target for consumer in project.consumers]
    for name, definition in definitions.items():
        refs += [arn for arn in _started_arns(definition) if not arn.endswith(f":{name}")]
    out = set()
    for text in refs:
        ref = parse_ref(text) if isinstance(text, str) else None
        if ref is not None and ref.kind == "stateMachine":
            out.add(ref.name)
    return out


def entry_machine(
    project: Project, definitions: dict[str, dict[str, Any]], preferred: str | None = None
) -> str | None:
    """The machine to offer: `preferred` (the one selected on the canvas) when nothing starts it,
    else the first, by name, that nothing starts; with every machine started by another, the
    preferred one or the first."""
    names = sorted(definitions)
    if not names:
        return None
    started = started_by_something(project, definitions)
    free = [name for name in names if name not in started]
    if preferred in free:
        return preferred
    if free:
        return free[0]
    return preferred if preferred in names else names[0]


def _started_arns(value: Any) -> Iterator[str]:
    """StateMachineArn values of startExecution tasks, anywhere in a definition."""
    if isinstance(value, dict):
        resource = value.get("Resource")
        if isinstance(resource, str) and ":states:startExecution" in resource:
            for key in ("Parameters", "Arguments"):
                arn = (
                    (value.get(key) or {}).get("StateMachineArn")
                    if isinstance(value.get(key), dict)
                    else None
                )
                if isinstance(arn, str):
                    yield arn
        for child in value.values():
            yield from _started_arns(child)
    elif isinstance(value, list):
        for child in value:
            yield from _started_arns(child)
