"""What a Task asks of a service, and how a service says no."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TaskRequest:
    """One invocation of a Task's resource (one attempt)."""

    resource: str  # as written in the definition
    kind: str  # "service", "aws-sdk", "lambda", "activity"
    service: str  # e.g. "lambda", "dynamodb"; "" for a Lambda function ARN or an activity
    action: str  # e.g. "invoke"; "" for a Lambda function ARN or an activity
    pattern: str  # "", ".sync", ".sync:2", ".waitForTaskToken"
    payload: Any  # Parameters (JSONPath) or Arguments (JSONata), evaluated
    state_name: str
    attempt: int  # 0 for the first attempt of this state entry
    execution_arn: str
    state_machine_name: str
    region: str
    account: str
    task_token: str | None = None
    timeout_seconds: float | None = None
    heartbeat_seconds: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class TaskError(Exception):
    """A task failed with an error name and a cause, as the service reported it."""

    def __init__(self, error: str, cause: Any = None) -> None:
        super().__init__(error)
        self.error = error
        self.cause = cause


def unavailable(request: TaskRequest) -> TaskError:
    """What a Task gets when nothing local serves it (no handler, mock, built-in or emulated service),
    named as the service AWS would have asked; the registry and the job integrations both raise it."""
    service = request.service or "Lambda"
    name = {
        "dynamodb": "DynamoDB",
        "sqs": "SQS",
        "sns": "SNS",
        "events": "EventBridge",
        "states": "StepFunctions",
        "s3": "S3",
    }.get(service, service[:1].upper() + service[1:])
    return TaskError(
        f"{name}.ResourceNotFoundException",
        f"Requested resource not found: no local handler, mock or built-in service serves {request.resource} "
        f"(action {request.action or 'invoke'})",
    )
