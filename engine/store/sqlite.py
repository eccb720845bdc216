"""The SQLite ExecutionStore: one file, WAL journal, one connection guarded by a lock.

Why these settings:

* WAL lets the designer read a history while the engine (maybe another process) appends to it.
* ``synchronous=NORMAL`` (default): in WAL mode every commit survives a crash of the process at once
  -- the event is in the OS's hands when ``append_event`` returns -- but a power cut or kernel panic
  may lose the last few commits. ``synchronous="FULL"`` fsyncs each commit to survive those as well,
  at a large cost per event.
* The connection is in autocommit mode and each ``append_event`` is its own transaction, unless
  ``write_batching`` is set (see :mod:`engine.store.batching`). Then a *child* execution's record (one
  with a ``parent_arn``: a distributed Map's child, an execution another one started) joins the open
  batch too, when it is created and when it is finished, instead of committing it: a map run of
  100,000 children would otherwise commit 200,000 times. It becomes durable with the batch -- at the
  latest when its parent finishes (a top-level execution's ``finish_execution`` always commits, and a
  distributed Map's children all end before their parent), on ``flush``/``close``, or by the flusher
  within ``max_delay_ms``. A top-level record commits at once, with whatever the batch holds.
* Histories are read in keyset pages (``id > last`` ... ``LIMIT page_size``) with the lock taken per
  page, so a 100,000-event history streams in constant memory and writers are never blocked for long.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from engine.store.base import ExecutionStore
from engine.store.batching import DelayedFlusher, WriteBatching
from engine.store.codec import EventRow, decode_event, dump_json, encode_event, normalize_record
from engine.store.errors import (
    DuplicateEvent,
    ExecutionAlreadyExists,
    ExecutionNotFound,
    StoreClosed,
    StoreError,
)
from engine.store.ownership import OwnerToken, abort_interrupted
from engine.store.record import ExecutionRecord, ExecutionStatus, check_status
from engine.store.schema import MIGRATIONS, Migration, migrate
from engine.store.timestamps import format_optional, format_ts, parse_optional, parse_ts, utc_now

_RECORD_COLUMNS = (
    "execution_arn, state_machine_arn, name, status, start_date, stop_date, input, output, error, cause, "
    "parent_arn, definition, metadata"
)
_EVENT_COLUMNS = "id, previous_event_id, type, timestamp, details"
_INSERT_EXECUTION = f"INSERT INTO executions ({_RECORD_COLUMNS}, owner) VALUES ({', '.join('?' * 14)})"
_INSERT_EVENT = (
    "INSERT INTO events (execution_arn, id, previous_event_id, type, timestamp, details) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_MAX_ID = 2**63 - 1


def _record_from_row(row: Sequence[Any]) -> ExecutionRecord:
    return ExecutionRecord(
        execution_arn=row[0],
        state_machine_arn=row[1],
        name=row[2],
        status=ExecutionStatus(row[3]),
        start_date=parse_ts(row[4]),
        stop_date=parse_optional(row[5]),
        input=row[6],
        output=row[7],
        error=row[8],
        cause=row[9],
        parent_arn=row[10],
        definition=row[11],
        metadata=json.loads(row[12]),
    )


class SqliteStore(ExecutionStore):
    """Executions and histories in one SQLite file (created, with its directory, if missing).

    ``write_batching``: ``None``/``False`` (default) commits every append; ``True`` or a
    :class:`WriteBatching` commits every N events or T milliseconds. ``page_size`` is how many events
    ``iter_history`` reads per query. ``timeout`` is how long to wait for another process's write lock.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        write_batching: WriteBatching | bool | None = None,
        page_size: int = 500,
        timeout: float = 5.0,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be 'NORMAL' or 'FULL', not {synchronous!r}")
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.path = str(path)
        if self.path != ":memory:" and not self.path.startswith("file:"):
            _prepare_file(Path(self.path))
        self._lock = threading.RLock()
        self._page_size = page_size
        self._closed = False
        try:
            self._conn = sqlite3.connect(
                self.path,
                timeout=timeout,
                isolation_level=None,
                check_same_thread=False,
                uri=self.path.startswith("file:"),
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the execution store: {exc}") from None
        try:
            self.journal_mode: str = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute(f"PRAGMA synchronous = {synchronous}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            migrate(self._conn, migrations)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if "not a database" in str(exc):
                raise StoreError("not an execution store (not an SQLite database)") from None
            raise StoreError(f"cannot open the execution store: {exc}") from None
        except BaseException:
            self._conn.close()
            raise
        # Who runs this store's new executions (see engine.store.ownership); a file store only.
        self._owner: OwnerToken | None = None
        if self.path != ":memory:" and not self.path.startswith("file:"):
            self._owner = OwnerToken(self.path)
        if write_batching is True:
            write_batching = WriteBatching()
        self._batching: WriteBatching | None = write_batching or None
        self._pending = 0
        self._batch_started = 0.0
        self._flusher = (
            DelayedFlusher(self._batching.max_delay_ms / 1000, self.flush) if self._batching else None
        )

    # -- plumbing -----------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed("the store is closed")

    def _commit_pending(self) -> None:
        """Commit the open batch transaction, if any. Caller holds the lock."""
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")
        self._pending = 0

    def _is_child(self, execution_arn: str) -> bool:
        """Whether the execution has a parent. Caller holds the lock."""
        sql = "SELECT parent_arn FROM executions WHERE execution_arn = ?"
        found = self._conn.execute(sql, (execution_arn,)).fetchone()
        return found is not None and found[0] is not None

    def _exists(self, execution_arn: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM executions WHERE execution_arn = ?", (execution_arn,))
        return row.fetchone() is not None

    @staticmethod
    def _integrity(exc: sqlite3.IntegrityError, execution_arn: str) -> StoreError:
        name = getattr(exc, "sqlite_errorname", "")
        if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
            return ExecutionNotFound(execution_arn)
        if name == "SQLITE_CONSTRAINT_PRIMARYKEY":
            return DuplicateEvent(f"an event id appended to {execution_arn} is already in its history")
        if name == "SQLITE_CONSTRAINT_UNIQUE":
            return ExecutionAlreadyExists(execution_arn)
        return StoreError(str(exc))

    # -- writes -------------------------------------------------------------------------------------

    def create_execution(self, record: ExecutionRecord) -> None:
        r = normalize_record(record)
        owner = self._owner.token if self._owner is not None and self._owner.held else None
        values = (
            r.execution_arn,
            r.state_machine_arn,
            r.name,
            str(r.status),
            format_ts(r.start_date),
            format_optional(r.stop_date),
            r.input,
            r.output,
            r.error,
            r.cause,
            r.parent_arn,
            r.definition,
            dump_json(r.metadata),
            owner,
        )
        with self._lock:
            self._check_open()
            batched = self._batching is not None and r.parent_arn is not None
            if batched:
                self._begin_batch()
            try:
                self._conn.execute(
                    f"INSERT INTO executions ({_RECORD_COLUMNS}, owner) VALUES ({', '.join('?' * 14)})",
                    values,
                )
            except sqlite3.IntegrityError as exc:
                raise self._integrity(exc, r.execution_arn) from None
            if batched:
                self._end_batch(0)
            else:
                self._commit_pending()

    def append_event(self, execution_arn: str, event: dict[str, Any]) -> None:
        row = encode_event(event)
        with self._lock:
            self._check_open()
            self._begin_batch()
            try:
                self._conn.execute(_INSERT_EVENT, (execution_arn, *row))
            except sqlite3.IntegrityError as exc:
                raise self._integrity(exc, execution_arn) from None
            self._end_batch(1)

    def append_events(self, execution_arn: str, events: Iterable[dict[str, Any]]) -> None:
        """Append atomically: either every event of the batch is stored or none is."""
        rows = [(execution_arn, *encode_event(event)) for event in events]
        if not rows:
            return
        with self._lock:
            self._check_open()
            batching = self._begin_batch()
            self._conn.execute("SAVEPOINT append_events" if batching else "BEGIN")
            try:
                self._conn.executemany(_INSERT_EVENT, rows)
            except BaseException as exc:
                if batching:
                    self._conn.execute("ROLLBACK TO append_events")
                    self._conn.execute("RELEASE append_events")
                else:
                    self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.IntegrityError):
                    raise self._integrity(exc, execution_arn) from None
                raise
            self._conn.execute("RELEASE append_events" if batching else "COMMIT")
            self._end_batch(len(rows))

    def _begin_batch(self) -> bool:
        """In batching mode make sure a batch transaction is open; return whether batching."""
        if self._batching is None:
            return False
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN")
            self._batch_started = time.monotonic()
            self._pending = 0
            assert self._flusher is not None
            self._flusher.arm()
        return True

    def _end_batch(self, appended: int) -> None:
        """Count ``appended`` events into the batch (records count 0) and commit it if it is due."""
        if self._batching is None:
            return
        self._pending += appended
        if (
            self._pending >= self._batching.max_events
            or (time.monotonic() - self._batch_started) * 1000 >= self._batching.max_delay_ms
        ):
            self._commit_pending()

    def finish_execution(
        self,
        execution_arn: str,
        *,
        status: str,
        output: str | None = None,
        error: str | None = None,
        cause: str | None = None,
        stop_date: datetime | str | None = None,
    ) -> None:
        final = check_status(status, finished=True)
        stopped = format_ts(utc_now() if stop_date is None else stop_date)
        with self._lock:
            self._check_open()
            batched = self._batching is not None and self._is_child(execution_arn)
            if batched:
                self._begin_batch()
            cursor = self._conn.execute(
                "UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ? "
                "WHERE execution_arn = ?",
                (str(final), output, error, cause, stopped, execution_arn),
            )
            if batched:
                self._end_batch(0)
            else:
                self._commit_pending()
            if cursor.rowcount == 0:
                raise ExecutionNotFound(execution_arn)

    def reopen_execution(self, execution_arn: str, *, metadata: dict[str, Any]) -> None:
        owner = self._owner.token if self._owner is not None and self._owner.held else None
        with self._lock:
            self._check_open()
            row = self._conn.execute(
                "SELECT status, metadata FROM executions WHERE execution_arn = ?", (execution_arn,)
            ).fetchone()
            if row is None:
                raise ExecutionNotFound(execution_arn)
            if row[0] == ExecutionStatus.RUNNING:
                raise ValueError(f"execution {execution_arn} is still RUNNING")
            merged = {**json.loads(row[1]), **metadata}
            self._conn.execute(
                "UPDATE executions SET status = ?, output = NULL, error = NULL, cause = NULL, "
                "stop_date = NULL, metadata = ?, owner = ? WHERE execution_arn = ?",
                (str(ExecutionStatus.RUNNING), dump_json(merged), owner, execution_arn),
            )
            self._commit_pending()

    def update_metadata(self, execution_arn: str, metadata: dict[str, Any]) -> None:
        with self._lock:
            self._check_open()
            row = self._conn.execute(
                "SELECT metadata FROM executions WHERE execution_arn = ?", (execution_arn,)
            ).fetchone()
            if row is None:
                raise ExecutionNotFound(execution_arn)
            merged = {**json.loads(row[0]), **metadata}
            self._conn.execute(
                "UPDATE executions SET metadata = ? WHERE execution_arn = ?",
                (dump_json(merged), execution_arn),
            )
            self._commit_pending()

    def delete_execution(self, execution_arn: str) -> None:
        with self._lock:
            self._check_open()
            self._conn.execute("DELETE FROM executions WHERE execution_arn = ?", (execution_arn,))
            self._commit_pending()

    def flush(self) -> None:
        with self._lock:
            if not self._closed:
                self._commit_pending()

    def abort_interrupted(self) -> list[str]:
        """Mark ABORTED the RUNNING executions whose process died; their ARNs (see ownership)."""
        if self._owner is None:
            return []
        with self._lock:
            self._check_open()
            self._commit_pending()
            return abort_interrupted(self._conn, self._owner)

    def close(self) -> None:
        if self._flusher is not None:
            self._flusher.stop()  # outside the lock: the flusher may be waiting for it
        with self._lock:
            if self._closed:
                return
            try:
                self._commit_pending()
            finally:
                self._closed = True
                self._conn.close()
                if self._owner is not None:
                    self._owner.release()

    # -- reads --------------------------------------------------------------------------------------

    def get_execution(self, execution_arn: str) -> ExecutionRecord | None:
        with self._lock:
            self._check_open()
            row = self._conn.execute(
                f"SELECT {_RECORD_COLUMNS} FROM executions WHERE execution_arn = ?", (execution_arn,)
            ).fetchone()
        return None if row is None else _record_from_row(row)

    def list_executions(
        self,
        state_machine_arn: str | None = None,
        status: str | None = None,
        limit: int | None = 100,
        *,
        parent_arn: str | None = None,
    ) -> list[ExecutionRecord]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("state_machine_arn", state_machine_arn),
            ("status", None if status is None else str(check_status(status, finished=False))),
            ("parent_arn", parent_arn),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_RECORD_COLUMNS} FROM executions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY start_date DESC, seq DESC LIMIT ?"
        params.append(-1 if limit is None else max(limit, 0))
        with self._lock:
            self._check_open()
            rows = self._conn.execute(sql, params).fetchall()
        return [_record_from_row(row) for row in rows]

    def iter_history(self, execution_arn: str, *, reverse: bool = False, after_id: int = 0) -> Iterator[dict]:
        with self._lock:
            self._check_open()
            if not self._exists(execution_arn):
                raise ExecutionNotFound(execution_arn)
        return self._pages(execution_arn, reverse, after_id)

    def _pages(self, execution_arn: str, reverse: bool, after_id: int) -> Iterator[dict]:
        if reverse:
            sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE execution_arn = ? AND id < ? ORDER BY id DESC"
            cursor = _MAX_ID if after_id <= 0 else after_id
        else:
            sql = f"SELECT {_EVENT_COLUMNS} FROM events WHERE execution_arn = ? AND id > ? ORDER BY id"
            cursor = after_id
        sql += " LIMIT ?"
        while True:
            with self._lock:
                self._check_open()
                page: list[EventRow] = self._conn.execute(
                    sql, (execution_arn, cursor, self._page_size)
                ).fetchall()
            for row in page:
                yield decode_event(row)
            if len(page) < self._page_size:
                return
            cursor = page[-1][0]

    def history_length(self, execution_arn: str) -> int:
        with self._lock:
            self._check_open()
            row = self._conn.execute("SELECT COUNT(*) FROM events WHERE execution_arn = ?", (execution_arn,))
            return int(row.fetchone()[0])


def _prepare_file(path: Path) -> None:
    """Refuse a folder; create a new store file readable by its owner alone (0600).

    Histories hold every input and output of every execution (payloads, tokens a task received),
    so other users of the machine must not read them. SQLite gives its -wal and -shm files the
    database file's mode.
    """
    if path.is_dir():
        raise StoreError("is a folder; give the path of an execution store file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"cannot create the execution store: {exc.strerror or exc}") from None
    os.close(fd)
