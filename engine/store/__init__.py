"""Execution persistence: records and AWS-shaped event histories, in memory or in SQLite.

The engine writes through :class:`ExecutionStore`; :func:`open_store` picks the backend from a setting.
Pure Python (stdlib ``sqlite3``), no Qt -- the designer and CLI both use it.
"""

from engine.store.base import ExecutionStore
from engine.store.batching import WriteBatching
from engine.store.errors import (
    DuplicateEvent,
    ExecutionAlreadyExists,
    ExecutionNotFound,
    SchemaVersionError,
    StoreClosed,
    StoreError,
)
from engine.store.factory import open_store
from engine.store.memory import MemoryStore
from engine.store.paths import default_store_path, user_data_dir
from engine.store.record import ExecutionRecord, ExecutionStatus, reopened
from engine.store.schema import SCHEMA_VERSION
from engine.store.sqlite import SqliteStore

__all__ = [
    "SCHEMA_VERSION",
    "DuplicateEvent",
    "ExecutionAlreadyExists",
    "ExecutionNotFound",
    "ExecutionRecord",
    "ExecutionStatus",
    "ExecutionStore",
    "MemoryStore",
    "SchemaVersionError",
    "SqliteStore",
    "StoreClosed",
    "StoreError",
    "WriteBatching",
    "default_store_path",
    "open_store",
    "reopened",
    "user_data_dir",
]
