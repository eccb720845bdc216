"""Black-box tests of the `statecanvas validate` / `design` command-line contract.

Exit codes: 0 valid, 1 invalid, 2 bad usage or unreadable input; never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_runner import run_cli

from designer import cli as designer_cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "resources" / "examples" / "order-processing.asl.json"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"

# A's Next names a missing state; the catcher keeps a terminal state reachable, so the missing
# target is the only problem.
MISSING_TARGET = {
    "StartAt": "A",
    "States": {
        "A": {
            "Type": "Task",
            "Resource": LAMBDA,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
            "Next": "Nope",
        },
        "Done": {"Type": "Succeed"},
    },
}
MISSING_TARGET_LINE = (
    "Invalid State Machine Definition: "
    "'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/A/Next'"
)
SYNC_TASK = {
    "StartAt": "StartExecution",
    "States": {
        "StartExecution": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"},
            "End": True,
        }
    },
}
SYNC_MESSAGE = "Express state machine does not support '.sync' service integration"
VALID_YAML = """\
Comment: a YAML definition, as SAM projects keep them
StartAt: Hello
States:
  Hello:
    Type: Pass
    Result: {greeting: hi}
    Next: Done
  Done:
    Type: Succeed
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


def _checked(run: Run) -> Run:
    assert "Traceback" not in run.out, run.out
    assert "Traceback" not in run.err, run.err
    return run


def statecanvas(*args: str, stdin: str | bytes | None = None) -> Run:
    """`statecanvas ARGS` in this process (output and exit code are all these tests look at)."""
    done = run_cli(args, stdin=stdin)
    return _checked(Run(done.returncode, done.stdout, done.stderr))


