"""One TestState run: the state entered once in a throwaway Express-style execution, inspected.

The state's own handler runs, the one an execution runs, with an observer on its StateRun that
writes each data-flow step into `inspectionData` (see `engine.runtime.state_run`); a Task's mock
stands in for its call, and Map and Parallel, whose work a mock stands for, have only the data
flow around the mock driven from here. A failure is not retried or caught but reported: what a
run would do next (RETRIABLE with the back-off it would wait, CAUGHT_ERROR with the catcher's
output and target, or FAILED), computed by the functions the interpreter uses.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from engine.deep_nesting import nesting_headroom
from engine.integrations import ServiceRegistry
from engine.redaction import redact_secrets
from engine.runtime import arns
from engine.runtime.clock import VirtualClock
from engine.runtime.env import ExecutionEnv, ExecutionInfo, Frame, iso_time
from engine.runtime.errors import (
    DEFECTS,
    EXCEED_TOLERATED_FAILURE_THRESHOLD,
    StateFailure,
    defect_failure,
)
from engine.runtime.history import History, payload_details, to_json_text
from engine.runtime.interpreter import HANDLERS, WITH_RETRY, Interpreter
from engine.runtime.jsonata_flow import JsonataScope
from engine.runtime.retry import backoff_seconds, first_match
from engine.runtime.state_run import StateResult, StateRun
from engine.runtime.states import task_state
from engine.runtime.states.map import (
    TOLERATED_FAILURE_CAUSE,
    evaluated_items,
    item_input,
    items_at_path,
    read_concurrency,
    read_settings,
    require_array,
)
from engine.runtime.test_state.request import (
    TestStateRequest,
)
from engine.runtime.test_state.trace import http_exchange

SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR = "SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"
STATE_MACHINE_NAME = "TestStateMachine"
# TestState runs the state as the first one of a throwaway execution: entered at event #2.
ENTERED_EVENT_ID = 2
_EFFECTIVE_INPUT = frozenset(("afterInputPath", "afterParameters"))


# The run ------------------------------------------------------------------------------------


class _Inspection:
    """The inspectionData being gathered: JSON text for payloads, numbers for Map settings."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def put(self, key: str, value: Any) -> None:
        self.data[key] = json.dumps(value, ensure_ascii=False)

    def put_number(self, key: str, value: Any) -> None:
        self.data[key] = value


class _Outcome:
    """How the single state ended, before it is shaped into the API's answer."""

    def __init__(
        self,
        status: str,
        *,
        output: Any = None,
        has_output: bool = False,
        error: str | None = None,
        cause: str | None = None,
        next_state: str | None = None,
    ) -> None:
        self.status = status
        self.output = output
        self.has_output = has_output
        self.error = error
        self.cause = cause
        self.next_state = next_state


