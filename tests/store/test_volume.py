"""Long histories: batched appends are fast, and reading streams in bounded memory.

The figures are reported in the end-of-run summary (see ``report_figure`` in tests/conftest.py).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.store import ExecutionRecord, SqliteStore, WriteBatching

ARN = "arn:aws:states:us-east-1:123456789012:execution:Bench:run-1"
EVENTS = 100_000
PAYLOAD = "x" * 200
T0 = datetime(2024, 5, 1, tzinfo=UTC)


def event(i: int) -> dict[str, Any]:
    return {
        "timestamp": T0 + timedelta(milliseconds=i),
        "type": "PassStateExited",
        "id": i,
        "previousEventId": i - 1,
        "stateExitedEventDetails": {"name": f"Step{i}", "output": '{"p":"' + PAYLOAD + '"}'},
    }


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """100,000 events appended one by one with batching; returns the file and the seconds it took."""
    path = tmp_path_factory.mktemp("volume") / "long.sqlite3"
    events = [event(i) for i in range(1, EVENTS + 1)]
    with SqliteStore(path, write_batching=WriteBatching(max_events=5000, max_delay_ms=500)) as store:
        store.create_execution(ExecutionRecord(ARN, "arn:aws:states:::stateMachine:Bench", "run-1"))
        started = time.perf_counter()
        for item in events:
            store.append_event(ARN, item)
        store.flush()
        elapsed = time.perf_counter() - started
    return path, elapsed


def test_batched_appends_are_fast(
    long_history: tuple[Path, float], report_figure: Callable[[str], None]
) -> None:
    path, elapsed = long_history
    report_figure(
        f"store: {EVENTS:,} events appended with write batching in {elapsed:.2f}s "
        f"({EVENTS / elapsed:,.0f} events/s)"
    )
    assert elapsed < 8, f"{EVENTS} batched appends took {elapsed:.1f}s"
    with SqliteStore(path) as store:
        assert store.history_length(ARN) == EVENTS


@pytest.mark.parametrize("reverse", [False, True])
def test_iter_history_streams_in_bounded_memory(
    long_history: tuple[Path, float], reverse: bool, report_figure: Callable[[str], None]
) -> None:
    path, _ = long_history
    with SqliteStore(path) as store:
        total_payload = EVENTS * len(PAYLOAD)  # a lower bound for the history's size in memory
        tracemalloc.start()
        try:
            count = 0
            expected = EVENTS if reverse else 1
            for item in store.iter_history(ARN, reverse=reverse):
                assert item["id"] == expected
                expected += -1 if reverse else 1
                count += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == EVENTS
    report_figure(
        f"store: iter_history({'reverse' if reverse else 'forward'}) over {EVENTS:,} events: "
        f"peak {peak / 1e6:.2f} MB traced vs >= {total_payload / 1e6:.0f} MB of payload"
    )
    assert peak < total_payload / 20, f"peak {peak} bytes while streaming {total_payload} bytes of payload"


def test_durable_append_rate(tmp_path: Path, report_figure: Callable[[str], None]) -> None:
    """Not a limit, a figure: one commit per event (synchronous=NORMAL)."""
    count = 3000
    events = [event(i) for i in range(1, count + 1)]
    with SqliteStore(tmp_path / "durable.sqlite3") as store:
        store.create_execution(ExecutionRecord(ARN, "arn:aws:states:::stateMachine:Bench", "run-1"))
        started = time.perf_counter()
        for item in events:
            store.append_event(ARN, item)
        elapsed = time.perf_counter() - started
        assert store.history_length(ARN) == count
    report_figure(
        f"store: durable appends (commit per event, synchronous=NORMAL): {count / elapsed:,.0f} events/s"
    )
