"""An execution store that keeps every history in memory and tells listeners as events arrive.

The project runtime writes through the engine's store interface, so every execution of a run
(the one started from the designer and those the bus, queues and topics start) lands here, event
by event, in the order they happen.

Each event also gets an `EventNote`: the visit it belongs to and the chain of Map iterations it
ran in. The engine writes an event from the asyncio task doing the work (every Map iteration and
Parallel branch is a task of its own, created from its parent's), so a context variable set when
a state is entered, and inherited by the tasks it starts, names the visit; nothing of the
interpreter's own objects is read.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from engine.runtime.history_view import EventNote, Thread, details_of
from engine.store import ExecutionNotFound, ExecutionRecord, ExecutionStore, reopened

# (execution ARN, visit id, iteration chain) of the state the current task works for
_WHERE: contextvars.ContextVar[tuple[str, int | None, Thread] | None] = contextvars.ContextVar(
    "statecanvas_where", default=None
)

Listener = Callable[[str, dict[str, Any] | None], None]  # (execution ARN, event or None when it ended)


class LiveStore(ExecutionStore):
    def __init__(self) -> None:
        self.records: dict[str, ExecutionRecord] = {}
        self.histories: dict[str, list[dict[str, Any]]] = {}
        self.notes: dict[str, dict[int, EventNote]] = {}
        # wall-clock seconds at which each event arrived: on the virtual clock the events' own
        # timestamps say how long things would take, these how long the user waited
        self.arrivals: dict[str, dict[int, float]] = {}
        self.listeners: list[Listener] = []
        self.started: list[Callable[[ExecutionRecord], None]] = []

    # the engine's side -----------------------------------------------------------------------

    def create_execution(self, record: ExecutionRecord) -> None:
        self.records[record.execution_arn] = record
        self.histories[record.execution_arn] = []
        self.notes[record.execution_arn] = {}
        for listener in list(self.started):
            listener(record)

    def append_event(self, execution_arn: str, event: dict[str, Any]) -> None:
        history = self.histories.setdefault(execution_arn, [])
        history.append(event)
        self.notes.setdefault(execution_arn, {})[event["id"]] = self._note(execution_arn, event)
        self.arrivals.setdefault(execution_arn, {})[event["id"]] = time.time()
        for listener in self.listeners:
            listener(execution_arn, event)

    def _note(self, arn: str, event: dict[str, Any]) -> EventNote:
        where = _WHERE.get()
        visit, thread = (where[1], where[2]) if where is not None and where[0] == arn else (None, ())
        kind = event.get("type", "")
        if kind.endswith("StateEntered"):
            _WHERE.set((arn, event["id"], thread))
            return EventNote(event["id"], thread)
        if kind == "MapIterationStarted":
            details = details_of(event)
            thread = (*thread, (details.get("name", ""), int(details.get("index", 0))))
            _WHERE.set((arn, visit, thread))
            return EventNote(visit, thread)
        return EventNote(visit, thread)

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
        record = self.records.get(execution_arn)
        if record is not None:
            stop = stop_date if isinstance(stop_date, datetime) else datetime.now(UTC)
            self.records[execution_arn] = replace(
                record, status=status, output=output, error=error, cause=cause, stop_date=stop
            )
        for listener in self.listeners:
            listener(execution_arn, None)

    def reopen_execution(self, execution_arn: str, *, metadata: dict[str, Any]) -> None:
        """A client of File > Serve Locally redrove an execution: it is RUNNING again, same history."""
        record = self.records.get(execution_arn)
        if record is None:
            raise ExecutionNotFound(execution_arn)
        self.records[execution_arn] = reopened(record, metadata)

    def update_metadata(self, execution_arn: str, metadata: dict[str, Any]) -> None:
        record = self.records.get(execution_arn)
        if record is None:
            raise ExecutionNotFound(execution_arn)
        self.records[execution_arn] = replace(record, metadata={**record.metadata, **metadata})

    # readers ----------------------------------------------------------------------------------

    def get_execution(self, execution_arn: str) -> ExecutionRecord | None:
        return self.records.get(execution_arn)

    def list_executions(
        self,
        state_machine_arn: str | None = None,
        status: str | None = None,
        limit: int | None = 100,
        *,
        parent_arn: str | None = None,
    ) -> list[ExecutionRecord]:
        out = [
            r
            for r in self.records.values()
            if (state_machine_arn is None or r.state_machine_arn == state_machine_arn)
            and (status is None or r.status == status)
            and (parent_arn is None or r.parent_arn == parent_arn)
        ]
        out.reverse()
        return out[:limit] if limit else out

    def iter_history(self, execution_arn: str, *, reverse: bool = False, after_id: int = 0) -> Iterator[dict]:
        events = self.histories.get(execution_arn, [])
        chosen: Iterable[dict[str, Any]] = reversed(events) if reverse else events
        for event in chosen:
            if not after_id or (event["id"] < after_id if reverse else event["id"] > after_id):
                yield event

    def history_length(self, execution_arn: str) -> int:
        return len(self.histories.get(execution_arn, []))

    def delete_execution(self, execution_arn: str) -> None:
        for table in (self.records, self.histories, self.notes, self.arrivals):
            table.pop(execution_arn, None)

    def close(self) -> None:
        return None
