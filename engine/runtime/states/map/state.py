"""Map: run the item processor once per item, inline or as a distributed map run.

A redriven Map state runs again only the iterations (or child executions) that did not succeed,
each from the state it stopped in, and keeps the others' outputs (engine.runtime.redrive_ledger)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Any

from engine.runtime.debug import gate as debug_gate
from engine.runtime.env import Frame
from engine.runtime.errors import QUERY_EVALUATION_ERROR, RUNTIME, StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.jsonata_flow import JsonataScope
from engine.runtime.jsonpath_flow import PathScope, render_template, select
from engine.runtime.state_run import StateResult, StateRun
from engine.runtime.states.map.settings import MapSettings, read_concurrency, read_settings
from engine.values import json_type_name


async def run(run: StateRun) -> StateResult:
    state = run.state
    processor = state.get("ItemProcessor") or state.get("Iterator")
    distributed = ((processor or {}).get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"
    if run.jsonata:
        effective = run.input
        items = evaluated_items(run) if "Items" in state else run.input
    else:
        effective = run.after_input_path()
        items = None
    if "ItemReader" in state:
        # Imported here for start-up time: loaded only when a Map uses it.
        from engine.runtime.states.map.reader import read_items

        items = await read_items(run, effective)
    elif not run.jsonata:
        items = items_at_path(run, effective)
    items = require_array(run, items)
    if "ItemBatcher" in state:
        # Imported here for start-up time: loaded only when a Map uses it.
        from engine.runtime.states.map.batcher import batch_items

        items = batch_items(run, items, effective)
    concurrency = read_concurrency(run)
    history = run.env.history
    # A Distributed Map with an ItemReader has not read its items yet when it starts: AWS says 0.
    reading = distributed and "ItemReader" in state
    history.add("MapStateStarted", {"length": 0 if reading else len(items)})
    settings = read_settings(run, concurrency)
    if distributed:
        # Imported here for start-up time: loaded only when a Map uses it.
        from engine.runtime.states.map.runs import run_distributed

        results = await run_distributed(run, processor, items, effective, settings)
        if "ResultWriter" in state:
            # Imported here for start-up time: loaded only when a Map uses it.
            from engine.runtime.states.map.result_writer import write_results

            results = write_results(run, items, effective, results, settings)
    else:
        results = await _run_inline(run, processor, items, effective, settings)
    return run.finish(results)


def evaluated_items(run: StateRun) -> list[Any]:
    """A JSONata Map's Items expression, which must give an array."""
    scope = run.jsonata_scope()
    items = scope.evaluate(run.state["Items"], "Items")
    if not isinstance(items, list):
        body = str(run.state["Items"])[2:-2].strip()
        raise scope.fail(
            f"The JSONata expression '{body}' specified for the field 'Items' returned an unexpected "
            f"result type. Expected 'array', but was '{json_type_name(items)}' for value: "
            f"{to_json_text(items)}",
            "Items",
        )
    return items


def require_array(run: StateRun, items: Any) -> list[Any]:
    """The items, once they are known to be an array: anything else fails the state."""
    if not isinstance(items, list):
        error = QUERY_EVALUATION_ERROR if run.jsonata else RUNTIME
        raise StateFailure(
            error, run.prefix + f"Map state input must be an array but was: {to_json_text(items)}"
        )
    return items


def items_at_path(run: StateRun, effective: Any) -> Any:
    """A JSONPath Map's ItemsPath applied to its effective input (not yet checked to be an array)."""
    items = (
        select(run.state["ItemsPath"], effective, run.path_scope()) if "ItemsPath" in run.state else effective
    )
    run.observe("afterItemsPath", items)
    return items


def item_input(run: StateRun, index: int, value: Any, effective: Any) -> Any:
    """What one iteration receives: the item, or the ItemSelector (Parameters) built around it."""
    state = run.state
    selector_field = (
        "ItemSelector" if "ItemSelector" in state else "Parameters" if "Parameters" in state else None
    )
    if selector_field is None:
        return value
    item = {"Index": index, "Value": value}
    frame = run.frame.child(map_item=item)

    @functools.cache
    def context() -> dict[str, Any]:
        return run.env.context_object(run.name, run.entered_time, frame)

    if run.jsonata:
        scope = JsonataScope(run.input, context, run.frame.variables, run.prefix, run.name)
        return scope.evaluate(state[selector_field], selector_field)

    scope = PathScope(context, run.frame.variables, run.prefix)
    return render_template(state[selector_field], effective, scope)


async def _run_inline(
    run: StateRun, processor: dict[str, Any], items: list[Any], effective: Any, settings: MapSettings
) -> list[Any]:
    history = run.env.history
    interpreter = run.interpreter
    gate = run.env.gate
    # A semaphore only where MaxConcurrency holds iterations back: an uncontended one never waits,
    # so without it the iterations start in the same order, for less work each.
    limited = 0 < settings.max_concurrency < len(items)
    slot = asyncio.Semaphore(settings.max_concurrency) if limited else contextlib.nullcontext()
    results: list[Any] = [None] * len(items)
    ledger = run.env.redrive
    plan = ledger.take(run.frame, run.name) if ledger is not None else None
    kept = plan.succeeded if plan is not None else {}
    for index, output in kept.items():
        if index < len(results):
            results[index] = output
    frames: dict[int, Frame] = {}
    done: set[int] = set()

    failed = False

    async def iteration(index: int, value: Any) -> None:
        nonlocal failed
        async with slot:
            if failed:
                return  # an earlier iteration failed: this one never starts
            data = item_input(run, index, value, effective)
            frame = run.frame.child(map_item={"Index": index, "Value": value}, label=(run.name, str(index)))
            frames[index] = frame
            scope, text = processor, None
            point = plan.points.get(index) if plan is not None else None
            if point is not None:  # a redrive: the iteration continues where it stopped
                scope, frame = point.scope(processor), point.frame(frame)
                data, text = point.data(), point.input_text
            history.add("MapIterationStarted", {"index": index, "name": run.name})
            if gate is not None:
                await gate.before_child(debug_gate.ChildPoint(run.name, "iteration", index, data, frame))
            try:
                results[index] = await interpreter.run_scope(scope, data, frame, text)
            except StateFailure:
                failed = True
                history.add("MapIterationFailed", {"index": index, "name": run.name})
                raise
            except asyncio.CancelledError:
                history.add("MapIterationAborted", {"index": index, "name": run.name})
                raise
            done.add(index)
            history.add("MapIterationSucceeded", {"index": index, "name": run.name})
            if gate is not None:
                await gate.after_child(
                    debug_gate.ChildPoint(run.name, "iteration", index, results[index], frame)
                )

    tasks = [asyncio.ensure_future(iteration(i, v)) for i, v in enumerate(items) if i not in kept]
    # A failed iteration cancels the rest; those still waiting for a slot never started.
    try:
        await asyncio.gather(*tasks)
    except (StateFailure, asyncio.CancelledError):
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if ledger is not None:
            succeeded = {i: results[i] for i in (*kept, *done) if i < len(items)}
            unfinished = [(i, frames.get(i)) for i in range(len(items)) if i not in succeeded]
            ledger.record(run.frame, run.name, succeeded, unfinished, plan)
        raise
    history.add("MapStateSucceeded")
    return results
