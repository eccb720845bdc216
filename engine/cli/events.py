"""`statecanvas put-events` and `statecanvas test-pattern`: the choreography half, headless."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any, TextIO

from engine.bus import (
    InvalidEventError,
    InvalidEventPatternError,
    ValidationException,
    explain,
    test_event_pattern,
)
from engine.bus.put_events import MAX_REQUEST_BYTES
from engine.cli.project import load_project_arg
from engine.cli.usage import UsageError
from engine.strict_json import check_payload_size, loads_strict, read_limited


def add_event_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    put = sub.add_parser(
        "put-events",
        help="put events on a project's buses and run what they trigger",
        description="Put events on the project's buses, run every rule, queue, topic, consumer and "
        "execution they trigger until nothing more can happen, and print the trace.",
    )
    put.add_argument("project", metavar="PROJECT", help="a .statecanvas.json project file or its folder")
    source = put.add_mutually_exclusive_group(required=True)
    source.add_argument("--entries", metavar="JSON", help="PutEvents entries: a JSON array (or one object)")
    source.add_argument("--entries-file", metavar="PATH", help="read the entries from a JSON file")
    put.add_argument(
        "--start",
        metavar="STATE_MACHINE",
        action="append",
        default=[],
        help="also start this state machine with its default input first (repeatable)",
    )
    put.add_argument("--json", action="store_true", help="print the trace and the queues' depths as JSON")
    put.add_argument("--state", metavar="FILE", help="keep queue messages in this SQLite file between runs")
    put.set_defaults(handler=cmd_put_events)

    pattern = sub.add_parser(
        "test-pattern",
        help="test an EventBridge event pattern against an event",
        description='As `aws events test-event-pattern`: prints {"Result": true|false}; a bad pattern '
        "prints AWS's reason to standard error and exits 2.",
    )
    pattern.add_argument("--event-pattern", required=True, metavar="JSON")
    pattern.add_argument("--event", required=True, metavar="JSON")
    pattern.add_argument("--explain", action="store_true", help="also say which pattern fields did not match")
    pattern.set_defaults(handler=cmd_test_pattern)


def cmd_test_pattern(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        result = test_event_pattern(args.event_pattern, args.event)
    except InvalidEventPatternError as exc:
        print(str(exc), file=err)
        return 2
    except InvalidEventError as exc:
        print(str(exc), file=err)
        return 2
    response: dict[str, Any] = {"Result": result}
    if args.explain and not result:
        response["Reasons"] = explain(args.event_pattern, args.event)
    print(json.dumps(response), file=out)
    return 0


def cmd_put_events(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:

    loaded = load_project_arg(args.project)
    entries = _entries(args)
    for name in args.start:
        if name not in loaded.definitions:
            raise UsageError(f"--start {name}: no state machine named {name!r} in {args.project}")
    if args.state is None:
        return asyncio.run(_put_events(loaded, entries, args, out))
    return _put_events_holding_state(loaded, entries, args, out, err)


def _put_events_holding_state(
    loaded: Any, entries: list[dict[str, Any]], args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    """With --state, this command alone receives the file's messages until it has written them back."""
    # Imported when the command runs: each command loads only what it needs (start-up time).
    import sqlite3
    from pathlib import Path

    from engine.file_lock import FileBusyError, exclusive_use

    if Path(args.state).is_dir():
        raise UsageError(f"--state {args.state}: is a folder; give the path of a state file")
    try:
        with exclusive_use(args.state, on_wait=lambda message: print(f"statecanvas: {message}", file=err)):
            return asyncio.run(_put_events(loaded, entries, args, out))
    except FileBusyError as exc:
        raise UsageError(f"--state {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"--state {args.state}: not a StateCanvas state file ({exc})") from None
    except OSError as exc:
        raise UsageError(f"--state {args.state}: {exc.strerror or exc}") from None


def _entries(args: argparse.Namespace) -> list[dict[str, Any]]:
    what = "a PutEvents request"
    # The text read is bounded with room for JSON's quoting and keys; the bus then applies AWS's own
    # size rule to the entries (1 MB as AWS counts them), so what AWS accepts is accepted here too.
    limit, bound = 2 * MAX_REQUEST_BYTES, "1 MB"
    if args.entries_file:
        text, where = read_limited(args.entries_file, what=what, limit=limit, bound=bound), args.entries_file
    else:
        text, where = args.entries, "--entries"
        check_payload_size(text, where, what, limit=limit, bound=bound)
    value = loads_strict(text, where)
    entries = value if isinstance(value, list) else [value]
    if not all(isinstance(e, dict) for e in entries):
        raise UsageError(f"{where}: PutEvents entries are JSON objects")
    return entries


async def _put_events(
    loaded: Any, entries: list[dict[str, Any]], args: argparse.Namespace, out: TextIO
) -> int:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.project import ProjectRuntime

    runtime = ProjectRuntime(loaded, queue_state=args.state)
    try:
        for name in args.start:
            runtime.start_execution(
                name, loaded.project.state_machines[name].default_input or {}, cause="--start"
            )
        await runtime.settle()
        try:
            response = runtime.put_events(entries)
        except ValidationException as exc:
            raise UsageError(f"PutEvents refused: {exc}") from None
        await runtime.settle()
        depths = {name: vars(runtime.sqs.depth(name)) for name in sorted(loaded.project.queues)}
        if args.json:
            print(
                json.dumps(
                    {
                        "putEvents": response,
                        "trace": runtime.trace.to_json(),
                        "queues": depths,
                        "executions": runtime.trace.executions,
                    },
                    indent=2,
                    default=str,
                ),
                file=out,
            )
        else:
            for line in runtime.trace.lines():
                print(line, file=out)
            print("\nqueues (visible / in flight / delayed):", file=out)
            for name, depth in depths.items():
                print(f"  {name}: {depth['visible']} / {depth['in_flight']} / {depth['delayed']}", file=out)
        return 0 if not response.get("FailedEntryCount") else 1
    finally:
        await runtime.close()
