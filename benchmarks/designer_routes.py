"""How long opening a project whose machine calls declared functions takes: routes at scale.

A project holds one generated machine (see designer_graphs.py) of 60, 120, 500 and 2,000
states and 10 declared Lambda functions; the Tasks spread through the machine (each block's
first Task and every branch Task in turn) call them, so each function is drawn as a resource
item outside the machine frame with a route from every calling state. Each run times, in a
fresh document and scene:

- import: `ProjectDocument.from_file` on the project file;
- layout: `DesignerScene` (items, layout, transitions and the routes to the functions);
- first paint: a 1400x900 `CanvasView` fitted as the window opens it, grabbed offscreen.

Each size runs in its own process; the table gives the best of the runs per phase and each
figure's ratio to the previous size's. Target: under 1.5 s in all at 2,000 states, growing
close to linearly. Run from the repository root:
  QT_QPA_PLATFORM=offscreen python benchmarks/designer_routes.py [--sizes 60,120] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from designer_graphs import count_states, print_table, workflow

TARGET_MS = 1500.0
TARGET_SIZE = 2000
FUNCTIONS = 10
PHASES = ("import", "layout", "first paint", "total")


def project_with_functions(folder: Path, states: int, functions: int = FUNCTIONS) -> Path:
    """Write a project of one machine of about `states` states whose Tasks call `functions`
    declared functions in turn; the project file's path."""
    definition = workflow(states)
    calls = 0
    for name, state in definition["States"].items():
        if state.get("Type") == "Task" and (name.startswith("Step") or name.startswith("Do")):
            state["Parameters"]["FunctionName"] = f"fn-{calls % functions}"
            calls += 1
    (folder / "big.asl.json").write_text(json.dumps(definition, separators=(",", ":")), encoding="utf-8")
    project: dict[str, Any] = {
        "formatVersion": 1,
        "name": "routes-at-scale",
        "stateMachines": {"Big": {"definitionFile": "big.asl.json"}},
        "functions": {f"fn-{k}": {"handler": f"handlers/fns.py:fn_{k}"} for k in range(functions)},
    }
    path = folder / "routes-at-scale.statecanvas.json"
    path.write_text(json.dumps(project, indent=2), encoding="utf-8")
    return path


def measure(states: int, repeat: int) -> dict[str, object]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])

    from designer.canvas.editor import CanvasEditor
    from designer.canvas.scene import DesignerScene
    from designer.canvas.view import CanvasView
    from designer.document.project_document import ProjectDocument

    phases: dict[str, list[float]] = {name: [] for name in PHASES}
    with tempfile.TemporaryDirectory() as tmp:
        path = project_with_functions(Path(tmp), states)
        definition = json.loads((Path(tmp) / "big.asl.json").read_text(encoding="utf-8"))
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
            routes = len(scene.resources.routes)
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
        "routes": routes,
        "phases": phases,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="60,120,500,2000", help="comma-separated state counts")
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
    rows: list[tuple[str, list[float]]] = [("routes", [float(r["routes"]) for r in results])]
    rows += [(f"{name} (best)", [min(r["phases"][name]) for r in results]) for name in PHASES]
    print(
        f"designer open with {FUNCTIONS} declared functions: best of {args.repeat} runs per size,"
        " in ms (x: ratio to the previous size)"
    )
    print_table([r["states"] for r in results], [r["top"] for r in results], rows)
    for r in results:
        if r["size"] == TARGET_SIZE:
            total = min(r["phases"]["total"])
            verdict = "meets" if total < TARGET_MS else "misses"
            print(f"  {verdict} the target of {TARGET_MS:.0f} ms at {TARGET_SIZE:,} states ({total:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
