"""`statecanvas debug`, the terminal debugger, driven through standard input."""

from __future__ import annotations

import json
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
from cli_runner import run_cli, run_process

MACHINE = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a.n, 41)"}, "Next": "C"},
        "C": {"Type": "Succeed"},
    },
}


def debug(tmp_path: Path, commands: str, *args: str) -> CompletedProcess[str]:
    path = tmp_path / "m.asl.json"
    path.write_text(json.dumps(MACHINE), encoding="utf-8")
    return run_cli(["debug", str(path), "--input", '{"x": 1}', *args], stdin=commands)


@pytest.mark.parametrize("runner", [run_cli, run_process], ids=["in-process", "piped-to-a-real-process"])
def test_continue_to_a_breakpoint_step_print_and_quit(tmp_path: Path, runner: Any) -> None:
    """Also once as a real process reading a pipe: its exit status and its standard input."""
    path = tmp_path / "m.asl.json"
    path.write_text(json.dumps(MACHINE), encoding="utf-8")
    args = ["debug", str(path), "--input", '{"x": 1}', "--break", "B"]
    done = runner(args, stdin="continue\nstep\nprint\nquit\n")
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


MAP_MACHINE = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    },
}
ITEMS = '{"items": [{"value": 1}, {"value": 2}, {"value": 3}, {"value": 4}]}'


def debug_map(tmp_path: Path, commands: str, *args: str) -> CompletedProcess[str]:
    path = tmp_path / "map.asl.json"
    path.write_text(json.dumps(MAP_MACHINE), encoding="utf-8")
    return run_cli(["debug", str(path), "--input", ITEMS, *args], stdin=commands)


def paused_at(lines: list[str], state: str) -> list[int]:
    """Where the pause lines at `state` are (inside an iteration they name its thread after it)."""
    return [
        i
        for i, line in enumerate(lines)
        if line == f"paused at {state}" or line.startswith(f"paused at {state} [")
    ]


def test_a_condition_as_users_write_it_pauses_on_the_right_map_iteration(tmp_path: Path) -> None:
    done = debug_map(tmp_path, "break Inner if $.value == 3\ncontinue\nprint\nprint $index\ncontinue\n")
    lines = done.stdout.splitlines()
    assert lines[2] == "breakpoint at Inner if $.value == 3"
    assert lines[3:7] == [
        "paused at Inner [thread 4: Map Each/iteration 2]",
        '{"value": 3}',
        '{"value": 3}',
        "2",
    ]
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"
    assert len(paused_at(lines, "Inner")) == 1


def test_states_input_and_the_map_index_in_conditions(tmp_path: Path) -> None:
    for condition in (
        "$states.input.value = 3",
        "$index == 2 && $.value > 2",
        "{% $states.input.value = 3 %}",
    ):
        done = debug_map(tmp_path, f"break Inner if {condition}\ncontinue\ncontinue\n")
        lines = done.stdout.splitlines()
        assert len(paused_at(lines, "Inner")) == 1, (condition, done.stdout)
        assert lines[paused_at(lines, "Inner")[0] + 1] == '{"value": 3}'


def test_an_unknown_state_and_an_unparsable_condition_are_refused_and_the_session_goes_on(
    tmp_path: Path,
) -> None:
    done = debug_map(tmp_path, "break Nope\nbreak Iner\nbreak Inner if $$$(\nprint\nprint $.items[1]\n")
    out = done.stdout
    assert "refused: no state named 'Nope'; the states are Each, Inner" in out
    assert "refused: no state named 'Iner'; did you mean Inner?" in out
    assert "refused: the condition does not parse at column 3: expected '.' or '['" in out
    assert "\n  $$$(\n    ^\n" in out  # the caret under the column at fault
    lines = out.splitlines()
    after = lines.index("    ^")
    assert json.loads(lines[after + 1]) == json.loads(ITEMS)  # print still prints
    assert json.loads(lines[after + 2]) == {"value": 2}
    assert "paused at Inner" not in out  # nothing was set
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"
    assert "Traceback" not in out + done.stderr


def test_a_condition_that_cannot_be_decided_is_said_once(tmp_path: Path) -> None:
    done = debug_map(tmp_path, "break Inner if $.missing > 1\ncontinue\n")
    notes = [line for line in done.stdout.splitlines() if line.startswith("note:")]
    assert len(notes) == 1
    assert "could not be evaluated at Inner in Each[0]" in notes[0] and "does not pause" in notes[0]


def test_print_reads_the_condition_grammar(tmp_path: Path) -> None:
    done = debug_map(tmp_path, "print $.items[0].value == 1\nprint $.nope\nprint $.items ==\n")
    out = done.stdout
    assert "\ntrue\n" in out
    assert "cannot evaluate $.nope: path '$.nope' does not resolve" in out
    assert "the expression does not parse at column 11" in out


def test_a_break_option_is_checked_before_the_run(tmp_path: Path) -> None:
    refused = debug_map(tmp_path, "", "--break", "Inner if $.value ==")
    assert refused.returncode == 2
    assert "does not parse at column 11" in refused.stderr and "Traceback" not in refused.stderr
    assert debug_map(tmp_path, "", "--break", "Nope").returncode == 2
    done = debug_map(tmp_path, "continue\ncontinue\n", "--break", "Inner if $.value = 4")
    assert len(paused_at(done.stdout.splitlines(), "Inner")) == 1
    assert '{"value": 4}' in done.stdout


