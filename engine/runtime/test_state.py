"""TestState: run one state on its own, as Step Functions' TestState API does, and inspect it.

    response = test_state(definition, {"x": 1}, inspection_level="DEBUG")
    response["status"], response.get("output"), response.get("inspectionData")

The answer has the API's shape (`status` SUCCEEDED, FAILED, RETRIABLE or CAUGHT_ERROR, and
`output`, `error`, `cause`, `nextState`, `inspectionData`), so a state can be tried here with
the same expectations one would have of AWS. A request AWS would refuse raises TestStateError
with AWS's code and message.

The state runs once: a Retry that still has attempts left is reported (RETRIABLE, with the
back-off it would wait) rather than performed, and a Catcher's output and target are reported
(CAUGHT_ERROR) rather than followed. `stateConfiguration.retrierRetryCount` says how many
retries have already happened. Map and Parallel states need a mock: their result (or their
failure) is given, and TestState runs only the data flow around it.

`inspectionData` carries, from DEBUG on, the value after each step of the data flow as JSON
text (the API's representation: `input`, `afterInputPath`, `afterParameters`, `result`,
`afterResultSelector`, `afterResultPath`; `afterArguments` for JSONata; the Map state's
items and settings; `variables`; `errorDetails` for a retry or a catch). The intermediate
values are captured by running the state's data flow here, step by step, with the same
functions the interpreter uses, so nothing inside the interpreter needs to know about it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from engine.asl.validation.resources import classify_resource
from engine.deep_nesting import nesting_headroom
from engine.expr.java_text import json_type_name
from engine.integrations import ServiceRegistry
from engine.redaction import SECRET_HEADER_NAMES, redact_secrets
from engine.runtime.api import DEFAULT_ACCOUNT, DEFAULT_REGION
from engine.runtime.clock import VirtualClock
from engine.runtime.env import ExecutionEnv, ExecutionInfo, Frame, iso_time
from engine.runtime.errors import (
    DEFECTS,
    EXCEED_TOLERATED_FAILURE_THRESHOLD,
    RUNTIME,
    StateFailure,
    defect_failure,
)
from engine.runtime.history import History, payload_details, to_json_text
from engine.runtime.interpreter import Interpreter
from engine.runtime.jsonpath_flow import apply_result_path, render_template, select
from engine.runtime.retry import error_matches
from engine.runtime.state_run import StateResult, StateRun
from engine.runtime.states import choice_state, fail_state, pass_state, succeed_state, task_state, wait_state
from engine.runtime.states.map import read_concurrency, read_settings
from engine.runtime.test_state_request import (
    INSPECTION_LEVELS,
    TestStateError,
    TestStateRequest,
    parse_request,
    refuse,
)
from engine.strict_json import loads_strict

__all__ = ["INSPECTION_LEVELS", "TestStateError", "run_test_state_request", "test_state", "test_state_async"]

SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR = "SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR"
TOLERATED_FAILURE_CAUSE = "The specified tolerated failure threshold was exceeded"
STATE_MACHINE_NAME = "TestStateMachine"
# TestState runs the state as the first one of a throwaway execution: entered at event #2.
ENTERED_EVENT_ID = 2


def test_state(definition: Any, input: Any = None, **request: Any) -> dict[str, Any]:
    """Run one state as TestState would (blocking); see `test_state_async` for the parameters."""
    return asyncio.run(test_state_async(definition, input, **request))


async def test_state_async(
    definition: Any,
    input: Any = None,
    *,
    state_name: str | None = None,
    inspection_level: str | None = "INFO",
    variables: Any = None,
    mock: dict[str, Any] | None = None,
    context: Any = None,
    state_configuration: dict[str, Any] | None = None,
    reveal_secrets: bool = False,
    role_arn: str | None = None,
    handlers: dict[str, Any] | None = None,
    services: ServiceRegistry | None = None,
    account: str = DEFAULT_ACCOUNT,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """Run one state of `definition` (a state, or a machine with `state_name`) on `input`.

    The request parameters are TestState's, in snake_case: `inspection_level` INFO, DEBUG or
    TRACE; `variables` and `context` as JSON text or values; `mock` as {"result": JSON text}
    or {"errorOutput": {"error", "cause"}} with an optional "fieldValidationMode";
    `state_configuration` with TestState's camelCase keys (retrierRetryCount,
    errorCausedByState, mapIterationFailureCount, mapItemReaderData); `role_arn`, which AWS
    requires to test a Task without a mock. `handlers` and `services` serve unmocked Tasks
    locally, as for `run`. Raises TestStateError where AWS refuses the request.
    """
    request = parse_request(
        definition,
        input,
        state_name=state_name,
        inspection_level=inspection_level,
        variables=variables,
        mock=mock,
        context=context,
        state_configuration=state_configuration,
        reveal_secrets=reveal_secrets,
        role_arn=role_arn,
    )
    registry = services or ServiceRegistry(handlers=handlers)
    if handlers and services is not None:
        for function, handler in handlers.items():
            registry.functions.register(function, handler)
    try:
        return await _TestRun(request, registry, account, region).respond()
    finally:
        if services is None and registry.emulation is not None:
            registry.emulation.close()  # the test's own emulated account ends with it


_API_KEYS = {
    "stateName": "state_name",
    "inspectionLevel": "inspection_level",
    "variables": "variables",
    "mock": "mock",
    "context": "context",
    "stateConfiguration": "state_configuration",
    "revealSecrets": "reveal_secrets",
    "roleArn": "role_arn",
}


def run_test_state_request(request: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Answer a request shaped as the API takes it (camelCase keys, `definition` and `input`
    as JSON text), for front ends that hold one: the CLI, a recorded call, a pasted request.
    `options` (handlers, services, account, region) go to `test_state_async` unchanged."""
    kwargs: dict[str, Any] = dict(options)
    for key, value in request.items():
        if key in _API_KEYS:
            kwargs[_API_KEYS[key]] = value
    raw_input = request.get("input")
    if isinstance(raw_input, str):
        try:
            data = loads_strict(raw_input)
        except ValueError:
            raise refuse("Invalid input: the input must be valid JSON", "InvalidExecutionInput") from None
    else:
        data = raw_input
    return test_state(request.get("definition"), data, **kwargs)


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


