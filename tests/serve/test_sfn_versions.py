"""State machine versions and aliases through boto3: publishing (on create, on update, explicitly),
listing, describing a version, aliases and their routing, executions started through a version or
an alias, the errors AWS gives, and a `--state` file keeping them across a restart."""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from serve_clients import aws_cli

ROLE = "arn:aws:iam::123456789012:role/local"


def _pass(value: str) -> str:
    return json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": value, "End": True}}})


def wait_for(sfn: Any, arn: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return described


def _two_versions(sfn: Any, name: str = "Flow") -> tuple[str, str, str]:
    created = sfn.create_state_machine(
        name=name, definition=_pass("one"), roleArn=ROLE, publish=True, versionDescription="first"
    )
    updated = sfn.update_state_machine(
        stateMachineArn=created["stateMachineArn"], definition=_pass("two"), publish=True
    )
    return created["stateMachineArn"], created["stateMachineVersionArn"], updated["stateMachineVersionArn"]


def test_publishing_on_create_on_update_and_explicitly(sfn: Any) -> None:
    machine, first, second = _two_versions(sfn)
    assert (first, second) == (f"{machine}:1", f"{machine}:2")
    again = sfn.publish_state_machine_version(stateMachineArn=machine, description="ignored")
    assert again["stateMachineVersionArn"] == second  # the current revision is already version 2
    same = sfn.update_state_machine(stateMachineArn=machine, definition=_pass("two"), publish=True)
    assert same["stateMachineVersionArn"] == second  # an unchanged machine keeps its revision
    revision = sfn.update_state_machine(stateMachineArn=machine, definition=_pass("three"))["revisionId"]
    third = sfn.publish_state_machine_version(stateMachineArn=machine, revisionId=revision)
    assert third["stateMachineVersionArn"] == f"{machine}:3"
    plain = sfn.create_state_machine(name="Plain", definition=_pass("x"), roleArn=ROLE)
    assert "stateMachineVersionArn" not in plain

    described = sfn.describe_state_machine(stateMachineArn=first)
    assert described["stateMachineArn"] == first and described["description"] == "first"
    assert json.loads(described["definition"])["States"]["P"]["Result"] == "one"
    latest = sfn.describe_state_machine(stateMachineArn=machine)
    assert latest["stateMachineArn"] == machine
    assert json.loads(latest["definition"])["States"]["P"]["Result"] == "three"
    assert latest["revisionId"] == revision


def test_versions_are_listed_newest_first_in_pages(sfn: Any) -> None:
    machine, *_ = _two_versions(sfn)
    for value in ("c", "d", "e"):
        sfn.update_state_machine(stateMachineArn=machine, definition=_pass(value), publish=True)
    listed = sfn.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [f"{machine}:{n}" for n in (5, 4, 3, 2, 1)]
    sizes: list[int] = []
    token: dict[str, str] = {}
    while True:
        page = sfn.list_state_machine_versions(stateMachineArn=machine, maxResults=2, **token)
        sizes.append(len(page["stateMachineVersions"]))
        if "nextToken" not in page:
            break
        token = {"nextToken": page["nextToken"]}
    assert sizes == [2, 2, 1]

    sfn.delete_state_machine_version(stateMachineVersionArn=f"{machine}:5")
    sfn.delete_state_machine_version(stateMachineVersionArn=f"{machine}:5")  # gone already: succeeds
    after = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    assert after == f"{machine}:6"  # numbers are never reused


def test_aliases_are_created_described_updated_listed_and_deleted(sfn: Any) -> None:
    machine, first, second = _two_versions(sfn)
    routing = [{"stateMachineVersionArn": first, "weight": 100}]
    alias = sfn.create_state_machine_alias(name="prod", routingConfiguration=routing, description="live")
    assert alias["stateMachineAliasArn"] == f"{machine}:prod"
    again = sfn.create_state_machine_alias(name="prod", routingConfiguration=routing, description="live")
    assert again["stateMachineAliasArn"] == alias["stateMachineAliasArn"]  # idempotent
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    assert described["name"] == "prod" and described["description"] == "live"
    assert described["routingConfiguration"] == routing

    split = [
        {"stateMachineVersionArn": first, "weight": 30},
        {"stateMachineVersionArn": second, "weight": 70},
    ]
    sfn.update_state_machine_alias(
        stateMachineAliasArn=alias["stateMachineAliasArn"], routingConfiguration=split
    )
    described = sfn.describe_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    assert described["routingConfiguration"] == split and described["description"] == "live"

    sfn.create_state_machine_alias(
        name="beta", routingConfiguration=[{"stateMachineVersionArn": second, "weight": 100}]
    )
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [f"{machine}:beta", f"{machine}:prod"]
    page = sfn.list_state_machine_aliases(stateMachineArn=machine, maxResults=1)
    assert len(page["stateMachineAliases"]) == 1 and page["nextToken"]

    routing_to_first = sfn.list_state_machine_aliases(stateMachineArn=first)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in routing_to_first] == [f"{machine}:prod"]
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.list_state_machine_aliases(stateMachineArn=f"{machine}:9")
    sfn.delete_state_machine_alias(stateMachineAliasArn=f"{machine}:beta")
    listed = sfn.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [f"{machine}:prod"]

    sfn.delete_state_machine(stateMachineArn=machine)  # takes its versions and aliases along
    assert not sfn.get_paginator("list_state_machines").paginate().build_full_result()["stateMachines"]
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.describe_state_machine_alias(stateMachineAliasArn=f"{machine}:prod")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=first)


