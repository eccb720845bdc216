"""The interpreter's main loop: run the states of a scope one after another.

    while running: state = next(); await gate(state); await state.run()

Each state entry writes its Entered event, runs its handler (with Retry around it), and
writes its Exited event, or hands its failure to a Catcher, or lets it end the scope.
"""

from __future__ import annotations

import random
from typing import Any

from engine.runtime import debug_gate
from engine.runtime.env import ExecutionEnv, Frame
from engine.runtime.errors import DATA_LIMIT_EXCEEDED, ExecutionAborted, StateFailure
from engine.runtime.history import MAX_PAYLOAD_BYTES, payload_details, to_json_text
from engine.runtime.jsonpath_flow import apply_result_path, render_template
from engine.runtime.retry import RetryState, find_catcher
from engine.runtime.state_run import StateResult, StateRun, assigned_details
from engine.runtime.states import (
    choice_state,
    fail_state,
    map_state,
    parallel_state,
    pass_state,
    succeed_state,
    task_state,
    wait_state,
)

HANDLERS = {
    "Pass": pass_state.run,
    "Task": task_state.run,
    "Choice": choice_state.run,
    "Wait": wait_state.run,
    "Succeed": succeed_state.run,
    "Fail": fail_state.run,
    "Parallel": parallel_state.run,
    "Map": map_state.run,
}
WITH_RETRY = frozenset(("Task", "Parallel", "Map"))


class Interpreter:
    def __init__(self, env: ExecutionEnv, *, seed: int | None = None) -> None:
        self.env = env
        self.rng = random.Random(seed)

    async def run_scope(self, scope: dict[str, Any], data: Any, frame: Frame) -> Any:
        """Run from StartAt until a state ends the scope; return the scope's output."""
        states = scope["States"]
        name = scope["StartAt"]
        gate = self.env.gate
        while True:
            if self.env.stopped:
                raise ExecutionAborted()
            state = states[name]
            if gate is not None:
                data = await gate.before_state(debug_gate.StatePoint(name, state, data, frame, self.env))
            result = await self.run_state(name, state, data, frame)
            if gate is not None:
                await gate.after_state(debug_gate.StatePoint(name, state, result.output, frame, self.env))
            if result.next is None:
                return result.output
            name, data = result.next, result.output

    async def run_state(self, name: str, state: dict[str, Any], data: Any, frame: Frame) -> StateResult:
        env = self.env
        state_type = state["Type"]
        details: dict[str, Any] = {"name": name}
        details["input"], details["inputDetails"] = payload_details(data)
        entered_id = env.history.add(f"{state_type}StateEntered", details)
        run = StateRun(
            self,
            env,
            frame,
            name,
            state,
            data,
            entered_id,
            env.clock.now(),
            state.get("QueryLanguage", env.query_language),
            retry_count=0 if state_type == "Task" else None,
        )
        handler = HANDLERS[state_type]
        retry = RetryState(state.get("Retry")) if state_type in WITH_RETRY else None
        while True:
            try:
                result = await handler(run)
                self._check_size(run, result.output)
                break
            except StateFailure as failure:
                if failure.event == "EvaluationFailed":
                    env.history.add("EvaluationFailed", _evaluation_details(failure, name))
                    failure.event = None
                if retry is not None:
                    delay = retry.next_delay(failure, self.rng)
                    if delay is not None:
                        if env.gate is not None:
                            await env.gate.before_retry(debug_gate.RetryPoint(name, failure, retry.total))
                        await env.clock.sleep(delay)
                        run.retry_count = retry.total
                        run._context = None
                        continue
                catcher = find_catcher(state.get("Catch"), failure) if state_type in WITH_RETRY else None
                if env.gate is not None:
                    await env.gate.on_error(
                        debug_gate.StatePoint(name, state, data, frame, env), failure, catcher is not None
                    )
                if state_type == "Map" and failure.catchable:
                    env.history.add("MapStateFailed")
                if state_type == "Parallel":
                    env.history.add("ParallelStateFailed")
                if catcher is None:
                    if state_type == "Task" and frame.kind == "branch":
                        env.history.add("TaskStateAborted")
                    raise
                result = self._caught(run, catcher, failure)
                break
        self._exit(run, result)
        return result

    def _exit(self, run: StateRun, result: StateResult) -> None:
        details: dict[str, Any] = {"name": run.name}
        details["output"], details["outputDetails"] = payload_details(result.output)
        if result.assigned:
            details["assignedVariables"] = assigned_details(result.assigned)
            details["assignedVariablesDetails"] = {"truncated": False}
            run.frame.variables.update(result.assigned)
        order = ("assignedVariables", "assignedVariablesDetails", "name", "output", "outputDetails")
        self.env.history.add(f"{run.type}StateExited", {k: details[k] for k in order if k in details})

    def _caught(self, run: StateRun, catcher: dict[str, Any], failure: StateFailure) -> StateResult:
        error_output = failure.error_output()
        if run.jsonata:
            scope = run.jsonata_scope(errorOutput=error_output)
            output = scope.evaluate(catcher["Output"], "Output") if "Output" in catcher else error_output
            assigned = scope.evaluate(catcher["Assign"], "Assign") if "Assign" in catcher else None
            return StateResult(output, catcher["Next"], assigned)
        scope = run.path_scope()
        assigned = render_template(catcher["Assign"], error_output, scope) if "Assign" in catcher else None
        output = apply_result_path(
            run.input, error_output, catcher.get("ResultPath"), present="ResultPath" in catcher, scope=scope
        )
        return StateResult(output, catcher["Next"], assigned)

    def _check_size(self, run: StateRun, output: Any) -> None:
        text = to_json_text(output)
        if len(text) > MAX_PAYLOAD_BYTES and len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise StateFailure(
                DATA_LIMIT_EXCEEDED,
                f"The state/task '{run.name}' returned a result with a size exceeding the maximum number of "
                "bytes service limit.",
            )


def _evaluation_details(failure: StateFailure, state_name: str) -> dict[str, Any]:
    details: dict[str, Any] = {"cause": failure.cause, "error": failure.error}
    location = getattr(failure, "location", None)
    if location is not None:
        details["location"] = location
    details["state"] = getattr(failure, "state", None) or state_name
    return details
