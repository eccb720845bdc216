"""The parser of the headless commands and the one place a command's outcome becomes an exit code.

No traceback ever reaches the user: a usage error prints one line and exits 2 (see `usage`), and
so does an unexpected failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from engine.cli.debug import add_debug_command
from engine.cli.deploy import add_deploy_commands
from engine.cli.events import add_event_commands
from engine.cli.export import add_export_command
from engine.cli.run import add_run_command
from engine.cli.serve import add_serve_command
from engine.cli.test_state import add_test_state_command
from engine.cli.usage import EXIT_OK, EXIT_USAGE, UsageError
from engine.cli.validate import add_validate_command
from engine.strict_json import JsonInputError


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
    add_validate_command(sub)
    add_run_command(sub)
    add_debug_command(sub)
    add_test_state_command(sub)
    add_event_commands(sub)
    add_export_command(sub, pictures=pictures)
    add_deploy_commands(sub)
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
    except (UsageError, JsonInputError) as exc:
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
