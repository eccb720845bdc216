"""`statecanvas run`: run a definition to the end on the bundled engine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from engine.asl.diagnostics import invalid_definition_message
from engine.asl.loader import DefinitionLoadError, parse_text
from engine.asl.validation import validate
from engine.integrations import MockConfig, MockConfigError


class RunUsageError(Exception):
    """Bad arguments or unreadable input for `run` (exit 2)."""


def add_run_command(sub: argparse._SubParsersAction, read_text: Any) -> None:  # type: ignore[type-arg]
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
    cmd.add_argument(
        "--handler",
        dest="handler_specs",
        metavar="FUNCTION=FILE:NAME",
        action="append",
        default=[],
        help="serve a Lambda function with a local Python handler(event, context)",
    )
    cmd.set_defaults(handler=lambda args, out, err: cmd_run(args, out, err, read_text))


def read_definition(read_text: Any, file: str, machine: str | None = None) -> tuple[Any, str]:
    """(definition, display name) of FILE for the commands that run it; unreadable is usage (2)."""
    definition, name, _ = read_definition_and_handlers(read_text, file, machine)
    return definition, name


def read_definition_and_handlers(
    read_text: Any, file: str, machine: str | None = None
) -> tuple[Any, str, dict[str, Any]]:
    """(definition, display name, handlers) of FILE. FILE may be a project (its file or folder):
    `machine` (--state-machine) chooses which of its state machines (left out when it has only
    one), and its local functions come back as handlers."""
    from engine.cli_project import names_project, project_definition

    if names_project(file):
        return project_definition(file, machine)
    text, name = read_text(file)
    try:
        definition = parse_text(
            text, source=name, prefer="yaml" if name.lower().endswith((".yaml", ".yml")) else "json"
        ).value
    except DefinitionLoadError as exc:
        raise RunUsageError(exc.located()) from None
    return definition, name, {}


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO, read_text: Any) -> int:
    from engine.cli_project import names_project
    from engine.runtime import run

    if names_project(args.file):
        from engine.cli_run_project import run_project_machine

        return run_project_machine(args, out)
    definition, name = read_definition(read_text, args.file)
    diagnostics = [d for d in validate(definition, machine_type=args.type) if d.severity == "ERROR"]
    if diagnostics:
        raise RunUsageError(f"{name}: {invalid_definition_message(diagnostics)}")
    execution_input = _input(args)
    machine_name = args.state_machine or Path(name).name.split(".")[0] or "StateMachine"
    mocks = None
    if args.mocks:
        if not args.test_case:
            raise RunUsageError("--mocks needs --test-case NAME")
        try:
            mocks = MockConfig.load(Path(args.mocks), state_machine=machine_name, test_case=args.test_case)
        except (MockConfigError, OSError) as exc:
            raise RunUsageError(f"{args.mocks}: {exc}") from None
    handlers = {fn: handler for fn, handler in (_load_handler(spec) for spec in args.handler_specs)}
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
    from engine.store import StoreError, default_store_path, open_store

    try:
        store = open_store(str(default_store_path()) if spec == "default" else spec)
    except (StoreError, OSError) as exc:
        raise RunUsageError(f"--store {spec}: {exc}") from None
    recover = getattr(store, "abort_interrupted", None)
    if recover is not None:  # executions a killed run left RUNNING end as ABORTED, with their cause
        recover()
    return store


def _input(args: argparse.Namespace) -> Any:
    """The execution input: strict JSON of at most 256 KiB, as StartExecution takes it."""
    from engine.strict_json import check_payload_size, loads_strict, read_limited

    if args.input_file:
        text, where = read_limited(args.input_file), args.input_file
    elif args.input is not None:
        text, where = args.input, "--input"
        check_payload_size(text, where)
    else:
        return {}
    return loads_strict(text, where)


def _load_handler(spec: str) -> tuple[str, Any]:
    from engine.integrations.handler_files import HandlerLoadError, load_handler

    function, sep, target = spec.partition("=")
    if not sep or not function:
        raise RunUsageError(
            f"--handler {spec!r}: expected FUNCTION=FILE:NAME, e.g. charge=handlers.py:charge"
        )
    try:
        return function, load_handler(target)
    except HandlerLoadError as exc:
        raise RunUsageError(f"--handler {spec!r}: {exc}") from None
