"""Writing a user's file so that a crash, a full disk or a failed rename never costs the old version.

The new text goes to a temporary file in the same folder (same file system, so the rename is
atomic), is flushed and fsynced, and only then replaces the target with `os.replace`. Before
that, the previous version is kept beside the target as `NAME.bak` (`order.asl.json` ->
`order.asl.json.bak`): a save the user regrets, or one written by a buggy build, can be undone
by hand. Any failure leaves the target as it was and removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

BACKUP_SUFFIX = ".bak"


def backup_path(path: str | Path) -> Path:
    """Where the previous version of `path` is kept: `NAME.bak` beside it."""
    target = Path(path)
    return target.with_name(target.name + BACKUP_SUFFIX)


def atomic_write_text(path: str | Path, text: str, *, backup: bool = True, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` in one step; with `backup`, keep the old content as `NAME.bak`.

    Raises OSError when the write fails; the target is then unchanged.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        # A lone surrogate (valid in a JSON string) is written as its JSON escape, not refused.
        with os.fdopen(fd, "w", encoding=encoding, errors="backslashreplace", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            with contextlib.suppress(OSError):  # keep the user's permissions, not mkstemp's 0600
                os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
            if backup:
                _keep_backup(target)
        else:
            with contextlib.suppress(OSError):
                os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_folder(folder)


def _keep_backup(target: Path) -> None:
    """Copy the current version to `NAME.bak`, itself atomically (a half backup is no backup)."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak.tmp", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        shutil.copy2(target, temp)
        os.replace(temp, backup_path(target))
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race with other threads)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows opening a folder (POSIX)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
