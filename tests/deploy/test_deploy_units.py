"""The parts of deploy that need no AWS: ARN rewriting, packaging, what is wanted, the plan's wording."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from engine.deploy import desired as d
from engine.deploy import desired_code as dc
from engine.deploy.naming import Rewriter, Target
from engine.deploy.packaging import PackagingError, package_function
from engine.deploy.plan import Change, Desired, Plan, changed_fields, compare
from engine.project import load_project, project_from_value

from .conftest import EXAMPLE

HOME = Target("123456789012", "us-east-1")
AWAY = Target("210987654321", "eu-west-1", "dev-")
NAMES = {"function": {"Charge"}, "bus": {"orders", "default"}, "queue": {"jobs"}, "stateMachine": {"Flow"}}


def test_rewriter_moves_project_arns_urls_and_names() -> None:
    forward = Rewriter.build(NAMES, HOME, AWAY)
    value = {
        "FunctionName": "Charge",
        "Other": "arn:aws:lambda:us-east-1:123456789012:function:Charge:$LATEST",
        "NotOurs": "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard",
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
        "EventBusName": "orders",
        "Default": "default",
        "Machine": "arn:aws:states:us-east-1:123456789012:stateMachine:Flow",
    }
    moved = forward(value)
    assert moved == {
        "FunctionName": "dev-Charge",
        "Other": "arn:aws:lambda:eu-west-1:210987654321:function:dev-Charge:$LATEST",
        "NotOurs": "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard",
        "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/210987654321/dev-jobs",
        "EventBusName": "dev-orders",
        "Default": "default",
        "Machine": "arn:aws:states:eu-west-1:210987654321:stateMachine:dev-Flow",
    }
    back = Rewriter.build(NAMES, AWAY, HOME)
    assert back(moved) == value


def test_packages_are_byte_for_byte_repeatable(tmp_path: Path) -> None:
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "app.py").write_text("def handle(event, context):\n    return event\n")
    (tmp_path / "src" / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\0")
    (tmp_path / "src" / ".env").write_text("SECRET=1")
    first = package_function(tmp_path, "src/app.py:handle")
    second = package_function(tmp_path, "src/app.py:handle")
    assert first.zip_bytes == second.zip_bytes and first.sha256 == second.sha256
    assert (first.handler, first.runtime) == ("app.handle", "python3.12")
    assert zipfile.ZipFile(io.BytesIO(first.zip_bytes)).namelist() == ["app.py"]
    with pytest.raises(PackagingError, match="not found"):
        package_function(tmp_path, "src/missing.py:handle")


def test_unpackaged_functions_and_unsupported_endpoints_are_skipped_with_reasons() -> None:
    value = json.loads(EXAMPLE.read_text())
    value["functions"]["notify-warehouse"]["handler"] = "handlers/gone.py:notify"
    value["subscriptions"].append({"topic": "order-updates", "endpoint": "stateMachine:Returns"})
    loaded = project_from_value(value, EXAMPLE)
    ctx = d.Context(loaded, AWAY)
    functions = {f.name: f for f in dc.functions(ctx)}
    assert functions["dev-notify-warehouse"].skip == "not packaged: handler file handlers/gone.py not found"
    consumers = {c.name: c for c in dc.consumers(ctx)}
    assert consumers["dev-warehouse-notifications -> dev-notify-warehouse"].skip == (
        "function notify-warehouse is not deployed"
    )
    subs = d.subscriptions(ctx)
    assert subs[1].skip is not None and "SNS does not deliver to a stateMachine" in subs[1].skip


def test_targets_needing_a_role_get_the_deployed_events_role() -> None:
    ctx = d.Context(load_project(EXAMPLE), AWAY)
    rules = {r.name: r for r in dc.rules(ctx)}
    returns = rules["dev-ReturnRequestedToReturns"].props["targets"]["returns"]
    assert returns == {
        "Id": "returns",
        "Arn": "arn:aws:states:eu-west-1:210987654321:stateMachine:dev-Returns",
        "RoleArn": "arn:aws:iam::210987654321:role/dev-statecanvas-events",
    }
    assert "events" in ctx.roles


def test_plan_lines_and_summary() -> None:
    want = Desired(
        "rule", "r", {"EventPattern": {"a": [1]}, "targets": {"t1": {"Id": "t1"}, "t2": {"Id": "t2"}}}
    )
    have = {"EventPattern": {"a": [2]}, "targets": {"t1": {"Id": "t1", "Arn": "x"}, "t3": {"Id": "t3"}}}
    assert changed_fields(want.props, have) == [
        "EventPattern",
        "target t2 added",
        "target t1 changed",
        "target t3 removed",
    ]
    plan = Plan("1", "eu-west-1", "")
    plan.changes = [
        compare(want, have),
        compare(
            Desired("queue", "q", {"FifoQueue": True}, replace_on=frozenset({"FifoQueue"})),
            {"FifoQueue": False},
        ),
        compare(Desired("topic", "t", {}), {}),
        Change(Desired("function", "f", {}, skip="not packaged: no file"), "skip"),
        compare(Desired("bus", "b", {}), None),
    ]
    assert plan.text() == (
        "Plan for account 1, region eu-west-1:\n"
        "  ~ update    rule r (EventPattern, target t2 added, target t1 changed, target t3 removed)\n"
        "  ! replace   queue q (FifoQueue)\n"
        "  = unchanged topic t\n"
        "  - skip      function f: not packaged: no file\n"
        "  + create    event bus b\n"
        "1 to create, 1 to update, 1 to replace, 1 unchanged, 1 skipped\n"
    )
    assert plan.to_json()["summary"] == {"create": 1, "update": 1, "replace": 1, "unchanged": 1, "skip": 1}
