"""The engine never imports Qt: importing every engine module pulls in no PySide6, shiboken6 or qasync.

Checked in a fresh interpreter, because the test session itself may already have Qt loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_PREFIXES = ("PySide6", "shiboken6", "qasync")

SCRIPT = """
import importlib, json, pkgutil, sys

QT = {qt!r}

def qt_modules():
    return sorted(m for m in sys.modules if m.startswith(QT))

import engine

report = {{"imported": [], "failed": {{}}, "culprits": {{}}}}
for info in pkgutil.walk_packages(engine.__path__, prefix="engine."):
    name = info.name
    if name == "engine.__main__" or name.startswith("engine.__main__."):
        continue
    before = set(qt_modules())
    try:
        importlib.import_module(name)
    except Exception as exc:
        report["failed"][name] = f"{{type(exc).__name__}}: {{exc}}"
        continue
    report["imported"].append(name)
    new = sorted(set(qt_modules()) - before)
    if new:
        report["culprits"][name] = new
report["qt"] = qt_modules()
print(json.dumps(report))
"""


def test_engine_imports_no_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(qt=QT_PREFIXES)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])

    assert not report["failed"], f"engine modules that failed to import: {report['failed']}"
    assert "engine.cli" in report["imported"]
    assert "engine.asl.validation" in report["imported"]
    assert len(report["imported"]) > 10, report["imported"]

    culprits = "; ".join(f"importing {mod} loaded {', '.join(qt)}" for mod, qt in report["culprits"].items())
    assert not report["qt"], (
        f"the engine must never import Qt, but these Qt modules were loaded: {', '.join(report['qt'])}"
        + (f" ({culprits})" if culprits else "")
    )
