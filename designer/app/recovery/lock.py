"""Who owns a recovery entry: a lock file naming the running StateCanvas that writes it.

Recovery data must only be offered to the user whose work it is. Each entry's lock holds the
writer's process id, host name and process start time; another instance treats the entry as
someone else's while that process is alive, and takes it over once it is gone (a crash leaves
its locks behind). The start time tells a reused process id from the original writer. Locks
from another host (a shared home folder) cannot be checked and are always left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Owner:
    pid: int
    host: str
    started: str | None = None  # the process's start time as the OS reports it; None where unknown

    @classmethod
    def current(cls) -> Owner:
        return cls(os.getpid(), socket.gethostname(), process_start(os.getpid()))

    @classmethod
    def from_json(cls, value: object) -> Owner | None:
        if not isinstance(value, dict) or not isinstance(value.get("pid"), int):
            return None
        started = value.get("started")
        return cls(value["pid"], str(value.get("host", "")), started if isinstance(started, str) else None)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def process_start(pid: int) -> str | None:
    """The start time of process `pid` (clock ticks since boot on Linux); None where unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may contain spaces; fields follow the last ')'.
    fields = text.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def is_alive(owner: Owner) -> bool:
    """Whether the process that wrote a lock may still be running (unknown counts as running)."""
    if owner.host != socket.gethostname():
        return True
    if not _pid_running(owner.pid):
        return False
    if owner.started is not None:
        now = process_start(owner.pid)
        if now is not None and now != owner.started:
            return False  # the id was reused by a later process
    return True


def _pid_running(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        return _windows_pid_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    except OSError:
        return False
    return True


def _windows_pid_running(pid: int) -> bool:
    # Imported here: only Windows asks the kernel whether a process runs.
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
    finally:
        kernel32.CloseHandle(handle)


def read_owner(path: Path) -> Owner | None:
    """The owner written in a lock file; None when there is none or it cannot be read."""
    try:
        return Owner.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def held_by_other(path: Path, me: Owner) -> bool:
    """True while another running process owns the lock at `path`."""
    owner = read_owner(path)
    return owner is not None and owner != me and is_alive(owner)


def claim(path: Path, me: Owner) -> bool:
    """Make `me` the owner unless another live process is; True when the lock is ours afterwards.

    A free lock, a stale one (its process is gone) and an unreadable one are taken over. The
    lock is written by rename, so a reader never sees half of it; if two instances take over
    the same stale lock at once, the last rename wins and the other sees that it lost.
    """
    if held_by_other(path, me):
        return False
    if read_owner(path) == me:
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(me.to_json())
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    return read_owner(path) == me


def release(path: Path, me: Owner) -> None:
    """Remove the lock if it is ours; another owner's lock is never touched."""
    if read_owner(path) == me:
        with contextlib.suppress(OSError):
            path.unlink()
