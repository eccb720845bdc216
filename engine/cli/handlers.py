"""The `--handler FUNCTION=FILE:NAME` option of run, debug and test-state: local Lambda handlers."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from engine.cli.usage import UsageError
from engine.integrations import HandlerLoadError
from engine.integrations import load_handler as load_handler_file

HANDLER_HELP = "serve a Lambda function with a local Python handler(event, context)"


def add_handler_option(cmd: argparse.ArgumentParser, *, help_text: str | None = HANDLER_HELP) -> None:
    """`--handler`, repeatable, collected in `args.handler_specs`."""
    cmd.add_argument(
        "--handler",
        dest="handler_specs",
        metavar="FUNCTION=FILE:NAME",
        action="append",
        default=[],
        help=help_text,
    )


def load_handler(spec: str) -> tuple[str, Any]:
    """(function name, handler) of one `--handler` value; a bad one is a usage error."""
    function, sep, target = spec.partition("=")
    if not sep or not function:
        raise UsageError(f"--handler {spec!r}: expected FUNCTION=FILE:NAME, e.g. charge=handlers.py:charge")
    try:
        return function, load_handler_file(target)
    except HandlerLoadError as exc:
        raise UsageError(f"--handler {spec!r}: {exc}") from None


def load_handlers(specs: Iterable[str]) -> dict[str, Any]:
    """The handlers of every `--handler` value, by function name (a later one wins)."""
    return dict(load_handler(spec) for spec in specs)
