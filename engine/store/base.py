"""The one interface the engine persists executions through.

The engine writes an execution's history event by event while it runs, so that a crash (of the
engine, the designer, the machine) leaves a history from which the execution can be inspected or
resumed; the designer and CLI read histories back, possibly while the execution is still running.
Everything else -- in-memory for tests, SQLite on disk -- is an implementation of this class.

Contract shared by all implementations:

* ``append_event`` is durable when it returns, unless the implementation was explicitly asked to
  batch writes (``SqliteStore(write_batching=...)``); call ``flush()`` to force pending writes out.
  Batching covers child executions' records too (see :mod:`engine.store.sqlite`); a top-level
  execution's ``finish_execution`` is always durable, and with it everything written before.
* ``iter_history`` streams: it reads the history in pages and never holds the whole of a long history,
  nor a lock, between the events it yields, so other threads may append while a reader iterates.
* Records and events handed out are fresh objects; mutating them never changes the store.
* Methods are thread-safe and short, so an asyncio program may call them directly (or through
  ``asyncio.to_thread`` when a call might touch a slow disk).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from engine.store.record import ExecutionRecord


class ExecutionStore(ABC):
    """Persistence for execution records and their AWS-shaped event histories."""

    @abstractmethod
    def create_execution(self, record: ExecutionRecord) -> None:
        """Store a new execution; raises ``ExecutionAlreadyExists`` if its ARN is taken."""

    @abstractmethod
    def append_event(self, execution_arn: str, event: dict[str, Any]) -> None:
        """Append one history event; raises ``ExecutionNotFound`` / ``DuplicateEvent``."""

    def append_events(self, execution_arn: str, events: Iterable[dict[str, Any]]) -> None:
        """Append several events. Implementations make the batch atomic where they can."""
        for event in events:
            self.append_event(execution_arn, event)

    @abstractmethod
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
        """Record how an execution ended (``stop_date`` defaults to now).

        Durable when it returns, with everything written before it; only a child execution's, in a
        store asked to batch writes, may wait in the batch: it is committed by its parent's finish
        when that comes later (a distributed Map's children always end first), by ``flush`` or
        ``close``, or on the batch's own schedule.
        """

    def reopen_execution(self, execution_arn: str, *, metadata: dict[str, Any]) -> None:
        """Make a finished execution RUNNING again (a redrive), keeping its ARN, start date and history.

        Its stop date, output, error and cause are cleared, and ``metadata`` is merged into its own
        (the redrive count and date), so that readers see one execution, not two. Raises
        ``ExecutionNotFound`` for an unknown ARN and ``ValueError`` if it is still RUNNING. Stores
        written before redrive existed keep this default, which says they cannot.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot reopen a finished execution")

    def update_metadata(self, execution_arn: str, metadata: dict[str, Any]) -> None:
        """Merge ``metadata`` into an execution's own, whatever its status.

        The engine keeps here what a later redrive needs and the history does not say (the outcome
        of each branch and iteration of a Parallel or Map state that failed). Raises
        ``ExecutionNotFound`` for an unknown ARN; stores that cannot keep it say so.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot update an execution's metadata")

    @abstractmethod
    def get_execution(self, execution_arn: str) -> ExecutionRecord | None:
        """The record for ``execution_arn``, or ``None``."""

    @abstractmethod
    def list_executions(
        self,
        state_machine_arn: str | None = None,
        status: str | None = None,
        limit: int | None = 100,
        *,
        parent_arn: str | None = None,
    ) -> list[ExecutionRecord]:
        """Executions newest first (by start date, then creation order), optionally filtered."""

    @abstractmethod
    def iter_history(self, execution_arn: str, *, reverse: bool = False, after_id: int = 0) -> Iterator[dict]:
        """Stream the history in id order (descending if ``reverse``).

        ``after_id`` is a cursor in the direction of travel, like AWS ``nextToken``: forwards it yields
        events with ``id > after_id``; in reverse, events with ``id < after_id`` (0 means from the end).
        Raises ``ExecutionNotFound`` at call time, not at the first ``next()``.
        """

    @abstractmethod
    def history_length(self, execution_arn: str) -> int:
        """Number of events in the history (0 for an unknown execution)."""

    @abstractmethod
    def delete_execution(self, execution_arn: str) -> None:
        """Forget an execution and its history; a no-op for an unknown ARN. Children are kept."""

    def flush(self) -> None:  # noqa: B027 - deliberately a no-op for stores that never buffer
        """Make buffered writes durable. Stores that do not buffer have nothing to do."""

    @abstractmethod
    def close(self) -> None:
        """Flush and release resources. Idempotent; later calls raise ``StoreClosed``."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
