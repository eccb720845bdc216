"""What starting and redriving an execution share: the services it runs with (a test case's mocks
for that execution alone), the mock counts a redrive goes on from, the trace's record of its end, and
the store's record of it.

StartExecution (engine.serve.sfn_executions) and RedriveExecution (engine.serve.sfn_redrive) both
use these; here, neither module has to import the other for them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.integrations import MockConfig, MockConfigError, ServiceRegistry
from engine.serve.dispatch import AwsError, ServeContext
from engine.serve.sfn_shapes import arn_parts
from engine.store import StoreError


def registry_for(context: ServeContext, name: str, arn: str, test_case: str | None) -> ServiceRegistry:
    """The runtime's services, with the test case's mocks for this execution alone (machine `name`,
    `arn`)."""
    shared = context.runtime.registry
    if test_case is None:
        return shared
    if context.mocks_file is None:
        raise AwsError(
            "StateMachineDoesNotExist",
            f"State Machine Does Not Exist: '{arn}#{test_case}' (no mock config: start the server "
            "with --mocks FILE to run test cases)",
        )
    try:
        mocks = MockConfig.load(Path(context.mocks_file), state_machine=name, test_case=test_case)
    except (MockConfigError, OSError) as exc:
        raise AwsError("ValidationException", f"Mock config: {exc}") from None
    registry = ServiceRegistry(mocks=mocks)
    registry.functions = shared.functions
    registry.services = shared.services
    registry.saved_mocks = shared.saved_mocks
    return registry


def keep_mock_counts(
    context: ServeContext, arn: str, registry: ServiceRegistry
) -> Callable[[asyncio.Future[Any]], None]:
    """A done-callback that records how often each state's mocked responses were used, so that a
    redrive of a test case's execution goes on with the next ones: Step Functions Local counts
    invocations per state over the whole execution, and a redrive continues the execution."""

    def keep(_task: asyncio.Future[Any]) -> None:
        # the server closing its store, or a store without metadata: a redrive's counts start over
        with contextlib.suppress(StoreError, NotImplementedError):
            context.store.update_metadata(arn, {"mockCounts": dict(registry.mocks.counts)})

    return keep


def trace_finished(runtime: Any, machine: str, arn: str, task: asyncio.Task[Any]) -> None:
    """Tell the trace an execution ended (a cancelled task is a stopped server, not an ending)."""
    if not task.cancelled():
        runtime.trace.execution_finished(machine, arn, task)


def find_record(context: ServeContext, arn: str) -> Any:
    """The store's record of execution `arn`, or ExecutionDoesNotExist as AWS words it."""
    arn_parts(arn, "execution", "express")
    record = context.store.get_execution(arn)
    if record is None:
        raise AwsError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")
    return record
