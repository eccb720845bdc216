"""The recovery folder: one entry per document, each owned by the instance that writes it.

An entry is three files named by its key: `KEY.statecanvas.json` (the whole document, every
definition inline), `KEY.meta.json` (which file it belongs to, when it was written) and
`KEY.lock` (see `designer.app.recovery.lock`). A saved document's key is a hash of its resolved
path, so reopening that file finds its own recovery data; an untitled document gets a random
key of its own, so two untitled documents never overwrite each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designer.app.recovery import lock
from designer.app.recovery.lock import Owner
from designer.document.files import DocumentData, load_document_file, save_document_file
from engine.project import atomic_write_text

DATA_SUFFIX = ".statecanvas.json"
META_SUFFIX = ".meta.json"
LOCK_SUFFIX = ".lock"


def resolved(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def key_for(path: str | Path | None, *, unique: bool = False) -> str:
    """The entry key of a document: a hash of its path, or a fresh one for an untitled document.

    `unique` adds a random part, for when the same file is open (and changed) in two instances.
    """
    if path is None:
        return f"untitled-{uuid.uuid4().hex[:12]}"
    digest = hashlib.sha256(resolved(path).encode("utf-8")).hexdigest()[:16]
    return f"doc-{digest}-{uuid.uuid4().hex[:6]}" if unique else f"doc-{digest}"


@dataclass
class RecoveryEntry:
    """One document's unsaved work as found in the folder."""

    directory: Path
    key: str
    original: str | None  # the resolved path of the document's file; None when untitled
    kind: str
    saved: float

    @property
    def data_file(self) -> Path:
        return self.directory / f"{self.key}{DATA_SUFFIX}"

    @property
    def meta_file(self) -> Path:
        return self.directory / f"{self.key}{META_SUFFIX}"

    @property
    def lock_file(self) -> Path:
        return self.directory / f"{self.key}{LOCK_SUFFIX}"

    @property
    def title(self) -> str:
        return Path(self.original).name if self.original else "an untitled document"

    def belongs_to(self, path: str | Path | None) -> bool:
        """Whether this is the unsaved work of the file at `path`."""
        return path is not None and self.original == resolved(path)

    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved))


class RecoveryStore:
    def __init__(self, directory: Path, owner: Owner | None = None) -> None:
        self.directory = directory
        self.owner = owner or Owner.current()

    def entry(self, key: str) -> RecoveryEntry:
        meta = _read_meta(self.directory / f"{key}{META_SUFFIX}")
        original = meta.get("original")
        return RecoveryEntry(
            self.directory,
            key,
            original if isinstance(original, str) else None,
            str(meta.get("kind") or "project"),
            float(meta.get("saved") or 0.0),
        )

    def entries(self) -> list[RecoveryEntry]:
        """Every entry with data in the folder, newest first, whoever owns it."""
        try:
            files = list(self.directory.glob(f"*{DATA_SUFFIX}"))
        except OSError:
            return []
        found = [self.entry(f.name[: -len(DATA_SUFFIX)]) for f in files if not f.name.startswith(".")]
        return sorted(found, key=lambda e: e.saved, reverse=True)

    def offerable(self) -> list[RecoveryEntry]:
        """Entries that are this instance's to offer: no other running instance owns them."""
        return [e for e in self.entries() if not lock.held_by_other(e.lock_file, self.owner)]

    def claim(self, key: str) -> bool:
        return lock.claim(self.entry(key).lock_file, self.owner)

    def release(self, key: str) -> None:
        """Give up ownership but keep the data (the user chose to decide later)."""
        lock.release(self.entry(key).lock_file, self.owner)

    def write(self, key: str, data: DocumentData) -> bool:
        """Write `data` as entry `key`; False when another live instance owns that key."""
        entry = self.entry(key)
        if not lock.claim(entry.lock_file, self.owner):
            return False
        save_document_file(data, entry.data_file, inline=True, backup=False)
        meta = {
            "original": resolved(data.path) if data.path is not None else None,
            "kind": data.kind,
            "saved": time.time(),
        }
        atomic_write_text(entry.meta_file, json.dumps(meta), backup=False)
        return True

    def read(self, key: str) -> DocumentData:
        """The document an entry holds, with the path and kind of the file it came from."""
        entry = self.entry(key)
        data = load_document_file(entry.data_file)
        data.path = Path(entry.original) if entry.original else None
        data.kind = "asl" if entry.kind == "asl" and entry.original else "project"
        return data

    def set_aside(self, key: str) -> Path:
        """Keep an entry that cannot be read out of future offers, without deleting the user's data."""
        entry = self.entry(key)
        target = entry.data_file.with_name(entry.data_file.name + ".unreadable")
        with contextlib.suppress(OSError):
            entry.data_file.replace(target)
        for file in (entry.meta_file, entry.lock_file):
            with contextlib.suppress(OSError):
                file.unlink()
        return target

    def remove(self, key: str) -> None:
        """Delete an entry, unless another live instance owns it."""
        entry = self.entry(key)
        if lock.held_by_other(entry.lock_file, self.owner):
            return
        for file in (entry.data_file, entry.meta_file, entry.lock_file):
            with contextlib.suppress(OSError):
                file.unlink()


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