class TestRun:
    """The state under test, entered once in its own throwaway execution, with its answer."""

    __test__ = False  # not a pytest test class, whatever its name says

    def __init__(
        self, request: TestStateRequest, registry: ServiceRegistry, account: str, region: str
    ) -> None:
        self.request = request
        self.inspection = _Inspection()
        self.error_details: dict[str, Any] = {}
        clock = VirtualClock()
        name = str(uuid.uuid4())
        role = request.role_arn or f"arn:aws:iam::{account}:role/StateCanvasTestStateRole"
        info = ExecutionInfo(
            execution_arn=arns.execution_arn(
                region, account, STATE_MACHINE_NAME, name, machine_type="EXPRESS"
            ),
            name=name,
            state_machine_arn=arns.state_machine_arn(region, account, STATE_MACHINE_NAME),
            state_machine_name=STATE_MACHINE_NAME,
            role_arn=role,
            input=request.input,
            start_time=clock.now(),
            account=account,
            region=region,
        )
        history = History(clock)
        self.env = ExecutionEnv(info, clock, history, registry, query_language=request.language)
        started: dict[str, Any] = {}
        started["input"], started["inputDetails"] = payload_details(request.input)
        started["roleArn"] = role
        history.add("ExecutionStarted", started, previous=0)
        self.frame = Frame(variables=dict(request.variables))
        state = request.state
        # AWS shows no effective input for a Pass state whose Result stands in for it.
        self.unshown = _EFFECTIVE_INPUT if state["Type"] == "Pass" and "Result" in state else frozenset()
        self.run = StateRun(
            Interpreter(self.env),
            self.env,
            self.frame,
            request.name,
            state,
            request.input,
            ENTERED_EVENT_ID,
            clock.now(),
            request.language,
            retry_count=request.retrier_retry_count,
            observer=self._observe,
        )
        self.run.reset_context(request.context if request.context is not None else self._default_context())

    def _observe(self, step: str, value: Any) -> None:
        """A step of the state's data flow: its value goes into inspectionData under the step's name."""
        if step not in self.unshown:
            self.inspection.put(step, value)

    def _default_context(self) -> dict[str, Any]:
        """The `$$` TestState builds: an Express-style execution, the state, its retry count."""
        info = self.env.info
        context: dict[str, Any] = {
            "Execution": {
                "Id": info.execution_arn,
                "Input": info.input,
                "Name": info.name,
                "RoleArn": info.role_arn,
                "StartTime": iso_time(info.start_time),
            },
            "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
            "State": {
                "Name": self.request.name,
                "EnteredTime": iso_time(self.run.entered_time),
                "RetryCount": self.request.retrier_retry_count,
            },
        }
        resource = str(self.request.state.get("Resource", ""))
        if self.request.state["Type"] == "Task" and resource.endswith(".waitForTaskToken"):
            self.run.task_token = self.env.callbacks.new_token()
            context["Task"] = {"Token": self.run.task_token}
        return context

    async def respond(self) -> dict[str, Any]:
        self.inspection.put("input", self.request.input)
        outcome = await self._outcome()
        response: dict[str, Any] = {"status": outcome.status}
        if outcome.has_output:
            response["output"] = outcome.output
        if outcome.error is not None:
            response["error"] = outcome.error
        if outcome.cause is not None:
            response["cause"] = outcome.cause
        if outcome.next_state is not None:
            response["nextState"] = outcome.next_state
        if self.request.inspection_level != "INFO":
            data = dict(self.inspection.data)
            if self.frame.variables:
                data["variables"] = json.dumps(self.frame.variables, ensure_ascii=False)
            if self.error_details:
                data["errorDetails"] = dict(self.error_details)
            response["inspectionData"] = data if self.request.reveal_secrets else redact_secrets(data)
        return response

    async def _outcome(self) -> _Outcome:
        try:
            try:
                with nesting_headroom():  # payloads and templates may nest as deeply as AWS accepts
                    result = await self._run_state()
            except DEFECTS as exc:
                raise defect_failure(exc, self.run.prefix) from exc
        except StateFailure as failure:
            return self._failed(failure)
        if result.assigned:
            self.frame.variables.update(result.assigned)
        return _Outcome(SUCCEEDED, output=result.output, has_output=True, next_state=result.next)

    async def _run_state(self) -> StateResult:
        state_type = self.request.state["Type"]
        if state_type == "Task":
            return await self._task()
        if state_type == "Map":
            return self._map()
        if state_type == "Parallel":
            return self.run.finish(self._mocked_result())  # AWS runs no input path around the mock
        return await HANDLERS[state_type](self.run)  # Pass, Choice, Wait, Succeed, Fail: as a run does

    # State types ---------------------------------------------------------------------------

    async def _task(self) -> StateResult:
        """The Task's own steps, with the mock (when there is one) standing in for the call."""
        run = self.run
        scope = run.jsonata_scope() if run.jsonata else None
        payload = task_state.task_input(run, scope)
        if self.request.mock is not None:
            result = self._mocked_result()
        else:
            result = await self._invoke(payload, scope)
        return task_state.finish(run, result)

    async def _invoke(self, payload: Any, scope: JsonataScope | None) -> Any:
        run = self.run
        timeout, heartbeat = task_state.timeouts(run, scope)
        result = await task_state.invoke(run, payload, timeout, heartbeat)
        if self.request.inspection_level == "TRACE":
            resource = str(self.request.state.get("Resource", ""))
            self.inspection.data.update(http_exchange(resource, payload, result, self.request.reveal_secrets))
        return result

    def _map(self) -> StateResult:
        """The Map's items and settings as a run reads them; the mock stands for the iterations."""
        run, state, request = self.run, self.request.state, self.request
        items: list[Any] | None = None
        if run.jsonata:
            if "Items" in state and "ItemReader" not in state:
                items = evaluated_items(run)
            elif "ItemReader" not in state:
                items = run.input if isinstance(run.input, list) else None
        else:
            effective = run.after_input_path()
            if "ItemReader" not in state:
                items = require_array(run, items_at_path(run, effective))
                if "ItemSelector" in state or "Parameters" in state:
                    self.inspection.put(
                        "afterItemSelector",
                        [item_input(run, i, item, effective) for i, item in enumerate(items)],
                    )
        if (
            "ItemReader" in state
            and request.has_item_reader_data
            and isinstance(request.map_item_reader_data, list)
        ):
            items = request.map_item_reader_data
        concurrency = read_concurrency(run)
        self.inspection.put_number("maxConcurrency", concurrency)
        settings = read_settings(run, concurrency)
        if settings.tolerated_count is not None:
            self.inspection.put_number("toleratedFailureCount", settings.tolerated_count)
        if settings.tolerated_percentage is not None:
            self.inspection.put_number("toleratedFailurePercentage", settings.tolerated_percentage)
        result = self._mocked_result()
        failed = request.map_iteration_failure_count or 0
        if failed:  # the iterations said to have failed, against the tolerance the state sets
            total = len(items) if items is not None else len(result) if isinstance(result, list) else failed
            if settings.over_tolerance(failed, total):
                raise StateFailure(EXCEED_TOLERATED_FAILURE_THRESHOLD, TOLERATED_FAILURE_CAUSE)
        return run.finish(result)

    def _mocked_result(self) -> Any:
        """The mocked result, or the mocked failure (of the Task, or of a Map's or Parallel's inner state)."""
        mock = self.request.mock
        assert mock is not None  # parse_request refuses Map and Parallel without a mock
        if mock.has_error:
            raise StateFailure(mock.error, mock.cause)
        return mock.result

    # Failures: retry, catch or fail ------------------------------------------------------------

    def _failed(self, failure: StateFailure) -> _Outcome:
        """What a run would do next, reported instead of done: retry (with the back-off it would
        wait), catch (with the catcher's output and target), or fail."""
        state = self.request.state
        error = failure.error
        cause = (
            failure.cause
            if failure.cause is None or isinstance(failure.cause, str)
            else to_json_text(failure.cause)
        )
        if state["Type"] not in WITH_RETRY or not failure.catchable:
            return _Outcome(FAILED, error=error, cause=cause)
        retriers = state.get("Retry") or []
        index = first_match(retriers, failure)
        if index is not None:
            self.error_details["retryIndex"] = index
            attempts = self.request.retrier_retry_count
            if attempts < retriers[index].get("MaxAttempts", 3):
                delay = backoff_seconds(retriers[index], attempts)
                self.error_details["retryBackoffIntervalSeconds"] = int(delay)
                return _Outcome(RETRIABLE, error=error, cause=cause)
        catchers = state.get("Catch") or []
        index = first_match(catchers, failure)
        if index is None:
            return _Outcome(FAILED, error=error, cause=cause)
        self.error_details["catchIndex"] = index
        try:
            caught = self.run.caught(catchers[index], failure)
        except StateFailure as inner:
            return _Outcome(FAILED, error=inner.error, cause=inner.cause)
        if caught.assigned:
            self.frame.variables.update(caught.assigned)
        return _Outcome(
            CAUGHT_ERROR,
            output=caught.output,
            has_output=True,
            error=error,
            cause=cause,
            next_state=caught.next,
        )
