"""The `statecanvas` entry point: the engine's headless commands plus those that need Qt.

Qt is imported only by the commands that draw, so `statecanvas validate` starts fast and works
on machines without a display.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from engine.cli import EXIT_USAGE, add_engine_commands, run_parsed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="statecanvas",
        description="Design, validate and run AWS Step Functions state machines and event routes offline.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_engine_commands(sub)
    design = sub.add_parser("design", help="open the designer (the default command)")
    design.add_argument("file", nargs="?", metavar="FILE", help="a definition or project to open")
    design.set_defaults(handler=cmd_design)
    return parser


def cmd_design(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    print(
        "statecanvas: the designer window is not in this build yet; "
        "use 'statecanvas validate FILE' to check a definition",
        file=err,
    )
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["design"]
    return run_parsed(build_parser(), args, sys.stdout, sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
