"""The recorded corpora beside the repository, as pytest parameters: one test per case.

Each case's id is its file name without `.json` (a real-world file keeps its whole name), so
a failure names its case and `-k test_uuid` runs that case alone. Files are read once per
run however many test modules ask. When a corpus is absent its tests collect as a single
skipped parameter that says where the corpus was looked for; nothing else depends on it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"
REALWORLD = SHARED / "realworld"
EVENT_PATTERNS = CONFORMANCE / "event-patterns"
SNS_FILTER_POLICIES = CONFORMANCE / "sns-filter-policies"


@functools.cache
def _folder_cases(folder: Path) -> tuple[dict[str, Any], ...]:
    cases = []
    for path in sorted(folder.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        case["_file"] = path.name
        cases.append(case)
    return tuple(cases)


def folder_cases(folder: Path) -> list[dict[str, Any]]:
    """Every `*.json` case in a corpus folder, sorted by file name, with its `_file` name."""
    return list(_folder_cases(folder))


def asl_cases() -> list[dict[str, Any]]:
    return folder_cases(CONFORMANCE / "asl")


@functools.cache
def _realworld_rows() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((REALWORLD / "index.json").read_text(encoding="utf-8")))


def realworld_rows() -> list[dict[str, Any]]:
    """The real-world corpus's index: one row per file, with what is known about it."""
    return list(_realworld_rows())


def case_id(case: dict[str, Any]) -> str:
    return case["_file"].removesuffix(".json")


def params(
    present: bool,
    where: Path,
    cases: Callable[[], Iterable[Any]],
    ident: Callable[[Any], str] = case_id,
) -> list[Any]:
    """`pytest.param`s for the cases, or one skipped parameter when the corpus is not there."""
    if not present:
        reason = f"the corpus is not at {where}; tests over it skipped"
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(case, id=ident(case)) for case in cases()]


def asl_params(select: Callable[[dict[str, Any]], bool]) -> list[Any]:
    """The conformance `asl/` cases that `select` keeps, one parameter each."""
    folder = CONFORMANCE / "asl"
    return params(folder.is_dir(), folder, lambda: [c for c in asl_cases() if select(c)])


def realworld_params(select: Callable[[dict[str, Any]], bool]) -> list[Any]:
    """The real-world index rows that `select` keeps, one parameter each named by its file."""
    return params(
        (REALWORLD / "index.json").is_file(),
        REALWORLD,
        lambda: [r for r in realworld_rows() if select(r)],
        lambda row: row["file"],
    )
