"""How long opening a large workflow in the designer takes: import, layout, first paint.

Generates a workflow of N states (default 500; Tasks with Retry and Catch, Choices fanning out
and joining, Waits, retry loops, Parallels; see designer_graphs.py), writes it to a temporary
.asl.json and times, each run in a fresh document and scene:

- import: `ProjectDocument.from_file` (read, parse, validate);
- layout: `DesignerScene` (items, layered layout, routed edges);
- first paint: a 1400x900 `CanvasView` fitted as the window opens it, grabbed offscreen.

Target: under 1 s in all. Run from the repository root:
  QT_QPA_PLATFORM=offscreen python benchmarks/designer_open.py [--states N] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from designer_graphs import count_states, workflow
from PySide6.QtWidgets import QApplication

TARGET = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--states", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])

    from designer.canvas.editor import CanvasEditor
    from designer.canvas.scene import DesignerScene
    from designer.canvas.view import CanvasView
    from designer.document.project_document import ProjectDocument

    definition = workflow(args.states)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.asl.json"
        path.write_text(json.dumps(definition, indent=2), encoding="utf-8")
        phases: dict[str, list[float]] = {"import": [], "layout": [], "first paint": [], "total": []}
        for _ in range(args.repeat):
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
            for name, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                phases[name].append(value)
            view.deleteLater()
            scene.detach()
            scene.clear()
            app.processEvents()
    print(f"designer open: {count_states(definition)} states ({len(definition['States'])} top level)")
    for name, values in phases.items():
        median, best = statistics.median(values) * 1000, min(values) * 1000
        print(f"  {name:<12} median {median:7.1f} ms   best {best:7.1f} ms")
    total = statistics.median(phases["total"])
    verdict = "meets" if total < TARGET else "misses"
    print(f"  {verdict} the target of {TARGET * 1000:.0f} ms (median total {total * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
