"""`statecanvas test-state`: run one state as the TestState API does and print its response."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from engine.cli.definitions import read_definition_and_handlers
from engine.cli.handlers import add_handler_option, load_handlers
from engine.runtime import TestStateError, test_state
from engine.strict_json import check_payload_size, loads_strict

DEFAULT_ROLE = "arn:aws:iam::123456789012:role/StateCanvasTestState"


def add_test_state_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser(
        "test-state",
        help="run one state as the TestState API does",
        description="Print the TestState response (status, output, error, cause, nextState, inspectionData) "
        "as JSON. Exit 0 when the API answered, 1 when it refused the request, 2 for bad usage.",
    )
    cmd.add_argument(
        "file", metavar="FILE", help="a state machine, a single state (JSON or YAML), or a project"
    )
    cmd.add_argument("--state-machine", metavar="NAME", help="for a project, which state machine")
    cmd.add_argument(
        "--state", metavar="NAME", help="the state to test (a whole machine's StartAt by default)"
    )
    cmd.add_argument("--input", metavar="JSON", default="{}", help="the state's input as JSON text")
    cmd.add_argument("--inspection-level", choices=("INFO", "DEBUG", "TRACE"), default="INFO")
    cmd.add_argument("--variables", metavar="JSON", help="variables in scope, as a JSON object")
    cmd.add_argument("--mock-result", metavar="JSON", help="mock the task's result (JSON text)")
    cmd.add_argument("--mock-error", metavar="ERROR[:CAUSE]", help="mock the task's failure")
    cmd.add_argument("--context", metavar="JSON", help="a context object ($$) as JSON text")
    add_handler_option(cmd)
    cmd.set_defaults(handler=cmd_test_state)


def cmd_test_state(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    definition, _, handlers = read_definition_and_handlers(args.file, args.state_machine)
    request: dict[str, Any] = {"inspection_level": args.inspection_level, "role_arn": DEFAULT_ROLE}
    if args.state:
        request["state_name"] = args.state
    if args.variables:
        request["variables"] = args.variables
    if args.context:
        request["context"] = args.context
    if args.mock_result is not None:
        request["mock"] = {"result": args.mock_result}
    elif args.mock_error:
        error, _, cause = args.mock_error.partition(":")
        request["mock"] = {"errorOutput": {"error": error, "cause": cause}}
    handlers |= load_handlers(args.handler_specs)
    check_payload_size(args.input, "--input")
    data = loads_strict(args.input, "--input")
    try:
        response = test_state(definition, data, handlers=handlers, **request)
    except TestStateError as exc:
        print(json.dumps({"error": exc.code, "message": exc.message}, ensure_ascii=False), file=out)
        return 1
    print(json.dumps(response, indent=2, ensure_ascii=False), file=out)
    return 0
