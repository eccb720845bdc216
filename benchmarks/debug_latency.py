"""The GUI debugger's costs: how long from the engine pausing to the canvas showing it, and what an
attached but idle debugger costs an execution.

1. Pause latency: the designer (offscreen, qasync) steps through a chain of Pass states; for every
   step the time from the gate pausing (the Debugger's on_pause listener, inside the engine) to the
   paused state's status overlay being painted by the view, and to every panel showing the pause.
   Measured with 1,000 and with 20,000 history events before the chain (a counting loop runs first,
   unpaused), side by side: the cost must not grow with the history. Target: median under 50 ms at
   both sizes, and a ratio near 1. The first pause after the loop is shown apart: it is where the
   designer reads the history the loop wrote while nothing was shown; every later pause reads only
   the events since the one before. The state data follows the canvas by design (AFTER_PAUSE_MS).
2. History reading per pause (no Qt): the engine's `PictureCache` growing a picture by the
   events since the previous pause, against reading the whole history into a new picture (what
   a reader that is not incremental pays on every pause), each followed by the answers every
   refresh asks (statuses, edges taken), at the same history lengths. Ratios against the
   previous size; with `--before FILE` (figures saved by `--save FILE` from an earlier tree), also
   against those.
3. Idle debugger: the 1,000-Pass chain run with `engine.run_async` (virtual clock), with no gate
   and with a `Debugger` attached that has no breakpoints, best and median of several runs each.
   Target: the debugger costs under 10% of throughput. The same chain is also run through the
   designer's own session (the live store annotating every event) for reference.

    QT_QPA_PLATFORM=offscreen python benchmarks/debug_latency.py [--steps 100] [--repeat 7]
        [--sizes 1000,20000] [--save FILE] [--before FILE] [--history-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine
from engine.runtime.history_view import ExecutionPicture, PictureCache


def pass_chain(n: int) -> dict:
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(n - 1)}
    states[f"S{n - 1}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S0", "States": states}


def counted_chain(loops: int, steps: int) -> dict:
    """A loop of `loops` rounds (Count, More: four history events a round), then `steps` Passes."""
    chain = pass_chain(steps)
    states = {
        "Count": {
            "Type": "Pass",
            "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"},
            "Next": "More",
        },
        "More": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Count"}],
            "Default": "S0",
        },
        **chain["States"],
    }
    return {"StartAt": "Count", "States": states}


async def pause_latency(steps: int, events: int = 0) -> tuple[list[float], list[float], int]:
    """(pause -> canvas painted, pause -> panels shown) per step, in ms, and the history length."""
    # Imported here, as the other designer and Qt imports below: --history-only loads neither.
    from PySide6.QtCore import QSettings

    from designer.app.main_window import MainWindow
    from designer.document.files import DocumentData
    from engine.project import Project, StateMachineSpec

    folder = Path(tempfile.mkdtemp())
    window = MainWindow(
        settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat),
        recovery_dir=folder / "recovery",
        offer_recovery=False,
    )
    window.ask_before_close = False
    window.resize(1400, 900)
    window.show()
    loops = max(events // 4, 1)
    chain = counted_chain(loops, steps + 2)
    window.document.reset(
        DocumentData(
            Project(name="bench", state_machines={"Chain": StateMachineSpec()}), {"Chain": chain}, None
        )
    )
    d = window.debug
    d.ui.run_panel.machine.setCurrentText("Chain")
    d.ui.run_panel.input.set_value({"i": 0, "n": loops})
    painted: dict[str, float] = {}
    paused_at: dict[str, float] = {}

    def on_paint(overlay) -> None:
        name = overlay.state.address.name
        if overlay.status == "paused" and name not in painted:
            painted[name] = time.perf_counter()

    projection = window.scene.machines["Chain"]
    for item in projection.items.values():
        d.decorator.overlay(item).on_paint = on_paint
    shown_at: dict[str, float] = {}
    state_panel = d.ui.state_panel

    def on_panels(text: str) -> None:
        if "paused before it runs" in text:
            name = text.split("<b>", 1)[1].split("</b>", 1)[0]
            shown_at.setdefault(name, time.perf_counter())

    state_panel.title.setText = _spy(state_panel.title.setText, on_panels)  # type: ignore[method-assign]
    d.start(debug=True, first="S0")  # the loop runs unpaused, then the chain is stepped
    d.debugger.on_pause.insert(0, lambda pause: paused_at.setdefault(pause.state, time.perf_counter()))
    latencies, panels = [], []
    length = 0
    while len(latencies) < steps:
        while d.pause is None:
            await asyncio.sleep(0)
        name = d.pause.state
        item = projection.items[f"/States/{name}"]
        window.view.centerOn(item)  # the paused state is on screen, as the controller keeps it
        while name not in painted or name not in shown_at:
            await asyncio.sleep(0)
        if name in paused_at:
            latencies.append((painted[name] - paused_at[name]) * 1000)
            panels.append((shown_at[name] - paused_at[name]) * 1000)
        length = len(d.session.history())
        d.step()
    d.stop()
    await d.session.wait()
    window.close()
    return latencies, panels, length


def _spy(method: Callable[[str], None], listener: Callable[[str], None]) -> Callable[[str], None]:
    """`method`, also telling `listener` (when the state data shows the pause)."""

    def call(text: str) -> None:
        method(text)
        listener(text)

    return call


def history_per_pause(steps: int, events: int) -> tuple[list[float], list[float], int]:
    """(grown by the new events, read whole) per pause, in ms, and the history length: the
    picture the views read after each pause of a stepped run, the history ending `events` in."""
    loops = max(events // 4, 1)
    definition = counted_chain(loops, steps + 2)
    history = engine.run(definition, {"i": 0, "n": loops}).history
    start = len(history) - 2 * steps - 2  # the chain's Passes: two events each, one pause each
    cache, arn = PictureCache(), "arn:aws:states:us-east-1:123456789012:execution:Chain:bench"
    live = history[:start]  # the session's list, appended to as events arrive
    cache.live(arn, live, definition, {})  # the views followed the loop as it ran
    grown, whole = [], []
    for upto in range(start + 2, len(history) - 1, 2):
        live.extend(history[len(live) : upto])
        began = time.perf_counter()
        picture = cache.live(arn, live, definition, {})
        picture.statuses(), picture.edges_taken()
        grown.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        fresh = ExecutionPicture(live, definition)
        fresh.statuses(), fresh.edges_taken()
        whole.append((time.perf_counter() - began) * 1000)
        assert fresh.statuses() == picture.statuses()
    return grown, whole, len(history)


def print_history(figures: dict[str, dict[str, float]], before: dict[str, dict[str, float]] | None) -> None:
    sizes = list(figures)
    print("history reading per pause (engine.runtime.history_view, no Qt), median ms:")
    header = "".join(f"{f'{int(size):,} events':>18s}" for size in sizes)
    print(f"  {'':34s}{header}{'ratio':>8s}" + (f"{'vs before':>30s}" if before else ""))
    for label in ("grown by new events", "read whole"):
        values = [figures[size][label] for size in sizes]
        cells = "".join(f"{v:18.3f}" for v in values)
        line = f"  {label:34s}{cells}{values[-1] / values[0]:8.2f}"
        if before:
            then = [before.get(size, {}).get(label) for size in sizes]
            line += "".join(
                f"{v / t:15.2f}" if t else f"{'n/a':>15s}" for v, t in zip(values, then, strict=True)
            )
        print(line)


async def chain_throughput(repeat: int) -> dict[str, list[float]]:
    # Imported here: --history-only loads nothing of the designer.
    from designer.debug.live_store import LiveStore
    from engine.runtime import Debugger, run_async

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
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--sizes", default="1000,20000", help="history lengths to pause at, comma-separated")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--save", help="write the history-reading figures to this JSON file")
    parser.add_argument("--before", help="a --save file from an earlier tree: print ratios against it")
    parser.add_argument("--history-only", action="store_true", help="only the history reading (no Qt)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    figures: dict[str, dict[str, float]] = {}
    for size in sizes:
        grown, whole, _length = history_per_pause(args.steps, size)
        figures[str(size)] = {
            "grown by new events": statistics.median(grown),
            "read whole": statistics.median(whole),
        }
    before = json.loads(Path(args.before).read_text()) if args.before else None
    print_history(figures, before)
    if args.save:
        Path(args.save).write_text(json.dumps(figures, indent=2))
    if args.history_only:
        return 0
    # Imported here: --history-only has returned above without Qt.
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        results = [loop.run_until_complete(pause_latency(args.steps, size)) for size in sizes]
        rates = loop.run_until_complete(chain_throughput(args.repeat))
    print(f"pause latency, {args.steps} steps at each history length (qasync, offscreen), ms:")
    header = "".join(f"{f'{length:,} events':>22s}" for _l, _p, length in results)
    print(f"  {'':34s}{header}{'ratio':>10s}")
    for label, pick in (("pause -> canvas painted", 0), ("pause -> state data shown", 1)):
        for stat, fn in (
            ("first", lambda v: v[0]),  # the first pause after the unpaused loop reads it all once
            ("median", lambda v: statistics.median(v[1:])),
            ("p90", lambda v: statistics.quantiles(v[1:], n=10)[-1]),
            ("max", lambda v: max(v[1:])),
        ):
            values = [fn(result[pick]) for result in results]
            cells = "".join(f"{v:22.2f}" for v in values)
            print(f"  {label + ' ' + stat:34s}{cells}{values[-1] / values[0]:10.2f}")
    medians = [statistics.median(result[0][1:]) for result in results]
    flat = medians[-1] / medians[0]
    met = all(m < 50 for m in medians)
    print(f"canvas target < 50 ms: {'met' if met else 'MISSED'}; largest / smallest median {flat:.2f}")
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
