"""Undoable edits of how a Task runs locally: its saved mocked results, and the project function
(a local handler) it calls.

Mocks live in the machine's project settings (`stateMachines.M.mocks`), handlers are project
functions (`functions.NAME.handler`) that the Task's FunctionName or Resource names; each edit
here is one undo step, however many of those places it touches.
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

from designer.document.commands import AddResourceCommand, EditCommand, SetFieldCommand, SetResourceCommand
from designer.document.edits import EditRefused
from designer.document.mock_changes import mock_spec_changes, mocks_of
from engine.asl import StateAddress
from engine.integrations import outcome_problem
from engine.project import PLACEHOLDER_FUNCTION, TaskBehaviour, lambda_target, task_behaviour

if TYPE_CHECKING:
    from designer.document.project_document import ProjectDocument

# Lambda function names: letters, digits, hyphens and underscores, at most 64 characters.
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def behaviour_of(document: ProjectDocument, address: StateAddress) -> TaskBehaviour:
    return task_behaviour(document.project, address.machine, address.name, document.state(address))


class SetMocksCommand(EditCommand):
    """Set (or, with None or [], remove) the mocked responses of one Task state."""

    def __init__(
        self, document: ProjectDocument, machine: str, state_name: str, outcomes: list[dict[str, Any]] | None
    ) -> None:
        for index, outcome in enumerate(outcomes or []):
            problem = outcome_problem(outcome)
            if problem is not None:
                raise EditRefused(f"response {index + 1}: {problem}")
        changes = mock_spec_changes(document, machine, {state_name: copy.deepcopy(outcomes) or None})
        text = f"Mock {state_name}" if outcomes else f"Remove the mocked results of {state_name}"
        super().__init__(document, text, changes)
        self.setObsolete(not changes)  # nothing changes: no empty undo step


def default_mock(state: Any) -> dict[str, Any]:
    """A first mocked response shaped as the Task's service answers: lambda:invoke's response
    holds the function's result under Payload."""
    resource = state.get("Resource") if isinstance(state, dict) else None
    if isinstance(resource, str) and resource.startswith("arn:aws:states:::lambda:invoke"):
        return {"Return": {"StatusCode": 200, "Payload": {}}}
    return {"Return": {}}


# Handlers ---------------------------------------------------------------------------------------


def function_name_for(document: ProjectDocument, address: StateAddress) -> str:
    """The project function a Task's handler registers as: the function the Task already
    names, or one named after the state (`ChargePayment` -> `charge-payment`), kept free."""
    named, _field, _dynamic = lambda_target(document.state(address))
    if named and named != PLACEHOLDER_FUNCTION:
        return named
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", address.name)
    base = _NOT_IN_NAME.sub("-", words).strip("-_").lower()[:60] or "function"
    taken = set(document.resource_names("function"))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def function_arn(document: ProjectDocument, function: str) -> str:
    project = document.project
    return f"arn:aws:lambda:{project.region}:{project.account}:function:{function}"


def serve_with_handler(document: ProjectDocument, address: StateAddress, function: str, handler: str) -> None:
    """One undo step: the project function `function` runs `handler` (FILE:FUNCTION), the Task
    calls that function, and mocks of the Task (which would win over it) are dropped."""
    state = document.state(address)
    named, field, _dynamic = lambda_target(state)
    if field is None:
        raise EditRefused("only a Task that calls a Lambda function runs a local handler")
    with document.macro(f"Serve {address.name} with {handler}"):
        current = document.resource("function", function)
        if current is None:
            document.push(AddResourceCommand(document, "function", function, {"handler": handler}))
        elif current.handler != handler:
            value = json.loads(current.model_dump_json(by_alias=True, exclude_none=True))
            document.push(SetResourceCommand(document, "function", function, {**value, "handler": handler}))
        if named != function:
            _point_at(document, address, field, function_arn(document, function))
        if mocks_of(document, address):
            document.push(SetMocksCommand(document, address.machine, address.name, None))


def _point_at(document: ProjectDocument, address: StateAddress, field: tuple[str, ...], arn: str) -> None:
    if field == ("Resource",):
        document.push(SetFieldCommand(document, address, ("Resource",), arn))
        return
    state = document.state(address)
    container = field[0]
    if not isinstance(state.get(container), dict):  # no payload yet: the state's query language says
        language = state.get("QueryLanguage") or document.definition(address.machine).get("QueryLanguage")
        container = "Arguments" if language == "JSONata" else "Parameters"
    payload = copy.deepcopy(state.get(container)) if isinstance(state.get(container), dict) else None
    if payload is None:
        jsonata = container == "Arguments"
        payload = {"Payload": "{% $states.input %}"} if jsonata else {"Payload.$": "$"}
    payload.pop("FunctionName.$", None)
    payload = {"FunctionName": arn, **{k: v for k, v in payload.items() if k != "FunctionName"}}
    document.push(SetFieldCommand(document, address, (container,), payload))
