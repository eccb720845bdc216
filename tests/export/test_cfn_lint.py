"""Exported CloudFormation and SAM templates lint clean with cfn-lint, AWS's own template linter.

Every example project and every template of the real-world corpus that StateCanvas imports
whole is exported both ways; the export may keep a finding the author's template already had
(same rule), never add one. cfn-lint is slow to load and to run, so the cases are linted up
front by `cfn_lint_corpus.py` in two processes (one per core), each loading the rules once,
and each case then reports its own result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("cfnlint", reason="cfn-lint is a test dependency (pip install -e .[test])")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REALWORLD = ROOT.parent / "shared" / "realworld"
EXAMPLES = ROOT / "resources" / "examples"
WORKERS = 2


def _cases() -> list[str]:
    cases = [
        f"example:{p.name}"
        for p in sorted(EXAMPLES.iterdir())
        if (p.is_dir() and any(p.glob("*.statecanvas.json"))) or p.name.endswith(".asl.json")
    ]
    if (REALWORLD / "index.json").is_file():
        rows = json.loads((REALWORLD / "index.json").read_text(encoding="utf-8"))
        cases += [
            f"realworld:{row['file']}"
            for row in rows
            if row["kind"] == "template" and row["parse"] != "FAILED"
        ]
    else:
        cases.append("realworld:absent")
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def linted() -> dict[str, dict[str, Any]]:
    """Every case's result, linted in `WORKERS` processes at once."""
    cases = [c for c in CASES if c != "realworld:absent"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(HERE / "cfn_lint_corpus.py"), *cases[i::WORKERS]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(WORKERS)
    ]
    results: dict[str, dict[str, Any]] = {}
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-3000:]
        for line in out.splitlines():
            row = json.loads(line)
            results[row["case"]] = row
    return results


@pytest.mark.parametrize("case", CASES)
def test_export_adds_no_cfn_lint_finding(case: str, linted: dict[str, dict[str, Any]]) -> None:
    if case == "realworld:absent":
        pytest.skip(f"the real-world corpus is not at {REALWORLD}; only the examples were linted")
    result = linted[case]
    if "skip" in result:
        pytest.skip(result["skip"])
    added = {label: found for label, found in result["added"].items() if found}
    assert not added, json.dumps(added, indent=2)
