"""`statecanvas validate`: AWS's diagnostics for a definition, or for every machine of a project."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from engine.asl import (
    DefinitionLoadError,
    Diagnostic,
    invalid_definition_message,
    load_error_diagnostic,
    parse_text,
    validate,
)
from engine.cli.definitions import read_definition_text
from engine.cli.project import names_project
from engine.cli.usage import EXIT_OK, EXIT_REFUSED
from engine.cli.validate_project import validate_project


def add_validate_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
        print_diagnostics(name, diagnostics + checks, out)
    return EXIT_REFUSED if errors else EXIT_OK


def _validate_project(args: argparse.Namespace, out: TextIO) -> int:
    """Every state machine of a project (its file or folder), each as its own type, and its routes."""
    valid = validate_project(args.file, args.json, out, print_diagnostics)
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
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.services import design_warnings

    try:
        return design_warnings(parse_text(text, source=name, prefer=prefer).value) if text.strip() else []
    except Exception:  # unreadable text is reported by validation already; a catalog fault is no finding
        return []


def print_diagnostics(name: str, diagnostics: list[Diagnostic], out: TextIO) -> None:
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
