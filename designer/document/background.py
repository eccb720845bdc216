"""Work that runs in a thread while the window stays responsive, reported on the UI thread.

The thread never touches a Qt object: it leaves its outcome in a plain attribute, and a timer
owned by the job (so living and dying on the UI thread with it) picks the outcome up and emits
`finished`. A thread that signalled a QObject itself could do so after the window, or the
application at exit, had destroyed that object, which crashes the process.

While such work runs, Python's cyclic garbage collector is paused (from the UI thread, and
resumed there once every job's thread has ended). A collection runs in whichever thread happens
to allocate; the work allocates a lot, so without the pause it would run in the worker and
destroy garbage Qt objects (items of a closed document, a dialog) off the UI thread while Qt is
busy there, which crashes the process. Reference counting still frees everything else.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

_working: set[threading.Thread] = set()  # threads of jobs whose work may still allocate
_collector_was_enabled = True


def _pause_collector(thread: threading.Thread) -> None:
    global _collector_was_enabled
    if not _working:
        _collector_was_enabled = gc.isenabled()
        gc.disable()
    _working.add(thread)


def _resume_collector() -> None:
    """On the UI thread: resume collecting once every worker has ended; until then look again
    shortly (the job that started a worker may be gone with its window)."""
    _working.difference_update([t for t in _working if not t.is_alive()])
    if _working:
        if QCoreApplication.instance() is not None:
            QTimer.singleShot(100, _resume_collector)
        return
    if _collector_was_enabled:
        gc.enable()


class BackgroundJob(QObject):
    """Run `work` once in a daemon thread; `finished(problem)` follows on the UI thread, with ""
    when it succeeded or why it did not."""

    finished = Signal(str)

    def __init__(self, work: Callable[[], None], name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._name = name
        self._thread: threading.Thread | None = None
        self._outcome: list[str] = []  # written once by the thread
        self.done = False
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._check)

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        _pause_collector(self._thread)
        self._thread.start()
        self._poll.start()
        self.destroyed.connect(lambda: _resume_collector())

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the work is done (benchmarks, tests); `finished` is emitted before returning."""
        self.start()
        assert self._thread is not None
        self._thread.join(timeout)
        self._check()

    def _run(self) -> None:
        # Nothing may escape the thread: the process can end while it works, and Python would
        # print the thread's traceback to the user.
        try:
            self._work()
        except Exception as exc:
            self._outcome.append(str(exc) or type(exc).__name__)
        else:
            self._outcome.append("")

    def _check(self) -> None:
        if self._outcome and not self.done:
            self.done = True
            self._poll.stop()
            _resume_collector()
            self.finished.emit(self._outcome[0])
