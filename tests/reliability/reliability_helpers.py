"""Helpers for the reliability tests (conftest puts this folder on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cli_runner import run_cli

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli(*args: str) -> Run:
    """`statecanvas ARGS` in this process (fast): exit code, standard output and error."""
    done = run_cli(args)
    run = Run(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in run.out + run.err
    return run


def cli_process(*args: str, stdin: bytes | None = None, timeout: float = 60) -> Run:
    """`python -m engine ARGS` in a fresh interpreter, as a user runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "engine", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=timeout,
    )
    run = Run(proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))
    assert "Traceback" not in run.out + run.err, run.err
    return run
