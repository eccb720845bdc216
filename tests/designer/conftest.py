"""Fixtures for the designer's GUI tests (pytest-qt, offscreen)."""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

sys.path.insert(0, str(Path(__file__).parent))

import shiboken6
from designer_helpers import EXAMPLE, document_for, example_definition
from PySide6.QtCore import QSettings

from designer.canvas.editor import CanvasEditor
from designer.canvas.scene import DesignerScene
from designer.document.project_document import ProjectDocument

# Qt messages that are Qt's own noise on the headless "offscreen" platform, not a fault of the
# designer; each pattern is as narrow as the message it answers.
QT_NOISE = (
    # The offscreen platform plugin cannot size, raise or grab windows and says so each time a
    # window is shown, a dock raised or a popup opened; with a real display these calls work.
    re.compile(r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$"),
)


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "own_collector: the test manages the garbage collector itself (collector tests)"
    )


@pytest.fixture(autouse=True)
def collect_on_the_ui_thread(request: Any, qapp: Any) -> Iterator[None]:
    """Collect cyclic garbage on the UI thread only, as the application does
    (`designer/app/collector.py`): the tests' worker threads (a deploy, the action index, local
    handlers) must not run a collection that destroys Qt objects off the UI thread."""
    if request.node.get_closest_marker("own_collector"):
        yield
        return
    from PySide6.QtCore import QObject

    from designer.app.collector import UiThreadCollector

    owner = QObject()
    UiThreadCollector(owner)
    yield
    shiboken6.delete(owner)
    gc.enable()


@pytest.fixture(autouse=True)
def fail_on_qt_warnings() -> Iterator[list[str]]:
    """Fail the test during which Qt printed a warning, critical or fatal message.

    Qt warnings are how Qt reports misuse (a timer started from another thread, a connection to
    a missing signal, a painter on an inactive device); they scroll by in a terminal and are
    never seen, so here each one fails the test that caused it. Messages are still passed on
    to the previous handler (pytest-qt's capture), so they show in the report."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    serious = {QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg}
    recorded: list[str] = []
    previous: Any = None

    def handler(kind: Any, context: Any, message: str) -> None:
        if kind in serious and not any(pattern.search(message) for pattern in QT_NOISE):
            where = f" ({context.file}:{context.line})" if context is not None and context.file else ""
            recorded.append(f"{kind.name}: {message}{where}")
        if previous is not None:
            previous(kind, context, message)

    previous = qInstallMessageHandler(handler)
    try:
        yield recorded
    finally:
        qInstallMessageHandler(previous)
    if recorded:
        pytest.fail("Qt printed during this test:\n  " + "\n  ".join(recorded), pytrace=False)


@pytest.fixture
def document(qapp: Any) -> ProjectDocument:
    return document_for(example_definition())


@pytest.fixture
def scene(document: ProjectDocument) -> Iterator[DesignerScene]:
    scene = DesignerScene(document)
    yield scene
    scene.detach()
    scene.clear()


@pytest.fixture
def editor(document: ProjectDocument, scene: DesignerScene) -> CanvasEditor:
    return CanvasEditor(document, scene)


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(EXAMPLE, settings=settings, recovery_dir=tmp_path / "recovery")
    win.ask_before_close = False
    qtbot.addWidget(win)
    yield win
    if win.message_box is not None:
        win.message_box.close()


def _qt_event_loop() -> Any:
    """An asyncio loop that is Qt's own (qasync): coroutines and widgets share one loop."""
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Any]:
    """Async designer tests run on the Qt event loop (pytest-asyncio >= 1.4's loop factory hook)."""
    return {"qasync": _qt_event_loop}


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: Any) -> None:
    """Leave without Python's final teardown once every report is written.

    PySide6 6.12 can crash while the interpreter destroys Qt's last objects at exit, after
    every test has passed and been reported; that would turn a green run into a failure. The
    results are final here, so the process ends with pytest's own exit status.
    """
    if not _EXIT_STATUS:
        return
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[-1])
