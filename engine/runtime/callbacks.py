"""Task tokens: the wait-for-callback pattern (`.waitForTaskToken`) and activities.

A task that waits for a callback parks on a future keyed by its token; SendTaskSuccess,
SendTaskFailure and SendTaskHeartbeat (from the API, the CLI, the designer or a local
handler) resolve it or keep it alive.
"""

from __future__ import annotations

import asyncio
import base64
import os
from dataclasses import dataclass, field
from typing import Any

from engine.integrations import TaskError


class InvalidToken(Exception):
    """No task is waiting on this token (AWS: TaskDoesNotExist / InvalidToken)."""


@dataclass
class PendingTask:
    token: str
    state_name: str
    execution_arn: str
    payload: Any
    future: asyncio.Future[Any]
    heartbeats: int = 0
    beat: asyncio.Event = field(default_factory=asyncio.Event)


class Callbacks:
    """The tokens of the tasks waiting for a callback, across the executions of one engine."""

    def __init__(self) -> None:
        self.pending: dict[str, PendingTask] = {}

    def new_token(self) -> str:
        return base64.urlsafe_b64encode(os.urandom(48)).decode().rstrip("=")

    def wait(self, token: str, state_name: str, execution_arn: str, payload: Any) -> PendingTask:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        task = PendingTask(token, state_name, execution_arn, payload, future)
        self.pending[token] = task
        return task

    def _take(self, token: str) -> PendingTask:
        task = self.pending.pop(token, None)
        if task is None or task.future.done():
            raise InvalidToken(f"Invalid Token: '{token}'")
        return task

    def send_success(self, token: str, output: Any) -> None:
        self._take(token).future.set_result(output)

    def send_failure(self, token: str, error: str | None = None, cause: str | None = None) -> None:
        self._take(token).future.set_exception(TaskError(error or "", cause))

    def send_heartbeat(self, token: str) -> None:
        task = self.pending.get(token)
        if task is None:
            raise InvalidToken(f"Invalid Token: '{token}'")
        task.heartbeats += 1
        task.beat.set()

    def list(self) -> list[PendingTask]:
        return list(self.pending.values())
