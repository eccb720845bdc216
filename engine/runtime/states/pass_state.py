"""Pass: hand the input (or a fixed Result) on, reshaped by the data-flow fields."""

from __future__ import annotations

from engine.runtime.state_run import StateResult, StateRun


async def run(run: StateRun) -> StateResult:
    if run.jsonata:
        return _jsonata(run)
    effective = run.effective_input()  # evaluated even beside a Result: its failures are the state's
    if "Result" in run.state:
        result = run.state["Result"]
        run.observe("result", result)
    else:
        result = effective
    return run.finish_jsonpath(result)


def _jsonata(run: StateRun) -> StateResult:
    scope = run.jsonata_scope()
    output = scope.evaluate(run.state["Output"], "Output") if "Output" in run.state else run.input
    assigned = scope.evaluate(run.state["Assign"], "Assign") if "Assign" in run.state else None
    return StateResult(output, run.next_state(), assigned)
