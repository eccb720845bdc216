"""The Step Functions endpoint (JSON 1.0, ``X-Amz-Target: AWSStepFunctions.<Operation>``).

State machines created here (and a project's, created at start) are registered with the project
runtime's Step Functions service, so executions started by the API, by a rule or by a queue run
on the same service and show in the same trace. Operations on executions and activities live in
:mod:`engine.serve.sfn_executions` and :mod:`engine.serve.sfn_activities`.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from engine.asl import invalid_definition_message, validate
from engine.runtime import state_machine_arn, to_json_text
from engine.runtime.test_state import TestStateError, run_test_state_request
from engine.serve import sfn_activities, sfn_executions, sfn_map_runs, sfn_versions
from engine.serve.dispatch import AwsError, Dispatcher, ServeContext, ServeRequest
from engine.serve.sfn_activities import attach
from engine.serve.sfn_shapes import (
    arn_parts,
    check_name,
    check_role_arn,
    member,
    paginate,
    tags_member,
)
from engine.serve.sfn_state import ServeMachine, SfnState, describe_machine_shape, find_machine, sfn_state
from engine.serve.sfn_versions import describe_version, forget_machine, qualifier
from engine.serve.sfn_versions import publish as publish_version

MAX_DEFINITION = 1_048_576
TYPES = ("STANDARD", "EXPRESS")


def register(dispatcher: Dispatcher) -> None:
    dispatcher.register_json("AWSStepFunctions", "states", handle)


async def start(context: ServeContext) -> None:
    state = SfnState(context.state_file)
    context.extras["stepfunctions"] = state
    runtime = context.runtime
    service = runtime.stepfunctions
    for machine in state.machines.values():  # created by clients before a restart
        _install(context, machine)
    for activity in state.activities.values():
        service.create_activity(activity.name)
    attach(context)
    project = runtime.loaded.project
    for name, arn in runtime.machine_arns.items():
        if arn in state.machines:
            continue
        spec = project.state_machines[name]
        role = f"arn:aws:iam::{context.account}:role/statecanvas-states"  # the role deploy creates
        definition = json.dumps(service.machines[arn].definition, indent=2)
        state.machines[arn] = ServeMachine(arn, name, definition, role, spec.type, from_project=True)


async def stop(context: ServeContext) -> None:
    state = context.extras.get("stepfunctions")
    if state is not None:
        state.close()


def _install(context: ServeContext, machine: ServeMachine) -> None:
    """Make the machine runnable by the runtime (its Step Functions, rules and queues by name)."""
    runtime = context.runtime
    runtime.stepfunctions.create_state_machine(
        machine.name, json.loads(machine.definition), type=machine.type
    )
    runtime.machine_arns[machine.name] = machine.arn


def check_definition(text: str, machine_type: str) -> None:
    """InvalidDefinition with the message `statecanvas validate` prints."""
    diagnostics = validate(text, machine_type=machine_type)
    if any(d.severity == "ERROR" for d in diagnostics):
        raise AwsError("InvalidDefinition", invalid_definition_message(diagnostics))


# State machines ---------------------------------------------------------------------------------


async def create_state_machine(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    name = check_name(member(params, "name", required=True, min_len=1, max_len=80))
    definition = member(params, "definition", required=True, min_len=1, max_len=MAX_DEFINITION)
    role = check_role_arn(member(params, "roleArn", required=True, min_len=1, max_len=256))
    machine_type = member(params, "type", choices=TYPES) or "STANDARD"
    logging = member(params, "loggingConfiguration", "structure")
    tracing = member(params, "tracingConfiguration", "structure")
    tags = tags_member(params)
    publish = member(params, "publish", "boolean")
    version_description = member(params, "versionDescription", max_len=256)
    _check_publish(publish, version_description)
    check_definition(definition, machine_type)
    state = sfn_state(context)
    arn = state_machine_arn(context.region, context.account, name)
    existing = state.machines.get(arn)
    if existing is not None:
        if existing.definition == definition and existing.role_arn == role and existing.type == machine_type:
            return {
                "stateMachineArn": arn,
                "creationDate": existing.creation_date,
                **_published(context, existing, publish, version_description),
            }
        raise AwsError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")
    machine = ServeMachine(arn, name, definition, role, machine_type)
    if logging is not None:
        machine.logging = logging
    if tracing is not None:
        machine.tracing = tracing
    _install(context, machine)
    state.put_machine(machine)
    if tags:
        state.put_tags(arn, tags)
    return {
        "stateMachineArn": arn,
        "creationDate": machine.creation_date,
        **_published(context, machine, publish, version_description),
    }


def _check_publish(publish: bool | None, description: str | None) -> None:
    if description is not None and not publish:
        raise AwsError("ValidationException", "Version description can only be set when publish is true")


def _published(
    context: ServeContext, machine: ServeMachine, publish: bool | None, description: str | None
) -> dict[str, Any]:
    """With ``publish``, a version of the machine's current revision (its ARN for the answer)."""
    if not publish:
        return {}
    return {"stateMachineVersionArn": publish_version(context, machine, description).arn}


