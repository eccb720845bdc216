"""`statecanvas export`: ASL, EventBridge rules, CloudFormation, SAM and Mermaid from a file.

FILE may be an ASL definition, a project, or a SAM/CloudFormation template. Pictures (svg,
png) need the designer's scene; designer/cli.py adds them to this command.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, TextIO

from engine.asl import DefinitionLoadError, parse_text, read_text_file
from engine.cli.project import project_file
from engine.cli.usage import UsageError
from engine.project import ProjectError, load_project, looks_like_project

TEXT_FORMATS = ("asl", "asl-yaml", "rules", "cloudformation", "sam", "mermaid")
PICTURE_FORMATS = ("svg", "png")


def add_export_command(sub: argparse._SubParsersAction, *, pictures: Any = None) -> None:  # type: ignore[type-arg]
    formats = TEXT_FORMATS + (PICTURE_FORMATS if pictures is not None else ())
    cmd = sub.add_parser(
        "export",
        help="export ASL, rules, CloudFormation, SAM, Mermaid" + (", SVG or PNG" if pictures else ""),
        description="Export FILE (an ASL file, a project, or a SAM/CloudFormation template).",
    )
    cmd.add_argument("file", metavar="FILE", help="an ASL file, a template, or a project (file or folder)")
    cmd.add_argument("--format", required=True, choices=formats)
    cmd.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write here; default stdout. For sam, a folder gets a SAM application "
        "(template.yaml, statemachine/*.asl.json, functions/), a file one template",
    )
    cmd.add_argument(
        "--state-machine", metavar="NAME", help="which state machine (asl, asl-yaml, mermaid, pictures)"
    )
    cmd.add_argument("--theme", choices=("light", "dark"), default="light", help="for svg and png")
    cmd.set_defaults(handler=lambda args, out, err: cmd_export(args, out, err, pictures))


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO, pictures: Any) -> int:

    path = project_file(args.file)  # a project's folder stands for its project file
    if args.format in PICTURE_FORMATS:
        if not args.output:
            raise UsageError(f"--format {args.format} needs -o OUT")
        args.file = str(path)
        return pictures(args, out, err)
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.export import OutputPathError, write_output_text

    source = _open(path, err)
    if source is None:
        return 1
    try:
        text = _render(args, *source)
        if args.output and not _writes_folder(args):
            write_output_text(args.output, text)
    except OutputPathError as exc:
        raise UsageError(f"-o {exc}") from None
    if args.output:
        print(f"wrote {args.output}", file=out)
    else:
        out.write(text if text.endswith("\n") else text + "\n")
    return 0


def _open(path: Path, err: TextIO) -> tuple[Any, dict[str, Any], Any] | None:
    """(loaded project, definitions, substitutions) from a project, an ASL file or a template."""
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.export import import_file

    try:
        value = parse_text(read_text_file(path), source=str(path)).value
    except DefinitionLoadError:
        value = None
    if looks_like_project(value):
        try:
            loaded = load_project(path)
        except ProjectError as exc:
            print(str(exc), file=err)
            return None
        return loaded, loaded.definitions, None
    result = import_file(path)
    if result.errors:
        for problem in result.errors:
            print(f"{problem.file}: {problem.location or '/'}: {problem.message}", file=err)
        return None
    return result.loaded(), result.definitions, getattr(result, "substitutions", None)


def _render(args: argparse.Namespace, loaded: Any, definitions: dict[str, Any], substitutions: Any) -> str:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.export import (
        asl_json,
        asl_yaml,
        cloudformation_template,
        eventbridge_requests,
        mermaid_event_routes,
        mermaid_state_machine,
        sam_template,
    )

    routes_chart = args.format == "mermaid" and not args.state_machine and bool(loaded.project.rules)
    if args.format in ("asl", "asl-yaml", "mermaid") and not routes_chart:
        name = _machine(args, definitions)
        definition = definitions[name]
        if args.format == "asl":
            return asl_json(definition)
        if args.format == "asl-yaml":
            return asl_yaml(definition)
        return mermaid_state_machine(definition)
    if args.format == "mermaid":
        return mermaid_event_routes(loaded)
    if args.format == "rules":
        return json.dumps(eventbridge_requests(loaded), indent=2) + "\n"
    if args.format == "cloudformation":
        return cloudformation_template(loaded, substitutions=substitutions).text("yaml")
    if _writes_folder(args):
        # Imported when the command runs: each command loads only what it needs (start-up time).
        from engine.export import sam_project

        project = sam_project(loaded, substitutions=substitutions)
        project.write(Path(args.output))
        return f"SAM application written to {args.output}\n"
    # One template: every definition inline, so the file deploys on its own.
    return sam_template(loaded, substitutions=substitutions, definition_uri=False).text("yaml")


def _writes_folder(args: argparse.Namespace) -> bool:
    """`sam` to a folder writes a SAM application (template.yaml, statemachine/, functions/).

    A folder is an OUT that exists as one, ends with a slash, or has no suffix; any other OUT
    is one template file with the definitions inline.
    """
    if args.format != "sam" or not args.output:
        return False
    out = str(args.output)
    return out.endswith(("/", os.sep)) or Path(out).is_dir() or Path(out).suffix == ""


def _machine(args: argparse.Namespace, definitions: dict[str, Any]) -> str:
    if args.state_machine:
        if args.state_machine not in definitions:
            raise UsageError(
                f"no state machine named {args.state_machine!r}; there are: "
                f"{', '.join(sorted(definitions)) or 'none'}"
            )
        return args.state_machine
    if not definitions:
        raise UsageError("this file holds no state machine to export")
    if len(definitions) != 1:
        raise UsageError(
            f"this file holds {len(definitions)} state machines; choose one with "
            f"--state-machine ({', '.join(sorted(definitions))})"
        )
    return next(iter(definitions))
