"""The local Step Functions service: state machines, executions, task tokens and activities.

It is what `states:startExecution` from a Task reaches, what SendTaskSuccess/Failure/Heartbeat
go to, and what the designer and the CLI use to run things side by side. Executions run as
asyncio tasks on the caller's loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.integrations import ServiceRegistry, TaskError, TaskRequest
from engine.runtime import arns
from engine.runtime.api import DEFAULT_ACCOUNT, DEFAULT_REGION, Execution, run_async
from engine.runtime.callbacks import Callbacks, InvalidToken
from engine.runtime.history import to_json_text


@dataclass
class StateMachineRecord:
    arn: str
    name: str
    definition: dict[str, Any] = field(repr=False)  # as Execution's history: reprs stay short
    type: str = "STANDARD"


@dataclass
class ActivityTask:
    token: str
    input: Any


@dataclass
class RunningExecution:
    arn: str
    state_machine_arn: str
    task: asyncio.Task[Execution]
    gate: Any = None
    env_stop: list[Any] = field(default_factory=list)


class LocalStepFunctions:
    """A Step Functions service in this process."""

    def __init__(
        self,
        *,
        services: ServiceRegistry | None = None,
        clock: str | Any = "virtual",
        account: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        store: Any = None,
    ) -> None:
        self.services = services or ServiceRegistry()
        self.services.register_service("states", self._states_integration)
        self.callbacks = Callbacks()
        self.clock = clock
        self.account = account
        self.region = region
        self.store = store
        self.machines: dict[str, StateMachineRecord] = {}
        self.executions: dict[str, RunningExecution] = {}
        self.activities: dict[str, asyncio.Queue[ActivityTask]] = {}
        self.events_written = 0  # history events across executions: a cheap sign of progress
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop the executions run on
        # machine name -> the debug gate of a new execution that its starter gave none (a rule's
        # target, a queue's consumer, a nested StartExecution): the designer's File > Serve
        # Locally debugs those as it debugs the ones clients start
        self.gate_for: Callable[[str], Any] | None = None

    # State machines and executions ---------------------------------------------------------

    def create_state_machine(
        self, name: str, definition: dict[str, Any] | str, *, type: str = "STANDARD"
    ) -> str:
        body = json.loads(definition) if isinstance(definition, str) else definition
        arn = arns.state_machine_arn(self.region, self.account, name)
        self.machines[arn] = StateMachineRecord(arn, name, body, type)
        return arn

    def start_execution(
        self,
        state_machine_arn: str,
        input: Any = None,
        *,
        name: str | None = None,
        gate: Any = None,
        parent_arn: str | None = None,
    ) -> RunningExecution:
        machine = self.machines.get(state_machine_arn)
        if machine is None:
            raise TaskError(
                "StepFunctions.StateMachineDoesNotExistException",
                f"State Machine Does Not Exist: '{state_machine_arn}' (Service: AWSStepFunctions; "
                "Status Code: 400; Error Code: StateMachineDoesNotExist; "
                f"Request ID: {uuid.uuid4()}; Proxy: null)",
            )
        name = name or str(uuid.uuid4())
        if gate is None and self.gate_for is not None:
            gate = self.gate_for(machine.name)
        arn = arns.execution_arn(self.region, self.account, machine.name, name, machine_type=machine.type)
        coroutine = run_async(
            machine.definition,
            input,
            clock=self.clock,
            name=name,
            state_machine_name=machine.name,
            machine_type=machine.type,
            account=self.account,
            region=self.region,
            gate=gate,
            services=self.services,
            store=self.store,
            parent_arn=parent_arn,
            callbacks=self.callbacks,
            history_sinks=[self._count_event],
        )
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        running = RunningExecution(arn, state_machine_arn, asyncio.ensure_future(coroutine), gate)
        self.executions[arn] = running
        return running

    def _count_event(self, event: dict[str, Any]) -> None:
        self.events_written += 1

    async def wait(self, execution_arn: str) -> Execution:
        return await self.executions[execution_arn].task

    # Callbacks ------------------------------------------------------------------------------

    def send_task_success(self, task_token: str, output: Any) -> None:
        self._callback(lambda: self.callbacks.send_success(task_token, output))

    def send_task_failure(self, task_token: str, error: str | None = None, cause: str | None = None) -> None:
        self._callback(lambda: self.callbacks.send_failure(task_token, error, cause))

    def send_task_heartbeat(self, task_token: str) -> None:
        self._callback(lambda: self.callbacks.send_heartbeat(task_token))

    def pending_tasks(self) -> list[Any]:
        return self.callbacks.list()

    def _callback(self, action: Any) -> None:
        """Run a send_task_* on the executions' own loop.

        Local Lambda handlers run in worker threads and answer callbacks from there (the
        example's complete-order does). Resolving the waiting task's future from that thread
        would schedule loop callbacks from the wrong thread: unsafe for asyncio, and under the
        designer's Qt loop a timer started from another thread, which Qt refuses. So the action
        is handed to the loop and the caller waits for its outcome (an invalid token still
        raises in the caller, as the API's error does)."""
        loop = self._loop
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if loop is None or current is loop or not loop.is_running():
            self._answer(action)
            return
        outcome: concurrent.futures.Future[None] = concurrent.futures.Future()

        def answer_on_loop() -> None:
            try:
                self._answer(action)
            except BaseException as exc:
                outcome.set_exception(exc)
            else:
                outcome.set_result(None)

        loop.call_soon_threadsafe(answer_on_loop)
        outcome.result()

    @staticmethod
    def _answer(action: Any) -> None:
        try:
            action()
        except InvalidToken as exc:
            raise TaskError("Sfn.InvalidTokenException", str(exc)) from None

    # Activities -----------------------------------------------------------------------------

    def create_activity(self, name: str) -> str:
        arn = arns.activity_arn(self.region, self.account, name)
        self.activities.setdefault(arn, asyncio.Queue())
        return arn

    async def get_activity_task(self, activity_arn: str, timeout: float | None = None) -> ActivityTask | None:
        queue = self.activities.setdefault(activity_arn, asyncio.Queue())
        try:
            return await asyncio.wait_for(queue.get(), timeout) if timeout else await queue.get()
        except TimeoutError:
            return None

    # The `states` service integration -------------------------------------------------------

    async def _states_integration(self, request: TaskRequest) -> Any:
        if request.action != "startExecution":
            raise TaskError("StepFunctions.InvalidActionException", f"Unsupported action {request.action}")
        payload = request.payload if isinstance(request.payload, dict) else {}
        child_input = payload.get("Input")
        if isinstance(child_input, str):
            with contextlib.suppress(ValueError):
                child_input = json.loads(child_input)
        running = self.start_execution(
            payload.get("StateMachineArn", ""),
            child_input,
            name=payload.get("Name"),
            parent_arn=request.execution_arn,
        )
        started = {"ExecutionArn": running.arn, "StartDate": _now_text()}
        if request.pattern == "":
            return started
        if request.pattern == ".waitForTaskToken":
            return started  # the child (or anyone) answers with the token the parent passed in Input
        submit = request.extra.get("submit")
        if submit is not None:
            submit(started)
        execution = await running.task
        return _describe(execution, running, pattern=request.pattern)


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _describe(execution: Execution, running: RunningExecution, *, pattern: str) -> Any:
    """What `.sync` returns (DescribeExecution), or raises as the parent task's failure."""
    if execution.status != "SUCCEEDED":
        raise TaskError(
            "States.TaskFailed",
            to_json_text(
                {
                    "Error": execution.error,
                    "Cause": execution.cause,
                    "ExecutionArn": running.arn,
                    "StateMachineArn": running.state_machine_arn,
                    "Status": execution.status,
                }
            ),
        )
    output: Any = execution.output if pattern == ".sync:2" else to_json_text(execution.output)
    return {
        "ExecutionArn": running.arn,
        "StateMachineArn": running.state_machine_arn,
        "Name": running.arn.rsplit(":", 1)[-1],
        "Status": "SUCCEEDED",
        "Output": output,
        "OutputDetails": {"Included": True},
        "StartDate": execution.start_date.isoformat() if execution.start_date else None,
        "StopDate": execution.stop_date.isoformat() if execution.stop_date else None,
    }
