"""The main window: files, exports, themes, recovery and the exception hook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

import engine
from designer.document.commands import SetFieldCommand
from engine.asl import StateAddress

M = "order-processing"


def test_window_opens_the_example_with_every_panel(window: Any) -> None:
    assert window.document.machine_names() == [M]
    assert window.scene.state_item(M, "/States/ValidateOrder") is not None
    titles = {
        d.windowTitle()
        for d in (window.palette_dock, window.code_dock, window.inspector_dock, window.problems_dock)
    }
    assert {"Palette", "Code", "Inspector", "Problems"} == titles
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["&File", "&Edit", "&View"] and menus[-1] == "&Help"
    assert any("Run" in m for m in menus)
    shortcuts = {a.text(): a.shortcut().toString() for a in window.findChildren(type(window.actions_.undo))}
    assert shortcuts["&Undo"] == "Ctrl+Z" and shortcuts["D&uplicate"] == "Ctrl+D"
    assert shortcuts["&Fit to Window"] == "F" and shortcuts["&Centre Selection"] == "Alt+C"
    assert window.actions_.redo.shortcuts()[0].toString() == "Ctrl+Shift+Z"


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ('{"StartAt": "A", "States": {', "line"),
        ("[1, 2, 3]", "neither a StateCanvas project nor a state machine"),
        ('{"formatVersion": 7, "stateMachines": {}}', "project format"),
        ('{"stateMachines": {"X": {}}}', "needs a definition"),
        ('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', "template"),
    ],
)
def test_broken_files_show_a_clear_message_and_change_nothing(
    window: Any, tmp_path: Path, content: str, expect: str
) -> None:
    before = json.dumps(window.document.definitions)
    path = tmp_path / ("broken.statecanvas.json" if "stateMachines" in content else "broken.json")
    path.write_text(content, encoding="utf-8")
    assert not window.open_path(path)
    box = window.message_box
    assert box is not None and box.isVisible()
    assert expect.lower() in box.text().lower() and "Nothing was changed" in box.text()
    assert "Traceback" not in box.text()
    assert json.dumps(window.document.definitions) == before
    box.close()


def test_missing_file_message(window: Any, tmp_path: Path) -> None:
    assert not window.open_path(tmp_path / "nope.asl.json")
    assert "no such file" in window.message_box.text()


def test_exported_asl_is_the_engines_canonical_form(window: Any, tmp_path: Path) -> None:
    doc = window.document
    doc.push(SetFieldCommand(doc, StateAddress(M, (), "OrderAccepted"), ("Comment",), "done"))
    out = tmp_path / "out.asl.json"
    window.export_to("asl", out)
    assert out.read_text(encoding="utf-8") == engine.dump_definition(doc.definition(M))
    assert engine.validate(out.read_text(encoding="utf-8")) == []


def test_export_png_and_svg(window: Any, tmp_path: Path) -> None:
    window.export_to("png", tmp_path / "canvas.png")
    window.export_to("svg", tmp_path / "canvas.svg")
    assert (tmp_path / "canvas.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "canvas.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "ValidateOrder" in svg


def test_save_as_project_and_reopen(window: Any, tmp_path: Path) -> None:
    doc = window.document
    doc.push(SetFieldCommand(doc, StateAddress(M, (), "OrderAccepted"), ("Comment",), "saved"))
    window.scene.state_item(M, "/States/OrderAccepted").setPos(10, 20)
    assert doc.modified
    target = tmp_path / "p.statecanvas.json"
    assert window._save_to(target)
    assert not doc.modified and window.windowTitle().startswith("p.statecanvas.json")
    assert window.open_path(target)
    assert doc.definition(M)["States"]["OrderAccepted"]["Comment"] == "saved"
    asl = tmp_path / "m.asl.json"
    assert window._save_to(asl)
    assert asl.read_text(encoding="utf-8") == engine.dump_definition(doc.definition(M))
    assert str(asl.resolve()) == window.recent_files()[0]


def test_theme_switch(window: Any) -> None:
    window.set_theme("dark")
    assert window.scene.theme.name == "dark"
    assert window.settings.value("theme") == "dark"
    image = window.view.grab()
    assert not image.isNull()
    window.set_theme("light")
    assert window.scene.theme.name == "light"


def test_autosave_and_recovery_after_a_crash(qtbot: Any, tmp_path: Path, window: Any) -> None:
    from designer.app.main_window import MainWindow

    doc = window.document
    doc.push(SetFieldCommand(doc, StateAddress(M, (), "OrderAccepted"), ("Comment",), "unsaved work"))
    assert window.autosave.save_now()
    # The window "crashes": it never closes, so the recovery file stays.
    settings = QSettings(str(tmp_path / "settings2.ini"), QSettings.Format.IniFormat)
    second = MainWindow(None, settings=settings, recovery_dir=window.autosave.directory)
    second.ask_before_close = False
    qtbot.addWidget(second)
    box = second.message_box
    assert box is not None and "Recover" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert second.document.definition(M)["States"]["OrderAccepted"]["Comment"] == "unsaved work"
    assert second.document.modified
    second.close()
    assert not second.autosave.has_recovery(), "a clean exit removes the recovery file"


def test_nothing_to_autosave_when_clean(window: Any) -> None:
    assert not window.autosave.save_now()
    assert not window.autosave.has_recovery()


def test_excepthook_logs_and_shows_a_message(qapp: Any, caplog: Any) -> None:
    from designer.app import launch as app_module

    try:
        raise ValueError("boom")
    except ValueError as exc:
        app_module.excepthook(type(exc), exc, exc.__traceback__)
    box = app_module.application_message_boxes[-1]
    assert "boom" in box.text() and "Traceback" not in box.text()
    assert any("boom" in r.getMessage() for r in caplog.records)
    box.close()


def test_cli_design_opens_the_window_on_the_example(monkeypatch: Any) -> None:
    from designer import app as app_module
    from designer import cli

    opened: list[Any] = []
    monkeypatch.setattr(app_module, "run", lambda path=None: opened.append(path) or 0)
    monkeypatch.setattr(app_module, "display_problem", lambda: None)
    assert cli.main([]) == 0
    assert opened and Path(opened[0]).name in ("order-pipeline.statecanvas.json", "order-processing.asl.json")
    assert cli.main(["design", "x.asl.json"]) == 0 and opened[-1] == "x.asl.json"


def test_cli_design_without_a_display_says_so(capsys: Any, monkeypatch: Any) -> None:
    from designer import cli

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli.main(["design"]) == 2
    err = capsys.readouterr().err
    assert "needs a display" in err and "statecanvas validate" in err and "Traceback" not in err
