"""The application collects cyclic garbage on the UI thread only, by CPython's thresholds."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject

from designer.app.collector import UiThreadCollector

pytestmark = pytest.mark.own_collector  # these tests watch the collector themselves


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_cycles_are_collected_by_the_ui_thread_timer_not_by_an_allocating_thread(qtbot: Any) -> None:
    saved = gc.get_threshold()
    gc.set_threshold(50, 10, 10)
    owner = QObject()
    try:
        UiThreadCollector(owner)
        assert not gc.isenabled()
        freed_in: list[str] = []
        garbage = Node()
        weakref.finalize(garbage, lambda: freed_in.append(threading.current_thread().name))
        del garbage

        def allocate() -> None:  # a worker allocating far past the threshold collects nothing
            junk = [[] for _ in range(5_000)]
            del junk

        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert freed_in == []
        [Node() for _ in range(200)]  # past the first threshold: the next tick collects
        qtbot.waitUntil(lambda: freed_in == [threading.main_thread().name], timeout=5000)
    finally:
        shiboken6.delete(owner)
        gc.set_threshold(*saved)
        gc.enable()
