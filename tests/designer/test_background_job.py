"""Work in a thread, reported on the UI thread; the thread never touches a Qt object, so the
owner may go away (a closed window, the application at exit) while the work still runs."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject

from designer.document.background import BackgroundJob

pytestmark = pytest.mark.own_collector  # these tests watch the collector themselves


def test_the_outcome_arrives_on_the_ui_thread(qtbot: Any) -> None:
    job = BackgroundJob(lambda: None, "ok")
    seen: list[tuple[str, bool]] = []
    job.finished.connect(
        lambda problem: seen.append((problem, threading.current_thread() is threading.main_thread()))
    )
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert seen == [("", True)]
    job.start()  # once only
    assert job.done and seen == [("", True)]


def test_a_failure_says_why(qtbot: Any) -> None:
    def broken() -> None:
        raise OSError("no botocore data")

    job = BackgroundJob(broken, "broken")
    with qtbot.waitSignal(job.finished, timeout=5000) as signal:
        job.start()
    assert signal.args == ["no botocore data"]


def test_the_owner_may_be_destroyed_while_the_work_runs(qtbot: Any) -> None:
    release = threading.Event()
    escaped: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: escaped.append(args.exc_value)  # type: ignore[assignment]
    try:
        owner = QObject()
        job = BackgroundJob(release.wait, "slow", owner)
        job.start()
        thread = job._thread
        shiboken6.delete(owner)  # the window closed: the job goes with it, the thread still works
        release.set()
        assert thread is not None
        thread.join(5)
        assert not thread.is_alive() and escaped == []
        qtbot.waitUntil(gc.isenabled, timeout=5000)  # collecting resumes once the worker ended
    finally:
        threading.excepthook = previous


def test_the_collector_pauses_while_work_runs_and_resumes_after_even_without_its_owner(qtbot: Any) -> None:
    """A collection in the worker would destroy garbage Qt objects off the UI thread."""
    release = threading.Event()
    assert gc.isenabled()
    owner = QObject()
    job = BackgroundJob(release.wait, "slow", owner)
    job.start()
    assert not gc.isenabled()
    shiboken6.delete(owner)  # the job is gone; the collector resumes once its thread has ended
    assert not gc.isenabled()
    release.set()
    qtbot.waitUntil(gc.isenabled, timeout=5000)
