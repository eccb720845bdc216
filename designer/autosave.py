"""Autosave to a recovery file every 30 s while there are unsaved edits.

A clean exit removes the recovery file; finding one at start-up means the last session ended
without one, and the main window offers to restore it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from designer.document.files import DocumentData, load_document_file, save_document_file
from designer.document.project_document import ProjectDocument

INTERVAL_MS = 30_000
RECOVERY_NAME = "recovery.statecanvas.json"
META_NAME = "recovery.meta.json"


def default_recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".statecanvas") / "recovery"


class Autosave(QObject):
    def __init__(self, document: ProjectDocument, directory: Path, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(document)
        self.document = document
        self.directory = directory
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    @property
    def recovery_file(self) -> Path:
        return self.directory / RECOVERY_NAME

    @property
    def meta_file(self) -> Path:
        return self.directory / META_NAME

    def save_now(self) -> bool:
        """Write the recovery file if there are unsaved edits; never raises (autosave must not nag)."""
        if not self.document.modified:
            return False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            save_document_file(self.document.snapshot(), self.recovery_file, inline=True)
            meta = {
                "original": str(self.document.path) if self.document.path else None,
                "kind": self.document.kind,
                "saved": time.time(),
            }
            self.meta_file.write_text(json.dumps(meta), encoding="utf-8")
        except OSError:
            return False
        return True

    def has_recovery(self) -> bool:
        return self.recovery_file.exists()

    def original_path(self) -> str | None:
        try:
            return json.loads(self.meta_file.read_text(encoding="utf-8")).get("original")
        except (OSError, ValueError):
            return None

    def recover(self) -> DocumentData:
        data = load_document_file(self.recovery_file)
        original = self.original_path()
        data.path = Path(original) if original else None
        data.kind = "project" if original is None or original.endswith(".statecanvas.json") else "asl"
        return data

    def discard(self) -> None:
        for file in (self.recovery_file, self.meta_file):
            try:
                file.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass
