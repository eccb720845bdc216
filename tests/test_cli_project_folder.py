"""Every command that takes PROJECT takes the project's folder as well as its file; a folder
holding no project file, or several, is a usage error that names the folder and what it found."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from designer.cli import build_parser
from engine.cli import run_parsed

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = ROOT / "resources" / "examples" / "order-pipeline"
EXAMPLE = EXAMPLE_DIR / "order-pipeline.statecanvas.json"
RETURN = {
    "EventBusName": "orders",
    "Source": "retail.returns",
    "DetailType": "ReturnRequested",
    "Detail": {"orderId": "o-1", "sku": "BOOK-42", "reason": "damaged"},
}


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_parsed(build_parser(), list(args), out, err)
    return code, out.getvalue(), err.getvalue()


# Each command as it is given a PROJECT, and what shows it worked.
COMMANDS: dict[str, tuple[list[str], int, str]] = {
    "put-events": (
        ["put-events", "{}", "--entries", json.dumps(RETURN)],
        0,
        "execution of Returns SUCCEEDED",
    ),
    "run": (["run", "{}", "--state-machine", "RetailOrder"], 0, "TRK-o-1001"),
    "validate": (["validate", "{}"], 0, "(Fulfillment): valid"),
    "export rules": (["export", "{}", "--format", "rules"], 0, "OrderCreatedToFulfillment"),
    "export mermaid": (["export", "{}", "--format", "mermaid"], 0, "flowchart"),
    "test-state": (
        ["test-state", "{}", "--state-machine", "Returns", "--input", '{"detail": {"orderId": "o-1"}}'],
        0,
        '"status": "SUCCEEDED"',
    ),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_works_as_its_project_file(command: str) -> None:
    template, status, shows = COMMANDS[command]
    by_file = cli(*[str(EXAMPLE) if a == "{}" else a for a in template])
    by_folder = cli(*[str(EXAMPLE_DIR) if a == "{}" else a for a in template])
    assert by_folder[0] == status, by_folder
    assert shows in by_folder[1]
    assert by_file[0] == by_folder[0]
    assert by_file[1] == by_folder[1]


def test_a_picture_export_of_a_folder(tmp_path: Path) -> None:
    """In a process of its own: the drawing makes Qt objects this test process should not keep."""
    done = subprocess.run(
        [sys.executable, "-m", "designer.cli", "export", str(EXAMPLE_DIR), "--format", "svg", "-o", "p.svg"],
        cwd=tmp_path,
        # The code under test, not whichever checkout the environment installed.
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "<svg" in (tmp_path / "p.svg").read_text(encoding="utf-8")


def test_debug_runs_a_machine_of_a_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("continue\n"))
    _, out, err = cli("debug", str(EXAMPLE_DIR), "--state-machine", "Returns")
    assert "paused at InspectReturn" in out, out + err


@pytest.mark.parametrize(
    "template",
    [
        ["put-events", "{}", "--entries", "{}"],
        ["deploy", "{}", "--dry-run"],
        ["run", "{}", "--state-machine", "RetailOrder"],
        ["validate", "{}"],
        ["export", "{}", "--format", "rules"],
        ["debug", "{}", "--state-machine", "Returns"],
        ["test-state", "{}", "--state-machine", "Returns"],
    ],
    ids=lambda t: t[0],
)
def test_a_folder_without_exactly_one_project_is_a_located_usage_error(
    template: list[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _out, err = cli(*[str(empty) if a == "{}" else a for a in template])
    assert code == 2
    assert f"statecanvas: {empty}: this folder holds no project file (*.statecanvas.json" in err
    assert "Traceback" not in err
    two = tmp_path / "two"
    shutil.copytree(EXAMPLE_DIR, two, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(two / EXAMPLE.name, two / "copy.statecanvas.json")
    code, _, err = cli(*[str(two) if a == "{}" else a for a in template])
    assert code == 2
    assert (
        f"{two}: this folder holds 2 project files (copy.statecanvas.json, order-pipeline.statecanvas.json)"
        in err
    )


def test_a_project_with_several_machines_asks_which() -> None:
    code, _out, err = cli("run", str(EXAMPLE_DIR))
    assert code == 2
    assert (
        "holds 3 state machines; choose one with --state-machine (Fulfillment, RetailOrder, Returns)" in err
    )
    code, _, err = cli("run", str(EXAMPLE_DIR), "--state-machine", "Nope")
    assert code == 2
    assert "no state machine named 'Nope'" in err


def test_run_of_a_project_refuses_options_for_a_lone_definition() -> None:
    code, _, err = cli("run", str(EXAMPLE_DIR), "--state-machine", "Returns", "--handler", "a=b.py:c")
    assert code == 2
    assert "--handler is for a single definition, not a project" in err


def test_design_opens_the_project_in_a_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import designer.app

    opened: list[str | None] = []
    monkeypatch.setattr(designer.app, "display_problem", lambda: None)
    monkeypatch.setattr(designer.app, "run", lambda path: opened.append(path) or 0)
    assert cli("design", str(EXAMPLE_DIR))[0] == 0
    assert opened == [str(EXAMPLE)]
    code, _, err = cli("design", str(tmp_path))
    assert code == 2 and f"{tmp_path}: this folder holds no project file" in err
    assert opened == [str(EXAMPLE)]


@pytest.mark.parametrize(
    "command", [["run"], ["export", "--format", "asl"], ["export", "--format", "mermaid"]]
)
def test_a_project_without_machines_says_so_rather_than_asking_which(
    tmp_path: Path, command: list[str]
) -> None:
    project = tmp_path / "empty.statecanvas.json"
    project.write_text('{"formatVersion": 1, "name": "empty"}', encoding="utf-8")
    code, _out, err = cli(*command, str(project))
    assert code == 2
    assert "holds no state machine" in err and "choose one" not in err
