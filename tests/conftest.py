"""Shared fixtures: the conformance corpus recorded against AWS, and a place to report figures.

The corpus lives beside the repository (`../shared/conformance`). When it is absent the tests
that need it skip with a message saying so; nothing else depends on it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"
REALWORLD = SHARED / "realworld"

_FIGURES = pytest.StashKey[list[str]]()

if CONFORMANCE.is_dir() and str(CONFORMANCE) not in sys.path:
    sys.path.insert(0, str(CONFORMANCE))  # for compare.py


def load_asl_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted((CONFORMANCE / "asl").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        case["_file"] = path.name
        cases.append(case)
    return cases


@pytest.fixture(scope="session")
def asl_cases() -> list[dict[str, Any]]:
    if not (CONFORMANCE / "asl").is_dir():
        pytest.skip(f"the conformance corpus is not at {CONFORMANCE / 'asl'}; corpus tests skipped")
    return load_asl_cases()


@pytest.fixture(scope="session")
def realworld_dir() -> Path:
    if not REALWORLD.is_dir():
        pytest.skip(f"the real-world corpus is not at {REALWORLD}; tests over it skipped")
    return REALWORLD


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Record a line for the end-of-run summary (corpus figures CI should show)."""
    lines = request.config.stash.setdefault(_FIGURES, [])
    yield lines.append


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(_FIGURES, [])
    if lines:
        terminalreporter.section("StateCanvas conformance figures")
        for line in lines:
            terminalreporter.write_line(line)
