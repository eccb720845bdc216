"""The SQLite schema and its migrations.

The version lives in a one-row ``schema_version`` table (rather than ``PRAGMA user_version``) so it is
visible to anyone poking at the file with the sqlite3 shell. ``MIGRATIONS[i]`` upgrades a database
from version ``i`` to ``i + 1``; version 0 is an empty file. To change the schema, append a function
to the list -- never edit a released one -- and existing files upgrade themselves the next time they
are opened. All pending steps run in one ``BEGIN IMMEDIATE`` transaction, so two processes opening a
fresh file at once cannot both migrate it, and a failing step leaves the file as it was.

Dates are ISO-8601 UTC text with milliseconds (see :mod:`engine.store.timestamps`), which sorts
correctly as text; JSON columns hold compact UTF-8 JSON.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from engine.store.errors import SchemaVersionError

Migration = Callable[[sqlite3.Connection], None]

_V1 = (
    # ``seq`` gives a stable creation order (implicit rowids may be renumbered by VACUUM).
    """CREATE TABLE executions (
        seq INTEGER PRIMARY KEY,
        execution_arn TEXT NOT NULL UNIQUE,
        state_machine_arn TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        start_date TEXT NOT NULL,
        stop_date TEXT,
        input TEXT,
        output TEXT,
        error TEXT,
        cause TEXT,
        parent_arn TEXT,
        definition TEXT,
        metadata TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX executions_by_start ON executions (start_date, seq)",
    "CREATE INDEX executions_by_machine ON executions (state_machine_arn, start_date, seq)",
    "CREATE INDEX executions_by_status ON executions (status, start_date, seq)",
    "CREATE INDEX executions_by_parent ON executions (parent_arn)",
    # The primary key doubles as the index for paging a history by id and for the cascade.
    """CREATE TABLE events (
        execution_arn TEXT NOT NULL REFERENCES executions (execution_arn) ON DELETE CASCADE,
        id INTEGER NOT NULL,
        previous_event_id INTEGER,
        type TEXT NOT NULL,
        timestamp TEXT,
        details TEXT NOT NULL,
        PRIMARY KEY (execution_arn, id)
    )""",
)


def _create_v1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


def _add_owner_v2(conn: sqlite3.Connection) -> None:
    """v2: which process runs each execution (engine.store.ownership), so a killed one is found."""
    conn.execute("ALTER TABLE executions ADD COLUMN owner TEXT")


MIGRATIONS: tuple[Migration, ...] = (_create_v1, _add_owner_v2)

#: The version this code writes.
SCHEMA_VERSION = len(MIGRATIONS)


def read_version(conn: sqlite3.Connection) -> int:
    """The file's schema version; 0 when the version table does not exist yet."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    rows = conn.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1:
        raise SchemaVersionError(f"schema_version should hold one row, it holds {len(rows)}")
    return int(rows[0][0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the file up to ``len(migrations)``; return the version it was at before.

    ``conn`` must be in autocommit mode (``isolation_level=None``); the steps run in one transaction.
    """
    target = len(migrations)
    if read_version(conn) == target:  # the common case, without taking the write lock
        return target
    conn.execute("BEGIN IMMEDIATE")
    try:
        before = read_version(conn)
        if before > target:
            raise SchemaVersionError(
                f"the store is at schema version {before}; this StateCanvas understands up to {target}"
            )
        if before == 0:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        for step in migrations[before:]:
            step(conn)
        conn.execute("UPDATE schema_version SET version = ?", (target,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return before
