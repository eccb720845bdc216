"""An in-memory ExecutionStore, for tests and for runs that should leave nothing on disk.

It stores the same encoded rows as the SQLite store (see :mod:`engine.store.codec`), so the two
return identical values and one test suite can hold both to the same contract.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from itertools import count
from typing import Any

from engine.store.base import ExecutionStore
from engine.store.codec import EventRow, copy_record, decode_event, encode_event, normalize_record
from engine.store.errors import DuplicateEvent, ExecutionAlreadyExists, ExecutionNotFound, StoreClosed
from engine.store.record import ExecutionRecord, check_status, reopened
from engine.store.timestamps import to_utc, utc_now


class _History:
    """One execution's events, kept sorted by id (appends are almost always in order)."""

    __slots__ = ("ids", "rows")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.rows: list[EventRow] = []

    def check_new(self, event_id: int) -> None:
        index = bisect.bisect_left(self.ids, event_id)
        if index < len(self.ids) and self.ids[index] == event_id:
            raise DuplicateEvent(f"event id {event_id} is already in the history")

    def add(self, row: EventRow) -> None:
        if not self.ids or row[0] > self.ids[-1]:
            self.ids.append(row[0])
            self.rows.append(row)
            return
        index = bisect.bisect_left(self.ids, row[0])
        self.ids.insert(index, row[0])
        self.rows.insert(index, row)


class MemoryStore(ExecutionStore):
    """Dictionaries guarded by a lock. ``page_size`` is how many events a reader takes per lock."""

    def __init__(self, *, page_size: int = 500) -> None:
        self._lock = threading.RLock()
        self._records: dict[str, ExecutionRecord] = {}
        self._order: dict[str, int] = {}
        self._histories: dict[str, _History] = {}
        self._sequence = count()
        self._page_size = page_size
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed("the store is closed")

    def _history(self, execution_arn: str) -> _History:
        try:
            return self._histories[execution_arn]
        except KeyError:
            raise ExecutionNotFound(execution_arn) from None

    def create_execution(self, record: ExecutionRecord) -> None:
        stored = normalize_record(record)
        with self._lock:
            self._check_open()
            if stored.execution_arn in self._records:
                raise ExecutionAlreadyExists(stored.execution_arn)
            self._records[stored.execution_arn] = stored
            self._order[stored.execution_arn] = next(self._sequence)
            self._histories[stored.execution_arn] = _History()

    def append_event(self, execution_arn: str, event: dict[str, Any]) -> None:
        self.append_events(execution_arn, (event,))

    def append_events(self, execution_arn: str, events: Iterable[dict[str, Any]]) -> None:
        rows = [encode_event(event) for event in events]
        with self._lock:
            self._check_open()
            history = self._history(execution_arn)
            seen: set[int] = set()
            for row in rows:  # all-or-nothing, like the SQLite transaction
                history.check_new(row[0])
                if row[0] in seen:
                    raise DuplicateEvent(f"event id {row[0]} appears twice in the batch")
                seen.add(row[0])
            for row in rows:
                history.add(row)

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
        stopped = utc_now() if stop_date is None else to_utc(stop_date)
        with self._lock:
            self._check_open()
            record = self._records.get(execution_arn)
            if record is None:
                raise ExecutionNotFound(execution_arn)
            self._records[execution_arn] = replace(
                record, status=final, output=output, error=error, cause=cause, stop_date=stopped
            )

    def reopen_execution(self, execution_arn: str, *, metadata: dict[str, Any]) -> None:
        with self._lock:
            self._check_open()
            record = self._records.get(execution_arn)
            if record is None:
                raise ExecutionNotFound(execution_arn)
            self._records[execution_arn] = reopened(record, metadata)

    def update_metadata(self, execution_arn: str, metadata: dict[str, Any]) -> None:
        with self._lock:
            self._check_open()
            record = self._records.get(execution_arn)
            if record is None:
                raise ExecutionNotFound(execution_arn)
            self._records[execution_arn] = replace(record, metadata={**record.metadata, **metadata})

    def get_execution(self, execution_arn: str) -> ExecutionRecord | None:
        with self._lock:
            self._check_open()
            record = self._records.get(execution_arn)
            return None if record is None else copy_record(record)

    def list_executions(
        self,
        state_machine_arn: str | None = None,
        status: str | None = None,
        limit: int | None = 100,
        *,
        parent_arn: str | None = None,
    ) -> list[ExecutionRecord]:
        if status is not None:
            status = check_status(status, finished=False)
        with self._lock:
            self._check_open()
            chosen = [
                record
                for record in self._records.values()
                if (state_machine_arn is None or record.state_machine_arn == state_machine_arn)
                and (status is None or record.status == status)
                and (parent_arn is None or record.parent_arn == parent_arn)
            ]
            chosen.sort(key=lambda r: (r.start_date, self._order[r.execution_arn]), reverse=True)
            if limit is not None:
                chosen = chosen[: max(limit, 0)]
            return [copy_record(record) for record in chosen]

    def iter_history(self, execution_arn: str, *, reverse: bool = False, after_id: int = 0) -> Iterator[dict]:
        with self._lock:
            self._check_open()
            self._history(execution_arn)
        return self._pages(execution_arn, reverse, after_id)

    def _pages(self, execution_arn: str, reverse: bool, after_id: int) -> Iterator[dict]:
        cursor = after_id
        while True:
            with self._lock:
                self._check_open()
                history = self._histories.get(execution_arn)
                if history is None:
                    return  # deleted while being read: the history simply ends
                if not reverse:
                    start = bisect.bisect_right(history.ids, cursor)
                    page = history.rows[start : start + self._page_size]
                else:
                    stop = len(history.ids) if cursor <= 0 else bisect.bisect_left(history.ids, cursor)
                    page = history.rows[max(stop - self._page_size, 0) : stop][::-1]
            for row in page:
                yield decode_event(row)
            if len(page) < self._page_size:  # a short page is the end, as in the SQLite store
                return
            cursor = page[-1][0]

    def history_length(self, execution_arn: str) -> int:
        with self._lock:
            self._check_open()
            history = self._histories.get(execution_arn)
            return 0 if history is None else len(history.ids)

    def delete_execution(self, execution_arn: str) -> None:
        with self._lock:
            self._check_open()
            self._records.pop(execution_arn, None)
            self._order.pop(execution_arn, None)
            self._histories.pop(execution_arn, None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._records.clear()
            self._histories.clear()
