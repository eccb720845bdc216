"""Autosave: every 30 s while the document has unsaved edits, its recovery entry is rewritten.

The entry follows the document: opening or creating another document removes the old
document's entry (the window asked the user to save or discard it first), saving removes it,
and Save As moves the document to the key of its new path. A clean exit removes it too, so an
entry found at start-up means a StateCanvas ended without one.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from designer.app.recovery.store import RecoveryEntry, RecoveryStore, key_for, resolved
from designer.document.files import DocumentData
from designer.document.project_document import ProjectDocument

INTERVAL_MS = 30_000


def default_recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".statecanvas") / "recovery"


class Autosave(QObject):
    def __init__(self, document: ProjectDocument, directory: Path, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(document)
        self.document = document
        self.store = RecoveryStore(directory)
        self.claimed: set[str] = set()  # entries offered to the user and not answered yet
        self._follow(document.path)
        document.document_reset.connect(self._document_replaced)
        document.path_changed.connect(self._path_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    @property
    def directory(self) -> Path:
        return self.store.directory

    def _follow(self, path: Path | None) -> None:
        self.key = key_for(path)
        self.key_path = resolved(path) if path is not None else None

    def _document_replaced(self) -> None:
        """Another document is shown: the previous one was saved or discarded, so is its entry."""
        self.discard()
        self._follow(self.document.path)

    def _path_changed(self) -> None:
        path = self.document.path
        if (resolved(path) if path is not None else None) != self.key_path:
            self.discard()  # Save As: the work now lives in the new file
            self._follow(path)

    # writing -----------------------------------------------------------------------------------

    def save_now(self) -> bool:
        """Write the recovery entry if there are unsaved edits; never raises (autosave must not nag)."""
        try:
            if not self.document.modified:
                return False
            data = self.document.snapshot()
            if self.store.write(self.key, data):
                return True
            # The same file is open, and changed, in another running instance: keep both.
            self.key = key_for(data.path, unique=True)
            return self.store.write(self.key, data)
        except (OSError, ValueError, RuntimeError):
            return False

    def discard(self) -> None:
        """Forget the current document's unsaved work (it was saved, or the user discarded it)."""
        self.store.remove(self.key)

    # recovering --------------------------------------------------------------------------------

    def offerable(self) -> list[RecoveryEntry]:
        """Unsaved work this instance may offer: entries no other running instance owns."""
        return self.store.offerable()

    def has_recovery(self) -> bool:
        return bool(self.offerable())

    def claim(self, entry: RecoveryEntry) -> bool:
        """Own `entry` while asking about it, so an instance starting meanwhile leaves it alone."""
        if self.store.claim(entry.key):
            self.claimed.add(entry.key)
            return True
        return False

    def read(self, entry: RecoveryEntry) -> DocumentData:
        return self.store.read(entry.key)

    def adopt(self, entry: RecoveryEntry) -> None:
        """The recovered document is now shown: its entry becomes this window's and is rewritten."""
        self.claimed.discard(entry.key)
        self.key, self.key_path = entry.key, entry.original
        self.save_now()

    def drop(self, entry: RecoveryEntry) -> None:
        """The user discarded the recovered work."""
        self.claimed.discard(entry.key)
        self.store.remove(entry.key)

    def set_aside(self, entry: RecoveryEntry) -> Path:
        """An entry that cannot be read: out of future offers, its data kept for the user to rescue."""
        self.claimed.discard(entry.key)
        return self.store.set_aside(entry.key)

    def keep_for_later(self, entry: RecoveryEntry) -> None:
        """Leave the entry for a later start: give up the claim, keep the data."""
        self.claimed.discard(entry.key)
        self.store.release(entry.key)

    def shut_down(self) -> None:
        """A clean exit: the current document's entry goes, unanswered offers stay for next time."""
        self.timer.stop()
        self.discard()
        for key in list(self.claimed):
            with contextlib.suppress(OSError):
                self.store.release(key)
        self.claimed.clear()
