"""`statecanvas run`: run a definition to the end on the bundled engine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from engine.asl import invalid_definition_message, validate
from engine.cli.definitions import read_definition, read_input
from engine.cli.handlers import add_handler_option, load_handlers
from engine.cli.project import names_project
from engine.cli.run_project import run_project_machine
from engine.cli.usage import UsageError
from engine.integrations import MockConfig, MockConfigError
from engine.runtime import run


def add_run_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser(
        "run",
        help="run a state machine definition on the bundled engine",
        description="Run an ASL definition to the end. Exit 0 when it succeeds, 1 for any other final "
        "status, 2 for bad usage or unreadable input.",
    )
    cmd.add_argument(
        "file",
        metavar="FILE",
        help="an .asl.json or .asl.yaml file, or a project (file or folder) to run one of its machines in",
    )
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="JSON", help="the execution input as JSON text")
    source.add_argument("--input-file", metavar="PATH", help="read the execution input from a JSON file")
    cmd.add_argument(
        "--state-machine",
        metavar="NAME",
        default=None,
        help="the state machine's name (for a project file, which machine to run)",
    )
    cmd.add_argument("--json", action="store_true", help="print one JSON object with the result")
    cmd.add_argument("--history", action="store_true", help="include the execution history")
    cmd.add_argument(
        "--clock",
        choices=("virtual", "real"),
        default="virtual",
        help="virtual (default): waits and back-offs take no real time",
    )
    cmd.add_argument("--type", choices=("STANDARD", "EXPRESS"), default="STANDARD")
    cmd.add_argument("--mocks", metavar="FILE", help="a Step Functions Local mock config (JSON)")
    cmd.add_argument("--test-case", metavar="NAME", help="the mock config's test case to use")
    cmd.add_argument(
        "--store",
        metavar="PATH",
        default=None,
        help="record the execution in this SQLite file ('default' for the user's store; "
        "not recorded when omitted)",
    )
    add_handler_option(cmd)
    cmd.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if names_project(args.file):
        return run_project_machine(args, out)
    definition, name = read_definition(args.file)
    diagnostics = [d for d in validate(definition, machine_type=args.type) if d.severity == "ERROR"]
    if diagnostics:
        raise UsageError(f"{name}: {invalid_definition_message(diagnostics)}")
    execution_input = read_input(args)
    machine_name = args.state_machine or Path(name).name.split(".")[0] or "StateMachine"
    mocks = None
    if args.mocks:
        if not args.test_case:
            raise UsageError("--mocks needs --test-case NAME")
        try:
            mocks = MockConfig.load(Path(args.mocks), state_machine=machine_name, test_case=args.test_case)
        except (MockConfigError, OSError) as exc:
            raise UsageError(f"{args.mocks}: {exc}") from None
    handlers = load_handlers(args.handler_specs)
    store = _open_store(args.store)
    try:
        execution = run(
            definition,
            execution_input,
            clock=args.clock,
            mocks=mocks,
            handlers=handlers,
            state_machine_name=machine_name,
            machine_type=args.type,
            store=store,
        )
    finally:
        if store is not None:
            store.close()
    if args.json:
        print(json.dumps(execution.to_json(with_history=args.history), ensure_ascii=False), file=out)
    else:
        result = execution.to_json(with_history=args.history)
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


def _open_store(spec: str | None) -> Any:
    if spec is None:
        return None
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.store import StoreError, default_store_path, open_store

    try:
        store = open_store(str(default_store_path()) if spec == "default" else spec)
    except (StoreError, OSError) as exc:
        raise UsageError(f"--store {spec}: {exc}") from None
    recover = getattr(store, "abort_interrupted", None)
    if recover is not None:  # executions a killed run left RUNNING end as ABORTED, with their cause
        recover()
    return store