def test_executions_through_a_version_and_an_alias_run_it_and_record_it(serve: Any, sfn: Any) -> None:
    machine, first, second = _two_versions(sfn)
    by_version = sfn.start_execution(stateMachineArn=first)["executionArn"]
    described = wait_for(sfn, by_version)
    assert json.loads(described["output"]) == "one"  # the version's definition, not the latest
    assert described["stateMachineArn"] == machine and described["stateMachineVersionArn"] == first
    assert "stateMachineAliasArn" not in described
    ran = sfn.describe_state_machine_for_execution(executionArn=by_version)
    assert ran["revisionId"] == sfn.describe_state_machine(stateMachineArn=first)["revisionId"]
    assert json.loads(ran["definition"])["States"]["P"]["Result"] == "one"

    alias = sfn.create_state_machine_alias(
        name="prod",
        routingConfiguration=[
            {"stateMachineVersionArn": first, "weight": 100},
            {"stateMachineVersionArn": second, "weight": 0},
        ],
    )["stateMachineAliasArn"]
    pinned = [sfn.start_execution(stateMachineArn=alias)["executionArn"] for _ in range(10)]
    for arn in pinned:
        done = wait_for(sfn, arn)
        assert done["stateMachineAliasArn"] == alias and done["stateMachineVersionArn"] == first
        assert json.loads(done["output"]) == "one"

    serve.context.extras["stepfunctions_random"] = random.Random(7)  # the alias's draw, seeded
    split = [
        {"stateMachineVersionArn": first, "weight": 50},
        {"stateMachineVersionArn": second, "weight": 50},
    ]
    sfn.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=split)
    started = [sfn.start_execution(stateMachineArn=alias)["executionArn"] for _ in range(50)]
    ran = [wait_for(sfn, arn)["stateMachineVersionArn"] for arn in started]
    assert 10 <= ran.count(first) <= 40 and ran.count(first) + ran.count(second) == 50

    by_alias = sfn.list_executions(stateMachineArn=alias)["executions"]
    assert len(by_alias) == 60 and all(e["stateMachineAliasArn"] == alias for e in by_alias)
    by_second = sfn.list_executions(stateMachineArn=second)["executions"]
    assert len(by_second) == ran.count(second)
    assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 61


def test_express_versions_answer_start_sync_execution(sfn: Any) -> None:
    created = sfn.create_state_machine(
        name="Quick", definition=_pass("v1"), roleArn=ROLE, type="EXPRESS", publish=True
    )
    sfn.update_state_machine(stateMachineArn=created["stateMachineArn"], definition=_pass("v2"))
    synced = sfn.start_sync_execution(stateMachineArn=created["stateMachineVersionArn"])
    assert synced["status"] == "SUCCEEDED" and json.loads(synced["output"]) == "v1"


