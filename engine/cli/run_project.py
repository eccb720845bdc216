"""`statecanvas run PROJECT --state-machine NAME`: run one machine of a project with the project around it.

Its Lambda tasks are served by the project's functions, its events go through the project's
buses, rules, queues and topics, and callbacks are answered by whatever the project wires to
them, exactly as `put-events --start` does; the command prints the machine's result as `run` does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any, TextIO

from engine.cli.definitions import read_input
from engine.cli.project import choose_machine, load_project_arg
from engine.cli.usage import UsageError

# Options of `run` that configure a lone definition; a project says these things itself.
_LONE_DEFINITION_OPTIONS = (
    ("handler_specs", "--handler", "the project's functions serve its tasks"),
    ("mocks", "--mocks", "the project's saved mocks and functions serve its tasks"),
    ("store", "--store", "project runs are not recorded"),
)


def run_project_machine(args: argparse.Namespace, out: TextIO) -> int:
    for attribute, option, why in _LONE_DEFINITION_OPTIONS:
        if getattr(args, attribute, None):
            raise UsageError(f"{option} is for a single definition, not a project: {why}")
    loaded = load_project_arg(args.file)
    machine = choose_machine(loaded, args.state_machine, args.file)
    if args.input is not None or args.input_file:
        data = read_input(args)
    else:
        data = loaded.project.state_machines[machine].default_input or {}
    execution = asyncio.run(_run(loaded, machine, data, args.clock))
    if execution is None:
        print("RUNNING: nothing more can happen in the project and the execution still waits", file=out)
        return 1
    result = execution.to_json(with_history=args.history)
    if args.json:
        print(json.dumps(result, ensure_ascii=False), file=out)
        return 0 if execution.status == "SUCCEEDED" else 1
    print(execution.status, file=out)
    if execution.status == "SUCCEEDED":
        print(json.dumps(execution.output, indent=2, ensure_ascii=False), file=out)
    else:
        for key in ("error", "cause"):
            if key in result:
                print(f"{key}: {result[key]}", file=out)
    if args.history:
        for event in result["history"]:
            print(json.dumps(event, ensure_ascii=False), file=out)
    return 0 if execution.status == "SUCCEEDED" else 1


async def _run(loaded: Any, machine: str, data: Any, clock: str) -> Any:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.project import ProjectError, ProjectRuntime

    try:
        runtime = ProjectRuntime(loaded, clock=clock)
    except ProjectError as exc:  # e.g. a seed the emulated account refuses
        raise UsageError(str(exc)) from None
    try:
        running = runtime.start_execution(machine, data, cause="statecanvas run")
        await runtime.settle()
        return running.task.result() if running.task.done() else None
    finally:
        await runtime.close()
