"""Wait: pause for some seconds or until a timestamp, on the execution's clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.asl import is_rfc3339
from engine.expr import PathNotFoundError
from engine.runtime.errors import QUERY_EVALUATION_ERROR, RUNTIME, StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.jsonpath_flow import render_template, select
from engine.runtime.state_run import StateResult, StateRun

# Longest wait Step Functions accepts: one year.
MAX_WAIT_SECONDS = 31_536_000


async def run(run: StateRun) -> StateResult:
    state = run.state
    if run.jsonata:
        scope = run.jsonata_scope()
        if "Seconds" in state:
            seconds = scope.evaluate(state["Seconds"], "Seconds")
            delay = _seconds_value(run, seconds, "Seconds")
        else:
            stamp = scope.evaluate(state["Timestamp"], "Timestamp")
            delay = _until(run, stamp, error=QUERY_EVALUATION_ERROR)
        await _wait(run, delay)
        output = scope.evaluate(state["Output"], "Output") if "Output" in state else run.input
        assigned = scope.evaluate(state["Assign"], "Assign") if "Assign" in state else None
        return StateResult(output, run.next_state(), assigned)
    data = run.after_input_path()
    scope = run.path_scope()
    if "Seconds" in state:
        delay = float(state["Seconds"])
    elif "Timestamp" in state:
        delay = _until(run, state["Timestamp"], error=RUNTIME)
    elif "SecondsPath" in state:
        delay = _seconds_from_path(run, data, state["SecondsPath"], scope)
    else:
        delay = _timestamp_from_path(run, data, state["TimestampPath"], scope)
    await _wait(run, delay)
    assigned = None
    if "Assign" in state:
        assigned = render_template(state["Assign"], data, scope)
    if "OutputPath" in state:
        data = select(state["OutputPath"], data, scope)
    return StateResult(data, run.next_state(), assigned)


async def _wait(run: StateRun, delay: float) -> None:
    if delay > MAX_WAIT_SECONDS:
        raise StateFailure(RUNTIME, run.prefix + "Wait state delay is too long.")
    if delay > 0:
        await run.env.clock.sleep(delay)


def _seconds_value(run: StateRun, value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise StateFailure(
            QUERY_EVALUATION_ERROR,
            run.prefix + f"The {field} field must be a non-negative integer: {to_json_text(value)}",
        )
    return float(value)


def _seconds_from_path(run: StateRun, data: Any, path: str, scope: Any) -> float:
    try:
        value = scope.evaluate(path, data)
    except PathNotFoundError:
        raise StateFailure(
            RUNTIME, run.prefix + f"The SecondsPath parameter does not reference an input value: {path}"
        ) from None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not value.is_integer())
    ):
        raise StateFailure(
            RUNTIME,
            run.prefix + f"The SecondsPath parameter cannot be parsed as a long value: {path} == "
            f"{to_json_text(value)}",
        )
    if value < 0:
        raise StateFailure(
            RUNTIME,
            run.prefix
            + f"The SecondsPath parameter references a negative value: {path} == {to_json_text(value)}",
        )
    return float(value)


def _timestamp_from_path(run: StateRun, data: Any, path: str, scope: Any) -> float:
    try:
        value = scope.evaluate(path, data)
    except PathNotFoundError:
        raise StateFailure(
            RUNTIME, run.prefix + f"The TimestampPath parameter does not reference an input value: {path}"
        ) from None
    if not isinstance(value, str) or not is_rfc3339(value):
        raise StateFailure(
            RUNTIME,
            run.prefix + "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
            f"date-time format string: {path} == {value if isinstance(value, str) else to_json_text(value)}",
        )
    return _delay_until(run, value)


def _until(run: StateRun, stamp: Any, *, error: str) -> float:
    if not isinstance(stamp, str) or not is_rfc3339(stamp):
        raise StateFailure(
            error,
            run.prefix + "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
            f"format string: {stamp if isinstance(stamp, str) else to_json_text(stamp)}",
        )
    return _delay_until(run, stamp)


def _delay_until(run: StateRun, stamp: str) -> float:
    moment = datetime.fromisoformat(stamp.replace("z", "Z").replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - run.env.clock.now()).total_seconds())
