"""Reading what the commands run: a definition (a file, standard input or a project's machine) and
an execution input (`--input` / `--input-file`). Whatever cannot be read is a usage error (exit 2)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from engine.asl import MAX_DEFINITION_LENGTH, DefinitionLoadError, parse_text, read_text_file
from engine.cli.project import names_project, project_definition
from engine.cli.usage import UsageError
from engine.strict_json import check_payload_size, loads_strict, read_limited


def read_definition_text(file: str) -> tuple[str, str]:
    """(text, display name) of a definition file ('-' for standard input), or UsageError when it
    cannot be read."""
    if file == "-":
        limit = 4 * MAX_DEFINITION_LENGTH  # UTF-8 takes at most four bytes a character
        bound = f"{MAX_DEFINITION_LENGTH:,} characters"
        return read_limited("-", limit=limit, what="a state machine definition", bound=bound), "<stdin>"
    try:
        return read_text_file(Path(file)), file
    except DefinitionLoadError as exc:
        if exc.code in ("IO", "INVALID_JSON_DESCRIPTION"):
            raise UsageError(exc.located()) from None
        raise


def read_definition(file: str, machine: str | None = None) -> tuple[Any, str]:
    """(definition, display name) of FILE for the commands that run it; unreadable is usage (2)."""
    definition, name, _ = read_definition_and_handlers(file, machine)
    return definition, name


def read_definition_and_handlers(file: str, machine: str | None = None) -> tuple[Any, str, dict[str, Any]]:
    """(definition, display name, handlers) of FILE. FILE may be a project (its file or folder):
    `machine` (--state-machine) chooses which of its state machines (left out when it has only
    one), and its local functions come back as handlers."""
    if names_project(file):
        return project_definition(file, machine)
    text, name = read_definition_text(file)
    try:
        definition = parse_text(
            text, source=name, prefer="yaml" if name.lower().endswith((".yaml", ".yml")) else "json"
        ).value
    except DefinitionLoadError as exc:
        raise UsageError(exc.located()) from None
    return definition, name, {}


def read_input(args: argparse.Namespace) -> Any:
    """The execution input: strict JSON of at most 256 KiB, as StartExecution takes it."""
    if args.input_file:
        text, where = read_limited(args.input_file), args.input_file
    elif args.input is not None:
        text, where = args.input, "--input"
        check_payload_size(text, where)
    else:
        return {}
    return loads_strict(text, where)
