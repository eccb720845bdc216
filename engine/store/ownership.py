"""Which process runs which execution, so executions left behind by a dead process are found.

An execution recorded as RUNNING stays so until its process records how it ended. A process
killed meanwhile (kill -9, a crash, a closed laptop lid that never woke) never does, and the
store would show the execution running forever. Each process that opens a store file takes an
*owner token*: a file in a folder beside the store, held with an exclusive ``flock`` for as long
as the store is open. The kernel drops the lock when the process dies, however it dies, so a
token whose file can be locked belongs to nobody alive (a recycled pid cannot fool it).

Executions are stamped with their owner's token (the ``owner`` column). ``abort_interrupted``
marks the RUNNING executions of dead owners ABORTED, with an ``ExecutionAborted`` event closing
their history and a cause that says what happened, as AWS does for an execution stopped from
outside. Resuming instead would need every pending wait, callback and Map iteration restored
exactly; a clean ABORTED never reports a result that the execution did not produce.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from engine.store.timestamps import format_ts, utc_now

try:
    import fcntl
except ImportError:  # Windows: no flock; interrupted executions are then never guessed at
    fcntl = None  # type: ignore[assignment]

INTERRUPTED_ERROR = "StateCanvas.ExecutionInterrupted"
__all__ = ["INTERRUPTED_ERROR", "OwnerToken", "abort_interrupted", "owners_folder"]


def owners_folder(store_path: str) -> Path:
    path = Path(store_path)
    return path.with_name(f".{path.name}.owners")


class OwnerToken:
    """This process's claim on a store file; released by ``release`` or by the process's death."""

    def __init__(self, store_path: str) -> None:
        self.token = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.pid = os.getpid()
        self.folder = owners_folder(store_path)
        self._fd: int | None = None
        if fcntl is None:
            return
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(self.folder / self.token, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a read-only folder: this process simply cannot vouch for its executions
            return
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.folder / self.token)
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._fd = None


def _alive(folder: Path, token: str) -> bool:
    """Whether the process that holds `token` is still running (its file is locked)."""
    if fcntl is None:
        return True
    path = folder / token
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave its executions alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return True
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(path)
    return False


def abort_interrupted(conn: sqlite3.Connection, owner: OwnerToken) -> list[str]:
    """Mark ABORTED every RUNNING execution whose owner is dead; their ARNs, oldest first.

    Runs in one IMMEDIATE transaction per execution, re-reading its status inside it, so two
    processes recovering the same store at once abort each execution once.
    """
    if not owner.held:
        return []
    rows = conn.execute(
        "SELECT execution_arn, owner FROM executions WHERE status = 'RUNNING' ORDER BY seq"
    ).fetchall()
    aborted = []
    verdicts: dict[str | None, bool] = {}
    for arn, token in rows:
        if token == owner.token:
            continue
        if token not in verdicts:
            verdicts[token] = token is not None and _alive(owner.folder, token)
        if verdicts[token]:
            continue
        if _abort(conn, arn, token):
            aborted.append(arn)
    _sweep(owner)
    return aborted


def _sweep(owner: OwnerToken) -> None:
    """Remove the token files of dead processes that left no running execution behind."""
    with contextlib.suppress(OSError):
        for path in owner.folder.iterdir():
            if path.name != owner.token:
                _alive(owner.folder, path.name)  # unlinks the file of a dead owner


def _abort(conn: sqlite3.Connection, arn: str, token: str | None) -> bool:
    now = utc_now()
    who = f"the process that ran it ({token})" if token else "the process that ran it"
    cause = (
        f"The execution was interrupted: {who} ended before the execution did (it was killed, "
        f"interrupted or crashed). StateCanvas marked it ABORTED when the store was next opened, at "
        f"{format_ts(now)}; start it again to run it to the end."
    )
    conn.execute("BEGIN IMMEDIATE")
    try:
        status = conn.execute("SELECT status FROM executions WHERE execution_arn = ?", (arn,)).fetchone()
        if status is None or status[0] != "RUNNING":
            conn.execute("ROLLBACK")
            return False
        last = conn.execute("SELECT MAX(id) FROM events WHERE execution_arn = ?", (arn,)).fetchone()[0]
        if last is not None:
            details: dict[str, Any] = {
                "executionAbortedEventDetails": {"error": INTERRUPTED_ERROR, "cause": cause}
            }
            conn.execute(
                "INSERT INTO events (execution_arn, id, previous_event_id, type, timestamp, details) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (arn, last + 1, last, "ExecutionAborted", format_ts(now), json.dumps(details)),
            )
        conn.execute(
            "UPDATE executions SET status = 'ABORTED', error = ?, cause = ?, stop_date = ? "
            "WHERE execution_arn = ?",
            (INTERRUPTED_ERROR, cause, format_ts(now), arn),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True
