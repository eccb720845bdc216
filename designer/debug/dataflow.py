"""The data-flow pipeline of one state run, asked of the engine's TestState at DEBUG level.

Nothing here evaluates a path or a template: the recorded input (and the recorded task result
as TestState's mock) go to `engine.runtime.test_state`, and its `inspectionData` gives the value
after each step. The steps are named after the fields the state sets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.runtime import TestStateError, test_state_async
from engine.runtime.history_view import ExecutionPicture, Visit, parse_json

JSONPATH_STEPS = (
    # (label, field in the state, key in inspectionData)
    ("Input", None, "input"),
    ("InputPath", "InputPath", "afterInputPath"),
    ("ItemsPath", "ItemsPath", "afterItemsPath"),
    ("ItemSelector", "ItemSelector", "afterItemSelector"),
    ("Parameters", "Parameters", "afterParameters"),
    ("Result", None, "result"),
    ("ResultSelector", "ResultSelector", "afterResultSelector"),
    ("ResultPath", "ResultPath", "afterResultPath"),
    ("OutputPath", "OutputPath", "output"),
)
JSONATA_STEPS = (
    ("Input", None, "input"),
    ("Arguments", "Arguments", "afterArguments"),
    ("Result", None, "result"),
    ("Output", "Output", "output"),
)


@dataclass
class Step:
    label: str
    expression: str  # what the state sets for this step ("" when it sets nothing: the default)
    value: Any
    present: bool  # the step produced a value (TestState reported it)


def mock_for(picture: ExecutionPicture, visit: Visit) -> dict[str, Any] | None:
    """TestState's mock for a recorded run: the task's result, or the Map's / Parallel's."""
    if visit.state_type == "Task":
        failure = visit.final_failure
        if failure is not None:
            return {
                "errorOutput": {"error": failure.error or "States.TaskFailed", "cause": failure.cause or ""}
            }
        return {"result": json.dumps(visit.result if visit.has_result else {})}
    if visit.state_type in ("Map", "Parallel"):
        return {"result": json.dumps(picture.iteration_result(visit))}
    return None


async def pipeline_for(
    definition: dict[str, Any],
    state_name: str,
    state: dict[str, Any],
    data: Any,
    *,
    variables: dict[str, Any] | None = None,
    mock: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[list[Step], dict[str, Any]]:
    """The steps with their values, and TestState's whole response."""
    try:
        response = await test_state_async(
            definition,
            data,
            state_name=state_name,
            inspection_level="DEBUG",
            variables=json.dumps(variables) if variables else None,
            mock=mock,
            context=json.dumps(context) if context else None,
        )
    except TestStateError as exc:
        response = {"status": "FAILED", "error": getattr(exc, "code", "TestStateError"), "cause": str(exc)}
    return steps_from(state, response), response


def steps_from(state: dict[str, Any], response: dict[str, Any]) -> list[Step]:
    inspection = response.get("inspectionData") or {}
    jsonata = (
        state.get("QueryLanguage") == "JSONata" or "afterArguments" in inspection or "Arguments" in state
    )
    out = []
    for label, field, key in JSONATA_STEPS if jsonata else JSONPATH_STEPS:
        if key == "output":
            present = "output" in response
            value = response.get("output")
        else:
            present = key in inspection
            value = parse_json(inspection.get(key))
        if key == "output":
            label = label if field in state else "Output"
        elif field is not None and field not in state:
            continue  # a step the state leaves at its default changes nothing: not shown
        if key == "result" and not present:
            continue
        expression = ""
        if field is not None and field in state:
            raw = state[field]
            expression = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
            if raw is None:
                expression = "null"
        out.append(Step(label, expression, value, present))
    return out
