"""`statecanvas serve`: the AWS endpoints (Step Functions, EventBridge, SQS, SNS) on one local port.

Unchanged SDK code and the AWS CLI talk to it with an endpoint URL. It accepts any credentials,
so it listens on loopback only unless --allow-remote is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sqlite3
from pathlib import Path
from typing import Any, TextIO

from engine.cli.project import load_project_arg
from engine.cli.usage import UsageError


def add_serve_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser(
        "serve",
        help="answer the AWS APIs of Step Functions, EventBridge, SQS and SNS on a local port",
        description="Serve the AWS wire protocols of Step Functions, EventBridge, SQS and SNS on one "
        "local port, so SDKs and the AWS CLI run against the bundled engine with --endpoint-url. "
        "Any credentials are accepted: this is for local use only.",
    )
    serve.add_argument(
        "project",
        metavar="PROJECT",
        nargs="?",
        help="a project (file or folder) whose resources exist at start",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8083, help="port to listen on (default 8083; 0: any free)")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (the server checks no credentials)",
    )
    serve.add_argument(
        "--mocks", metavar="FILE", help="a Step Functions Local mock config: start ARN#TestCase to use a case"
    )
    serve.add_argument(
        "--state", metavar="FILE", help="keep machines, executions, histories and queues in this SQLite file"
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="N",
        help="run waits N times as fast (Wait states, retries, timeouts); default 1 (real time)",
    )
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.serve import MAX_TIME_SCALE, MIN_TIME_SCALE, NonLoopbackRefused, check_host

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number (0 to 65535)")
    if not MIN_TIME_SCALE <= args.time_scale <= MAX_TIME_SCALE:
        raise UsageError(
            f"--time-scale {args.time_scale:g}: must be between {MIN_TIME_SCALE:g} and {MAX_TIME_SCALE:g}"
        )
    try:
        check_host(args.host, allow_remote=args.allow_remote)
    except NonLoopbackRefused as exc:
        raise UsageError(str(exc)) from None
    loaded = None
    if args.project is not None:
        loaded = load_project_arg(args.project)
    if args.mocks is not None:
        _check_mocks(args.mocks)
    if args.state is None:
        return asyncio.run(_serve(loaded, args, out))
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.file_lock import FileBusyError, exclusive_use
    from engine.store import StoreError

    if Path(args.state).is_dir():
        raise UsageError(f"--state {args.state}: is a folder; give the path of a state file")
    try:
        with exclusive_use(args.state, wait_seconds=0.0):
            return asyncio.run(_serve(loaded, args, out))
    except FileBusyError:
        raise UsageError(f"--state {args.state}: in use by another StateCanvas command") from None
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"--state {args.state}: not a StateCanvas state file ({exc})") from None
    except StoreError as exc:  # an SQLite file, or none at all, that is not an execution store
        raise UsageError(f"--state {args.state}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"--state {args.state}: {exc.strerror or exc}") from None


def _check_mocks(path: str) -> None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--mocks {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"--mocks {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("StateMachines", {}), dict):
        raise UsageError(f"--mocks {path}: not a mock config (an object with StateMachines)")


async def _serve(loaded: Any, args: argparse.Namespace, out: TextIO) -> int:
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.serve import ServeApp, build_context

    context = build_context(loaded, state_file=args.state, mocks_file=args.mocks, time_scale=args.time_scale)
    app = ServeApp(context)
    try:
        port = await app.start(args.host, args.port)
    except OSError as exc:
        await app.stop()
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    print(f"statecanvas: serving AWS APIs on {context.base_url} (local use only; any credentials)", file=out)
    for name, arn in sorted(context.runtime.machine_arns.items()):
        print(f"  state machine {name}: {arn}", file=out)
    print("  stop with Ctrl+C", file=out)
    out.flush()
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        await app.stop()
    del port
    print("statecanvas: stopped", file=out)
    return 0
