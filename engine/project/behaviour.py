"""How a Task state of a project runs locally: a mocked result, a project function's handler,
a built-in service, or nothing (an unserved Task, which fails with ResourceNotFound).

The order is the runtime's (engine.integrations.registry): a saved mock wins over a handler,
a handler over a built-in service. The designer shows this in the inspector and uses it to
explain a run that reached an unserved Task; the runtime itself never asks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from engine.asl import classify_resource
from engine.integrations import function_name_of
from engine.project.model import Project

Kind = Literal["mock", "handler", "builtin", "unserved", "dynamic", "not-task"]

# What ProjectRuntime serves itself: (service, action); any action of `states` it does not know
# fails with Step Functions' own error, which is still an answer.
BUILT_IN = {
    ("sqs", "sendMessage"): "SQS: the message goes to the project's queue",
    ("sns", "publish"): "SNS: the message goes to the project's topic and its subscribers",
    ("events", "putEvents"): "EventBridge: the events go to the project's bus and its rules",
    ("states", "startExecution"): "Step Functions: starts the project's state machine",
    # Jobs run locally on the run's clock; a project function named after the job is its code.
    ("glue", "startJobRun"): "Glue: a local job run; a project function named after the job is its code",
    (
        "batch",
        "submitJob",
    ): "Batch: a local job; a project function named after the job definition is its code",
    ("ecs", "runTask"): "ECS: a local task; a project function named after the task definition is its code",
    (
        "codebuild",
        "startBuild",
    ): "CodeBuild: a local build; a project function named after the project is its code",
    ("athena", "startQueryExecution"): "Athena: a local query; a project function named after the workgroup "
    "returns its rows",
    ("athena", "getQueryExecution"): "Athena: the local query's state",
    ("athena", "getQueryResults"): "Athena: the local query's rows",
    ("athena", "stopQueryExecution"): "Athena: stops the local query",
    ("apigateway", "invoke"): "API Gateway: the project's apiRoutes map the path to a function",
}
LAMBDA_INVOKE = ("lambda", "invoke")
PLACEHOLDER_FUNCTION = "my-function"  # what a new Task from the palette calls


@dataclass(frozen=True)
class TaskBehaviour:
    kind: Kind
    detail: str  # one sentence for users
    function: str | None = None  # the Lambda function the Task calls, when it names one
    field: tuple[str, ...] | None = None  # where the Task names it: ("Resource",) or (..., "FunctionName")


def unserved_message(state_name: str) -> str:
    return (
        f"{state_name} has no local behaviour: open the Inspector > Local behaviour "
        "to create a handler or a mocked result"
    )


def lambda_target(state: dict[str, Any]) -> tuple[str | None, tuple[str, ...] | None, bool]:
    """(function name, field naming it, dynamic) of a Task that calls a Lambda function; the
    name is None when the Task calls none, or names it only at run time (dynamic True)."""
    resource = state.get("Resource")
    if not isinstance(resource, str):
        return None, None, False
    info = classify_resource(resource)
    if info is None:
        return None, None, False
    if info.kind == "lambda":
        return function_name_of(resource), ("Resource",), False
    if (info.service, info.action) != LAMBDA_INVOKE:
        return None, None, False
    container = "Arguments" if isinstance(state.get("Arguments"), dict) else "Parameters"
    payload = state.get(container)
    payload = payload if isinstance(payload, dict) else {}
    name = payload.get("FunctionName")
    field = (container, "FunctionName")
    if isinstance(name, str) and name.strip() and not (name.startswith("{%") and name.endswith("%}")):
        return function_name_of(name.strip()), field, False
    return None, field, "FunctionName.$" in payload or isinstance(name, str)


def task_behaviour(project: Project, machine: str, state_name: str, state: Any) -> TaskBehaviour:
    if not isinstance(state, dict) or state.get("Type") != "Task":
        return TaskBehaviour("not-task", "Only Task states call services.")
    spec = project.state_machines.get(machine)
    mocks = spec.mocks.get(state_name) if spec is not None else None
    function, field, dynamic = lambda_target(state)
    if mocks:
        count = len(mocks)
        return TaskBehaviour(
            "mock",
            f"Answered by {count} mocked response{'s' if count != 1 else ''}.",
            function,
            field,
        )
    if function is not None:
        if function in project.functions:
            handler = project.functions[function].handler
            return TaskBehaviour("handler", f"Runs the local handler {handler}.", function, field)
        return TaskBehaviour(
            "unserved",
            f"Calls the Lambda function {function}, which no local handler serves.",
            function,
            field,
        )
    if dynamic:
        return TaskBehaviour(
            "dynamic",
            "Names its function at run time: a local handler serves it when the name is a project "
            "function's; a mocked result serves it always.",
            None,
            field,
        )
    resource = state.get("Resource")
    info = classify_resource(resource) if isinstance(resource, str) else None
    if info is not None and (info.service, info.action) in BUILT_IN:
        return TaskBehaviour("builtin", f"Built in: {BUILT_IN[(info.service, info.action)]}.")
    if info is not None and info.kind == "activity":
        return TaskBehaviour("unserved", "Waits for an activity worker; locally, mock its result.")
    service = info.service if info is not None and info.service else "this service"
    return TaskBehaviour("unserved", f"No local service answers {service}: mock its result.")
