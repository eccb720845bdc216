"""How long one frame of dragging a state takes on a large graph: move handling plus repaint.

Opens generated workflows of 500, 1,000, 2,000 and 5,000 states (see designer_graphs.py), each
in its own process, in a 1400x900 `CanvasView` at the zoom the window opens it at, picks a
state in view, and drags it with real mouse events (press, moves, release) through the view's
viewport. Each frame is one mouse move (Qt moves the selection, the scene reroutes what follows
it) and a synchronous repaint of the viewport. Reports per size the median, 95th percentile and
worst frame, each with its ratio to the previous size's; the target is a p95 under 16 ms (60
frames a second) at 2,000 states. Also times the tidy after the drop (the recorded move and
one reroute of what the moved state now lies across).

Run from the repository root:
  QT_QPA_PLATFORM=offscreen python benchmarks/designer_drag.py [--sizes 500,1000] [--frames F]
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
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent

TARGET_MS = 16.0
TARGET_SIZE = 2000


def mouse(kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton) -> QMouseEvent:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    p = QPointF(pos)
    return QMouseEvent(kind, p, p, p, button, buttons, Qt.KeyboardModifier.NoModifier)


def measure(states: int, frames: int) -> dict[str, object]:
    """Drag a state of a generated workflow for `frames` frames; per-frame times in ms."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])

    from designer.canvas.editor import CanvasEditor
    from designer.canvas.scene import DesignerScene
    from designer.canvas.view import CanvasView
    from designer.document.project_document import ProjectDocument

    definition = workflow(states)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.asl.json"
        path.write_text(json.dumps(definition, separators=(",", ":")), encoding="utf-8")
        document = ProjectDocument.from_file(path)
    scene = DesignerScene(document)
    view = CanvasView(scene, CanvasEditor(document, scene))
    view.resize(1400, 900)
    view.show()
    view.fit(readable=True)
    app.processEvents()
    viewport = view.viewport()
    visible = view.mapToScene(viewport.rect()).boundingRect()
    projection = scene.machines["generated"]
    centre = visible.center()
    item = min(
        (i for i in projection.top.items.values() if i.kind == "Task" and len(i.edges) >= 2),
        key=lambda i: (i.sceneBoundingRect().center() - centre).manhattanLength(),
    )
    start = view.mapFromScene(item.sceneBoundingRect().center())
    app.sendEvent(viewport, mouse(QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton))
    times = []
    pos = start
    for frame in range(frames):
        dx = -40 if (frame // 30) % 2 else 40
        pos = start + QPoint(int(dx * (frame % 30) / 30), int(frame % 30))
        t0 = time.perf_counter()
        app.sendEvent(viewport, mouse(QEvent.Type.MouseMove, pos, Qt.MouseButton.LeftButton))
        viewport.repaint()
        times.append((time.perf_counter() - t0) * 1000)
    moved = item.pos()
    t0 = time.perf_counter()
    app.sendEvent(viewport, mouse(QEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.NoButton))
    app.processEvents()  # the recorded move, then the tidy that reroutes the scope
    tidy = (time.perf_counter() - t0) * 1000
    assert document.position(item.address.layout_key) == (round(moved.x(), 1), round(moved.y(), 1))
    times.sort()
    return {
        "states": count_states(definition),
        "top": len(definition["States"]),
        "dragged": item.label(),
        "median": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "max": times[-1],
        "tidy": tidy,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000", help="comma-separated state counts")
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best run is shown")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child process: one size, as JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.frames)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    for size in sizes:
        runs = []
        for _ in range(args.repeat):
            child = [sys.executable, __file__, "--one", str(size), "--frames", str(args.frames)]
            done = subprocess.run(child, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                return done.returncode
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        results.append(min(runs, key=lambda r: r["p95"]))
    print(
        f"designer drag: {args.frames} frames per size, best of {args.repeat} run(s), in ms"
        " (x: ratio to the previous size)"
    )
    print_table(
        [r["states"] for r in results],
        [r["top"] for r in results],
        [
            ("frame median", [r["median"] for r in results]),
            ("frame p95", [r["p95"] for r in results]),
            ("frame worst", [r["max"] for r in results]),
            ("after the drop", [r["tidy"] for r in results]),
        ],
    )
    for size, r in zip(sizes, results, strict=True):
        if size == TARGET_SIZE:
            verdict = "meets" if r["p95"] < TARGET_MS else "misses"
            print(f"  {verdict} the target of {TARGET_MS:.0f} ms per frame (p95) at {size:,} states")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
