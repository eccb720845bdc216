"""Python's cyclic garbage collector, run on the UI thread only.

CPython collects in whichever thread happens to allocate. In the designer other threads do
allocate: local Lambda handlers and emulated services run in worker threads during a run, the
AWS catalog is read in one. A collection there destroys the garbage it finds, Qt objects of a
closed document or dialog included, off the UI thread while Qt is busy on it: the process
crashes. So the application turns automatic collection off and a timer on the UI thread
collects instead, by the same thresholds CPython uses (reference counting frees everything
that is not in a cycle at once, as before).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 250


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("ui-thread-collector")
        self.thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds; the number collected."""
        counts, thresholds = gc.get_count(), self.thresholds
        if counts[0] <= thresholds[0]:
            return 0
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
        return gc.collect(generation)


def install_ui_thread_collector(app: QCoreApplication) -> UiThreadCollector:
    """Once per application; the collector lives as long as the application."""
    found = app.findChild(UiThreadCollector, "ui-thread-collector")
    return found if isinstance(found, UiThreadCollector) else UiThreadCollector(app)
