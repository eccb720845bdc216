"""StateCanvas's service-parameter warnings for the designer, never blocking the UI.

The checks of SDK Tasks need the catalog's index of every AWS service. Reading it (or, the
first time on a machine, building it from botocore's models) is done in a thread; until it is
there only the optimized integrations are checked, and `ready` (delivered on the UI thread)
tells the document to validate again with everything.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, Signal

from designer.document.background import BackgroundJob
from engine.asl import Diagnostic
from engine.services import catalog


class ServiceChecks(QObject):
    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index = BackgroundJob(catalog.services, "aws-catalog-index", self)
        self._index.finished.connect(self._index_read)

    def warnings(self, definition: Any) -> list[Diagnostic]:
        # Imported here for start-up time: the parameter checks (and difflib) load with the first check.
        from engine.services import catalog, design_warnings

        with_sdk = catalog.index_ready()
        if not with_sdk and _calls_sdk(definition):  # only SDK Tasks need the index
            self._load()
        try:
            return design_warnings(definition, sdk=with_sdk)
        except Exception:  # a catalog problem must not take the editor down
            return []

    def _load(self) -> None:
        self._index.start()

    def _index_read(self, problem: str) -> None:
        if not problem:  # without botocore data SDK Tasks simply go unchecked
            with contextlib.suppress(RuntimeError):  # the document went away while the index was read
                self.ready.emit()


def _calls_sdk(definition: Any) -> bool:
    """Whether any Resource in the definition is an SDK integration (`...:aws-sdk:...`)."""
    stack = [definition]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            resource = value.get("Resource")
            if isinstance(resource, str) and ":aws-sdk:" in resource:
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False
