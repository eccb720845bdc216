"""Shared fixtures: the conformance corpus recorded against AWS, and a place to report figures.

The corpus lives beside the repository (`../shared/conformance`). When it is absent the tests
that need it skip with a message saying so; nothing else depends on it. This folder goes on
sys.path so tests share `corpus_cases` (the corpora as one parameter per case) and `figures`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_cases import CONFORMANCE, REALWORLD
from corpus_cases import asl_cases as load_asl_cases
from figures import Figures

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_FIGURES = pytest.StashKey[Figures]()

if CONFORMANCE.is_dir() and str(CONFORMANCE) not in sys.path:
    sys.path.insert(0, str(CONFORMANCE))  # for compare.py


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


@pytest.fixture(scope="session")
def figures(pytestconfig: pytest.Config) -> Figures:
    """The end-of-run figures: corpus tests record each case's outcome in their group here."""
    return pytestconfig.stash.setdefault(_FIGURES, Figures())


@pytest.fixture
def report_figure(figures: Figures) -> Callable[[str], None]:
    """Record a line for the end-of-run summary (corpus figures CI should show)."""
    return figures.line


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    found = config.stash.get(_FIGURES, None)
    lines = list(found.lines()) if found is not None else []
    if lines:
        terminalreporter.section("StateCanvas conformance figures")
        for line in lines:
            terminalreporter.write_line(line)
