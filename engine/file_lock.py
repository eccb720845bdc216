"""One process at a time on a state file that two commands could otherwise both consume.

`put-events --state FILE` loads the queues' messages from FILE, delivers them and writes back
what is left. Two such commands on one file used to load the same messages and both deliver
them (9 of 10 messages processed twice), where SQS promises one consumer per successful
receive. The second command now waits for the first, saying so, and then sees what the first
left. The lock is an exclusive ``flock`` on a file beside the state file: the kernel releases
it when its process ends, however it ends, so a killed command never leaves the file locked.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; one command at a time is then the user's care
    fcntl = None  # type: ignore[assignment]

__all__ = ["FileBusyError", "exclusive_use", "lock_path"]


class FileBusyError(Exception):
    """Another process kept the file for longer than we were willing to wait."""


def lock_path(path: str | Path) -> Path:
    target = Path(path)
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def exclusive_use(
    path: str | Path, *, wait_seconds: float = 600.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold `path` for this process alone; wait (telling `on_wait` once) while another holds it."""
    if fcntl is None:
        yield
        return
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait is not None:
                    on_wait(f"{path} is in use by another StateCanvas command; waiting for it to finish")
                    told = True
                if time.monotonic() >= deadline:
                    raise FileBusyError(
                        f"{path} is still in use by another StateCanvas command after {wait_seconds:g} s"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock
