"""One store shared by threads (the engine's workers, the designer's UI) and by asyncio code."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.store import ExecutionRecord, ExecutionStore, MemoryStore, SqliteStore

MakeRecord = Callable[..., ExecutionRecord]
ARN = "arn:aws:states:us-east-1:123456789012:execution:Machine:"


def event(i: int) -> dict[str, Any]:
    return {
        "type": "PassStateEntered",
        "id": i,
        "previousEventId": i - 1,
        "stateEnteredEventDetails": {"n": i},
    }


@pytest.mark.parametrize("batching", [False, True], ids=["durable", "batched"])
def test_two_writer_threads_and_a_reader(tmp_path: Path, make_record: MakeRecord, batching: bool) -> None:
    per_thread = 1500
    errors: list[BaseException] = []
    with SqliteStore(tmp_path / "s.sqlite3", write_batching=batching, page_size=50) as store:
        for name in ("a", "b"):
            store.create_execution(make_record(ARN + name))
        start = threading.Barrier(3)
        done = threading.Event()

        def write(name: str) -> None:
            try:
                start.wait()
                for i in range(1, per_thread + 1):
                    if i % 100 == 0:
                        store.append_events(ARN + name, [event(i)])
                    else:
                        store.append_event(ARN + name, event(i))
            except BaseException as exc:
                errors.append(exc)

        def read() -> None:
            try:
                start.wait()
                while not done.is_set():
                    for name in ("a", "b"):
                        ids = [e["id"] for e in store.iter_history(ARN + name)]
                        assert ids == list(range(1, len(ids) + 1))  # always a gap-free prefix
                        store.list_executions()
            except BaseException as exc:
                errors.append(exc)

        writers = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
        reader = threading.Thread(target=read)
        for thread in (*writers, reader):
            thread.start()
        for thread in writers:
            thread.join()
        done.set()
        reader.join()
        assert not errors, errors
        for name in ("a", "b"):
            assert store.history_length(ARN + name) == per_thread
            store.finish_execution(ARN + name, status="SUCCEEDED")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_usable_from_asyncio(tmp_path: Path, make_record: MakeRecord, kind: str) -> None:
    store: ExecutionStore = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "s.sqlite3")

    async def execution(name: str) -> None:
        store.create_execution(make_record(ARN + name))
        for i in range(1, 51):
            store.append_event(ARN + name, event(i))  # calls are short: fine on the loop
            await asyncio.sleep(0)
        await asyncio.to_thread(store.finish_execution, ARN + name, status="SUCCEEDED")

    async def main() -> None:
        await asyncio.gather(*(execution(str(n)) for n in range(5)))

    with store:
        asyncio.run(main())
        assert len(store.list_executions(status="SUCCEEDED")) == 5
        assert all(store.history_length(ARN + str(n)) == 50 for n in range(5))
