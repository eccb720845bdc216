"""Parallel: run every branch on the same input at once; the result lists their outputs."""

from __future__ import annotations

import asyncio
from typing import Any

from engine.runtime import debug_gate
from engine.runtime.errors import StateFailure
from engine.runtime.state_run import StateResult, StateRun


async def run(run: StateRun) -> StateResult:
    if run.jsonata:
        scope = run.jsonata_scope()
        data = scope.evaluate(run.state["Arguments"], "Arguments") if "Arguments" in run.state else run.input
    else:
        data = run.effective_input()
    history = run.env.history
    history.add("ParallelStateStarted")
    branches = run.state["Branches"]
    interpreter = run.interpreter
    gate = run.env.gate

    async def branch(index: int, scope: dict[str, Any]) -> Any:
        frame = run.frame.child(label=(run.name, str(index)), kind="branch")
        if gate is not None:
            await gate.before_child(debug_gate.ChildPoint(run.name, "branch", index, data, frame))
        output = await interpreter.run_scope(scope, data, frame)
        if gate is not None:
            await gate.after_child(debug_gate.ChildPoint(run.name, "branch", index, output, frame))
        return output

    tasks = [asyncio.ensure_future(branch(i, scope)) for i, scope in enumerate(branches)]
    try:
        results = await asyncio.gather(*tasks)
    except StateFailure:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return run.finish(list(results))
