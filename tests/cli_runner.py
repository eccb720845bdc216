"""`statecanvas ARGS` run in this process, for tests that check only its output and exit code.

A fresh interpreter spends about a third of a second importing the engine before a command
starts. Tests that look only at what a command printed and the code it returned call
`engine.cli.main.main` here instead, with the same arguments and standard input and with
both output streams captured, and get the same `CompletedProcess` a subprocess would give.
What only a real process shows (the `python -m engine` entry point, a pipe closed early,
signals, encodings of the real streams) stays tested in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from engine.cli.main import main

REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def _standard_input(data: bytes) -> Iterator[None]:
    previous = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = previous


def run_cli(args: Sequence[str], *, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process: its exit code, standard output and standard error.

    argparse writes its usage and help to `sys.stdout`/`sys.stderr` itself, so those are
    captured into the same buffers as the command's own streams.
    """
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    out, err = io.StringIO(), io.StringIO()
    with _standard_input(data), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args), out=out, err=err)
        except SystemExit as exc:  # what the process would have exited with
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess(["statecanvas", *args], code, out.getvalue(), err.getvalue())


def run_process(args: Sequence[str], *, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m engine ARGS` in a fresh interpreter, for what only the real process shows."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
