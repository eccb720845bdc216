"""``open_store``: turn a user's setting (CLI flag, designer preference) into a store.

One string is enough to choose a backend, so settings files and command lines need no more than a path.
"""

from __future__ import annotations

import os
from typing import Any

from engine.store.base import ExecutionStore
from engine.store.memory import MemoryStore
from engine.store.sqlite import SqliteStore


def open_store(url_or_path: str | os.PathLike[str] | None, **options: Any) -> ExecutionStore:
    """Open a store.

    * ``None``, ``""``, ``":memory:"`` or ``"memory:"`` -- a fresh :class:`MemoryStore`;
    * ``"sqlite:///abs/path"``, ``"sqlite:relative/path"`` or a plain path -- a :class:`SqliteStore`
      (``~`` is expanded); ``options`` are passed to it (``synchronous``, ``write_batching``, ...).

    Use :func:`engine.store.paths.default_store_path` for the usual on-disk location.
    """
    if url_or_path is None:
        return MemoryStore()
    text = os.fspath(url_or_path)
    if text in ("", ":memory:", "memory:"):
        return MemoryStore()
    if text.startswith("sqlite://"):
        text = text.removeprefix("sqlite://")
    elif text.startswith("sqlite:"):
        text = text.removeprefix("sqlite:")
    if not text or text == ":memory:":
        return MemoryStore()
    return SqliteStore(os.path.expanduser(text), **options)
