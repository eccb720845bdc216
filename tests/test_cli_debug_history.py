"""`history` in the terminal debugger: a table a person reads, raw JSON lines with --json."""

from __future__ import annotations

import json
from pathlib import Path
from subprocess import CompletedProcess

from cli_runner import run_cli

MACHINE = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.a", "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 90, "Next": "Finish"},
        "Finish": {"Type": "Pass", "End": True},
    },
}


def debug(tmp_path: Path, commands: str) -> CompletedProcess[str]:
    path = tmp_path / "m.asl.json"
    path.write_text(json.dumps(MACHINE), encoding="utf-8")
    return run_cli(["debug", str(path), "--input", '{"x": 1}'], stdin=commands)


def test_history_prints_a_table_with_elapsed_time_type_state_and_detail(tmp_path: Path) -> None:
    done = debug(tmp_path, "step\nstep\nhistory\nhistory 2\nhistory --json\ncontinue\n")
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("paused at Finish") + 2  # paused before Finish: five events so far
    table = [line.split(None, 4) for line in lines[start : start + 6]]
    assert table[0] == ["id", "elapsed", "event", "state", "detail"]
    assert [row[:4] for row in table[1:]] == [
        ["1", "+0.000s", "ExecutionStarted", "input"],  # no state: the detail follows
        ["2", "+0.000s", "PassStateEntered", "Prepare"],
        ["3", "+0.000s", "PassStateExited", "Prepare"],
        ["4", "+0.000s", "WaitStateEntered", "Hold"],
        ["5", "+1m30.000s", "WaitStateExited", "Hold"],  # the Wait's 90 s, on the virtual clock
    ]
    assert lines[start + 1].endswith('input {"x":1}')
    assert table[3][4] == 'output {"x":1,"a":{"n":1}}'
    # `history 2`: the header and the last two events
    tail = [line.split(None, 4) for line in lines[start + 6 : start + 9]]
    assert tail[0][0] == "id" and [row[0] for row in tail[1:]] == ["4", "5"]
    # `history --json`: the raw AWS-shaped events, one JSON object a line
    raw = [json.loads(line) for line in lines[start + 9 : start + 14]]
    assert [event["id"] for event in raw] == [1, 2, 3, 4, 5]
    assert raw[4]["stateExitedEventDetails"]["name"] == "Hold"
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"


def test_history_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    done = debug(tmp_path, "history last\ncontinue\n")
    assert "usage: history [N] [--json]" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1])["status"] == "SUCCEEDED"