def test_debug_help_states_the_condition_grammar() -> None:
    done = run_cli(["debug", "--help"])
    assert "conditions (break STATE if EXPR):" in done.stdout
    assert '$.total > 100 && $.country == "BR"' in done.stdout
    assert "$item and $index" in done.stdout


def pass_branch(prefix: str) -> dict[str, object]:
    first, second = f"{prefix}1", f"{prefix}2"
    return {
        "StartAt": first,
        "States": {
            first: {"Type": "Pass", "Result": first, "ResultPath": f"$.{first}", "Next": second},
            second: {"Type": "Pass", "Result": second, "ResultPath": f"$.{second}", "End": True},
        },
    }


FAN_MACHINE = {
    "StartAt": "Start",
    "States": {
        "Start": {"Type": "Pass", "Next": "Fan"},
        "Fan": {"Type": "Parallel", "Branches": [pass_branch(p) for p in "ABC"], "Next": "Join"},
        "Join": {"Type": "Pass", "End": True},
    },
}


def debug_fan(tmp_path: Path, commands: str, *args: str) -> CompletedProcess[str]:
    path = tmp_path / "fan.asl.json"
    path.write_text(json.dumps(FAN_MACHINE), encoding="utf-8")
    return run_cli(["debug", str(path), "--input", "{}", *args], stdin=commands)


def test_branches_lists_the_held_branches_and_switch_steps_another_one(tmp_path: Path) -> None:
    done = debug_fan(tmp_path, "step\ninto\nbranches\nswitch 3\nstep\nbranches\ncontinue\n")
    lines = done.stdout.splitlines()
    assert lines[:6] == [
        "paused at Start",
        "{}",
        "paused at Fan",
        "{}",
        "paused at A1 [thread 2: Parallel Fan/branch 1]",  # into the first branch
        "{}",
    ]
    assert lines[6:10] == [  # the other branches stopped at their first state: none had run
        "    1  Execution              waiting in Fan",
        "*   2  Parallel Fan/branch 1  paused at A1 (step)",
        "    3  Parallel Fan/branch 2  paused at B1",
        "    4  Parallel Fan/branch 3  paused at C1",
    ]
    assert lines[10:14] == [
        "paused at B1 [thread 3: Parallel Fan/branch 2]",  # switch 3
        "{}",
        "paused at B2 [thread 3: Parallel Fan/branch 2]",  # step runs branch 2 alone
        '{"B1": "B1"}',
    ]
    assert lines[14:18] == [
        "    1  Execution              waiting in Fan",
        "    2  Parallel Fan/branch 1  paused at A1 (step)",
        "*   3  Parallel Fan/branch 2  paused at B2 (step)",
        "    4  Parallel Fan/branch 3  paused at C1",
    ]
    ran = run_cli(["run", str(tmp_path / "fan.asl.json"), "--input", "{}", "--json"])
    assert json.loads(lines[-1]) == json.loads(ran.stdout)  # continue let every branch finish
    assert len(lines) == 19 and done.returncode == 0
    assert "Traceback" not in done.stdout + done.stderr


def test_switch_refuses_what_is_not_a_held_thread(tmp_path: Path) -> None:
    done = debug_fan(tmp_path, "break A2\ncontinue\nswitch\nswitch 1\nswitch 9\nprint\n")
    out = done.stdout
    assert "paused at A2 [thread 2: Parallel Fan/branch 1]" in out
    assert "usage: switch N   (N from `branches`)" in out
    assert "thread 1 (Execution) is not paused: waiting in Fan" in out
    assert "no thread 9" in out
    assert out.splitlines()[-2] == '{"A1": "A1"}'  # print still speaks of the thread paused
    assert json.loads(out.splitlines()[-1])["status"] == "SUCCEEDED"


def test_map_iterations_are_threads_too(tmp_path: Path) -> None:
    done = debug_map(tmp_path, "into\nbranches\nswitch 4\nprint $index\ncontinue\n")
    lines = done.stdout.splitlines()
    assert lines[2:4] == ["paused at Inner [thread 2: Map Each/iteration 0]", '{"value": 1}']
    assert lines[4:9] == [
        "    1  Execution             waiting in Each",
        "*   2  Map Each/iteration 0  paused at Inner (step)",
        "    3  Map Each/iteration 1  paused at Inner",
        "    4  Map Each/iteration 2  paused at Inner",
        "    5  Map Each/iteration 3  paused at Inner",
    ]
    assert lines[9:12] == ["paused at Inner [thread 4: Map Each/iteration 2]", '{"value": 3}', "2"]
    assert json.loads(lines[-1])["output"] == json.loads(ITEMS)["items"]


def test_non_stop_lets_the_other_branches_finish(tmp_path: Path) -> None:
    done = debug_fan(tmp_path, "break A1\ncontinue\nbranches\nswitch 3\ncontinue\n", "--non-stop")
    lines = done.stdout.splitlines()
    assert lines[3:7] == [
        "paused at A1 [thread 2: Parallel Fan/branch 1]",
        "{}",
        "    1  Execution              waiting in Fan",
        "*   2  Parallel Fan/branch 1  paused at A1 (breakpoint)",
    ]
    assert lines[7] == "no thread 3"  # branch 2 ran to its end meanwhile
    assert json.loads(lines[-1])["status"] == "SUCCEEDED"


def test_clear_says_when_there_was_no_breakpoint(tmp_path: Path) -> None:
    done = debug_map(tmp_path, "break Inner if $index == 1\nclear Inner\nclear Inner\ncontinue\n")
    lines = done.stdout.splitlines()
    assert "cleared Inner" in lines and "no breakpoint at 'Inner'" in lines
    assert "paused at Inner" not in lines
