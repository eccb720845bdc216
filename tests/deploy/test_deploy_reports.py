"""A deploy's and a pull's report without AWS: the words both front ends show, and the steps' order.

The command line and the designer's Deploy dialog run `engine.deploy.session`; what they print
or show is `engine.deploy.reports`'s, so these pin the words once for both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.deploy import (
    AwsSettings,
    DeployError,
    DeploySetupError,
    explain_failure,
    output_problem,
    run_deploy,
)
from engine.deploy.plan import Change, Desired, Plan
from engine.deploy.reports import (
    INSTALL_HINT,
    api_counts,
    applying_line,
    change_line,
    project_counts,
    stack_counts,
)
from engine.project import load_project, project_from_value

from .conftest import EXAMPLE


def _change(kind: str, name: str, action: str) -> Change:
    return Change(Desired(kind, name, {}), action)


def test_a_change_is_named_as_the_plan_names_it() -> None:
    assert change_line(_change("stateMachine", "Orders", "create")) == "created state machine Orders"
    assert change_line(_change("bus", "orders", "replace")) == "replaced event bus orders"
    assert change_line(_change("role", "OrdersRole", "update")) == "updated IAM role OrdersRole"
    assert applying_line(None) == "applying:"
    assert applying_line("shop") == "executing the change set on stack shop:"


def test_counts_for_plans_deploys_and_stacks() -> None:
    plan = Plan("123456789012", "eu-west-1", "")
    plan.changes = [
        _change("queue", "a", "create"),
        _change("queue", "b", "unchanged"),
        _change("rule", "c", "skip"),
        _change("topic", "d", "delete"),
    ]
    assert api_counts(plan, [], dry_run=True) == {"to create": 1, "unchanged": 1, "skipped": 1}
    assert api_counts(plan, plan.changes[:1], dry_run=False) == {
        "created": 1,
        "updated": 0,
        "replaced": 0,
        "unchanged": 1,
        "skipped": 1,
    }
    assert stack_counts(plan, dry_run=True) == {"to create": 1, "to delete": 1}
    assert stack_counts(plan, dry_run=False) == {"created": 1, "deleted": 1}
    quiet = Plan("123456789012", "eu-west-1", "", changes=[_change("queue", "b", "unchanged")])
    assert stack_counts(quiet, dry_run=True) == {"to change": 0}
    assert stack_counts(quiet, dry_run=False) == {"changes": 0}


def test_a_pulled_project_is_counted_in_words() -> None:
    project = load_project(EXAMPLE).project
    text = project_counts(project)
    assert text.startswith(f"{len(project.state_machines)} state machines, {len(project.rules)} rules")
    assert project_counts(project_from_value({"name": "one", "queues": {"jobs": {}}}).project) == "1 queue"


def test_failures_name_the_setting_to_change() -> None:
    assert explain_failure(ModuleNotFoundError("No module named 'botocore'"), None) == " ".join(
        INSTALL_HINT.split()
    )
    region = DeploySetupError("no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION")
    assert explain_failure(region, None).startswith("no AWS region: type one in Region")
    refused = DeployError("reading what is deployed failed: EndpointConnectionError: Could not connect")
    assert explain_failure(refused, "http://127.0.0.1:9").endswith(
        "(could not reach the Endpoint URL http://127.0.0.1:9: check the address, that it is running, "
        "and the network)"
    )
    assert explain_failure(DeployError("create queue jobs failed: AccessDenied"), None) == (
        "create queue jobs failed: AccessDenied"
    )


def test_a_pull_refuses_a_file_it_may_not_write(tmp_path: Path) -> None:
    existing = tmp_path / "there.statecanvas.json"
    existing.write_text("{}", encoding="utf-8")
    assert (
        output_problem(existing, overwrite=False, to_overwrite="pass --force")
        == f"{existing} exists; pass --force"
    )
    assert output_problem(existing, overwrite=True, to_overwrite="pass --force") is None
    nowhere = tmp_path / "missing" / "p.statecanvas.json"
    assert output_problem(nowhere, overwrite=False, to_overwrite="") == f"{nowhere.parent}: no such directory"


def test_invalid_machines_stop_a_deploy_before_any_client_is_made() -> None:
    loaded = load_project(EXAMPLE)
    loaded.definitions["Returns"]["StartAt"] = "NoSuchState"

    def no_clients(settings: AwsSettings) -> Any:
        raise AssertionError("no client may be made for an invalid project")

    report = run_deploy(loaded, AwsSettings(region="eu-west-1"), dry_run=True, clients=no_clients)
    assert report.invalid and all(line.startswith("state machine Returns: ") for line in report.invalid)
    assert report.summary().startswith("Plan failed: fix the state machines first:\nstate machine Returns: ")


def test_a_failed_deploy_reports_what_was_applied_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused_after_one(*_: Any, progress: Any, **__: Any) -> Any:
        progress(_change("queue", "orders", "create"))
        raise DeployError("create topic news failed: CreateTopic: AccessDenied: not allowed")

    monkeypatch.setattr("engine.deploy.session.deploy", refused_after_one)
    lines: list[str] = []
    report = run_deploy(
        load_project(EXAMPLE),
        AwsSettings(region="eu-west-1"),
        dry_run=False,
        clients=lambda settings: object(),
        progress=lines.append,
        explain=lambda exc: f"explained: {exc}",
    )
    assert lines == ["created queue orders"] and [c.name for c in report.changes] == ["orders"]
    assert isinstance(report.failure, DeployError)
    assert report.summary() == (
        "Deploy failed: explained: create topic news failed: CreateTopic: AccessDenied: not allowed\n"
        "Applied before the failure: created queue orders"
    )
