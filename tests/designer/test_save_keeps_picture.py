"""A saved project reopens looking exactly as it was saved: every item where the canvas showed it,
including the ones the layout placed and an insertion moved."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from designer_helpers import EXAMPLE
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from designer.app.main_window import MainWindow

MACHINE = "RetailOrder"


def open_window(qtbot: Any, path: Path, folder: Path) -> MainWindow:
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(path, settings=settings, recovery_dir=folder / "recovery", offer_recovery=False)
    win.ask_before_close = False
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    return win


def test_a_saved_project_reopens_with_every_item_where_it_was_shown(qtbot: Any, tmp_path: Path) -> None:
    project = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE.parent / "order-pipeline", project, ignore=shutil.ignore_patterns("__pycache__"))
    file = project / "order-pipeline.statecanvas.json"
    win = open_window(qtbot, file, tmp_path)
    item = win.scene.state_item(MACHINE, "/States/ValidateOrder")
    win.view.centerOn(item)
    point = win.view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)  # a Pass after ValidateOrder; the rest moves down
    assert "Pass" in win.document.definition(MACHINE)["States"]
    shown = win.scene.shown_positions()
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not win.document.modified, timeout=3000)

    again = open_window(qtbot, file, tmp_path / "second")
    reopened = again.scene.shown_positions()
    assert reopened.keys() == shown.keys()
    moved = {
        key: (shown[key], reopened[key])
        for key in shown
        if abs(shown[key][0] - reopened[key][0]) > 0.5 or abs(shown[key][1] - reopened[key][1]) > 0.5
    }
    assert moved == {}
    assert not again.document.modified