def test_errors_are_awss(sfn: Any) -> None:
    machine, first, second = _two_versions(sfn)
    missing = f"{machine}:9"
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=missing)
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.start_execution(stateMachineArn=f"{machine}:nosuch")
    with pytest.raises(sfn.exceptions.ConflictException):
        sfn.publish_state_machine_version(stateMachineArn=machine, revisionId="not-the-current-one")
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.publish_state_machine_version(stateMachineArn=machine.replace("Flow", "Gone"))
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.create_state_machine(
            name="X", definition=_pass("x"), roleArn=ROLE, versionDescription="no publish"
        )

    def routing(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
        return [{"stateMachineVersionArn": arn, "weight": weight} for arn, weight in pairs]

    with pytest.raises(sfn.exceptions.ValidationException):  # weights must add up to 100
        sfn.create_state_machine_alias(name="a", routingConfiguration=routing((first, 60), (second, 60)))
    with pytest.raises(sfn.exceptions.ValidationException):  # the same version twice
        sfn.create_state_machine_alias(name="a", routingConfiguration=routing((first, 50), (first, 50)))
    with pytest.raises(sfn.exceptions.ValidationException):  # a machine, not a version
        sfn.create_state_machine_alias(name="a", routingConfiguration=routing((machine, 100)))
    other = _two_versions(sfn, "Other")[1]
    with pytest.raises(sfn.exceptions.ValidationException):  # versions of two machines
        sfn.create_state_machine_alias(name="a", routingConfiguration=routing((first, 50), (other, 50)))
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.create_state_machine_alias(name="a", routingConfiguration=routing((missing, 100)))
    with pytest.raises(sfn.exceptions.InvalidName):  # all digits would read as a version
        sfn.create_state_machine_alias(name="123", routingConfiguration=routing((first, 100)))

    alias = sfn.create_state_machine_alias(name="a", routingConfiguration=routing((first, 100)))
    with pytest.raises(sfn.exceptions.ConflictException):  # the same name, another routing
        sfn.create_state_machine_alias(name="a", routingConfiguration=routing((second, 100)))
    with pytest.raises(sfn.exceptions.ConflictException):  # an alias routes to it
        sfn.delete_state_machine_version(stateMachineVersionArn=first)
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.update_state_machine_alias(
            stateMachineAliasArn=alias["stateMachineAliasArn"], routingConfiguration=routing((other, 100))
        )
    with pytest.raises(sfn.exceptions.ResourceNotFound):
        sfn.delete_state_machine_alias(stateMachineAliasArn=f"{machine}:nosuch")
    with pytest.raises(sfn.exceptions.ValidationException):
        sfn.delete_state_machine_version(stateMachineVersionArn=machine)
    sfn.delete_state_machine_alias(stateMachineAliasArn=alias["stateMachineAliasArn"])
    sfn.delete_state_machine_version(stateMachineVersionArn=first)  # no alias routes to it now
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=first)


def test_versions_and_aliases_survive_a_restart(serve_factory: Any, tmp_path: Path) -> None:
    state = str(tmp_path / "serve.sqlite")
    first_server = serve_factory(state_file=state)
    sfn = first_server.client()
    machine, first, second = _two_versions(sfn)
    alias = sfn.create_state_machine_alias(
        name="prod", routingConfiguration=[{"stateMachineVersionArn": first, "weight": 100}]
    )["stateMachineAliasArn"]
    execution = sfn.start_execution(stateMachineArn=alias)["executionArn"]
    wait_for(sfn, execution)
    sfn.delete_state_machine_version(stateMachineVersionArn=second)
    first_server.stop()

    sfn = serve_factory(state_file=state).client()
    listed = sfn.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in listed] == [first]
    described = sfn.describe_execution(executionArn=execution)
    assert described["stateMachineAliasArn"] == alias and described["stateMachineVersionArn"] == first
    routed = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)["routingConfiguration"]
    assert routed == [{"stateMachineVersionArn": first, "weight": 100}]
    again = wait_for(sfn, sfn.start_execution(stateMachineArn=alias)["executionArn"])
    assert json.loads(again["output"]) == "one"
    republished = sfn.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"]
    assert republished == f"{machine}:3"  # the counter came back too: 2 is not reused


@pytest.mark.skipif(aws_cli() is None, reason="the awscli package is not installed")
def test_the_aws_cli_publishes_and_aliases(serve: Any) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    aws = [str(aws_cli()), "--endpoint-url", serve.url, "--output", "json", "stepfunctions"]

    def run(*args: str) -> dict[str, Any]:
        done = subprocess.run([*aws, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    created = run(
        "create-state-machine", "--name", "Cli", "--role-arn", ROLE, "--definition", _pass("c"), "--publish"
    )
    version = created["stateMachineVersionArn"]
    routing = json.dumps([{"stateMachineVersionArn": version, "weight": 100}])
    alias = run("create-state-machine-alias", "--name", "live", "--routing-configuration", routing)
    assert alias["stateMachineAliasArn"] == f"{created['stateMachineArn']}:live"