class _TestRun:
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
            execution_arn=f"arn:aws:states:{region}:{account}:express:{STATE_MACHINE_NAME}:{name}",
            name=name,
            state_machine_arn=f"arn:aws:states:{region}:{account}:stateMachine:{STATE_MACHINE_NAME}",
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
        )
        self.run._context = request.context if request.context is not None else self._default_context()

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
        run, state = self.run, self.request.state
        state_type = state["Type"]
        if state_type == "Task":
            return await self._task()
        if state_type == "Pass":
            return self._pass() if not run.jsonata else await pass_state.run(run)
        if state_type == "Map":
            return self._map()
        if state_type == "Parallel":
            return self._parallel()
        if not run.jsonata:  # Choice, Wait, Succeed and Fail show the input after InputPath
            after = (
                select(state["InputPath"], run.input, run.path_scope()) if "InputPath" in state else run.input
            )
            self.inspection.put("afterInputPath", after)
        handler = {
            "Choice": choice_state.run,
            "Wait": wait_state.run,
            "Succeed": succeed_state.run,
            "Fail": fail_state.run,
        }[state_type]
        return await handler(run)

    # State types ---------------------------------------------------------------------------

    async def _task(self) -> StateResult:
        run, state = self.run, self.request.state
        if run.jsonata:
            scope = run.jsonata_scope()
            payload = scope.evaluate(state["Arguments"], "Arguments") if "Arguments" in state else run.input
            self.inspection.put("afterArguments", payload)
        else:
            payload = self._effective_input(report=True)
        result = await self._task_result(payload)
        self.inspection.put("result", result)
        if run.jsonata:
            return run.finish_jsonata(result, default_output=result)
        return self._finish_path(result)

    async def _task_result(self, payload: Any) -> Any:
        mock = self.request.mock
        if mock is not None:
            if mock.has_error:
                raise StateFailure(mock.error, mock.cause)
            return mock.result
        run = self.run
        if run.jsonata:
            scope = run.jsonata_scope()
            timeout = task_state.jsonata_seconds(run, scope, "TimeoutSeconds")
            heartbeat = task_state.jsonata_seconds(run, scope, "HeartbeatSeconds")
        else:
            timeout = task_state._seconds(run, "TimeoutSeconds")
            heartbeat = task_state._seconds(run, "HeartbeatSeconds")
        result = await task_state.invoke(run, payload, timeout, heartbeat)
        if self.request.inspection_level == "TRACE":
            self._http_details(payload, result)
        return result

    def _pass(self) -> StateResult:
        """A Pass state's Result replaces its effective input, which is then not reported."""
        state = self.request.state
        if "Result" in state:
            self.run.effective_input()  # still evaluated: its failures are the state's failures
            result = state["Result"]
            self.inspection.put("result", result)
        else:
            result = self._effective_input(report=True)
        return self._finish_path(result)

    def _parallel(self) -> StateResult:
        result = self._mocked_result()
        if self.run.jsonata:
            return self.run.finish_jsonata(result, default_output=result)
        return self._finish_path(result)

    def _map(self) -> StateResult:
        run, state, request = self.run, self.request.state, self.request
        items: list[Any] | None = None
        if run.jsonata:
            if "Items" in state and "ItemReader" not in state:
                scope = run.jsonata_scope()
                value = scope.evaluate(state["Items"], "Items")
                if not isinstance(value, list):
                    body = str(state["Items"])[2:-2].strip()
                    raise scope.fail(
                        f"The JSONata expression '{body}' specified for the field 'Items' returned an "
                        "unexpected result type. Expected 'array', but was "
                        f"'{json_type_name(value)}' for value: {to_json_text(value)}",
                        "Items",
                    )
                items = value
            elif "ItemReader" not in state:
                items = run.input if isinstance(run.input, list) else None
        else:
            effective = (
                select(state["InputPath"], run.input, run.path_scope()) if "InputPath" in state else run.input
            )
            self.inspection.put("afterInputPath", effective)
            if "ItemReader" not in state:
                value = (
                    select(state["ItemsPath"], effective, run.path_scope())
                    if "ItemsPath" in state
                    else effective
                )
                self.inspection.put("afterItemsPath", value)
                if not isinstance(value, list):
                    raise StateFailure(
                        RUNTIME,
                        run.prefix + f"Map state input must be an array but was: {to_json_text(value)}",
                    )
                items = value
                if "ItemSelector" in state or "Parameters" in state:
                    from engine.runtime.states.map.state import item_input

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
        if failed:
            total = len(items) if items is not None else len(result) if isinstance(result, list) else failed
            over_count = settings.tolerated_count is not None and failed > settings.tolerated_count
            over_share = (
                settings.tolerated_percentage is not None
                and total > 0
                and failed * 100.0 / total > settings.tolerated_percentage
            )
            if over_count or over_share:
                raise StateFailure(EXCEED_TOLERATED_FAILURE_THRESHOLD, TOLERATED_FAILURE_CAUSE)
        if run.jsonata:
            return run.finish_jsonata(result, default_output=result)
        return self._finish_path(result)

    def _mocked_result(self) -> Any:
        """A Map's or Parallel's mocked result, or the mocked failure of one of its inner states."""
        mock = self.request.mock
        assert mock is not None  # parse_request refuses Map and Parallel without a mock
        if mock.has_error:
            raise StateFailure(mock.error, mock.cause)
        return mock.result

    # The JSONPath data flow, step by step --------------------------------------------------------

    def _effective_input(self, *, report: bool) -> Any:
        run, state = self.run, self.request.state
        scope = run.path_scope()
        data = select(state["InputPath"], run.input, scope) if "InputPath" in state else run.input
        if report:
            self.inspection.put("afterInputPath", data)
        if "Parameters" in state:
            data = render_template(state["Parameters"], data, scope)
        if report:
            self.inspection.put("afterParameters", data)
        return data

    def _finish_path(self, result: Any) -> StateResult:
        run, state = self.run, self.request.state
        scope = run.path_scope()
        if "ResultSelector" in state:
            result = render_template(state["ResultSelector"], result, scope)
        self.inspection.put("afterResultSelector", result)
        assigned = render_template(state["Assign"], result, scope) if "Assign" in state else None
        output = apply_result_path(
            run.input, result, state.get("ResultPath"), present="ResultPath" in state, scope=scope
        )
        self.inspection.put("afterResultPath", output)
        if "OutputPath" in state:
            output = select(state["OutputPath"], output, scope)
        return StateResult(output, run.next_state(), assigned)

    # Failures: retry, catch or fail ------------------------------------------------------------

    def _failed(self, failure: StateFailure) -> _Outcome:
        state = self.request.state
        error = failure.error
        cause = (
            failure.cause
            if failure.cause is None or isinstance(failure.cause, str)
            else to_json_text(failure.cause)
        )
        if state["Type"] not in ("Task", "Map", "Parallel") or not failure.catchable:
            return _Outcome(FAILED, error=error, cause=cause)
        for index, retrier in enumerate(state.get("Retry") or []):
            if not error_matches(retrier.get("ErrorEquals", []), failure):
                continue
            self.error_details["retryIndex"] = index
            attempts = self.request.retrier_retry_count
            if attempts < retrier.get("MaxAttempts", 3):
                delay = retrier.get("IntervalSeconds", 1) * retrier.get("BackoffRate", 2.0) ** attempts
                if "MaxDelaySeconds" in retrier:
                    delay = min(delay, retrier["MaxDelaySeconds"])
                self.error_details["retryBackoffIntervalSeconds"] = int(delay)
                return _Outcome(RETRIABLE, error=error, cause=cause)
            break  # the first matching retrier is spent: no later retrier applies
        for index, catcher in enumerate(state.get("Catch") or []):
            if error_matches(catcher.get("ErrorEquals", []), failure):
                self.error_details["catchIndex"] = index
                try:
                    output, assigned = self._catch_output(catcher, failure)
                except StateFailure as inner:
                    return _Outcome(FAILED, error=inner.error, cause=inner.cause)
                if assigned:
                    self.frame.variables.update(assigned)
                return _Outcome(
                    CAUGHT_ERROR,
                    output=output,
                    has_output=True,
                    error=error,
                    cause=cause,
                    next_state=catcher["Next"],
                )
        return _Outcome(FAILED, error=error, cause=cause)

    def _catch_output(self, catcher: dict[str, Any], failure: StateFailure) -> tuple[Any, Any]:
        run = self.run
        error_output = failure.error_output()
        if run.jsonata:
            scope = run.jsonata_scope(errorOutput=error_output)
            output = scope.evaluate(catcher["Output"], "Output") if "Output" in catcher else error_output
            assigned = scope.evaluate(catcher["Assign"], "Assign") if "Assign" in catcher else None
            return output, assigned
        scope = run.path_scope()
        assigned = render_template(catcher["Assign"], error_output, scope) if "Assign" in catcher else None
        output = apply_result_path(
            run.input, error_output, catcher.get("ResultPath"), present="ResultPath" in catcher, scope=scope
        )
        return output, assigned

    # TRACE: the HTTP exchange of an HTTP Task ---------------------------------------------------

    def _http_details(self, payload: Any, result: Any) -> None:
        """The request an HTTP Task sent and the response it got, as TRACE reports them."""
        info = classify_resource(str(self.request.state.get("Resource", "")))
        if info is None or info.service != "http" or not isinstance(payload, dict):
            return
        url = str(payload.get("ApiEndpoint", ""))
        query = payload.get("QueryParameters")
        if isinstance(query, dict) and query:
            from urllib.parse import urlencode

            url += "?" + urlencode(
                {k: v if isinstance(v, str) else to_json_text(v) for k, v in query.items()}
            )
        headers = payload.get("Headers") or {}
        body = payload.get("RequestBody")
        self.inspection.data["request"] = {
            "protocol": "https",
            "method": str(payload.get("Method", "")),
            "url": url,
            "headers": _header_text(headers if self.request.reveal_secrets else _redacted(headers)),
            "body": "" if body is None else body if isinstance(body, str) else to_json_text(body),
        }
        if isinstance(result, dict):
            response_body = result.get("ResponseBody")
            self.inspection.data["response"] = {
                "protocol": "https",
                "statusCode": str(result.get("StatusCode", "")),
                "statusMessage": str(result.get("StatusText", "")),
                "headers": _header_text(result.get("Headers") or {}),
                "body": ""
                if response_body is None
                else response_body
                if isinstance(response_body, str)
                else to_json_text(response_body),
            }


def _redacted(headers: Any) -> Any:
    """Without revealSecrets, authorization headers are not shown."""
    if not isinstance(headers, dict):
        return headers
    return {k: v for k, v in headers.items() if not (isinstance(k, str) and k.lower() in SECRET_HEADER_NAMES)}


def _header_text(headers: Any) -> str:
    if not isinstance(headers, dict):
        return "" if headers is None else str(headers)
    return ", ".join(f"{k}: {v if isinstance(v, str) else to_json_text(v)}" for k, v in headers.items())


# pytest collects module-level callables named test_*; these are the engine's API, not tests.
test_state.__test__ = False  # type: ignore[attr-defined]
test_state_async.__test__ = False  # type: ignore[attr-defined]
# `engine.runtime` re-exports the function under this module's own name, which hides the module
# as an attribute of the package; hanging the error class on the function keeps the documented
# `engine.runtime.test_state.TestStateError` spelling working either way.
test_state.TestStateError = TestStateError  # type: ignore[attr-defined]
