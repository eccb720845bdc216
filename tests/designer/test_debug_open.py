"""The debugger after File > Open: the keys act on the new document at once, no panel keeps the
previous document's run, and the Run panel offers the machine a user would start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from test_debug import PIPELINE, until, wait_pause

from designer.debug.entry_machine import entry_machine, started_by_something
from engine.project import load_project

SIMPLE = {
    "StartAt": "First",
    "States": {"First": {"Type": "Pass", "Next": "Second"}, "Second": {"Type": "Succeed"}},
}


@pytest.fixture
def win(qtbot: Any, tmp_path: Path) -> Any:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_run_panel_offers_the_machine_nothing_else_starts() -> None:
    loaded = load_project(PIPELINE)
    started = started_by_something(loaded.project, loaded.definitions)
    assert started == {"Fulfillment", "Returns"}  # rules start them when Retail's events arrive
    assert entry_machine(loaded.project, loaded.definitions) == "RetailOrder"
    assert entry_machine(loaded.project, loaded.definitions, preferred="Fulfillment") == "RetailOrder"


async def test_after_open_the_keys_act_on_the_new_document_and_no_panel_keeps_the_old_run(
    win: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = win.debug
    assert d.ui.run_panel.current_machine() == "RetailOrder"
    assert d.ui.run_panel.input.value()["orderId"]  # its saved default input
    win.activateWindow()
    win.view.setFocus()
    QTest.keyClick(win, Qt.Key.Key_F10)  # debug RetailOrder, paused at its first state
    await wait_pause(d, "ValidateOrder")
    d.ui.step_action.trigger()
    await wait_pause(d, "IsOrderValid")
    await until(
        lambda: d.ui.events_panel.model.rowCount() > 0 and d.ui.timeline.canvas.bars, what="the panels"
    )

    other = tmp_path / "simple.asl.json"
    other.write_text(json.dumps(SIMPLE), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    d.ui.run_panel.input.setFocus()  # the keyboard is somewhere else, as after using the file dialog
    QTest.keyClick(win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # File > Open
    await until(lambda: win.document.path == other, what="the new document")

    assert QApplication.focusWidget() is win.view
    assert d.session is None and d.pause is None and d.shown is None
    assert d.ui.events_panel.model.rowCount() == 0
    assert d.ui.timeline.canvas.bars == []
    assert d.ui.run_panel.status.text() == ""
    assert d.ui.state_panel.input.toPlainText() == ""
    assert d.ui.run_panel.current_machine() in win.document.definitions

    QTest.keyClick(win, Qt.Key.Key_F10)  # no click on the canvas first
    pause = await wait_pause(d, "First")
    assert pause.depth == 0
    d.stop()
    await until(lambda: d.session.done, what="the end of the run")
