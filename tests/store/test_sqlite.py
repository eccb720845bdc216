"""What only the SQLite store promises: WAL, durability as it happens, batching, schema versions."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.store import (
    SCHEMA_VERSION,
    ExecutionRecord,
    SchemaVersionError,
    SqliteStore,
    WriteBatching,
)
from engine.store.schema import MIGRATIONS, migrate, read_version

ARN = "arn:aws:states:us-east-1:123456789012:execution:Machine:run-1"
REPO = Path(__file__).resolve().parents[2]

MakeRecord = Callable[..., ExecutionRecord]
MakeEvents = Callable[..., list[dict[str, Any]]]


def raw_ids(path: Path, arn: str = ARN) -> list[int]:
    """Event ids as another connection (not the store's) sees them."""
    conn = sqlite3.connect(path)
    try:
        return [
            r[0] for r in conn.execute("SELECT id FROM events WHERE execution_arn = ? ORDER BY id", (arn,))
        ]
    finally:
        conn.close()


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    with SqliteStore(path) as store:
        assert store.journal_mode == "wal"
        conn = store._conn
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with SqliteStore(path, synchronous="FULL") as store:
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent in the file
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    conn.close()
    with pytest.raises(ValueError):
        SqliteStore(path, synchronous="OFF")  # type: ignore[arg-type]


def test_creates_missing_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "executions.sqlite3"
    with SqliteStore(path):
        pass
    assert path.is_file()


def test_every_append_is_visible_to_another_connection(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    store = SqliteStore(path)
    store.create_execution(make_record(ARN))
    for event in make_events(5):
        store.append_event(ARN, event)
        assert raw_ids(path)[-1] == event["id"]  # committed the moment append_event returned
    store.append_events(ARN, make_events(3, start=6))
    assert raw_ids(path) == list(range(1, 9))
    with SqliteStore(path) as second:  # a second store on the same file, first one still open
        assert [e["id"] for e in second.iter_history(ARN)] == list(range(1, 9))
        assert second.get_execution(ARN).name == "run-1"
    store.close()


def test_another_process_reads_without_close(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    store = SqliteStore(path)
    store.create_execution(make_record(ARN))
    store.append_events(ARN, make_events(10, payload="é"))
    store.append_event(ARN, make_events(1, start=11)[0])
    result = run_python(f"""
        import json
        from engine.store import SqliteStore
        with SqliteStore({str(path)!r}) as s:
            events = list(s.iter_history({ARN!r}))
            print(json.dumps([[e["id"], e["timestamp"].isoformat()] for e in events]))
    """)
    assert result.returncode == 0, result.stderr
    ids = json.loads(result.stdout)
    assert [i for i, _ in ids] == list(range(1, 12))
    assert ids[0][1] == "2024-05-01T12:00:00.124000+00:00"
    store.close()


def test_crash_right_after_append_loses_nothing(tmp_path: Path) -> None:
    """A writer process killed without close() (os._exit skips all cleanup) keeps every event."""
    path = tmp_path / "s.sqlite3"
    result = run_python(f"""
        import os
        from engine.store import ExecutionRecord, SqliteStore
        s = SqliteStore({str(path)!r})
        s.create_execution(ExecutionRecord({ARN!r}, "arn:sm", "run-1"))
        for i in range(1, 51):
            s.append_event({ARN!r}, {{"id": i, "previousEventId": i - 1, "type": "PassStateEntered",
                                      "stateEnteredEventDetails": {{"name": "S" + str(i)}}}})
        os._exit(0)
    """)
    assert result.returncode == 0, result.stderr
    with SqliteStore(path) as store:
        assert store.history_length(ARN) == 50
        last = next(store.iter_history(ARN, reverse=True))
        assert last["id"] == 50 and last["stateEnteredEventDetails"] == {"name": "S50"}
        assert store.get_execution(ARN).status == "RUNNING"  # the crash is visible, resumable


def test_batching_commits_every_n_events(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    with SqliteStore(path, write_batching=WriteBatching(max_events=10, max_delay_ms=60_000)) as store:
        store.create_execution(make_record(ARN))
        events = make_events(25)
        for event in events[:9]:
            store.append_event(ARN, event)
        assert raw_ids(path) == []  # buffered
        assert store.history_length(ARN) == 9  # but the store itself reads its own writes
        store.append_event(ARN, events[9])
        assert raw_ids(path) == list(range(1, 11))
        store.append_events(ARN, events[10:15])
        assert len(raw_ids(path)) == 10
        store.flush()
        assert len(raw_ids(path)) == 15
        store.append_events(ARN, events[15:20])
        store.finish_execution(ARN, status="SUCCEEDED")  # finishing is always durable
        assert len(raw_ids(path)) == 20
        store.append_events(ARN, events[20:])
    assert raw_ids(path) == list(range(1, 26))  # close flushes


def raw_statuses(path: Path) -> dict[str, str]:
    """Execution statuses as another connection sees them."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT execution_arn, status FROM executions"))
    finally:
        conn.close()


def test_batching_lets_child_records_join_the_batch_until_the_parent_finishes(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    child = ARN + "/Map/0"
    with SqliteStore(path, write_batching=WriteBatching(max_events=1000, max_delay_ms=60_000)) as store:
        store.create_execution(make_record(ARN))
        assert raw_statuses(path) == {ARN: "RUNNING"}  # a top-level record commits at once
        store.create_execution(make_record(child, parent_arn=ARN))
        store.append_events(child, make_events(3))
        store.finish_execution(child, status="SUCCEEDED")
        assert raw_statuses(path) == {ARN: "RUNNING"}  # the child's record and events wait in the batch
        assert store.get_execution(child).status == "SUCCEEDED"  # the store reads its own writes
        store.finish_execution(ARN, status="SUCCEEDED")  # the parent's finish commits them all
        assert raw_statuses(path) == {ARN: "SUCCEEDED", child: "SUCCEEDED"}
        assert raw_ids(path, child) == [1, 2, 3]


def test_batching_commits_after_the_delay(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    with SqliteStore(path, write_batching=WriteBatching(max_events=1_000_000, max_delay_ms=50)) as store:
        store.create_execution(make_record(ARN))
        store.append_events(ARN, make_events(3))
        assert raw_ids(path) == []
        deadline = time.monotonic() + 5
        while not raw_ids(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert raw_ids(path) == [1, 2, 3]  # the background flusher committed, no further call needed
        store.append_events(ARN, make_events(2, start=4))  # and it re-arms for the next batch
        deadline = time.monotonic() + 5
        while len(raw_ids(path)) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert raw_ids(path) == [1, 2, 3, 4, 5]


def test_batching_keeps_batches_atomic(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    from engine.store import DuplicateEvent

    path = tmp_path / "s.sqlite3"
    with SqliteStore(path, write_batching=True) as store:
        store.create_execution(make_record(ARN))
        events = make_events(6)
        store.append_events(ARN, events[:3])
        with pytest.raises(DuplicateEvent):
            store.append_events(ARN, [events[3], events[4], events[0]])
        store.append_events(ARN, events[3:])  # the earlier events of the batch survive; the bad batch not
        store.flush()
    assert raw_ids(path) == list(range(1, 7))


def test_batching_options_validated(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        WriteBatching(max_events=0)
    with pytest.raises(ValueError):
        WriteBatching(max_delay_ms=0)
    with SqliteStore(tmp_path / "s.sqlite3", write_batching=False) as store:
        assert store._batching is None and store._flusher is None


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError):
        SqliteStore(path)


def test_migration_hook_upgrades_old_files(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    with SqliteStore(path) as store:
        store.create_execution(make_record(ARN))
        store.append_events(ARN, make_events(3))

    def add_tags(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE tags (execution_arn TEXT NOT NULL, tag TEXT NOT NULL)")

    with SqliteStore(path, migrations=(*MIGRATIONS, add_tags)) as store:
        assert store.history_length(ARN) == 3  # data kept
        assert read_version(store._conn) == SCHEMA_VERSION + 1
        store._conn.execute("INSERT INTO tags VALUES (?, 'x')", (ARN,))

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration failed")

    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError):
        migrate(conn, (*MIGRATIONS, add_tags, broken))
    assert read_version(conn) == SCHEMA_VERSION + 1  # rolled back as a whole
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    conn.close()


def test_deleting_cascades_to_events(
    tmp_path: Path, make_record: MakeRecord, make_events: MakeEvents
) -> None:
    path = tmp_path / "s.sqlite3"
    with SqliteStore(path) as store:
        store.create_execution(make_record(ARN))
        store.append_events(ARN, make_events(100))
        store.delete_execution(ARN)
    assert raw_ids(path) == []


def test_stored_columns_are_readable_text(tmp_path: Path, make_record: MakeRecord) -> None:
    """The file is meant to be inspectable with the sqlite3 shell: ISO-8601 UTC text and plain JSON."""
    path = tmp_path / "s.sqlite3"
    with SqliteStore(path) as store:
        store.create_execution(make_record(ARN, metadata={"ü": 1}))
        store.append_event(
            ARN,
            {
                "id": 1,
                "type": "ExecutionStarted",
                "timestamp": "2024-05-01T14:00:00.123456+02:00",
                "executionStartedEventDetails": {"input": "{}", "note": "é"},
            },
        )
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT start_date, metadata FROM executions").fetchone() == (
        "2024-05-01T12:00:00.123Z",
        '{"ü":1}',
    )
    assert conn.execute("SELECT id, previous_event_id, type, timestamp, details FROM events").fetchone() == (
        1,
        None,
        "ExecutionStarted",
        "2024-05-01T12:00:00.123Z",
        '{"executionStartedEventDetails":{"input":"{}","note":"é"}}',
    )
    conn.close()
