"""State transitions per second: StateCanvas's interpreter side by side with moto's.

Workloads (a transition is a state entered: a StateEntered event):

1. ``pass-chain``: 1,000 Pass states in a row.
2. ``inline-map``: an inline Map over 1,000 items, each iteration two Pass states.
3. ``parallel``: a Parallel state of 10 branches of 3 Pass states each.
4. ``distributed-map``: a distributed Map (ProcessorConfig DISTRIBUTED, ExecutionType STANDARD) whose
   items an ItemReader reads from a JSON object in S3 (a folder mounted as a bucket for StateCanvas,
   moto's S3 for moto); each item runs as a child execution of two Pass states with its own history.
   StateCanvas writes the histories to a ``SqliteStore(write_batching=True)`` in a temporary folder.
   It runs at 10,000, 50,000 and 100,000 items, each in a fresh process so that its peak RSS is its
   own, and once at the smallest size with a ``MemoryStore`` (which keeps every event) for reference.

StateCanvas's figures come from ``engine.run`` on the definition's JSON text (virtual clock), timed
in this process; moto's from a worker process (see ``moto_sfn``), each run capped (``--moto-cap``).
Each workload runs a few times after a warm-up; the table shows the best and the median of each, and
the ratios of the bests and of the medians. The figures are for comparing runs on one machine;
nothing here asserts them.

Run from the repository root (``pip install -e '.[bench]'`` brings moto):

    python benchmarks/engine_throughput.py            # about 6 minutes on 2 cores
    python benchmarks/engine_throughput.py --quick    # smaller sizes, under a minute
    python benchmarks/engine_throughput.py --profile  # also profile the Pass chain and the inline Map
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto_sfn import MotoJob, MotoResult, MotoRunner, available

import engine

BUCKET = "bench"
ITEMS_KEY = "items.json"

# Workload definitions --------------------------------------------------------------------------------


@dataclass
class Workload:
    name: str
    definition: dict[str, Any]
    input: Any
    transitions: int  # states entered, known from the definition
    s3_items: int = 0  # a distributed Map reads this many items from s3://bench/items.json


def pass_chain(states: int) -> Workload:
    chain: dict[str, Any] = {f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(states - 1)}
    chain[f"P{states - 1}"] = {"Type": "Pass", "End": True}
    return Workload(
        f"pass-chain ({states:,} states)",
        {"StartAt": "P0", "States": chain},
        {"order": 42, "customer": "c-1"},
        states,
    )


def two_passes() -> dict[str, Any]:
    return {
        "StartAt": "Tag",
        "States": {
            "Tag": {"Type": "Pass", "Next": "Done"},
            "Done": {"Type": "Pass", "End": True},
        },
    }


def inline_map(items: int) -> Workload:
    processor = {"ProcessorConfig": {"Mode": "INLINE"}, **two_passes()}
    definition = {
        "StartAt": "Each",
        "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, "End": True}},
    }
    return Workload(
        f"inline-map ({items:,} items)",
        definition,
        {"items": [{"id": i} for i in range(items)]},
        1 + 2 * items,
    )


def parallel(branches: int, length: int) -> Workload:
    branch_list = []
    for b in range(branches):
        states: dict[str, Any] = {
            f"B{b}P{i}": {"Type": "Pass", "Next": f"B{b}P{i + 1}"} for i in range(length - 1)
        }
        states[f"B{b}P{length - 1}"] = {"Type": "Pass", "End": True}
        branch_list.append({"StartAt": f"B{b}P0", "States": states})
    fan = {"Type": "Parallel", "Branches": branch_list, "End": True}
    definition = {"StartAt": "Fan", "States": {"Fan": fan}}
    return Workload(f"parallel ({branches}x{length} Pass)", definition, {"order": 42}, 1 + branches * length)


def distributed_map(items: int) -> Workload:
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **two_passes()}
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket": BUCKET, "Key": ITEMS_KEY},
                },
                "ItemProcessor": processor,
                "MaxConcurrency": 1000,  # StateCanvas's default; moto runs a thread per running child
                # The outputs of 100,000 children would exceed the 256 KiB a state may return.
                "ResultSelector": {"count.$": "States.ArrayLength($)"},
                "End": True,
            }
        },
    }
    return Workload(f"distributed-map ({items:,} items)", definition, {}, 1 + 2 * items, s3_items=items)


def items_text(count: int) -> str:
    return json.dumps([{"id": i} for i in range(count)], separators=(",", ":"))


# Measuring StateCanvas ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """Timings of one workload on one interpreter, or why there are none."""

    seconds: list[float] = field(default_factory=list)
    transitions: int | None = None
    failure: str | None = None
    note: str = ""

    def rates(self) -> tuple[float, float] | None:
        """(best, median) transitions per second."""
        if self.failure or not self.seconds or not self.transitions:
            return None
        return self.transitions / min(self.seconds), self.transitions / statistics.median(self.seconds)


def entered(history: list[dict[str, Any]]) -> int:
    return sum(1 for event in history if event["type"].endswith("StateEntered"))


def time_statecanvas(workload: Workload, reps: int) -> Figures:
    text = json.dumps(workload.definition)
    warm = engine.run(text, workload.input)
    if warm.status != "SUCCEEDED":
        return Figures(failure=f"{warm.status}: {warm.error} {warm.cause}")
    figures = Figures(transitions=entered(warm.history))
    for _ in range(reps):
        started = time.perf_counter()
        execution = engine.run(text, workload.input)
        figures.seconds.append(time.perf_counter() - started)
        assert execution.status == "SUCCEEDED"
    if figures.transitions != workload.transitions:
        figures.note = f"expected {workload.transitions:,} transitions"
    return figures


def time_moto(
    runner: MotoRunner | None, unavailable: str | None, workload: Workload, reps: int, cap: float
) -> Figures:
    if runner is None:
        return Figures(failure=unavailable or "skipped (--no-moto)")
    job = MotoJob(
        name=workload.name.split(" ")[0],
        definition=json.dumps(workload.definition),
        input=json.dumps(workload.input),
        reps=reps,
        cap_seconds=cap,
        child_transitions=workload.transitions - 1 if workload.s3_items else 0,
        s3_objects={BUCKET: {ITEMS_KEY: items_text(workload.s3_items)}} if workload.s3_items else {},
    )
    result: MotoResult = runner.run(job)
    return Figures(result.seconds, result.transitions, result.failure, result.note)


# The distributed Map, one fresh process per run ----------------------------------------------------------


@dataclass
class DistributedRun:
    items: int
    store: str
    seconds: float = 0.0
    events: int = 0  # events written to the store, parent and children
    transitions: int = 0
    executions: int = 0
    baseline_rss: int = 0  # bytes, just before engine.run
    peak_rss: int = 0  # bytes, the process's high-water mark after the run
    traced_peak: int | None = None  # tracemalloc's peak, with --tracemalloc
    db_bytes: int = 0
    failure: str | None = None

    @property
    def growth(self) -> int:
        return max(self.peak_rss - self.baseline_rss, 0)


def max_rss_bytes() -> int:
    """This process's peak resident set: VmHWM on Linux, where ru_maxrss keeps the parent's over exec."""
    try:
        with open("/proc/self/status") as status:
            for text in status:
                if text.startswith("VmHWM:"):
                    return int(text.split()[1]) * 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def _distributed_child(items: int, store_kind: str, folder: str, traced: bool, conn: Any) -> None:
    """Runs in a fresh process: one distributed Map, then its figures down the pipe."""
    from engine.integrations import S3ObjectStore, ServiceRegistry, attach_s3
    from engine.store import MemoryStore, SqliteStore

    workload = distributed_map(items)
    out = DistributedRun(items, store_kind)
    db_path = os.path.join(folder, "executions.db")
    store: Any = SqliteStore(db_path, write_batching=True) if store_kind == "sqlite" else MemoryStore()
    services = ServiceRegistry()
    attach_s3(services, S3ObjectStore.from_dict({BUCKET: os.path.join(folder, "bucket")}))
    text = json.dumps(workload.definition)
    out.baseline_rss = max_rss_bytes()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    execution = engine.run(text, workload.input, store=store, services=services, state_machine_name="Bench")
    out.seconds = time.perf_counter() - started
    if traced:
        out.traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    out.peak_rss = max_rss_bytes()
    if execution.status != "SUCCEEDED":
        out.failure = f"{execution.status}: {execution.error} {str(execution.cause)[:200]}"
    elif execution.output != {"count": items}:
        out.failure = f"unexpected output {str(execution.output)[:100]}"
    if store_kind == "sqlite":
        store.close()
        with sqlite3.connect(db_path) as db:
            out.events, out.transitions = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(type LIKE '%StateEntered'), 0) FROM events"
            ).fetchone()
            out.executions = db.execute("SELECT COUNT(*) FROM executions").fetchone()[0]
        out.db_bytes = sum(p.stat().st_size for p in Path(folder).glob("executions.db*"))
    else:
        for record in store.list_executions(limit=None):
            for event in store.iter_history(record.execution_arn):
                out.events += 1
                out.transitions += event["type"].endswith("StateEntered")
            out.executions += 1
    conn.send(out)
    conn.close()


def run_distributed(items: int, store_kind: str, traced: bool) -> DistributedRun:
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="statecanvas-bench-") as folder:
        bucket = Path(folder, "bucket")
        bucket.mkdir()
        (bucket / ITEMS_KEY).write_text(items_text(items))
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_distributed_child, args=(items, store_kind, folder, traced, child))
        proc.start()
        child.close()
        try:
            result: DistributedRun = parent.recv()
        except EOFError:
            died = f"the run's process died (exit {proc.exitcode})"
            result = DistributedRun(items, store_kind, failure=died)
        proc.join()
    return result


# Profiling -------------------------------------------------------------------------------------------------


def profile(workload: Workload, top: int) -> str:
    text = json.dumps(workload.definition)
    engine.run(text, workload.input)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        engine.run(text, workload.input)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# Output ----------------------------------------------------------------------------------------------------


def rate(value: float) -> str:
    return f"{value:,.0f}"


def megabytes(value: int | None) -> str:
    return "-" if value is None else f"{value / 2**20:,.1f}"


def short(failure: str | None) -> str:
    reason = (failure or "").split(":")[0]
    return f"n/a ({reason})" if reason else "n/a"


def row(workload: str, sc: Figures, moto: Figures) -> list[str]:
    sc_rates, moto_rates = sc.rates(), moto.rates()
    cells = [workload]
    cells += [rate(sc_rates[0]), rate(sc_rates[1])] if sc_rates else [short(sc.failure), ""]
    cells += [rate(moto_rates[0]), rate(moto_rates[1])] if moto_rates else [short(moto.failure), ""]
    if sc_rates and moto_rates:
        cells += [f"{sc_rates[0] / moto_rates[0]:,.1f}x", f"{sc_rates[1] / moto_rates[1]:,.1f}x"]
    else:
        cells += ["n/a", "n/a"]
    return cells


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        # The first column is text, left-aligned; the figures are right-aligned.
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs)

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def describe(name: str, figures: Figures) -> str:
    if figures.failure:
        note = f" -- {figures.note}" if figures.note else ""
        return f"  {name}: n/a ({figures.failure}){note}"
    runs = ", ".join(f"{s:.3f}" for s in figures.seconds)
    note = f"; {figures.note}" if figures.note else ""
    return f"  {name}: {figures.transitions:,} transitions; runs (s): {runs}{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs")
    parser.add_argument("--repeat", type=int, help="StateCanvas runs per workload (default 5, quick 3)")
    parser.add_argument("--moto-repeat", type=int, help="moto runs per workload (default 3, quick 2)")
    parser.add_argument("--moto-cap", type=float, default=120.0, help="seconds a moto run may take (120)")
    parser.add_argument("--no-moto", action="store_true", help="time StateCanvas only")
    parser.add_argument(
        "--distributed",
        type=int,
        nargs="+",
        metavar="ITEMS",
        help="distributed Map sizes (default 10000 50000 100000; quick 1000 2000 5000)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations in the distributed runs (about 3x slower)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile tables of the Pass chain and the inline Map"
    )
    args = parser.parse_args(argv)

    quick = args.quick
    reps = args.repeat or (3 if quick else 5)
    moto_reps = args.moto_repeat or (2 if quick else 3)
    size = 200 if quick else 1000
    sizes = sorted(args.distributed or ([1000, 2000, 5000] if quick else [10_000, 50_000, 100_000]))
    unavailable = "skipped (--no-moto)" if args.no_moto else available()
    runner = None if unavailable else MotoRunner()
    began = time.perf_counter()
    print(
        f"StateCanvas engine throughput{' (--quick)' if quick else ''}: Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; StateCanvas {reps} runs, moto {moto_reps} runs "
        f"(cap {args.moto_cap:.0f} s a run)"
    )

    rows: list[list[str]] = []
    details: list[str] = []
    try:
        small = [
            (pass_chain(size), reps, moto_reps),
            (inline_map(size), reps, moto_reps),
            (parallel(10, 3), reps * 4, moto_reps * 2),
        ]
        for workload, sc_reps, m_reps in small:
            print(f"... {workload.name}", flush=True)
            sc = time_statecanvas(workload, sc_reps)
            moto = time_moto(runner, unavailable, workload, m_reps, args.moto_cap)
            rows.append(row(workload.name, sc, moto))
            details += [workload.name, describe("StateCanvas", sc), describe("moto", moto)]

        runs: list[DistributedRun] = []
        for items in sizes:
            print(f"... distributed-map ({items:,} items), StateCanvas with SqliteStore", flush=True)
            runs.append(run_distributed(items, "sqlite", args.tracemalloc))
        print(
            f"... distributed-map ({sizes[0]:,} items), StateCanvas with MemoryStore (reference)", flush=True
        )
        reference = run_distributed(sizes[0], "memory", args.tracemalloc)
        # moto at the smallest size (one run: it is slow) and at the largest (where the cap applies).
        for run in (runs[0], runs[-1]) if len(runs) > 1 else runs[:1]:
            workload = distributed_map(run.items)
            print(f"... {workload.name}, moto", flush=True)
            moto = time_moto(runner, unavailable, workload, 1, args.moto_cap)
            sc = Figures([run.seconds], run.transitions, run.failure, "one run, SqliteStore")
            rows.append(row(workload.name, sc, moto))
            details += [workload.name, describe("StateCanvas", sc), describe("moto", moto)]
    finally:
        if runner is not None:
            runner.close()

    print()
    print("Transitions per second (states entered / wall time), best and median of the runs;")
    print("ratio = StateCanvas / moto, of the best and of the medians")
    header = ["workload", "StateCanvas best", "median", "moto best", "median", "ratio best", "median"]
    print_table(header, rows)
    print()
    print("Runs")
    print("\n".join(details))

    print()
    print("Distributed Map memory (each run in a fresh process; RSS = peak resident set, growth = peak - RSS")
    print("just before engine.run; items are read from S3 and the results are kept, so some growth per item")
    print("is expected; an engine that kept the histories would grow with the events)")
    header = [
        "items",
        "store",
        "seconds",
        "transitions/s",
        "events written",
        "peak RSS MB",
        "growth MB",
        "bytes/item",
        "bytes/event",
    ]
    if args.tracemalloc:
        header.append("traced peak MB")
    table = []
    for run in [*runs, reference]:
        if run.failure:
            table.append([f"{run.items:,}", run.store, f"n/a ({run.failure})", *[""] * (len(header) - 3)])
            continue
        cells = [
            f"{run.items:,}",
            run.store,
            f"{run.seconds:.1f}",
            rate(run.transitions / run.seconds),
            f"{run.events:,}",
            megabytes(run.peak_rss),
            megabytes(run.growth),
            f"{run.growth / run.items:,.0f}",
            f"{run.growth / max(run.events, 1):,.0f}",
        ]
        if args.tracemalloc:
            cells.append(megabytes(run.traced_peak))
        table.append(cells)
    print_table(header, table)
    ok = [r for r in runs if not r.failure]
    if len(ok) > 1 and ok[0].growth:
        first, last = ok[0], ok[-1]
        slope = (last.growth - first.growth) / (last.events - first.events)
        kept = reference.growth / max(reference.events, 1)
        print(
            f"From {first.items:,} to {last.items:,} items: "
            f"events written x{last.events / first.events:.1f}, "
            f"RSS growth x{last.growth / first.growth:.1f}, {slope:,.0f} bytes per extra event written;\n"
            f"the MemoryStore run, which keeps its events, grew {kept:,.0f} bytes per event."
        )
    if ok:
        db = ok[-1]
        print(
            f"The {db.items:,}-item run wrote {db.executions:,} executions and {db.events:,} events "
            f"({megabytes(db.db_bytes)} MB of SQLite)."
        )

    if args.profile:
        for workload in (pass_chain(size), inline_map(size)):
            print()
            print(f"cProfile of 3 runs of {workload.name}")
            print(profile(workload, 15))
    print(f"Total time {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
