"""How long opening a large workflow in the designer takes: import, layout, first paint.

Generates workflows of 500, 1,000, 2,000 and 5,000 states (Tasks with Retry and Catch, Choices
fanning out and joining, Waits, retry loops, Parallels; see designer_graphs.py), writes each to a
temporary .asl.json (compact JSON, so that 5,000 states stay within the 1,048,576 characters a
definition may hold) and times, each run in a fresh document and scene:

- import: `ProjectDocument.from_file` (read, parse, validate);
- layout: `DesignerScene` (items, layered layout, routed edges);
- first paint: a 1400x900 `CanvasView` fitted as the window opens it, grabbed offscreen.

Each size runs in its own process; the table gives the best of the runs per phase, the median
total, and each figure's ratio to the previous size's, so that growth faster than the graph
shows. Target: under 1 s in all at 2,000 states. Run from the repository root:
  QT_QPA_PLATFORM=offscreen python benchmarks/designer_open.py [--sizes 500,1000] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from designer_graphs import count_states, print_table, workflow

TARGET_MS = 1000.0
TARGET_SIZE = 2000
PHASES = ("import", "layout", "first paint", "total")


def measure(states: int, repeat: int) -> dict[str, object]:
    """Open a generated workflow of `states` states `repeat` times; each phase's timings in ms."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])

    from designer.canvas.editor import CanvasEditor
    from designer.canvas.scene import DesignerScene
    from designer.canvas.view import CanvasView
    from designer.document.project_document import ProjectDocument

    definition = workflow(states)
    phases: dict[str, list[float]] = {name: [] for name in PHASES}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.asl.json"
        path.write_text(json.dumps(definition, separators=(",", ":")), encoding="utf-8")
        for _ in range(repeat):
            t0 = time.perf_counter()
            document = ProjectDocument.from_file(path)
            t1 = time.perf_counter()
            scene = DesignerScene(document)
            t2 = time.perf_counter()
            view = CanvasView(scene, CanvasEditor(document, scene))
            view.resize(1400, 900)
            view.fit(readable=True)
            image = view.viewport().grab()
            t3 = time.perf_counter()
            assert not image.isNull()
            for name, value in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                phases[name].append(value * 1000)
            view.deleteLater()
            scene.detach()
            scene.clear()
            app.processEvents()
    return {
        "size": states,
        "states": count_states(definition),
        "top": len(definition["States"]),
        "phases": phases,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000", help="comma-separated state counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size, as JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        child = [sys.executable, __file__, "--one", str(size), "--repeat", str(args.repeat)]
        done = subprocess.run(child, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            return done.returncode
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows: list[tuple[str, list[float]]] = [
        (f"{name} (best)", [min(r["phases"][name]) for r in results]) for name in PHASES
    ]
    rows.append(("total (median)", [statistics.median(r["phases"]["total"]) for r in results]))
    print(f"designer open: best of {args.repeat} runs per size, in ms (x: ratio to the previous size)")
    print_table([r["states"] for r in results], [r["top"] for r in results], rows)
    for r in results:
        if r["size"] == TARGET_SIZE:
            total = min(r["phases"]["total"])
            verdict = "meets" if total < TARGET_MS else "misses"
            print(f"  {verdict} the target of {TARGET_MS:.0f} ms at {TARGET_SIZE:,} states ({total:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
