"""Output always valid: non-JSON numbers refused at the door, unwritable outputs and stores, closed
pipes and broken choreography each answered with one line and the right exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import ROOT, cli

from engine.project import ProjectError, load_project
from engine.strict_json import JsonInputError, loads_strict

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    path = tmp_path / "m.asl.json"
    path.write_text(json.dumps(PASS))
    return path


@pytest.mark.parametrize(
    ("text", "token", "column"),
    [
        ('{"a": NaN}', "NaN", 7),
        ('{"a": Infinity}', "Infinity", 7),
        ("[1,\n -Infinity]", "-Infinity", 2),
        ('{"a": 1e309}', "1e309", 7),
        ('{"a": -1e400}', "-1e400", 7),
    ],
)
def test_non_json_numbers_are_refused_with_their_place(text: str, token: str, column: int) -> None:
    with pytest.raises(JsonInputError) as caught:
        loads_strict(text, "--input")
    assert token in str(caught.value) and f"column {column}" in str(caught.value)


def test_nan_inside_a_string_is_just_text() -> None:
    assert loads_strict('{"a": "NaN Infinity 1e309"}') == {"a": "NaN Infinity 1e309"}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e309"])
def test_run_refuses_non_json_numbers_and_never_prints_them(machine: Path, value: str) -> None:
    run = cli("run", str(machine), "--json", "--input", f'{{"x": {value}}}')
    assert run.code == 2 and "not valid JSON" in run.err and run.out == ""


def test_put_events_and_test_state_refuse_them_too(machine: Path) -> None:
    run = cli("put-events", "resources/examples/order-pipeline", "--entries", '{"Source": "a", "N": NaN}')
    assert run.code == 2 and "NaN is not a JSON number" in run.err
    run = cli("test-state", str(machine), "--input", '{"x": Infinity}')
    assert run.code == 2 and "Infinity" in run.err


def test_export_to_a_folder_or_a_missing_folder_is_one_line_exit_2(machine: Path, tmp_path: Path) -> None:
    for target in (tmp_path, tmp_path / "missing" / "out.json"):
        run = cli("export", str(machine), "--format", "asl", "-o", str(target))
        assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
    assert not (tmp_path / "missing").exists()
    good = tmp_path / "out.json"
    assert cli("export", str(machine), "--format", "asl", "-o", str(good)).code == 0
    assert json.loads(good.read_text())["StartAt"] == "P"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_store_that_is_a_folder_or_not_sqlite_is_one_line_exit_2(machine: Path, tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("these are my notes\n" * 100)
    for store in (tmp_path, not_sqlite):
        run = cli("run", str(machine), "--store", str(store))
        assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
        assert "internal error" not in run.err
    assert not_sqlite.read_text() == "these are my notes\n" * 100


def test_a_closed_pipe_is_one_line_and_exit_2(machine: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"x": "y" * 200_000}))
    command = [sys.executable, "-m", "engine", "run", str(machine), "--history", "--input-file", str(big)]
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(command, stdout=reader.stdin, stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=60)
    reader.stdin.close()
    reader.wait(timeout=10)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert len(err.strip().splitlines()) == 1 and "broken pipe" in err


def _project(tmp_path: Path, **extra: object) -> Path:
    value: dict[str, object] = {
        "formatVersion": 1,
        "name": "p",
        "stateMachines": {"M": {"definition": PASS}},
        "queues": {"q": {}},
        "topics": {"t": {}},
    }
    value.update(extra)
    path = tmp_path / "p.statecanvas.json"
    path.write_text(json.dumps(value))
    return path


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        (
            {"rules": {"r": {"eventPattern": {"source": "not-a-list"}, "targets": []}}},
            "/rules/r/eventPattern",
        ),
        (
            {"rules": {"r": {"eventPattern": {"source": [{"prefix": 5}]}, "targets": []}}},
            "/rules/r/eventPattern",
        ),
        (
            {
                "rules": {
                    "r": {
                        "eventPattern": {"source": ["a"]},
                        "targets": [{"id": "bad id!", "target": "queue:q"}],
                    }
                }
            },
            "/rules/r/targets/0",
        ),
        (
            {
                "rules": {
                    "r": {
                        "eventPattern": {"source": ["a"]},
                        "targets": [{"id": "x", "target": "queue:q"}, {"id": "x", "target": "queue:q"}],
                    }
                }
            },
            "/rules/r/targets/1/id",
        ),
        ({"rules": {"bad name!": {"eventPattern": {"source": ["a"]}}}}, "/rules/bad name!"),
        (
            {"subscriptions": [{"topic": "t", "endpoint": "queue:q", "filterPolicy": {"a": "not-a-list"}}]},
            "/subscriptions/0/filterPolicy",
        ),
        ({"functions": {"f": {"handler": "no-colon"}}}, "/functions/f/handler"),
        ({"functions": {"f": {"handler": "h.py:not a name"}}}, "/functions/f/handler"),
    ],
)
def test_a_broken_choreography_is_refused_at_load_located(tmp_path: Path, extra: dict, pointer: str) -> None:
    path = _project(tmp_path, **extra)
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    assert any(p.location == pointer for p in caught.value.problems), caught.value
    run = cli("validate", str(path))
    assert run.code in (1, 2) and pointer in run.out + run.err
    run = cli("put-events", str(path), "--entries", '{"Source": "a", "DetailType": "b", "Detail": "{}"}')
    assert run.code == 2 and pointer in run.err and "internal error" not in run.err


def test_values_made_at_run_time_stay_json(tmp_path: Path) -> None:
    parse = {
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Parameters": {"b.$": "States.StringToJson($.s)"}, "End": True}},
    }
    path = tmp_path / "parse.asl.json"
    path.write_text(json.dumps(parse))
    for text in ("1e999", "NaN", "[-Infinity]"):
        run = cli("run", str(path), "--json", "--input", json.dumps({"s": text}))
        assert run.code == 1 and json.loads(run.out)["error"] == "States.Runtime"
    (tmp_path / "h.py").write_text("def handler(event, context):\n    return {'x': float('nan')}\n")
    task = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": True}
        },
    }
    path.write_text(json.dumps(task))
    run = cli("run", str(path), "--json", "--handler", f"f={tmp_path / 'h.py'}:handler")
    assert run.code == 1 and json.loads(run.out)["error"] == "Runtime.MarshalError"


def test_the_designer_json_fields_refuse_non_json_numbers_with_their_place() -> None:
    from designer.panels.json_field import parse_json_text

    value, reason = parse_json_text('{\n  "a": NaN\n}')
    assert value is None and reason == "Line 2, column 8: NaN is not a JSON number"
    assert parse_json_text('{"a": 1.5}') == ({"a": 1.5}, None)


def test_picture_exports_to_a_folder_or_a_missing_folder_are_one_line_exit_2(
    machine: Path, tmp_path: Path
) -> None:
    for fmt, target in (("svg", tmp_path), ("png", tmp_path / "missing" / "x.png")):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "designer.cli",
                "export",
                str(machine),
                "--format",
                fmt,
                "-o",
                str(target),
            ],
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
            cwd=ROOT,
            timeout=120,
        )
        err = run.stderr.decode()
        assert run.returncode == 2 and len(err.strip().splitlines()) == 1 and "internal error" not in err, err
