"""Succeed: end this scope successfully with the (filtered) input."""

from __future__ import annotations

from engine.runtime.jsonpath_flow import select
from engine.runtime.state_run import StateResult, StateRun


async def run(run: StateRun) -> StateResult:
    if run.jsonata:
        scope = run.jsonata_scope()
        output = scope.evaluate(run.state["Output"], "Output") if "Output" in run.state else run.input
        return StateResult(output, None)
    data = run.after_input_path()
    if "OutputPath" in run.state:
        data = select(run.state["OutputPath"], data, run.path_scope())
    return StateResult(data, None)
