"""The GUI debugger's costs: how long from the engine pausing to the canvas showing it, and what an
attached but idle debugger costs an execution.

1. Pause latency: the designer (offscreen, qasync) steps through a chain of Pass states; for every
   step the time from the gate pausing (the Debugger's on_pause listener, inside the engine) to the
   paused state's status overlay being painted by the view. Target: median under 50 ms.
2. Idle debugger: the 1,000-Pass chain run with `engine.run_async` (virtual clock), with no gate
   and with a `Debugger` attached that has no breakpoints, best and median of several runs each.
   Target: the debugger costs under 10% of throughput. The same chain is also run through the
   designer's own session (the live store annotating every event) for reference.

    QT_QPA_PLATFORM=offscreen python benchmarks/debug_latency.py [--steps 200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def pass_chain(n: int) -> dict:
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(n - 1)}
    states[f"S{n - 1}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S0", "States": states}


async def pause_latency(steps: int) -> list[float]:
    from PySide6.QtCore import QSettings

    from designer.document.files import DocumentData
    from designer.main_window import MainWindow
    from engine.project import Project
    from engine.project.model import StateMachineSpec

    folder = Path(tempfile.mkdtemp())
    window = MainWindow(
        settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat),
        recovery_dir=folder / "recovery",
        offer_recovery=False,
    )
    window.ask_before_close = False
    window.resize(1400, 900)
    window.show()
    chain = pass_chain(steps + 2)
    window.document.reset(
        DocumentData(
            Project(name="bench", state_machines={"Chain": StateMachineSpec()}), {"Chain": chain}, None
        )
    )
    d = window.debug
    d.run_panel.machine.setCurrentText("Chain")
    d.run_panel.input.set_value({})
    painted: dict[str, float] = {}
    paused_at: dict[str, float] = {}

    def on_paint(overlay) -> None:
        name = overlay.state.address.name
        if overlay.status == "paused" and name not in painted:
            painted[name] = time.perf_counter()

    projection = window.scene.machines["Chain"]
    for item in projection.items.values():
        d.decorator.overlay(item).on_paint = on_paint
    d.start(debug=True, first="pause")
    d.debugger.on_pause.insert(0, lambda pause: paused_at.setdefault(pause.state, time.perf_counter()))
    latencies = []
    while len(latencies) < steps:
        while d.pause is None:
            await asyncio.sleep(0)
        name = d.pause.state
        item = projection.items[f"/States/{name}"]
        window.view.centerOn(item)  # the paused state is on screen, as the controller keeps it
        while name not in painted:
            await asyncio.sleep(0)
        if name in paused_at:
            latencies.append((painted[name] - paused_at[name]) * 1000)
        d.step()
    d.stop()
    await d.session.wait()
    window.close()
    return latencies


async def chain_throughput(repeat: int) -> dict[str, list[float]]:
    from designer.debug.live_store import LiveStore
    from engine.runtime import run_async
    from engine.runtime.debugger import Debugger

    chain = pass_chain(1000)
    out: dict[str, list[float]] = {"no gate": [], "idle Debugger": [], "idle Debugger + live store": []}
    for _ in range(2):  # warm-up
        await run_async(chain, {}, clock="virtual")
    for _ in range(repeat):
        for label in out:
            gate = None if label == "no gate" else Debugger()
            store = LiveStore() if "store" in label else None
            started = time.perf_counter()
            execution = await run_async(chain, {"x": 1}, clock="virtual", gate=gate, store=store)
            elapsed = time.perf_counter() - started
            assert execution.status == "SUCCEEDED"
            out[label].append(1000 / elapsed)  # transitions per second
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        latencies = loop.run_until_complete(pause_latency(args.steps))
        rates = loop.run_until_complete(chain_throughput(args.repeat))
    median = statistics.median(latencies)
    print(f"pause -> canvas painted, {len(latencies)} steps (qasync, offscreen):")
    print(
        f"  median {median:.2f} ms, p90 {statistics.quantiles(latencies, n=10)[-1]:.2f} ms, "
        f"max {max(latencies):.2f} ms  (target < 50 ms: {'met' if median < 50 else 'MISSED'})"
    )
    base = statistics.median(rates["no gate"])
    print("1,000-Pass chain, transitions per second (virtual clock, on the Qt loop):")
    for label, values in rates.items():
        med = statistics.median(values)
        cost = (1 - med / base) * 100
        print(f"  {label:28s} best {max(values):8.0f}  median {med:8.0f}  cost vs no gate {cost:5.1f}%")
    idle = (1 - statistics.median(rates["idle Debugger"]) / base) * 100
    print(f"idle debugger cost {idle:.1f}% (target < 10%: {'met' if idle < 10 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
