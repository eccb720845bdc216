"""`statecanvas deploy` and `statecanvas pull` against moto's server: output, exit codes, usage errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from engine.cli import main

from .conftest import EXAMPLE, REGION


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_dry_run_then_deploy_then_no_changes(aws_env: str) -> None:
    common = (str(EXAMPLE), "--region", REGION, "--endpoint-url", aws_env, "--prefix", "cli-")
    code, out, err = run("deploy", *common, "--dry-run")
    assert code == 0, err
    assert out.startswith("Plan for account ")
    assert "  + create    state machine cli-RetailOrder\n" in out
    assert "  + create    queue cli-fulfillment-orders-dlq\n" in out
    assert out.rstrip().endswith("29 to create, 0 unchanged, 0 skipped")
    assert "applying" not in out

    code, out, err = run("deploy", *common)
    assert code == 0, err
    assert "applying:\n" in out and "  created rule cli-OrderCreatedToFulfillment\n" in out
    assert "  created state machine cli-RetailOrder\n" in out  # the plan's words, as the designer shows them
    assert out.rstrip().endswith("deployed: 29 changes applied")

    code, out, err = run("deploy", *common, "--changes-only")
    assert code == 0, err
    assert out.splitlines()[1:] == ["no changes (29 unchanged, 0 skipped)"]

    code, out, err = run("deploy", *common, "--json")
    assert code == 0, err
    value = json.loads(out)
    assert value["hasChanges"] is False and value["applied"] == []
    assert value["summary"] == {"create": 0, "update": 0, "replace": 0, "unchanged": 29, "skip": 0}
    assert {c["action"] for c in value["changes"]} == {"unchanged"}


def test_nothing_secret_is_printed(aws_env: str) -> None:
    code, out, err = run("deploy", str(EXAMPLE), "--endpoint-url", aws_env, "--prefix", "sec-", "--dry-run")
    assert code == 0, err
    assert "testing" not in out + err  # the dummy key id, secret and token are all "testing"


def test_usage_errors_exit_2(aws_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run("deploy", str(tmp_path / "missing.statecanvas.json"), "--endpoint-url", aws_env)
    assert (code, err.strip()) == (2, f"statecanvas: {tmp_path / 'missing.statecanvas.json'}: no such file")
    code, _, _ = run("pull", "--region", REGION)  # no -o
    assert code == 2
    existing = tmp_path / "there.statecanvas.json"
    existing.write_text("{}")
    code, _, err = run("pull", "--region", REGION, "--endpoint-url", aws_env, "-o", str(existing))
    assert code == 2 and "--force" in err
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code, _, err = run("deploy", str(EXAMPLE), "--endpoint-url", aws_env)
    assert code == 2 and "no AWS region" in err and "Traceback" not in err


def test_unreachable_endpoint_exits_1_without_a_traceback(aws_env: str) -> None:
    code, out, err = run("deploy", str(EXAMPLE), "--region", REGION, "--endpoint-url", "http://127.0.0.1:9")
    assert code == 1
    assert err.startswith("statecanvas: reading what is deployed failed: EndpointConnectionError")
    assert "Traceback" not in err and out == ""


def test_invalid_definition_is_refused_before_any_call(tmp_path: Path) -> None:
    path = tmp_path / "bad.statecanvas.json"
    definition = {"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}}
    path.write_text(json.dumps({"formatVersion": 1, "stateMachines": {"Bad": {"definition": definition}}}))
    # No endpoint, no credentials needed: the project is refused before AWS is asked anything.
    code, _, err = run("deploy", str(path), "--region", REGION, "--endpoint-url", "http://127.0.0.1:9")
    assert code == 1
    assert "state machine Bad: MISSING_TRANSITION_TARGET" in err


def test_pull_finding_nothing_writes_nothing(aws_env: str, tmp_path: Path) -> None:
    target = tmp_path / "none.statecanvas.json"
    code, _, err = run(
        "pull", "--region", REGION, "--endpoint-url", aws_env, "--prefix", "nothing-here-", "-o", str(target)
    )
    assert code == 1 and "nothing written" in err
    assert not target.exists()
