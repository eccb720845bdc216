"""Exceptions raised by execution stores.

They are store-neutral so that callers (the engine, the CLI, the designer) handle one set of errors
whichever backend is configured; SQLite's own exceptions never escape for the cases named here.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class for every error an :class:`~engine.store.base.ExecutionStore` raises on purpose."""


class ExecutionAlreadyExists(StoreError):
    """``create_execution`` was given an ARN the store already holds (AWS: ExecutionAlreadyExists)."""


class ExecutionNotFound(StoreError):
    """An operation named an execution ARN the store does not hold (AWS: ExecutionDoesNotExist)."""


class DuplicateEvent(StoreError):
    """An event id was appended twice to one execution's history; ids are unique per execution."""


class StoreClosed(StoreError):
    """The store was used after ``close()``."""


class SchemaVersionError(StoreError):
    """The database file was written by a newer StateCanvas (or has a broken version table)."""