def statecanvas_process(*args: str, stdin: str | bytes | None = None, module: str = "engine") -> Run:
    """Run `python -m <module> ARGS` in a fresh interpreter, as a user would: the entry point,
    a real standard input pipe and the process's exit status."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    return _checked(
        Run(proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))
    )


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return path


# --- validate: the happy path ------------------------------------------------------------------


def test_bundled_example_is_valid() -> None:
    run = statecanvas("validate", str(EXAMPLE))
    assert run.code == 0, run
    assert "valid" in run.out
    assert "invalid" not in run.out
    assert run.err == ""


def test_bundled_example_is_valid_as_json() -> None:
    run = statecanvas("validate", str(EXAMPLE), "--json")
    assert run.code == 0, run
    response = json.loads(run.out)
    assert response["result"] == "OK"
    assert response["diagnostics"] == []
    assert response["truncated"] is False


def test_yaml_definition_validates(tmp_path: Path) -> None:
    path = tmp_path / "hello.asl.yaml"
    path.write_text(VALID_YAML, encoding="utf-8")
    run = statecanvas("validate", str(path))
    assert run.code == 0, run
    assert "valid" in run.out


def test_invalid_yaml_definition_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.asl.yaml"
    path.write_text(VALID_YAML.replace("Next: Done", "Next: Nowhere"), encoding="utf-8")
    run = statecanvas("validate", str(path), "--json")
    assert run.code == 1, run
    response = json.loads(run.out)
    assert response["result"] == "FAIL"
    expected = {
        "severity": "ERROR",
        "code": "MISSING_TRANSITION_TARGET",
        "message": "Missing 'Next' target: Nowhere",
        "location": "/States/Hello/Next",
    }
    assert expected in response["diagnostics"]


def test_stdin_dash_reads_standard_input() -> None:
    run = statecanvas_process("validate", "-", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert run.code == 0, run
    assert "<stdin>: valid" in run.out


def test_stdin_invalid_definition() -> None:
    run = statecanvas("validate", "-", stdin=json.dumps(MISSING_TARGET))
    assert run.code == 1, run
    assert MISSING_TARGET_LINE in run.out.splitlines()


# --- validate: refusals ------------------------------------------------------------------------


def test_missing_target_exits_1_with_aws_line(tmp_path: Path) -> None:
    path = write_json(tmp_path / "bad.asl.json", MISSING_TARGET)
    run = statecanvas("validate", str(path))
    assert run.code == 1, run
    assert MISSING_TARGET_LINE in run.out.splitlines()
    assert "MISSING_TRANSITION_TARGET" in run.out
    assert "/States/A/Next" in run.out


def test_json_output_shape_on_failure(tmp_path: Path) -> None:
    path = write_json(tmp_path / "bad.asl.json", MISSING_TARGET)
    run = statecanvas("validate", str(path), "--json")
    assert run.code == 1, run
    response = json.loads(run.out)  # one JSON object and nothing else
    assert isinstance(response, dict)
    assert response["result"] == "FAIL"
    assert response["truncated"] is False
    assert response["diagnostics"] == [
        {
            "severity": "ERROR",
            "code": "MISSING_TRANSITION_TARGET",
            "message": "Missing 'Next' target: Nope",
            "location": "/States/A/Next",
        }
    ]
    for diagnostic in response["diagnostics"]:
        assert {"severity", "code", "message", "location"} <= diagnostic.keys()


def test_json_output_shape_on_success(tmp_path: Path) -> None:
    path = write_json(tmp_path / "ok.asl.json", {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
    run = statecanvas("validate", str(path), "--json")
    assert run.code == 0, run
    response = json.loads(run.out)
    assert response["result"] == "OK"
    assert response["diagnostics"] == []
    assert response["truncated"] is False


def test_express_refuses_sync(tmp_path: Path) -> None:
    path = write_json(tmp_path / "sync.asl.json", SYNC_TASK)
    assert statecanvas("validate", str(path)).code == 0
    run = statecanvas("validate", str(path), "--type", "EXPRESS")
    assert run.code == 1, run
    assert SYNC_MESSAGE in run.out
    assert "/States/StartExecution/Resource" in run.out


def test_express_refuses_sync_json(tmp_path: Path) -> None:
    path = write_json(tmp_path / "sync.asl.json", SYNC_TASK)
    run = statecanvas("validate", str(path), "--type", "EXPRESS", "--json")
    assert run.code == 1, run
    response = json.loads(run.out)
    assert response["result"] == "FAIL"
    assert response["diagnostics"] == [
        {
            "severity": "ERROR",
            "code": "SCHEMA_VALIDATION_FAILED",
            "message": SYNC_MESSAGE,
            "location": "/States/StartExecution/Resource",
        }
    ]


# --- validate: usage errors and unreadable files (exit 2) --------------------------------------


def test_validate_without_file_is_usage_error() -> None:
    run = statecanvas("validate")
    assert run.code == 2, run
    assert "usage:" in run.err
    assert "FILE" in run.err


def test_unknown_type_is_usage_error(tmp_path: Path) -> None:
    path = write_json(tmp_path / "ok.asl.json", {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
    run = statecanvas("validate", str(path), "--type", "BATCH")
    assert run.code == 2, run
    assert "usage:" in run.err


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.asl.json"
    run = statecanvas("validate", str(missing))
    assert run.code == 2, run
    assert str(missing) in run.err
    assert "no such file" in run.err


def test_directory(tmp_path: Path) -> None:
    run = statecanvas("validate", str(tmp_path))
    assert run.code == 2, run
    assert "directory" in run.err


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "picture.asl.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    run = statecanvas("validate", str(path))
    assert run.code == 2, run
    assert "binary" in run.err


def test_no_command_prints_help_and_exits_2() -> None:
    run = statecanvas_process()
    assert run.code == 2, run
    assert "validate" in run.out + run.err


# --- design (no designer yet) and the entry point ----------------------------------------------


def test_design_without_a_display_says_what_to_do_instead() -> None:
    run = statecanvas_process("design", module="designer.cli")  # the test environment has no display
    assert run.code == 2, run
    assert "display" in run.err
    assert "statecanvas validate" in run.err


def test_entry_point_without_arguments_means_design(capsys: pytest.CaptureFixture[str]) -> None:
    assert designer_cli.main([]) == 2
    captured = capsys.readouterr()
    assert "display" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_entry_point_design(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert designer_cli.main(["design", str(tmp_path / "x.asl.json")]) == 2
    captured = capsys.readouterr()
    assert "display" in captured.err


def test_entry_point_validate_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert designer_cli.main(["validate", str(EXAMPLE)]) == 0
    captured = capsys.readouterr()
    assert f"{EXAMPLE}: valid" in captured.out


def test_entry_point_validate_invalid_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_json(tmp_path / "bad.asl.json", MISSING_TARGET)
    assert designer_cli.main(["validate", str(path), "--json"]) == 1
    response = json.loads(capsys.readouterr().out)
    assert response["result"] == "FAIL"
    assert response["diagnostics"][0]["code"] == "MISSING_TRANSITION_TARGET"
    assert response["error"] == MISSING_TARGET_LINE


def test_entry_point_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert designer_cli.main(["validate"]) == 2
    captured = capsys.readouterr()
    assert "usage:" in captured.err


def test_entry_point_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert designer_cli.main(["validate", str(tmp_path / "missing.json")]) == 2
    captured = capsys.readouterr()
    assert "no such file" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_entry_point_does_not_import_qt_for_validate() -> None:
    code = (
        "import sys\n"
        "from designer.cli import main\n"
        f"rc = main(['validate', {str(EXAMPLE)!r}])\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync')))\n"
        "print('QT', bad)\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "QT []" in proc.stdout, proc.stdout
