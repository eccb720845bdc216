"""Writing an export where the user asked, whole or not at all.

An export is written to a temporary file beside the target and renamed over it, so an
interrupted export (a full disk, Ctrl-C, a crash) never leaves half a template where the user
expects a whole one. A target that is a folder, or whose folder does not exist, is refused with
one sentence before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from engine.project import atomic_write_text

__all__ = ["OutputPathError", "replacing", "write_output_bytes", "write_output_text"]


class OutputPathError(ValueError):
    """The export cannot be written there; the message names the path and says why."""


def write_output_text(path: str | Path, text: str, *, make_folders: bool = False) -> Path:
    """Write `text` to `path` atomically; `make_folders` creates missing parent folders first."""
    target = Path(path)
    if target.is_dir():
        raise OutputPathError(f"{target}: is a folder; give the name of a file to write")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        if make_folders:
            folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise OutputPathError(f"{target}: the folder {folder} {what}")
        atomic_write_text(target, text, backup=False)
    except OSError as exc:
        raise OutputPathError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to (for writers that want a file name, such as
    Qt's image and SVG writers); it replaces `path` only when the block ends without an error."""
    target = Path(path)
    if target.is_dir():
        raise OutputPathError(f"{target}: is a folder; give the name of a file to write")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputPathError(f"{target}: the folder {folder} {what}")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=folder)
    except OSError as exc:
        raise OutputPathError(f"{target}: cannot write: {exc.strerror or exc}") from None
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        with contextlib.suppress(OSError):
            os.chmod(temp, 0o644)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def write_output_bytes(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` whole or not at all (temporary file, fsync, rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with replacing(target) as temp, open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return target
