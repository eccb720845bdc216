"""Write batching for benchmark-sized runs.

Committing every event costs a WAL append per event; for runs that write millions of events that,
not the engine, becomes the bottleneck. With batching the SQLite store keeps one transaction open and
commits it every ``max_events`` appends or at most ``max_delay_ms`` after the first uncommitted one,
whichever comes first. The price: a crash loses up to that many events, so it is off by default.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WriteBatching:
    """Commit every ``max_events`` appended events or ``max_delay_ms`` milliseconds."""

    max_events: int = 1000
    max_delay_ms: float = 200.0

    def __post_init__(self) -> None:
        if self.max_events < 1:
            raise ValueError("max_events must be at least 1")
        if self.max_delay_ms <= 0:
            raise ValueError("max_delay_ms must be positive")


class DelayedFlusher:
    """A daemon thread that calls ``flush`` ``delay`` seconds after each ``arm()``.

    It sleeps on an event while nothing is pending, so an idle store costs no wake-ups. ``arm`` is
    called when a batch transaction opens; a flush that happens early (the batch filled up) is harmless
    because ``flush`` does nothing when there is nothing to commit.
    """

    def __init__(self, delay: float, flush: Callable[[], None]) -> None:
        self._delay = delay
        self._flush = flush
        self._armed = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="statecanvas-store-flusher", daemon=True)
        self._thread.start()

    def arm(self) -> None:
        self._armed.set()

    def stop(self) -> None:
        self._stopping.set()
        self._armed.set()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while True:
            self._armed.wait()
            if self._stopping.wait(self._delay):
                return
            self._armed.clear()
            # A closed store or a full disk surfaces on the store's next call, not in this thread.
            with contextlib.suppress(Exception):
                self._flush()
