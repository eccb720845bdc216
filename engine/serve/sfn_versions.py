"""State machine versions and aliases over the wire.

A version is an immutable, numbered snapshot of a machine's current revision (``<machine>:3``); an
alias (``<machine>:prod``) routes each execution started through it to one of one or two versions,
chosen at random by weight. Both live in the endpoint's resource store beside the machines, so a
``--state`` file keeps them across a restart. Executions started through a version or an alias run
that version's definition and record which one they ran (DescribeExecution shows it).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from engine.serve.dispatch import AwsError, ServeContext, ServeRequest
from engine.serve.sfn_shapes import arn_parts, member, paginate
from engine.serve.sfn_state import ServeAlias, ServeMachine, ServeVersion, find_machine, sfn_state

MAX_VERSIONS = 1000  # per state machine, as AWS's quota
MAX_ALIASES = 100
_ALIAS_NAME = r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$"


def _now() -> float:
    return datetime.now(UTC).timestamp()


def qualifier(arn: str) -> str | None:
    """The version number or alias name that qualifies a state machine ARN (None when unqualified;
    a distributed Map's ``Name/Label`` ARN is not a version or alias)."""
    parts = arn_parts(arn, "stateMachine")
    if len(parts) == 8 and "/" not in parts[6] and parts[7]:
        return parts[7]
    return None


def machine_versions(context: ServeContext, machine_arn: str) -> list[ServeVersion]:
    """The machine's versions, newest first."""
    found = [v for v in sfn_state(context).versions.values() if v.machine_arn == machine_arn]
    return sorted(found, key=lambda v: v.number, reverse=True)


def publish(context: ServeContext, machine: ServeMachine, description: str | None) -> ServeVersion:
    """A version of the machine's current revision: the existing one when that revision is already
    published (publishing is idempotent), else the next number."""
    versions = machine_versions(context, machine.arn)
    for version in versions:
        if version.revision_id == machine.revision_id:
            return version
    if len(versions) >= MAX_VERSIONS:
        raise AwsError(
            "ServiceQuotaExceededException",
            f"The state machine '{machine.arn}' already has {MAX_VERSIONS} versions; delete unused ones.",
        )
    machine.versions_published += 1
    version = ServeVersion(
        arn=f"{machine.arn}:{machine.versions_published}",
        machine_arn=machine.arn,
        number=machine.versions_published,
        definition=machine.definition,
        role_arn=machine.role_arn,
        revision_id=machine.revision_id,
        logging=dict(machine.logging),
        tracing=dict(machine.tracing),
        description=description,
    )
    state = sfn_state(context)
    state.put_machine(machine)  # its version counter
    state.put_version(version)
    return version


def resolve(context: ServeContext, arn: str) -> tuple[ServeMachine, dict[str, str]]:
    """The machine an execution started with `arn` runs (a version's snapshot for a version or an
    alias ARN) and what the execution records of the version and alias it ran."""
    machine = find_machine(context, arn)
    name = qualifier(arn)
    if name is None:
        return machine, {}
    state = sfn_state(context)
    recorded: dict[str, str] = {}
    if not name.isdigit():
        alias = state.aliases.get(arn)
        if alias is None:
            raise AwsError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
        rng = context.extras.setdefault("stepfunctions_random", random.Random())
        weights = [entry["weight"] for entry in alias.routing]
        chosen = rng.choices(alias.routing, weights=weights)[0] if sum(weights) else alias.routing[0]
        recorded["stateMachineAliasArn"] = alias.arn
        arn = chosen["stateMachineVersionArn"]
    version = state.versions.get(arn)
    if version is None:
        raise AwsError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
    recorded["stateMachineVersionArn"] = version.arn
    snapshot = replace(
        machine,
        definition=version.definition,
        role_arn=version.role_arn,
        revision_id=version.revision_id,
        logging=version.logging,
        tracing=version.tracing,
        description=version.description,
    )
    return snapshot, recorded


def recorded_through(record: Any) -> dict[str, str]:
    """The version and alias an execution was started through, as DescribeExecution shows them."""
    keys = ("stateMachineVersionArn", "stateMachineAliasArn")
    return {key: record.metadata[key] for key in keys if record.metadata.get(key)}


def through_filter(context: ServeContext, arn: str) -> Callable[[Any], bool]:
    """ListExecutions' choice of executions for `arn`: all the machine's, or with a version or an
    alias ARN those started through it."""
    name = qualifier(arn)
    if name is None:
        return lambda _record: True
    state = sfn_state(context)
    key = "stateMachineVersionArn" if name.isdigit() else "stateMachineAliasArn"
    if arn not in (state.versions if name.isdigit() else state.aliases):
        raise AwsError("ResourceNotFound", f"Resource not found: '{arn}'", fields={"resourceName": arn})
    return lambda record: record.metadata.get(key) == arn


def describe_version(context: ServeContext, arn: str, shape: dict[str, Any]) -> dict[str, Any]:
    """DescribeStateMachine's answer for a version ARN: the snapshot, under the version's ARN."""
    if not qualifier(arn).isdigit():  # type: ignore[union-attr]
        raise AwsError(
            "ValidationException",
            f"'{arn}' is an alias ARN: describe it with DescribeStateMachineAlias.",
        )
    version = sfn_state(context).versions.get(arn)
    if version is None:
        raise AwsError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
    out = dict(shape)
    out.update(
        stateMachineArn=version.arn,
        definition=version.definition,
        roleArn=version.role_arn,
        revisionId=version.revision_id,
        loggingConfiguration=version.logging,
        tracingConfiguration=version.tracing,
        creationDate=version.creation_date,
    )
    out.pop("description", None)
    if version.description:
        out["description"] = version.description
    return out


def forget_machine(context: ServeContext, machine_arn: str) -> None:
    """Deleting a machine deletes its versions and aliases."""
    state = sfn_state(context)
    for arn in [a for a, v in state.versions.items() if v.machine_arn == machine_arn]:
        state.forget(arn)
    for arn in [a for a, v in state.aliases.items() if v.machine_arn == machine_arn]:
        state.forget(arn)


# Versions -----------------------------------------------------------------------------------------


async def publish_state_machine_version(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = member(params, "stateMachineArn", required=True, min_len=1, max_len=256)
    revision = member(params, "revisionId")
    description = member(params, "description", max_len=256)
    if qualifier(arn) is not None:
        raise AwsError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    machine = find_machine(context, arn)
    if revision is not None and revision != machine.revision_id:
        raise AwsError(
            "ConflictException",
            f"Failed to publish the State Machine version: the revisionId '{revision}' is not the "
            f"current revision '{machine.revision_id}'.",
        )
    version = publish(context, machine, description)
    return {"creationDate": version.creation_date, "stateMachineVersionArn": version.arn}


def _version_arn(arn: str) -> str:
    name = qualifier(arn)
    if name is None or not name.isdigit():
        raise AwsError("ValidationException", f"'{arn}' is not a state machine version ARN.")
    return arn


async def delete_state_machine_version(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = _version_arn(
        member(request.params, "stateMachineVersionArn", required=True, min_len=1, max_len=2000)
    )
    state = sfn_state(context)
    users = [
        a.arn for a in state.aliases.values() if any(r["stateMachineVersionArn"] == arn for r in a.routing)
    ]
    if users:
        raise AwsError(
            "ConflictException",
            f"Version to be deleted must not be referenced by an alias. Current list of aliases "
            f"referencing this version: [{', '.join(users)}]",
        )
    if arn in state.versions:  # deleting a version that is not there succeeds
        state.forget(arn)
    return {}


async def list_state_machine_versions(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = member(params, "stateMachineArn", required=True, min_len=1, max_len=256)
    token = member(params, "nextToken", min_len=1, max_len=1024)
    limit = member(params, "maxResults", "integer", low=0, high=1000)
    if qualifier(arn) is not None:
        raise AwsError("ValidationException", f"'{arn}' is not an unqualified state machine ARN.")
    machine = find_machine(context, arn)
    chunk, next_token = paginate(machine_versions(context, machine.arn), token, limit)
    out: dict[str, Any] = {
        "stateMachineVersions": [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in chunk
        ]
    }
    if next_token:
        out["nextToken"] = next_token
    return out


# Aliases ------------------------------------------------------------------------------------------


def _routing(context: ServeContext, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The checked routingConfiguration and the machine its versions belong to."""
    items = member(params, "routingConfiguration", "list", required=True, min_len=1, max_len=2)
    routing: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise AwsError("SerializationException", "Each routingConfiguration entry must be a structure.")
        arn = _version_arn(member(item, "stateMachineVersionArn", required=True, min_len=1, max_len=2000))
        weight = member(item, "weight", "integer", required=True, low=0, high=100)
        routing.append({"stateMachineVersionArn": arn, "weight": weight})
    machines = {r["stateMachineVersionArn"].rsplit(":", 1)[0] for r in routing}
    if len(machines) > 1:
        raise AwsError(
            "ValidationException", "Routing configuration must contain versions of the same state machine."
        )
    if len({r["stateMachineVersionArn"] for r in routing}) != len(routing):
        raise AwsError("ValidationException", "Routing configuration must contain distinct versions.")
    if sum(r["weight"] for r in routing) != 100:
        raise AwsError("ValidationException", "Sum of routing configuration weights must equal 100.")
    versions = sfn_state(context).versions
    for entry in routing:
        if entry["stateMachineVersionArn"] not in versions:
            arn = entry["stateMachineVersionArn"]
            raise AwsError("ResourceNotFound", f"Resource not found: '{arn}'", fields={"resourceName": arn})
    return machines.pop(), routing


def _find_alias(context: ServeContext, arn: str) -> ServeAlias:
    name = qualifier(arn)
    if name is None or name.isdigit():
        raise AwsError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    alias = sfn_state(context).aliases.get(arn)
    if alias is None:
        raise AwsError("ResourceNotFound", f"Resource not found: '{arn}'", fields={"resourceName": arn})
    return alias


async def create_state_machine_alias(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    description = member(params, "description", max_len=256)
    name = member(params, "name", required=True, min_len=1, max_len=80)
    if not re.match(_ALIAS_NAME, name):
        raise AwsError(
            "InvalidName", f"Invalid Name: '{name}' (letters, digits, '-', '_', '.'; not only digits)"
        )
    machine_arn, routing = _routing(context, params)
    machine = find_machine(context, machine_arn)
    state = sfn_state(context)
    arn = f"{machine.arn}:{name}"
    existing = state.aliases.get(arn)
    if existing is not None:
        if existing.description == description and existing.routing == routing:
            return {"stateMachineAliasArn": arn, "creationDate": existing.creation_date}
        raise AwsError("ConflictException", f"Alias already exists with a different configuration: '{arn}'")
    if sum(1 for a in state.aliases.values() if a.machine_arn == machine.arn) >= MAX_ALIASES:
        raise AwsError(
            "ServiceQuotaExceededException",
            f"The state machine '{machine.arn}' already has {MAX_ALIASES} aliases; delete unused ones.",
        )
    alias = ServeAlias(arn, machine.arn, name, routing, description)
    state.put_alias(alias)
    return {"stateMachineAliasArn": arn, "creationDate": alias.creation_date}


def _alias_shape(alias: ServeAlias) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stateMachineAliasArn": alias.arn,
        "name": alias.name,
        "routingConfiguration": alias.routing,
        "creationDate": alias.creation_date,
        "updateDate": alias.update_date or alias.creation_date,
    }
    if alias.description:
        out["description"] = alias.description
    return out


async def describe_state_machine_alias(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    arn = member(request.params, "stateMachineAliasArn", required=True, min_len=1, max_len=256)
    return _alias_shape(_find_alias(context, arn))


async def update_state_machine_alias(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    alias = _find_alias(
        context, member(params, "stateMachineAliasArn", required=True, min_len=1, max_len=256)
    )
    description = member(params, "description", max_len=256)
    if description is None and params.get("routingConfiguration") is None:
        raise AwsError(
            "ValidationException", "Either the description or the routingConfiguration must be specified."
        )
    if params.get("routingConfiguration") is not None:
        machine_arn, routing = _routing(context, params)
        if machine_arn != alias.machine_arn:
            raise AwsError(
                "ValidationException",
                "Routing configuration must contain versions of the alias's state machine "
                f"'{alias.machine_arn}'.",
            )
        alias.routing = routing
    if description is not None:
        alias.description = description
    alias.update_date = _now()
    sfn_state(context).put_alias(alias)
    return {"updateDate": alias.update_date}


async def delete_state_machine_alias(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    alias = _find_alias(
        context, member(request.params, "stateMachineAliasArn", required=True, min_len=1, max_len=256)
    )
    sfn_state(context).forget(alias.arn)
    return {}


async def list_state_machine_aliases(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    params = request.params
    arn = member(params, "stateMachineArn", required=True, min_len=1, max_len=256)
    token = member(params, "nextToken", min_len=1, max_len=1024)
    limit = member(params, "maxResults", "integer", low=0, high=1000)
    machine = find_machine(context, arn)
    state = sfn_state(context)
    aliases = sorted(
        (a for a in state.aliases.values() if a.machine_arn == machine.arn), key=lambda a: a.name
    )
    if qualifier(arn) is not None:  # a version ARN lists the aliases that route to that version
        if arn not in state.versions:
            raise AwsError("ResourceNotFound", f"Resource not found: '{arn}'", fields={"resourceName": arn})
        aliases = [a for a in aliases if any(r["stateMachineVersionArn"] == arn for r in a.routing)]
    chunk, next_token = paginate(aliases, token, limit)
    out: dict[str, Any] = {
        "stateMachineAliases": [
            {"stateMachineAliasArn": a.arn, "creationDate": a.creation_date} for a in chunk
        ]
    }
    if next_token:
        out["nextToken"] = next_token
    return out


OPERATIONS = {
    "PublishStateMachineVersion": publish_state_machine_version,
    "DeleteStateMachineVersion": delete_state_machine_version,
    "ListStateMachineVersions": list_state_machine_versions,
    "CreateStateMachineAlias": create_state_machine_alias,
    "DescribeStateMachineAlias": describe_state_machine_alias,
    "UpdateStateMachineAlias": update_state_machine_alias,
    "DeleteStateMachineAlias": delete_state_machine_alias,
    "ListStateMachineAliases": list_state_machine_aliases,
}
