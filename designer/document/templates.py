"""What the palette offers and what a new item holds when dropped on the canvas.

New states are valid where they can be on their own (a Pass that ends); a Choice starts with
no rules and shows its problem until connected, which is the honest state of a new Choice.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PaletteEntry:
    id: str  # "state:Task", "resource:queue"
    label: str
    group: str
    description: str
    icon: str


STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Parallel", "Map", "Succeed", "Fail")

_STATE_TEMPLATES: dict[str, dict[str, Any]] = {
    "Task": {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "my-function", "Payload.$": "$"},
        "End": True,
    },
    "Pass": {"Type": "Pass", "End": True},
    "Choice": {"Type": "Choice", "Choices": []},
    "Wait": {"Type": "Wait", "Seconds": 5, "End": True},
    "Parallel": {
        "Type": "Parallel",
        "Branches": [
            {"StartAt": "Branch A", "States": {"Branch A": {"Type": "Pass", "End": True}}},
            {"StartAt": "Branch B", "States": {"Branch B": {"Type": "Pass", "End": True}}},
        ],
        "End": True,
    },
    "Map": {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Process item",
            "States": {"Process item": {"Type": "Pass", "End": True}},
        },
        "End": True,
    },
    "Succeed": {"Type": "Succeed"},
    "Fail": {"Type": "Fail", "Error": "Failed", "Cause": "Describe why the execution failed"},
}

_DESCRIPTIONS = {
    "Task": "Call a service: Lambda, SQS, SNS, EventBridge, DynamoDB…",
    "Pass": "Pass input to output, optionally shaping it",
    "Choice": "Branch on the input with rules",
    "Wait": "Pause for a time or until a timestamp",
    "Parallel": "Run branches at the same time",
    "Map": "Run the same steps for each item",
    "Succeed": "End the execution successfully",
    "Fail": "End the execution with an error",
    "bus": "An event bus that rules listen on",
    "rule": "Match events on a bus and send them to targets",
    "queue": "An SQS queue",
    "dlq": "A queue for messages that could not be delivered",
    "topic": "An SNS topic that fans out to subscribers",
    "function": "A Lambda function (a target for rules, queues and topics)",
}

RESOURCE_KINDS = ("bus", "rule", "queue", "topic", "dlq", "function")
_RESOURCE_LABELS = {
    "bus": "Event bus",
    "rule": "Rule",
    "queue": "Queue",
    "topic": "Topic",
    "dlq": "Dead-letter queue",
    "function": "Target function",
}


def palette_entries() -> list[PaletteEntry]:
    entries = [PaletteEntry(f"state:{t}", t, "States", _DESCRIPTIONS[t], t) for t in STATE_TYPES]
    entries += [
        PaletteEntry(f"resource:{k}", _RESOURCE_LABELS[k], "Event resources", _DESCRIPTIONS[k], k)
        for k in RESOURCE_KINDS
    ]
    return entries


def state_template(kind: str) -> dict[str, Any]:
    return copy.deepcopy(_STATE_TEMPLATES[kind])


def resource_template(kind: str, project: Any) -> tuple[str, str, dict[str, Any]]:
    """(project kind, base name, spec JSON) for a new resource of palette kind `kind`."""
    if kind == "bus":
        return "bus", "events", {}
    if kind == "rule":
        bus = next(iter(project.buses), "default")
        return "rule", "rule", {"bus": bus, "eventPattern": {"source": ["my.app"]}}
    if kind == "queue":
        return "queue", "queue", {}
    if kind == "dlq":
        return "queue", "dlq", {"description": "dead-letter queue"}
    if kind == "topic":
        return "topic", "topic", {}
    if kind == "function":
        return "function", "function", {"handler": "functions/handler.py:handler"}
    raise ValueError(f"unknown resource kind {kind!r}")


def unique_resource_name(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
