"""A callback answered from another thread (a local Lambda handler runs in a worker thread) is
carried out on the executions' loop, and a bad token still fails in the caller."""

from __future__ import annotations

import asyncio
import threading

import pytest

from engine.integrations import TaskError
from engine.runtime.service import LocalStepFunctions

from .test_service import CALLBACK


async def test_send_task_success_from_a_worker_thread_runs_on_the_loop() -> None:
    tokens: list[str] = []
    service = LocalStepFunctions(clock="real")
    service.services.functions.register("notify", lambda event, context: tokens.append(event["token"]) or {})
    running = service.start_execution(service.create_state_machine("Approval", CALLBACK), {})
    for _ in range(200):
        if tokens and service.pending_tasks():
            break
        await asyncio.sleep(0.01)
    loop_thread = threading.get_ident()
    resolved_on: list[int] = []
    original = service.callbacks.send_success

    def send_success(token: str, output: object) -> None:
        resolved_on.append(threading.get_ident())
        original(token, output)

    service.callbacks.send_success = send_success  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def answer() -> None:
        service.send_task_success(tokens[0], {"approved": True})
        try:
            service.send_task_success("not-a-token", {})
        except TaskError as exc:
            errors.append(exc)

    await asyncio.to_thread(answer)
    execution = await asyncio.wait_for(running.task, 5)
    assert execution.status == "SUCCEEDED" and execution.output == {"approved": True}
    assert resolved_on == [loop_thread, loop_thread]
    assert len(errors) == 1 and errors[0].error == "Sfn.InvalidTokenException"


def test_without_a_running_loop_the_answer_is_immediate() -> None:
    service = LocalStepFunctions()
    with pytest.raises(TaskError):
        service.send_task_success("not-a-token", {})
