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
values come from the state's own handler, the one an execution runs, through the observer
its StateRun carries (see `engine.runtime.state_run`); only Map and Parallel, whose work a
mock stands for, have their data flow around the mock driven from here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engine.integrations import ServiceRegistry
from engine.runtime.api import DEFAULT_ACCOUNT, DEFAULT_REGION
from engine.runtime.test_state.request import TestStateError, parse_request, refuse
from engine.runtime.test_state.run import TestRun
from engine.strict_json import loads_strict

__all__ = ["run_test_state_request", "test_state", "test_state_async"]


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
        return await TestRun(request, registry, account, region).respond()
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


# pytest collects module-level callables named test_*; these are the engine's API, not tests.
test_state.__test__ = False  # type: ignore[attr-defined]
test_state_async.__test__ = False  # type: ignore[attr-defined]
# `engine.runtime` re-exports the function under this package's own name, which hides the package
# as an attribute of `engine.runtime`; hanging the error class on the function keeps the documented
# `engine.runtime.test_state.TestStateError` spelling working either way.
test_state.TestStateError = TestStateError  # type: ignore[attr-defined]
