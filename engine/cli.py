"""The headless commands of `statecanvas` (the entry point itself lives in designer/cli.py).

Exit codes are part of the contract: 0 success, 1 the input was understood and refused
(an invalid definition, a failed run), 2 bad usage or input that could not be read.
No traceback ever reaches the user: unexpected failures print one line and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from engine.asl.diagnostics import Diagnostic, invalid_definition_message
from engine.asl.loader import DefinitionLoadError, parse_text, read_text_file
from engine.asl.validation import load_error_diagnostic, validate

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or unreadable input: exit 2 with the message."""


def build_parser(prog: str = "statecanvas") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Design, validate and run AWS Step Functions state machines and event routes offline.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_engine_commands(sub)
    return parser


def add_engine_commands(sub: argparse._SubParsersAction, *, pictures: Any = None) -> None:  # type: ignore[type-arg]
    """The headless commands; `pictures` draws svg/png for `export` when Qt is available."""
    validate_cmd = sub.add_parser(
        "validate",
        help="check a state machine definition as AWS would",
        description="Check an ASL definition (JSON or YAML) with AWS's diagnostics. "
        "Exit 0 when valid, 1 when not, 2 when the file cannot be read.",
    )
    validate_cmd.add_argument(
        "file",
        metavar="FILE",
        help="an .asl.json or .asl.yaml file ('-' for stdin), or a project (file or folder)",
    )
    validate_cmd.add_argument(
        "--json", action="store_true", help="print ValidateStateMachineDefinition's response shape as JSON"
    )
    validate_cmd.add_argument(
        "--type",
        choices=("STANDARD", "EXPRESS"),
        default="STANDARD",
        help="the state machine type to validate for (default STANDARD)",
    )
    validate_cmd.set_defaults(handler=cmd_validate)
    from engine.cli_run import add_run_command

    add_run_command(sub, read_definition_text)
    from engine.cli_debug import add_debug_command
    from engine.cli_test_state import add_test_state_command

    add_debug_command(sub, read_definition_text)
    add_test_state_command(sub, read_definition_text)
    from engine.cli_events import add_event_commands
    from engine.cli_export import add_export_command

    add_event_commands(sub)
    add_export_command(sub, pictures=pictures)
    from engine.cli_deploy import add_deploy_commands

    add_deploy_commands(sub)
    from engine.cli_serve import add_serve_command

    add_serve_command(sub)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A lone surrogate (valid in a JSON string) prints as its JSON escape instead of failing.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    return run_parsed(parser, argv, out, err)


def run_parsed(parser: argparse.ArgumentParser, argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(out)
        return EXIT_USAGE
    try:
        code = handler(args, out, err)
        out.flush()
        return code
    except BrokenPipeError:
        return _output_closed(out, err)
    except UsageError as exc:
        print(f"statecanvas: {exc}", file=err)
        return EXIT_USAGE
    except _usage_errors() as exc:
        print(f"statecanvas: {exc}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("statecanvas: interrupted", file=err)
        return 130
    except Exception as exc:  # the last line of defence: one clear line, never a traceback
        print(f"statecanvas: internal error: {type(exc).__name__}: {exc}", file=err)
        return EXIT_USAGE


def _output_closed(out: TextIO, err: TextIO) -> int:
    """The reader of our output went away (`| head -1`): say so once, and keep Python quiet at exit.

    Python flushes standard output once more when it exits; pointing it at the null device keeps
    that last flush from printing its own BrokenPipeError.
    """
    if out is sys.stdout:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    with contextlib.suppress(OSError, ValueError):
        print("statecanvas: the output was closed before everything was written (broken pipe)", file=err)
    return EXIT_USAGE


def _usage_errors() -> tuple[type[Exception], ...]:
    from engine.cli_run import RunUsageError
    from engine.strict_json import JsonInputError

    return (RunUsageError, JsonInputError)


def read_definition_text(file: str) -> tuple[str, str]:
    """(text, display name) of a definition file, or UsageError when it cannot be read."""
    if file == "-":
        from engine.asl.loader import MAX_DEFINITION_LENGTH
        from engine.strict_json import read_limited

        limit = 4 * MAX_DEFINITION_LENGTH  # UTF-8 takes at most four bytes a character
        bound = f"{MAX_DEFINITION_LENGTH:,} characters"
        return read_limited("-", limit=limit, what="a state machine definition", bound=bound), "<stdin>"
    try:
        return read_text_file(Path(file)), file
    except DefinitionLoadError as exc:
        if exc.code in ("IO", "INVALID_JSON_DESCRIPTION"):
            raise UsageError(exc.located()) from None
        raise


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from engine.cli_project import names_project

    if names_project(args.file):
        return _validate_project(args, out)
    try:
        text, name = read_definition_text(args.file)
        prefer = "yaml" if name.lower().endswith((".yaml", ".yml")) else "json"
        diagnostics = _validate_text(text, name, prefer, args.type)
        checks = _service_warnings(text, name, prefer)
    except DefinitionLoadError as exc:  # too large: a definition AWS refuses, so exit 1
        name = args.file
        diagnostics, checks = [load_error_diagnostic(exc)], []
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    if args.json:
        response = {
            "file": name,
            "result": "FAIL" if errors else "OK",
            "diagnostics": [d.to_json() for d in diagnostics],
            "truncated": False,
        }
        if errors:
            response["error"] = invalid_definition_message(diagnostics)
        if checks:  # StateCanvas's own warnings, kept out of AWS's answer
            response["statecanvasWarnings"] = [d.to_json() for d in checks]
        print(json.dumps(response, indent=2, ensure_ascii=False), file=out)
    else:
        _print_diagnostics(name, diagnostics + checks, out)
    return EXIT_REFUSED if errors else EXIT_OK


def _validate_project(args: argparse.Namespace, out: TextIO) -> int:
    """Every state machine of a project (its file or folder), each as its own type, and its routes."""
    from engine.cli_validate_project import validate_project

    valid = validate_project(args.file, args.json, out, _print_diagnostics)
    return EXIT_OK if valid else EXIT_REFUSED


def _validate_text(text: str, name: str, prefer: str, machine_type: str) -> list[Diagnostic]:
    if not text.strip():
        return validate(text, machine_type=machine_type)
    try:
        value = parse_text(text, source=name, prefer=prefer).value
    except DefinitionLoadError as exc:
        return [load_error_diagnostic(exc)]
    return validate(value, machine_type=machine_type)


def _service_warnings(text: str, name: str, prefer: str) -> list[Diagnostic]:
    """StateCanvas's design-time checks of service Tasks (warnings, never part of AWS's answer)."""
    from engine.services.parameter_checks import design_warnings

    try:
        return design_warnings(parse_text(text, source=name, prefer=prefer).value) if text.strip() else []
    except Exception:  # unreadable text is reported by validation already; a catalog fault is no finding
        return []


def _print_diagnostics(name: str, diagnostics: list[Diagnostic], out: TextIO) -> None:
    errors = [d for d in diagnostics if d.severity == "ERROR"]
    warnings = len(diagnostics) - len(errors)
    if not errors:
        suffix = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        print(f"{name}: valid{suffix}", file=out)
    else:
        print(f"{name}: invalid ({len(errors)} error{'s' if len(errors) != 1 else ''})", file=out)
    for d in diagnostics:
        where = d.location if d.location is not None else "(definition)"
        message = d.message.replace("\n", " ")
        print(f"  {d.severity} {d.code} {where}: {message}", file=out)
    if errors:
        print(invalid_definition_message(diagnostics), file=out)
