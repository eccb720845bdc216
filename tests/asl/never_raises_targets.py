"""The checks the fuzzing runs on each generated definition, and the tally of what they found.

A definition `validate` accepts must run, test-state, export and go through the command line
without an exception escaping the engine, and its YAML form must read back as the same value. A
failure that only the interpreter's last line of defence turned into States.Runtime counts too.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from engine import run, test_state, validate
from engine.runtime.errors import DEFECT_MARK
from engine.runtime.test_state import TestStateError


class Tally:
    """How many inputs each target ran, and the failures (an exception out of the engine)."""

    def __init__(self) -> None:
        self.ran: Counter[str] = Counter()
        self.failures: list[tuple[str, str, Any]] = []

    def note(self, target: str, error: BaseException | None, sample: Any) -> None:
        self.ran[target] += 1
        if error is not None:
            self.failures.append((target, f"{type(error).__name__}: {error}"[:300], sample))


def net_caught(cause: Any) -> BaseException | None:
    """A failure that only the interpreter's last line of defence turned into States.Runtime.

    That line keeps users from tracebacks, but each such failure is a check or an evaluation
    path that should have reported the problem in AWS's words: the fuzzing counts it as a finding.
    """
    if isinstance(cause, str) and DEFECT_MARK in cause:
        return RuntimeError(cause)
    return None


def accepted(definition: dict[str, Any]) -> bool:
    return not any(d.severity == "ERROR" for d in validate(definition))


def check_definition(definition: dict[str, Any], data: Any, tally: Tally, *, export: bool = True) -> None:
    """Validate; when valid, run, test-state each top-level state, and export. Failures go to `tally`."""
    try:
        ok = accepted(definition)
    except Exception as exc:
        tally.note("validate", exc, definition)
        return
    tally.note("validate", None, definition)
    tally.note("yaml round trip", yaml_round_trip_error(definition), definition)
    if not ok:
        return
    try:
        execution = run(definition, data)
        json.dumps(execution.to_json(with_history=True), allow_nan=False)
        error = net_caught(execution.cause)
    except Exception as exc:
        error = exc
    tally.note("run", error, (definition, data))
    for name, state in definition["States"].items():
        request: dict[str, Any] = {"state_name": name, "inspection_level": "TRACE"}
        if state.get("Type") == "Task":
            request["mock"] = {"result": json.dumps(data)}
        try:
            response = test_state(definition, data, **request)
            json.dumps(response, allow_nan=False)
            error = net_caught(response.get("cause"))
        except TestStateError:
            error = None  # TestState refused the request, as AWS does for some states
        except Exception as exc:
            error = exc
        tally.note("test-state", error, (definition, name, data))
    if export:
        first = next(iter(definition["States"]))
        commands = {
            "export asl": (["export", "{file}", "--format", "asl", "-o", "{out}"], (0,)),
            "export cloudformation": (
                ["export", "{file}", "--format", "cloudformation", "-o", "{out}"],
                (0,),
            ),
            "cli run": (["run", "{file}", "--json", "--input=" + json.dumps(data)], (0, 1)),
            "cli test-state": (
                ["test-state", "{file}", "--state=" + first, "--input=" + json.dumps(data)],
                (0, 1, 2),
            ),
        }
        for target, (argv, codes) in commands.items():
            tally.note(target, command_error(definition, argv, codes), definition)


def yaml_round_trip_error(definition: dict[str, Any]) -> BaseException | None:
    """The definition written as YAML and read back (as YAML 1.2) must be the same JSON value."""
    from engine.asl.loader import parse_text
    from engine.export.asl_text import dump_yaml

    try:
        again = parse_text(dump_yaml(definition), prefer="yaml").value
    except Exception as exc:
        return exc
    if json.dumps(again, sort_keys=True) != json.dumps(definition, sort_keys=True):
        return AssertionError("the YAML read back differs from the definition written")
    return None


def command_error(
    definition: dict[str, Any], argv: list[str], codes: tuple[int, ...]
) -> BaseException | None:
    """A command run in process on the definition: an unexpected exit or an internal error is a finding."""
    from engine.cli import main

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "machine.asl.json"
        source.write_text(json.dumps(definition, ensure_ascii=True), encoding="utf-8")
        filled = [a.replace("{file}", str(source)).replace("{out}", str(Path(folder) / "out")) for a in argv]
        out, err = io.StringIO(), io.StringIO()
        code = main(filled, out=out, err=err)
    if code not in codes or "internal error" in err.getvalue():
        return RuntimeError(f"exit {code}: {err.getvalue().strip()[:200]}")
    return None
