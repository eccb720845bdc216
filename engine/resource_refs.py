"""References between project resources: `queue:orders`, `stateMachine:Fulfillment`, or an ARN.

Projects name their resources; ARNs are derived from the names with the project's account and
region, so a project reads the same wherever it runs and exports to deployable ARNs.

The project document, the bus's targets, exports, deploys and the local endpoints all speak in
these references, so they live beside the packages rather than inside `engine.project`: the bus
resolves its targets with them, and the project checks its rules with the bus.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("stateMachine", "queue", "topic", "bus", "function", "rule")
ARN_SERVICE = {
    "stateMachine": ("states", "stateMachine:{}"),
    "queue": ("sqs", "{}"),
    "topic": ("sns", "{}"),
    "bus": ("events", "event-bus/{}"),
    "function": ("lambda", "function:{}"),
    "rule": ("events", "rule/{}"),
}


class ReferenceError_(ValueError):
    """A reference that names no resource of the project."""


@dataclass(frozen=True, slots=True)
class ResourceRef:
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    def arn(self, account: str, region: str) -> str:
        service, resource = ARN_SERVICE[self.kind]
        return f"arn:aws:{service}:{region}:{account}:{resource.format(self.name)}"


def parse_ref(text: str) -> ResourceRef | None:
    """`queue:orders` -> ResourceRef; an ARN of a known kind -> ResourceRef; anything else None."""
    if text.startswith("arn:"):
        return ref_from_arn(text)
    kind, sep, name = text.partition(":")
    if sep and kind in KINDS and name:
        return ResourceRef(kind, name)
    return None


def ref_from_arn(arn: str) -> ResourceRef | None:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    service, resource = parts[2], parts[5]
    if service == "states" and resource.startswith("stateMachine:"):
        return ResourceRef("stateMachine", resource.split(":", 1)[1])
    if service == "sqs":
        return ResourceRef("queue", resource)
    if service == "sns":
        return ResourceRef("topic", resource)
    if service == "events" and resource.startswith("event-bus/"):
        return ResourceRef("bus", resource.split("/", 1)[1])
    if service == "events" and resource.startswith("rule/"):
        return ResourceRef("rule", resource.split("/")[-1])
    if service == "lambda" and resource.startswith("function:"):
        return ResourceRef("function", resource.split(":")[1])
    return None
