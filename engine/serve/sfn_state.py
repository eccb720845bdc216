"""What the Step Functions endpoint keeps besides executions: state machines with their versions
and aliases, activities, tags.

Executions and their histories live in the execution store; these resources live in a table of
their own in the same ``--state`` file (or only in memory), written through on every change so a
restarted server has them back. The lookups every Step Functions operation module makes (the
state, a machine by ARN, a machine's DescribeStateMachine shape) live here beside what they read.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.serve.dispatch import AwsError, ServeContext
from engine.serve.sfn_shapes import arn_parts

_SCHEMA = """CREATE TABLE IF NOT EXISTS serve_sfn_resources (
    arn TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, seq INTEGER NOT NULL)"""


def _now() -> float:
    return datetime.now(UTC).timestamp()


@dataclass
class ServeMachine:
    arn: str
    name: str
    definition: str  # the text the client sent, returned as it came
    role_arn: str
    type: str = "STANDARD"
    creation_date: float = field(default_factory=_now)
    update_date: float | None = None
    revision_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    description: str | None = None
    logging: dict[str, Any] = field(default_factory=lambda: {"level": "OFF", "includeExecutionData": False})
    tracing: dict[str, Any] = field(default_factory=lambda: {"enabled": False})
    from_project: bool = False
    versions_published: int = 0  # version numbers are never reused, even after a delete


@dataclass
class ServeVersion:
    """An immutable snapshot of a machine's revision, ``<machine ARN>:<number>``."""

    arn: str
    machine_arn: str
    number: int
    definition: str
    role_arn: str
    revision_id: str
    logging: dict[str, Any]
    tracing: dict[str, Any]
    description: str | None = None
    creation_date: float = field(default_factory=_now)


@dataclass
class ServeAlias:
    """A name, ``<machine ARN>:<name>``, routing executions to one or two versions by weight."""

    arn: str
    machine_arn: str
    name: str
    routing: list[dict[str, Any]]  # [{"stateMachineVersionArn": ..., "weight": ...}]
    description: str | None = None
    creation_date: float = field(default_factory=_now)
    update_date: float | None = None


@dataclass
class ServeActivity:
    arn: str
    name: str
    creation_date: float = field(default_factory=_now)


class SfnState:
    """Machines, their versions and aliases, activities and tags by ARN, persisted when a file is
    given."""

    def __init__(self, path: str | None) -> None:
        self.machines: dict[str, ServeMachine] = {}
        self.activities: dict[str, ServeActivity] = {}
        self.versions: dict[str, ServeVersion] = {}
        self.aliases: dict[str, ServeAlias] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._seq = 0
        self._conn: sqlite3.Connection | None = None
        if path:
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
            self._conn.execute(_SCHEMA)
            self._load()

    def _load(self) -> None:
        assert self._conn is not None
        for arn, kind, body, seq in self._conn.execute(
            "SELECT arn, kind, body, seq FROM serve_sfn_resources ORDER BY seq"
        ):
            data = json.loads(body)
            self._seq = max(self._seq, seq)
            if kind == "machine":
                self.machines[arn] = ServeMachine(**data)
            elif kind == "version":
                self.versions[arn] = ServeVersion(**data)
            elif kind == "alias":
                self.aliases[arn] = ServeAlias(**data)
            elif kind == "activity":
                self.activities[arn] = ServeActivity(**data)
            elif kind == "tags":
                self.tags[arn.removeprefix("tags:")] = data

    def put_machine(self, machine: ServeMachine) -> None:
        self.machines[machine.arn] = machine
        self._write(machine.arn, "machine", asdict(machine))

    def put_version(self, version: ServeVersion) -> None:
        self.versions[version.arn] = version
        self._write(version.arn, "version", asdict(version))

    def put_alias(self, alias: ServeAlias) -> None:
        self.aliases[alias.arn] = alias
        self._write(alias.arn, "alias", asdict(alias))

    def put_activity(self, activity: ServeActivity) -> None:
        self.activities[activity.arn] = activity
        self._write(activity.arn, "activity", asdict(activity))

    def put_tags(self, arn: str, tags: dict[str, str]) -> None:
        self.tags[arn] = tags
        self._write("tags:" + arn, "tags", tags)

    def forget(self, arn: str) -> None:
        self.machines.pop(arn, None)
        self.activities.pop(arn, None)
        self.versions.pop(arn, None)
        self.aliases.pop(arn, None)
        self.tags.pop(arn, None)
        if self._conn is not None:
            with self._lock:
                self._conn.execute(
                    "DELETE FROM serve_sfn_resources WHERE arn IN (?, ?)", (arn, "tags:" + arn)
                )

    def _write(self, key: str, kind: str, body: Any) -> None:
        if self._conn is None:
            return
        with self._lock:
            self._seq += 1
            self._conn.execute(
                "INSERT INTO serve_sfn_resources (arn, kind, body, seq) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (arn) DO UPDATE SET body = excluded.body",
                (key, kind, json.dumps(body), self._seq),
            )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def sfn_state(context: ServeContext) -> SfnState:
    return context.extras["stepfunctions"]


def find_machine(context: ServeContext, arn: str) -> ServeMachine:
    parts = arn_parts(arn, "stateMachine")
    machine = sfn_state(context).machines.get(":".join(parts[:7]))
    if machine is None:
        raise AwsError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
    return machine


def describe_machine_shape(machine: ServeMachine) -> dict[str, Any]:
    out: dict[str, Any] = {
        "stateMachineArn": machine.arn,
        "name": machine.name,
        "status": "ACTIVE",
        "definition": machine.definition,
        "roleArn": machine.role_arn,
        "type": machine.type,
        "creationDate": machine.creation_date,
        "loggingConfiguration": machine.logging,
        "tracingConfiguration": machine.tracing,
        "revisionId": machine.revision_id,
    }
    if machine.description:
        out["description"] = machine.description
    return out
