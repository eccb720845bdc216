"""Parallel: run every branch on the same input at once; the result lists their outputs.

A redriven Parallel state runs again only the branches that did not succeed, each from the state
it stopped in, and keeps the others' outputs (engine.runtime.redrive_ledger)."""

from __future__ import annotations

import asyncio
from typing import Any

from engine.runtime.debug import gate as debug_gate
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
    ledger = run.env.redrive
    plan = ledger.take(run.frame, run.name) if ledger is not None else None
    frames = [run.frame.child(label=(run.name, str(i)), kind="branch") for i in range(len(branches))]

    async def branch(index: int, scope: dict[str, Any]) -> Any:
        frame = frames[index]
        start, text = data, None
        point = plan.points.get(index) if plan is not None else None
        if point is not None:  # a redrive: the branch continues where it stopped
            scope, frame, start, text = point.scope(scope), point.frame(frame), point.data(), point.input_text
        if gate is not None:
            await gate.before_child(debug_gate.ChildPoint(run.name, "branch", index, start, frame))
        output = await interpreter.run_scope(scope, start, frame, text)
        if gate is not None:
            await gate.after_child(debug_gate.ChildPoint(run.name, "branch", index, output, frame))
        return output

    kept = plan.succeeded if plan is not None else {}
    tasks = {i: asyncio.ensure_future(branch(i, scope)) for i, scope in enumerate(branches) if i not in kept}
    try:
        await asyncio.gather(*tasks.values())
    except (StateFailure, asyncio.CancelledError):
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        if ledger is not None:
            succeeded = dict(kept)
            succeeded.update({i: t.result() for i, t in tasks.items() if _succeeded(t)})
            unfinished = [(i, frames[i]) for i in tasks if i not in succeeded]
            ledger.record(run.frame, run.name, succeeded, unfinished, plan)
        raise
    results = [kept[i] if i in kept else tasks[i].result() for i in range(len(branches))]
    return run.finish(results)


def _succeeded(task: asyncio.Future[Any]) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None
