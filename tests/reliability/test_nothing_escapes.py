"""Nothing escapes the project: confined paths, handlers imported only when called, secrets redacted,
the execution store readable by its owner alone."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from reliability_helpers import cli

from engine.project import ProjectError, load_project
from engine.runtime.test_state import test_state as run_test_state
from engine.store import open_store

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def write_project(folder: Path, **extra: object) -> Path:
    value: dict[str, object] = {"formatVersion": 1, "name": "p", "stateMachines": {"M": {"definition": PASS}}}
    value.update(extra)
    path = folder / "p.statecanvas.json"
    path.write_text(json.dumps(value))
    return path


def test_definition_file_outside_the_project_is_refused_and_never_echoed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOP-SECRET-LINE\n")
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("../secret.txt", str(secret), "/etc/passwd"):
        path = write_project(folder, stateMachines={"M": {"definitionFile": name}})
        with pytest.raises(ProjectError) as caught:
            load_project(path)
        text = str(caught.value)
        assert "/stateMachines/M/definitionFile" in text
        assert "TOP-SECRET" not in text and "root:" not in text
        run = cli("validate", str(path))
        assert run.code != 0 and "TOP-SECRET" not in run.out + run.err and "root:x" not in run.out + run.err


def test_a_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.asl.json").write_text(json.dumps(PASS))
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "inside.asl.json").symlink_to(tmp_path / "outside.asl.json")
    with pytest.raises(ProjectError, match="outside"):
        load_project(write_project(folder, stateMachines={"M": {"definitionFile": "inside.asl.json"}}))


def test_a_handler_outside_the_project_is_refused_and_never_imported(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    (tmp_path / "evil.py").write_text(
        f"open({str(marker)!r}, 'w').write('ran')\ndef handler(e, c):\n    return e\n"
    )
    folder = tmp_path / "project"
    folder.mkdir()
    path = write_project(folder, functions={"f": {"handler": "../evil.py:handler"}})
    with pytest.raises(ProjectError, match="/functions/f/handler"):
        load_project(path)
    run = cli("put-events", str(path), "--entries", '{"Source": "a", "DetailType": "b", "Detail": "{}"}')
    assert run.code == 2 and "/functions/f/handler" in run.err
    assert not marker.exists()


def test_a_handler_is_imported_only_when_its_function_is_invoked(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    (folder / "handlers").mkdir(parents=True)
    marker = tmp_path / "imported.txt"
    (folder / "handlers" / "h.py").write_text(
        f"open({str(marker)!r}, 'a').write('x')\ndef handler(event, context):\n    return {{'ok': True}}\n"
    )
    task = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True}
        },
    }
    path = write_project(
        folder,
        stateMachines={"M": {"definition": PASS}, "Calls": {"definition": task}},
        functions={"f": {"handler": "handlers/h.py:handler"}},
    )
    run = cli("put-events", str(path), "--entries", '{"Source": "a", "DetailType": "b", "Detail": "{}"}')
    assert run.code == 0, run.err
    assert not marker.exists(), "put-events imported a handler no one invoked"
    run = cli("run", str(path), "--state-machine", "Calls")
    assert run.code == 0 and '"ok": true' in run.out
    assert marker.exists()


def test_a_missing_handler_file_fails_the_task_as_lambda_would(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    task = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True}
        },
    }
    path = write_project(
        folder, stateMachines={"M": {"definition": task}}, functions={"f": {"handler": "h.py:handler"}}
    )
    run = cli("run", str(path), "--json")
    assert run.code == 1 and json.loads(run.out)["error"] == "Runtime.ImportModuleError"


HTTP_TASK = {
    "Type": "Task",
    "Resource": "arn:aws:states:::http:invoke",
    "Parameters": {
        "ApiEndpoint": "https://api.example.com/orders",
        "Method": "GET",
        "Headers": {"Authorization": "Bearer SECRET-TOKEN", "Accept": "application/json"},
        "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1"},
    },
    "End": True,
}


@pytest.mark.parametrize("level", ["DEBUG", "TRACE"])
def test_test_state_redacts_secret_headers_in_every_field(level: str) -> None:
    response = run_test_state(
        HTTP_TASK,
        {"Authorization": "Bearer INPUT-SECRET"},
        inspection_level=level,
        mock={"result": json.dumps({"StatusCode": 200, "Headers": {"Set-Cookie": "sid=COOKIE-SECRET"}})},
    )
    text = json.dumps(response["inspectionData"])
    for secret in ("SECRET-TOKEN", "INPUT-SECRET", "COOKIE-SECRET"):
        assert secret not in text, level
    assert "application/json" in text  # what is not secret is still shown


def test_reveal_secrets_shows_them() -> None:
    state = {"Type": "Pass", "Parameters": {"Headers": {"Authorization": "Bearer SECRET-TOKEN"}}, "End": True}
    shown = run_test_state(state, {}, inspection_level="DEBUG", reveal_secrets=True)
    hidden = run_test_state(state, {}, inspection_level="DEBUG")
    assert "SECRET-TOKEN" in json.dumps(shown["inspectionData"])
    assert "SECRET-TOKEN" not in json.dumps(hidden["inspectionData"])
    assert "SECRET-TOKEN" in json.dumps(hidden["output"])  # the state's output is the data itself


def test_stored_histories_hold_no_authorization_header(tmp_path: Path) -> None:
    definition = tmp_path / "m.asl.json"
    definition.write_text(
        json.dumps(
            {
                "StartAt": "P",
                "States": {
                    "P": {
                        "Type": "Pass",
                        "Parameters": {"Headers": {"Authorization": "Bearer STORED-SECRET"}, "n": 1},
                        "End": True,
                    }
                },
            }
        )
    )
    store_path = tmp_path / "runs.db"
    run = cli("run", str(definition), "--store", str(store_path), "--json")
    assert run.code == 0
    assert "STORED-SECRET" in run.out  # the execution's own output is the user's data, unchanged
    with open_store(str(store_path)) as store:
        (record,) = store.list_executions()
        history = json.dumps(list(store.iter_history(record.execution_arn)), default=str)
    assert "STORED-SECRET" not in history and "<redacted>" in history


def test_the_execution_store_is_created_owner_only(tmp_path: Path) -> None:
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps(PASS))
    store_path = tmp_path / "new" / "runs.db"
    old = os.umask(0o022)
    try:
        assert cli("run", str(definition), "--store", str(store_path)).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


def test_deploy_packaging_never_zips_code_outside_the_project(tmp_path: Path) -> None:
    from engine.deploy.packaging import PackagingError, package_function

    (tmp_path / "outside.py").write_text("def h(e, c):\n    return e\n")
    folder = tmp_path / "project"
    folder.mkdir()
    for handler in ("../outside.py:h", f"{tmp_path / 'outside.py'}:h"):
        with pytest.raises(PackagingError, match=r"outside|absolute"):
            package_function(folder, handler)
