"""The interpreter's main loop: run the states of a scope one after another.

    while running: state = next(); await gate(state); await state.run()

Each state entry writes its Entered event, runs its handler (with Retry around it), and
writes its Exited event, or hands its failure to a Catcher, or lets it end the scope.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from engine.runtime.debug import gate as debug_gate
from engine.runtime.env import ExecutionEnv, Frame
from engine.runtime.errors import DATA_LIMIT_EXCEEDED, DEFECTS, ExecutionAborted, StateFailure, defect_failure
from engine.runtime.history import MAX_PAYLOAD_BYTES, to_json_text
from engine.runtime.retry import MAX_EXECUTION_SECONDS, RetryState, find_catcher
from engine.runtime.state_run import StateResult, StateRun, assigned_details
from engine.runtime.states import (
    choice_state,
    fail_state,
    parallel_state,
    pass_state,
    succeed_state,
    task_state,
    wait_state,
)
from engine.runtime.states import map as map_state

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
# States that run no one else's code and never wait: when one hands on its input object itself,
# nothing can have changed it since its Entered event wrote its text.
PASS_THROUGH = frozenset(("Pass", "Choice", "Succeed"))


class Interpreter:
    def __init__(self, env: ExecutionEnv, *, seed: int | None = None) -> None:
        self.env = env
        self._seed = seed
        self._rng: random.Random | None = None

    @property
    def rng(self) -> random.Random:
        """The retry jitter's generator, made on first use: seeding one from the OS costs more than a
        distributed Map's child execution of two Pass states, and most executions never retry."""
        if self._rng is None:
            self._rng = random.Random(self._seed)
        return self._rng

    async def run_scope(
        self, scope: dict[str, Any], data: Any, frame: Frame, data_text: str | None = None
    ) -> Any:
        """Run from StartAt until a state ends the scope; return the scope's output.

        `data_text` is `data` as JSON text when the caller has it. A state's input is the output
        its predecessor's Exited event has just written, so each payload is serialised once, not
        once for the Exited and again for the next Entered event. A gate may replace or change the
        data it is shown, so with a gate nothing is reused.
        """
        states = scope["States"]
        name = scope["StartAt"]
        gate = self.env.gate
        wants = getattr(gate, "wants_state", None)  # an idle gate (no pause possible here) is not awaited
        after = gate is not None and getattr(gate, "watches_exit", True)
        while True:
            if self.env.stopped:
                raise ExecutionAborted()
            state = states[name]
            if gate is not None and (wants is None or wants(name)):
                data = await gate.before_state(debug_gate.StatePoint(name, state, data, frame, self.env))
                data_text = None
            result = await self.run_state(name, state, data, frame, data_text)
            if after:
                await gate.after_state(debug_gate.StatePoint(name, state, result.output, frame, self.env))
                result.output_text = None
            if result.next is None:
                return result.output
            name, data, data_text = result.next, result.output, result.output_text

    async def run_state(
        self, name: str, state: dict[str, Any], data: Any, frame: Frame, data_text: str | None = None
    ) -> StateResult:
        env = self.env
        state_type = state["Type"]
        input_text = to_json_text(data) if data_text is None else data_text
        details: dict[str, Any] = {"name": name, "input": input_text, "inputDetails": {"truncated": False}}
        entered_id = env.history.add(f"{state_type}StateEntered", details)
        frame.point = (name, input_text)
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
                try:
                    result = await handler(run)
                    reused = input_text if result.output is data and state_type in PASS_THROUGH else None
                    result.output_text = self._checked_text(run, result.output, reused)
                except DEFECTS as exc:
                    raise defect_failure(exc, run.prefix) from exc
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
                        await self._back_off(delay)
                        run.retry_count = retry.total
                        run.reset_context()
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
                result = run.caught(catcher, failure)
                break
        self._exit(run, result)
        return result

    async def _back_off(self, delay: float) -> None:
        """Wait before a retry. A standard execution lasts at most a year: one whose back-off would
        outlive that times out when the year is up, as AWS times it out, instead of sleeping on."""
        env = self.env
        deadline = env.info.start_time + timedelta(seconds=MAX_EXECUTION_SECONDS)
        remaining = (deadline - env.clock.now()).total_seconds()
        if delay > remaining:
            await env.clock.sleep(max(0.0, remaining))
            raise TimeoutError
        await env.clock.sleep(delay)

    def _exit(self, run: StateRun, result: StateResult) -> None:
        if result.output_text is None:  # a Catcher's output: not size-checked, not serialised yet
            result.output_text = to_json_text(result.output)
        details: dict[str, Any] = {}
        if result.assigned:
            details["assignedVariables"] = assigned_details(result.assigned)
            details["assignedVariablesDetails"] = {"truncated": False}
            run.frame.variables.update(result.assigned)
        details["name"] = run.name
        details["output"] = result.output_text
        details["outputDetails"] = {"truncated": False}
        self.env.history.add(f"{run.type}StateExited", details)

    def _checked_text(self, run: StateRun, output: Any, text: str | None = None) -> str:
        """The output as JSON text (`text` if known), for the Exited event, once it fits the payload limit."""
        if text is None:
            text = to_json_text(output)
        if len(text) > MAX_PAYLOAD_BYTES and len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise StateFailure(
                DATA_LIMIT_EXCEEDED,
                f"The state/task '{run.name}' returned a result with a size exceeding the maximum number of "
                "bytes service limit.",
            )
        return text


def _evaluation_details(failure: StateFailure, state_name: str) -> dict[str, Any]:
    details: dict[str, Any] = {"cause": failure.cause, "error": failure.error}
    location = getattr(failure, "location", None)
    if location is not None:
        details["location"] = location
    details["state"] = getattr(failure, "state", None) or state_name
    return details
