"""Task: hand work to a resource (a Lambda function, a service, an activity) and wait for it."""

from __future__ import annotations

import asyncio
from typing import Any

from engine.asl import classify_resource
from engine.integrations import TaskError, TaskRequest
from engine.runtime.errors import DATA_LIMIT_EXCEEDED, HEARTBEAT_TIMEOUT, RUNTIME, TIMEOUT, StateFailure
from engine.runtime.history import MAX_PAYLOAD_BYTES, payload_details, to_json_text
from engine.runtime.jsonata_flow import JsonataScope
from engine.runtime.jsonpath_flow import select
from engine.runtime.state_run import StateResult, StateRun

DEFAULT_TIMEOUT = 99_999_999


async def run(run: StateRun) -> StateResult:
    if str(run.state.get("Resource", "")).endswith(".waitForTaskToken"):
        run.task_token = run.env.callbacks.new_token()
        run.reset_context()
    scope = run.jsonata_scope() if run.jsonata else None
    payload = task_input(run, scope)
    timeout, heartbeat = timeouts(run, scope)
    return finish(run, await invoke(run, payload, timeout, heartbeat))


def task_input(run: StateRun, scope: JsonataScope | None = None) -> Any:
    """What the resource receives: Arguments (or the input) in JSONata, the effective input in JSONPath."""
    if not run.jsonata:
        return run.effective_input()
    if scope is None:
        scope = run.jsonata_scope()
    payload = scope.evaluate(run.state["Arguments"], "Arguments") if "Arguments" in run.state else run.input
    run.observe("afterArguments", payload)
    return payload


def timeouts(run: StateRun, scope: JsonataScope | None = None) -> tuple[float | None, float | None]:
    """TimeoutSeconds and HeartbeatSeconds, static, from a path or from an expression."""
    if not run.jsonata:
        return _seconds(run, "TimeoutSeconds"), _seconds(run, "HeartbeatSeconds")
    if scope is None:
        scope = run.jsonata_scope()
    return _jsonata_seconds(run, scope, "TimeoutSeconds"), _jsonata_seconds(run, scope, "HeartbeatSeconds")


def finish(run: StateRun, result: Any) -> StateResult:
    """From the resource's result to the state's output (Output, or ResultSelector to OutputPath)."""
    run.observe("result", result)
    return run.finish(result)


def _jsonata_seconds(run: StateRun, scope: JsonataScope, field: str) -> float | None:
    """TimeoutSeconds or HeartbeatSeconds of a JSONata Task: a positive integer, or the state fails."""
    if field not in run.state:
        return None
    value = scope.evaluate_number(run.state[field], field)
    if value <= 0:
        raise StateFailure(RUNTIME, run.prefix + f"The {field} field must be a positive integer: {value}")
    return float(value)


def _seconds(run: StateRun, field: str) -> float | None:
    if field in run.state:
        return float(run.state[field])
    path_field = f"{field}Path"
    if path_field not in run.state:
        return None
    value = select(run.state[path_field], run.input, run.path_scope())
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise StateFailure(
            RUNTIME,
            run.prefix + f"The {path_field} parameter references an invalid value: "
            f"{run.state[path_field]} == {to_json_text(value)}",
        )
    return float(value)


