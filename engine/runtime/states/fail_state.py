"""Fail: stop the scope with an error and a cause (static, from a path, or an expression)."""

from __future__ import annotations

from typing import Any

from engine.runtime.errors import RUNTIME, StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.jsonpath_flow import resolve_value
from engine.runtime.state_run import StateResult, StateRun


async def run(run: StateRun) -> StateResult:
    state = run.state
    if run.jsonata:
        scope = run.jsonata_scope()
        error = scope.evaluate(state["Error"], "Error") if "Error" in state else None
        cause = scope.evaluate(state["Cause"], "Cause") if "Cause" in state else None
        raise StateFailure(_text(error), _text(cause))
    run.after_input_path()  # a Fail state takes no InputPath, yet AWS shows its input after the default one
    error = _from_path(run, "ErrorPath") if "ErrorPath" in state else state.get("Error")
    cause = _from_path(run, "CausePath") if "CausePath" in state else state.get("Cause")
    raise StateFailure(error, cause)


def _from_path(run: StateRun, field: str) -> Any:
    path = run.state[field]
    scope = run.path_scope()
    try:
        value = resolve_value(path, field, run.input, scope)
    except StateFailure as failure:
        if failure.error == RUNTIME and "could not be found" in str(failure.cause):
            raise StateFailure(
                RUNTIME,
                run.prefix + f"The JSONPath '{path}' specified for the field '{field}' could not be found "
                f"in the input '{to_json_text(run.input)}'",
            ) from None
        raise
    return _text(value)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return to_json_text(value)
