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