async def invoke(run: StateRun, payload: Any, timeout: float | None, heartbeat: float | None) -> Any:
    """Schedule the resource, record the events AWS records, and return its result."""
    resource = run.state["Resource"]
    info = classify_resource(resource)
    kind = info.kind if info else "unknown"
    history = run.env.history
    request = TaskRequest(
        resource=resource,
        kind=kind,
        service=info.service if info else "",
        action=info.action if info else "",
        pattern=info.pattern if info else "",
        payload=payload,
        state_name=run.name,
        attempt=run.retry_count or 0,
        execution_arn=run.env.info.execution_arn,
        state_machine_name=run.env.info.state_machine_name,
        region=run.env.info.region,
        account=run.env.info.account,
        task_token=run.task_token,
        timeout_seconds=timeout,
        heartbeat_seconds=heartbeat,
    )
    if kind == "lambda":
        details: dict[str, Any] = {"resource": resource}
        details["input"], details["inputDetails"] = payload_details(payload)
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        history.add("LambdaFunctionScheduled", details)
        history.add("LambdaFunctionStarted")
        prefix, names = "LambdaFunction", {}
    elif kind == "activity":
        details = {"resource": resource}
        details["input"], details["inputDetails"] = payload_details(payload)
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            details["heartbeatInSeconds"] = int(heartbeat)
        history.add("ActivityScheduled", details)
        prefix, names = "Activity", {}
    else:
        resource_type = info.service if info else ""
        action = (info.action + info.pattern) if info else resource
        if kind == "aws-sdk" and info:
            resource_type, action = f"aws-sdk:{info.service}", info.action + info.pattern
        names = {"resourceType": resource_type, "resource": action}
        scheduled: dict[str, Any] = {
            **names,
            "region": run.env.info.region,
            "parameters": to_json_text(payload),
        }
        if timeout is not None:
            scheduled["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            scheduled["heartbeatInSeconds"] = int(heartbeat)
        history.add("TaskScheduled", scheduled)
        history.add("TaskStarted", dict(names))
        prefix = "Task"
    try:
        if kind == "activity":
            history.add("ActivityStarted", {"workerName": "statecanvas"})

        def submit(response: Any) -> None:
            submitted = dict(names)
            submitted["output"], submitted["outputDetails"] = payload_details(response)
            history.add("TaskSubmitted", submitted)

        request.extra["submit"] = submit
        result = await _call(run, request, timeout)
        _check_result_size(
            result, resource if kind in ("lambda", "activity") else names.get("resourceType", "")
        )
    except TimeoutError:
        history.add(f"{prefix}TimedOut", {"error": TIMEOUT, **names})
        raise StateFailure(TIMEOUT, "") from None
    except TaskError as exc:
        if exc.error == TIMEOUT:
            history.add(f"{prefix}TimedOut", {"error": TIMEOUT, **names})
            raise StateFailure(TIMEOUT, exc.cause if exc.cause is not None else "") from None
        details = {"error": exc.error, **names} if exc.error is not None else dict(names)
        if exc.cause is not None:
            details["cause"] = exc.cause if isinstance(exc.cause, str) else to_json_text(exc.cause)
        history.add(f"{prefix}Failed", details)
        raise StateFailure(exc.error, details.get("cause"), from_task=True) from None
    succeeded = dict(names)
    succeeded["output"], succeeded["outputDetails"] = payload_details(result)
    history.add(f"{prefix}Succeeded", succeeded)
    return result


async def _call(run: StateRun, request: TaskRequest, timeout: float | None) -> Any:
    services = run.env.services
    local_work = request.kind == "lambda" or (request.service == "lambda" and request.kind == "service")
    if local_work and not services.is_mocked(request):
        # A local handler works in real time: let the virtual clock follow it meanwhile, so its
        # timeout means real seconds and idle virtual time does not race past it.
        return await _held(run, _timed(run, _invoke_and_wait(run, request), timeout))
    return await _timed(run, _invoke_and_wait(run, request), timeout)


async def _held(run: StateRun, work: Any) -> Any:
    hold = getattr(run.env.clock, "hold", None)
    if hold is None:
        return await work
    hold()
    try:
        return await work
    finally:
        run.env.clock.release()


async def _timed(run: StateRun, call: Any, timeout: float | None) -> Any:
    if timeout is None:
        return await call
    invocation = asyncio.ensure_future(call)
    timer = asyncio.ensure_future(run.env.clock.sleep(timeout))
    try:
        done, _ = await asyncio.wait({invocation, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    if invocation in done:
        return invocation.result()
    invocation.cancel()
    raise TimeoutError


async def _invoke_and_wait(run: StateRun, request: TaskRequest) -> Any:
    """Invoke; for a callback task, then wait for its token (a mock answers for the callback)."""
    services = run.env.services
    mocked = services.is_mocked(request)
    if mocked and request.pattern:
        request.extra["submit"]({})  # the mock stands for the submission and the completion
    if request.pattern != ".waitForTaskToken" or mocked or request.task_token is None:
        return await services.invoke(request)
    # The token is valid from the moment the task is scheduled: whoever the call reaches may
    # answer it before the call itself returns (a function that approves at once does).
    pending = run.env.callbacks.wait(
        request.task_token, run.name, run.env.info.execution_arn, request.payload
    )
    try:
        result = await services.invoke(request)
        request.extra["submit"](result)
        if request.heartbeat_seconds is None:
            return await pending.future
        while True:
            beat = asyncio.ensure_future(pending.beat.wait())
            timer = asyncio.ensure_future(run.env.clock.sleep(request.heartbeat_seconds))
            done, _ = await asyncio.wait({pending.future, beat, timer}, return_when=asyncio.FIRST_COMPLETED)
            beat.cancel()
            timer.cancel()
            if pending.future in done:
                return pending.future.result()
            if beat in done:
                pending.beat.clear()
                continue
            raise TaskError(HEARTBEAT_TIMEOUT, None)
    finally:
        run.env.callbacks.pending.pop(request.task_token, None)


def _check_result_size(result: Any, source: str) -> None:
    text = to_json_text(result)
    if len(text) > MAX_PAYLOAD_BYTES and len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise TaskError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{source}' returned a result with a size exceeding the maximum number of bytes "
            "service limit.",
        )
