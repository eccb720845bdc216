"""`statecanvas debug`, the terminal debugger, driven through standard input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MACHINE = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a.n, 41)"}, "Next": "C"},
        "C": {"Type": "Succeed"},
    },
}


def debug(tmp_path: Path, commands: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "m.asl.json"
    path.write_text(json.dumps(MACHINE), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "engine", "debug", str(path), "--input", '{"x": 1}', *args],
        input=commands,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin"},
    )


def test_continue_to_a_breakpoint_step_print_and_quit(tmp_path: Path) -> None:
    done = debug(tmp_path, "continue\nstep\nprint\nquit\n", "--break", "B")
    lines = done.stdout.splitlines()
    assert lines[0] == "paused at A" and json.loads(lines[1]) == {"x": 1}
    assert lines[2] == "paused at B" and json.loads(lines[3]) == {"x": 1, "a": {"n": 1}}
    assert lines[4] == "paused at C" and json.loads(lines[5]) == {"sum": 42}
    assert json.loads(lines[6]) == {"sum": 42}  # print
    assert json.loads(lines[-1]) == {"status": "ABORTED"}  # quit stops the execution
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr


def test_end_of_input_runs_to_the_end_and_prints_the_result(tmp_path: Path) -> None:
    done = debug(tmp_path, "print $.x\n")
    lines = done.stdout.splitlines()
    assert lines[:3] == ["paused at A", '{"x": 1}', "1"]
    assert json.loads(lines[-1]) == {"status": "SUCCEEDED", "output": {"sum": 42}}
    assert done.returncode == 0


def test_conditional_breakpoint_from_standard_input(tmp_path: Path) -> None:
    done = debug(tmp_path, "break B if {% $states.input.a.n = 1 %}\ncontinue\ncontinue\n")
    assert "breakpoint at B if {% $states.input.a.n = 1 %}" in done.stdout
    assert "paused at B" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1])["status"] == "SUCCEEDED"
