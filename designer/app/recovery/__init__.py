"""Unsaved work kept safe: autosave per document, owned by the running instance that wrote it."""

from designer.app.recovery.autosave import Autosave, default_recovery_dir
from designer.app.recovery.store import RecoveryEntry, RecoveryStore

__all__ = ["Autosave", "RecoveryEntry", "RecoveryStore", "default_recovery_dir"]
