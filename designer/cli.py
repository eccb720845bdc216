"""The `statecanvas` entry point: the engine's headless commands plus those that need Qt.

Qt is imported only by the commands that draw, so `statecanvas validate` starts fast and works
on machines without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from engine.cli import EXIT_USAGE, add_engine_commands, project_file, run_parsed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="statecanvas",
        description="Design, validate and run AWS Step Functions state machines and event routes offline.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_engine_commands(sub, pictures=export_picture)
    design = sub.add_parser("design", help="open the designer (the default command)")
    design.add_argument("file", nargs="?", metavar="FILE", help="a definition or project to open")
    design.set_defaults(handler=cmd_design)
    return parser


def export_picture(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """svg/png for `statecanvas export`: drawn offscreen by the designer's own scene."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here: headless commands never load Qt, and the platform is chosen before it loads.
    from designer.canvas.export import render_file
    from designer.document import DocumentLoadError

    try:
        written = render_file(
            args.file, args.format, args.output, state_machine=args.state_machine, theme=args.theme
        )
    except DocumentLoadError as exc:
        print(f"statecanvas: {exc}", file=err)
        return 1
    except ValueError as exc:
        print(f"statecanvas: {exc}", file=err)
        return EXIT_USAGE
    print(f"wrote {written}", file=out)
    return 0


def cmd_design(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Open the designer on FILE (a project's folder stands for its project file), or on the
    bundled example when no file is given."""
    # Imported here: only design loads Qt; the headless commands stay free of it.
    from designer.app import display_problem, run

    if args.file is not None and Path(args.file).is_dir():
        args.file = str(project_file(args.file))
    problem = display_problem()
    if problem is not None:
        print(
            f"statecanvas: {problem}; without a display use 'statecanvas validate FILE' "
            "or 'statecanvas export FILE --format png -o OUT'",
            file=err,
        )
        return EXIT_USAGE
    path = args.file
    if path is None:
        # Imported here for start-up time: the bundled example is looked up only without a FILE.
        from engine.bundled import example_project

        example = example_project()
        path = str(example) if example.exists() else None
    return run(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["design"]
    return run_parsed(build_parser(), args, sys.stdout, sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