async def describe_state_machine(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = member(request.params, "stateMachineArn", required=True, min_len=1, max_len=256)
    shape = describe_machine_shape(find_machine(context, arn))
    return shape if qualifier(arn) is None else describe_version(context, arn, shape)


async def update_state_machine(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    machine = find_machine(context, member(params, "stateMachineArn", required=True, min_len=1, max_len=256))
    definition = member(params, "definition", min_len=1, max_len=MAX_DEFINITION)
    role = member(params, "roleArn", min_len=1, max_len=256)
    logging = member(params, "loggingConfiguration", "structure")
    tracing = member(params, "tracingConfiguration", "structure")
    publish = member(params, "publish", "boolean")
    version_description = member(params, "versionDescription", max_len=256)
    _check_publish(publish, version_description)
    if definition is None and role is None and logging is None and tracing is None:
        raise AwsError(
            "MissingRequiredParameter",
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration "
            "must be specified",
        )
    if definition is not None:
        check_definition(definition, machine.type)
    if role is not None:
        check_role_arn(role)
    before = (machine.definition, machine.role_arn, machine.logging, machine.tracing)
    machine.definition = definition if definition is not None else machine.definition
    machine.role_arn = role if role is not None else machine.role_arn
    machine.logging = logging if logging is not None else machine.logging
    machine.tracing = tracing if tracing is not None else machine.tracing
    machine.update_date = _now()
    if (machine.definition, machine.role_arn, machine.logging, machine.tracing) != before:
        machine.revision_id = str(uuid.uuid4())  # an unchanged machine keeps its revision (and version)
    _install(context, machine)
    sfn_state(context).put_machine(machine)
    out = {"updateDate": machine.update_date, "revisionId": machine.revision_id}
    return {**out, **_published(context, machine, publish, version_description)}


def _now() -> float:
    return datetime.now(UTC).timestamp()


async def delete_state_machine(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = member(request.params, "stateMachineArn", required=True, min_len=1, max_len=256)
    arn_parts(arn, "stateMachine")
    state = sfn_state(context)
    machine = state.machines.get(arn)
    if machine is not None:  # deleting an unknown machine succeeds, as it does on AWS
        forget_machine(context, arn)
        state.forget(arn)
        context.runtime.stepfunctions.machines.pop(arn, None)
        context.runtime.machine_arns.pop(machine.name, None)
    return {}


async def list_state_machines(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    limit = member(params, "maxResults", "integer", low=0, high=1000)
    token = member(params, "nextToken", min_len=1, max_len=1024)
    machines = sorted(sfn_state(context).machines.values(), key=lambda m: m.name)
    chunk, next_token = paginate(machines, token, limit)
    out: dict[str, Any] = {
        "stateMachines": [
            {"stateMachineArn": m.arn, "name": m.name, "type": m.type, "creationDate": m.creation_date}
            for m in chunk
        ]
    }
    if next_token:
        out["nextToken"] = next_token
    return out


# Validation, TestState ----------------------------------------------------------------------------


async def validate_state_machine_definition(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    definition = member(params, "definition", required=True, min_len=1, max_len=MAX_DEFINITION)
    machine_type = member(params, "type", choices=TYPES) or "STANDARD"
    severity = member(params, "severity", choices=("ERROR", "WARNING")) or "ERROR"
    limit = member(params, "maxResults", "integer", low=0, high=100) or 100
    diagnostics = validate(definition, machine_type=machine_type)
    shown = [d for d in diagnostics if severity == "WARNING" or d.severity == "ERROR"]
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    return {
        "result": "FAIL" if errors else "OK",
        "diagnostics": [d.to_json() for d in shown[:limit]],
        "truncated": len(shown) > limit,
    }


async def test_state(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    member(params, "definition", required=True, min_len=1, max_len=MAX_DEFINITION)
    member(params, "input", max_len=262_144)
    _test_state_members(params)
    try:
        answer = await asyncio.to_thread(
            run_test_state_request, params, account=context.account, region=context.region
        )
    except TestStateError as exc:
        raise AwsError(exc.code, exc.message) from None
    if "output" in answer:
        answer["output"] = to_json_text(answer["output"])  # the API sends the output as JSON text
    return answer


_INT32 = 2**31 - 1
# TestState's members as the wire carries them: strings (JSON as text), one boolean, structures.
_TEST_STATE_TEXT = ("roleArn", "inspectionLevel", "variables", "stateName", "context")


def _test_state_members(params: dict[str, Any]) -> None:
    """Every member of the wire shape has its type, nested ones too, before TestState reads them:
    a number where `mock.errorOutput.error` takes a string would otherwise come back as the error."""
    for name in _TEST_STATE_TEXT:
        member(params, name)
    member(params, "revealSecrets", "boolean")
    mock = member(params, "mock", "structure") or {}
    member(mock, "result")
    member(mock, "fieldValidationMode")
    error_output = member(mock, "errorOutput", "structure") or {}
    member(error_output, "error")
    member(error_output, "cause")
    config = member(params, "stateConfiguration", "structure") or {}
    member(config, "retrierRetryCount", "integer", high=_INT32)
    member(config, "mapIterationFailureCount", "integer", high=_INT32)
    member(config, "errorCausedByState")
    member(config, "mapItemReaderData")


# Tags ---------------------------------------------------------------------------------------------


def _tagged(context: ServeContext, arn: str) -> str:
    state = sfn_state(context)
    if arn not in state.machines and arn not in state.activities:
        raise AwsError("ResourceNotFound", f"Resource not found: '{arn}'", fields={"resourceName": arn})
    return arn


async def tag_resource(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = _tagged(context, member(request.params, "resourceArn", required=True, min_len=1, max_len=256))
    tags = tags_member(request.params)
    state = sfn_state(context)
    merged = {**state.tags.get(arn, {}), **tags}
    if len(merged) > 50:
        raise AwsError("TooManyTags", "Too many tags.", fields={"resourceName": arn})
    state.put_tags(arn, merged)
    return {}


async def untag_resource(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = _tagged(context, member(request.params, "resourceArn", required=True, min_len=1, max_len=256))
    keys = member(request.params, "tagKeys", "list", required=True, max_len=50) or []
    if not all(isinstance(key, str) for key in keys):
        raise AwsError("SerializationException", "Value of member 'tagKeys' must be a list of strings.")
    state = sfn_state(context)
    state.put_tags(arn, {k: v for k, v in state.tags.get(arn, {}).items() if k not in keys})
    return {}


async def list_tags_for_resource(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = _tagged(context, member(request.params, "resourceArn", required=True, min_len=1, max_len=256))
    return {"tags": [{"key": k, "value": v} for k, v in sfn_state(context).tags.get(arn, {}).items()]}


# Dispatch -----------------------------------------------------------------------------------------


def _operations() -> dict[str, Any]:
    return {
        "CreateStateMachine": create_state_machine,
        "DescribeStateMachine": describe_state_machine,
        "UpdateStateMachine": update_state_machine,
        "DeleteStateMachine": delete_state_machine,
        "ListStateMachines": list_state_machines,
        "ValidateStateMachineDefinition": validate_state_machine_definition,
        "TestState": test_state,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
        **sfn_executions.OPERATIONS,
        **sfn_activities.OPERATIONS,
        **sfn_map_runs.OPERATIONS,
        **sfn_versions.OPERATIONS,
    }


async def handle(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    operation = _operations().get(request.action)
    if operation is None:
        raise AwsError("UnknownOperationException", f"Operation {request.action} is not supported.")
    return await operation(request, context)
