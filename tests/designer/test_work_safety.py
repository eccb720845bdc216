"""Nothing the user made is lost or silently changed: the unsaved-changes question on every path
that replaces or closes the document, per-document recovery owned by its instance, atomic saves
with a backup, a mouse wheel that never edits an unfocused field, and a remembered window."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import EXAMPLE, activate, click_state, until
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from designer.app.main_window import MainWindow, first_open_size
from designer.app.recovery.lock import Owner, process_start

M = "order-processing"
Button = QMessageBox.StandardButton


# -- helpers ------------------------------------------------------------------------------------


def settings_in(folder: Path, name: str = "settings.ini") -> QSettings:
    return QSettings(str(folder / name), QSettings.Format.IniFormat)


def make_window(qtbot: Any, path: Path | None, folder: Path, settings: str = "settings.ini") -> MainWindow:
    win = MainWindow(path, settings=settings_in(folder, settings), recovery_dir=folder / "recovery")
    qtbot.addWidget(win)
    return win


def add_pass_with_tab(qtbot: Any, win: MainWindow) -> None:
    """The issue's own steps: select a state on the canvas, press Tab, a Pass is added."""
    activate(qtbot, win)
    click_state(win, "PublishOrderCreated")
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert "Pass" in win.document.definition(M)["States"]
    assert win.document.modified and win.document.undo_stack.canUndo()


def shortcut(win: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    QTest.keyClick(win.view.viewport(), key, modifier)


def question(win: MainWindow) -> QMessageBox:
    box = win.message_box
    assert box is not None and box.isVisible(), "a question was expected"
    return box


def answer(win: MainWindow, button: QMessageBox.StandardButton) -> None:
    box = question(win)
    assert "unsaved changes" in box.text()
    box.button(button).click()


def dead_pid() -> int:
    """The id of a process that has just exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(lock_file: Path, pid: int) -> None:
    lock_file.write_text(json.dumps({"pid": pid, "host": Owner.current().host, "started": None}))


@pytest.fixture
def copy_of_example(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "order-processing.asl.json"
    shutil.copyfile(EXAMPLE, target)
    return target


@pytest.fixture
def win(qtbot: Any, tmp_path: Path, copy_of_example: Path) -> Iterator[MainWindow]:
    window = make_window(qtbot, copy_of_example, tmp_path)
    yield window
    window.ask_before_close = False
    if window.message_box is not None:
        window.message_box.close()


# -- 1. Save / Discard / Cancel before the document is replaced or closed ----------------------


def test_new_asks_and_cancel_keeps_the_document_and_its_undo(qtbot: Any, window: Any) -> None:
    add_pass_with_tab(qtbot, window)
    before = json.dumps(window.document.definitions)
    shortcut(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    answer(window, Button.Cancel)
    assert json.dumps(window.document.definitions) == before
    assert window.document.modified and window.document.undo_stack.canUndo()
    window.document.undo_stack.undo()
    assert "Pass" not in window.document.definition(M)["States"], "undo still works after Cancel"
    window.document.undo_stack.redo()
    shortcut(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    answer(window, Button.Discard)
    assert window.document.machine_names() == ["StateMachine"] and not window.document.modified


def test_open_asks_first_and_discard_opens_the_chosen_file(
    qtbot: Any, window: Any, monkeypatch: Any, copy_of_example: Path
) -> None:
    chosen: list[str] = []

    def choose(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        chosen.append("asked")
        return str(copy_of_example), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    add_pass_with_tab(qtbot, window)
    shortcut(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    answer(window, Button.Cancel)
    assert not chosen and "Pass" in window.document.definition(M)["States"]
    assert window.document.undo_stack.canUndo()
    shortcut(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    answer(window, Button.Discard)
    assert chosen and window.document.path == copy_of_example
    assert "Pass" not in window.document.definition(M)["States"] and not window.document.modified


def test_open_recent_asks_too(qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    other = tmp_path / "other.asl.json"
    shutil.copyfile(EXAMPLE, other)
    assert win.open_path(other)
    assert win.open_path(win.recent_files()[1])  # back to order-processing.asl.json
    add_pass_with_tab(qtbot, win)
    menu = win.actions_.recent_menu
    assert menu is not None
    recent = next(a for a in menu.actions() if a.text().endswith("other.asl.json"))
    recent.trigger()
    answer(win, Button.Cancel)
    assert win.document.path is not None and win.document.path.name == "order-processing.asl.json"
    recent.trigger()
    answer(win, Button.Discard)
    assert win.document.path is not None and win.document.path.name == "other.asl.json"


def test_save_then_proceed_and_a_cancelled_save_as_aborts(
    qtbot: Any, win: MainWindow, monkeypatch: Any, copy_of_example: Path
) -> None:
    add_pass_with_tab(qtbot, win)
    shortcut(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    answer(win, Button.Save)
    saved = json.loads(copy_of_example.read_text(encoding="utf-8"))
    assert "Pass" in saved["States"], "Save wrote the file before the new document replaced it"
    assert win.document.path is None and not win.document.modified
    # An untitled document: Save asks where; cancelling that aborts New.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    click_state(win, win.document.definition("StateMachine")["StartAt"], "StateMachine")
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert win.document.modified
    before = json.dumps(win.document.definitions)
    shortcut(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    answer(win, Button.Save)
    assert json.dumps(win.document.definitions) == before and win.document.modified


def test_close_and_quit_ask(qtbot: Any, win: MainWindow) -> None:
    add_pass_with_tab(qtbot, win)
    assert not win.close()
    answer(win, Button.Cancel)
    assert win.isVisible() and win.document.modified
    win.actions_.quit.trigger()
    answer(win, Button.Discard)
    assert not win.isVisible()
    assert not list((win.autosave.directory).glob("*.statecanvas.json")), "discarded work leaves no recovery"


# -- 2. recovery per document, owned by its instance --------------------------------------------


def test_recovery_is_per_document_and_follows_new_and_open(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    entries = win.autosave.store.entries()
    assert [e.original for e in entries] == [str(win.document.path.resolve())]
    shortcut(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    answer(win, Button.Discard)
    assert win.autosave.store.entries() == [], "the discarded document's recovery data is gone"
    click_state(win, win.document.definition("StateMachine")["StartAt"], "StateMachine")
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert win.autosave.save_now()
    first_untitled = win.autosave.key
    assert first_untitled.startswith("untitled-")
    second = make_window(qtbot, None, tmp_path, "second.ini")
    assert second.autosave.key != first_untitled, "every untitled document has its own entry"
    second.ask_before_close = False


def test_save_as_moves_the_work_out_of_the_untitled_entry(
    qtbot: Any, win: MainWindow, tmp_path: Path, monkeypatch: Any
) -> None:
    activate(qtbot, win)
    shortcut(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    click_state(win, win.document.definition("StateMachine")["StartAt"], "StateMachine")
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert win.autosave.save_now()
    (untitled,) = win.autosave.store.entries()
    assert untitled.original is None
    target = tmp_path / "work" / "new.statecanvas.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shortcut(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.exists() and not win.document.modified
    assert win.autosave.store.entries() == []
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert win.autosave.save_now()
    assert [e.original for e in win.autosave.store.entries()] == [str(target.resolve())]


def test_a_second_instance_never_offers_a_live_instances_work(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    (entry,) = win.autosave.store.entries()
    write_lock(entry.lock_file, os.getppid())  # another StateCanvas, still running, owns it
    other = make_window(qtbot, None, tmp_path, "other.ini")
    other.ask_before_close = False
    assert other.message_box is None, "nothing offered"
    assert entry.data_file.exists(), "and nothing of the live instance's removed"
    other.close()
    assert entry.data_file.exists()


def test_the_same_file_changed_in_two_instances_keeps_both_recoveries(qtbot: Any, win: MainWindow) -> None:
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    (theirs,) = win.autosave.store.entries()
    write_lock(theirs.lock_file, os.getppid())  # the other instance wrote this file's entry
    before = theirs.data_file.read_bytes()
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert win.autosave.save_now()
    entries = win.autosave.store.entries()
    assert len(entries) == 2 and theirs.data_file.read_bytes() == before
    ours = next(e for e in entries if e.key != theirs.key)
    assert ours.belongs_to(win.document.path) and json.loads(ours.lock_file.read_text())["pid"] == os.getpid()
    win.ask_before_close = False
    win.close()
    assert not ours.data_file.exists() and theirs.data_file.exists()


def test_a_dead_instances_lock_is_taken_over(qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    (entry,) = win.autosave.store.entries()
    write_lock(entry.lock_file, dead_pid())  # the instance that wrote it crashed
    win.ask_before_close = False
    other = make_window(qtbot, None, tmp_path, "other.ini")
    other.ask_before_close = False
    box = question(other)
    assert "Recover" in box.text() and "order-processing.asl.json" in box.text()
    owner = json.loads(entry.lock_file.read_text())
    assert owner["pid"] == os.getpid() and owner["started"] == process_start(os.getpid())
    box.button(Button.Yes).click()
    assert "Pass" in other.document.definition(M)["States"] and other.document.modified


def test_design_file_offers_its_own_recovery(qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    path = win.document.path
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    (entry,) = win.autosave.store.entries()
    write_lock(entry.lock_file, dead_pid())
    win.ask_before_close = False
    # `statecanvas design FILE` builds exactly this window (designer.app.launch.run).
    again = make_window(qtbot, path, tmp_path, "again.ini")
    again.ask_before_close = False
    assert again.document.path == path, "FILE is open before any question"
    box = question(again)
    assert "order-processing.asl.json" in box.text()
    box.button(Button.Yes).click()
    assert again.document.path == path
    assert "Pass" in again.document.definition(M)["States"] and again.document.modified
    assert "•" in again.windowTitle()


def test_design_file_discard_leaves_file_open_from_disk(qtbot: Any, win: MainWindow, tmp_path: Path) -> None:
    path = win.document.path
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    (entry,) = win.autosave.store.entries()
    write_lock(entry.lock_file, dead_pid())
    win.ask_before_close = False
    again = make_window(qtbot, path, tmp_path, "again.ini")
    again.ask_before_close = False
    question(again).button(Button.Discard).click()
    assert again.document.path == path and not again.document.modified
    assert "Pass" not in again.document.definition(M)["States"]
    assert not entry.data_file.exists()


def test_design_file_with_another_documents_recovery_keeps_file(
    qtbot: Any, win: MainWindow, tmp_path: Path, copy_of_example: Path
) -> None:
    activate(qtbot, win)
    shortcut(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    click_state(win, win.document.definition("StateMachine")["StartAt"], "StateMachine")
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_Tab)
    assert win.autosave.save_now()
    (entry,) = win.autosave.store.entries()
    write_lock(entry.lock_file, dead_pid())
    win.ask_before_close = False
    again = make_window(qtbot, copy_of_example, tmp_path, "again.ini")
    again.ask_before_close = False
    box = question(again)
    assert "untitled" in box.text() and "instead of order-processing.asl.json" in box.text()
    box.button(Button.Ignore).click()  # Keep for Later
    assert again.document.path == copy_of_example and not again.document.modified
    assert entry.data_file.exists() and not entry.lock_file.exists()
    again.close()
    assert entry.data_file.exists(), "kept for the next start"


def test_recovering_another_document_over_recovered_work_asks_first(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    from designer.app.recovery.store import RecoveryStore, key_for
    from designer.document.files import new_document

    path = win.document.path
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    crashed = RecoveryStore(win.autosave.directory)
    untitled = key_for(None)
    assert crashed.write(untitled, new_document())
    for entry in crashed.entries():
        write_lock(entry.lock_file, dead_pid())
    win.ask_before_close = False
    again = make_window(qtbot, path, tmp_path, "again.ini")
    again.ask_before_close = False
    first = question(again)
    assert "order-processing.asl.json" in first.text(), "FILE's own work is offered first"
    first.button(Button.Yes).click()
    assert again.document.modified and "Pass" in again.document.definition(M)["States"]
    second = question(again)
    assert second is not first and "untitled" in second.text()
    second.button(Button.Yes).click()
    answer(again, Button.Cancel)  # the recovered FILE is unsaved work too: it is not dropped silently
    assert again.document.path == path and "Pass" in again.document.definition(M)["States"]
    assert crashed.entry(untitled).data_file.exists() and not crashed.entry(untitled).lock_file.exists()


def test_unreadable_recovery_data_is_set_aside_not_offered_forever(
    qtbot: Any, win: MainWindow, tmp_path: Path
) -> None:
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now()
    (entry,) = win.autosave.store.entries()
    entry.data_file.write_text('{"formatVersion": 1, "stateMachines": {', encoding="utf-8")
    write_lock(entry.lock_file, dead_pid())
    win.ask_before_close = False
    again = make_window(qtbot, win.document.path, tmp_path, "again.ini")
    again.ask_before_close = False
    question(again).button(Button.Yes).click()
    message = question(again)
    assert "cannot read" in message.text() and ".unreadable" in message.text()
    assert "Traceback" not in message.text()
    assert not again.document.modified and "Pass" not in again.document.definition(M)["States"]
    assert entry.data_file.with_name(entry.data_file.name + ".unreadable").exists()
    assert again.autosave.offerable() == []


# -- 3. atomic saves with a backup ----------------------------------------------------------------


def test_save_keeps_the_previous_version_as_a_backup(
    qtbot: Any, win: MainWindow, copy_of_example: Path
) -> None:
    original = copy_of_example.read_text(encoding="utf-8")
    add_pass_with_tab(qtbot, win)
    assert win.autosave.save_now() and win.autosave.store.entries()
    shortcut(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not win.document.modified
    assert win.autosave.store.entries() == [], "saved work needs no recovery data"
    assert "Pass" in json.loads(copy_of_example.read_text(encoding="utf-8"))["States"]
    assert (copy_of_example.parent / "order-processing.asl.json.bak").read_text(encoding="utf-8") == original
    assert sorted(p.name for p in copy_of_example.parent.iterdir()) == [
        "order-processing.asl.json",
        "order-processing.asl.json.bak",
    ]


@pytest.mark.parametrize(
    "suffix", ["order-processing.asl.json", "order-processing.asl.yaml", "project.statecanvas.json"]
)
def test_a_failing_write_leaves_the_file_intact(
    qtbot: Any, win: MainWindow, monkeypatch: Any, copy_of_example: Path, suffix: str
) -> None:
    target = copy_of_example.parent / suffix
    if suffix != "order-processing.asl.json":
        assert win._save_to(target)
    before = target.read_bytes()
    add_pass_with_tab(qtbot, win)

    def refuse(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    shortcut(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert win.document.modified and "Pass" in win.document.definition(M)["States"]
    box = question(win)
    assert "No space left" in box.text() and "unchanged" in box.text()
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_project_save_writes_its_definition_files_atomically(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    project = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE.parent / "order-pipeline", project)
    file = project / "order-pipeline.statecanvas.json"
    window = make_window(qtbot, file, tmp_path)
    window.ask_before_close = False
    machine = window.document.machine_names()[0]
    definition_file = project / window.document.project.state_machines[machine].definition_file
    before = definition_file.read_text(encoding="utf-8")
    from designer.document.commands import SetFieldCommand
    from engine.asl import StateAddress

    first = next(iter(window.document.definition(machine)["States"]))
    doc = window.document
    doc.push(SetFieldCommand(doc, StateAddress(machine, (), first), ("Comment",), "changed"))
    assert window.save()
    assert "changed" in definition_file.read_text(encoding="utf-8")
    backup = definition_file.with_name(definition_file.name + ".bak")
    assert backup.read_text(encoding="utf-8") == before
    assert file.with_name(file.name + ".bak").exists()


# -- 5. window geometry and docks are remembered -----------------------------------------------


def test_window_geometry_and_docks_are_remembered(qtbot: Any, tmp_path: Path, copy_of_example: Path) -> None:
    first = make_window(qtbot, copy_of_example, tmp_path, "layout.ini")
    first.show()
    first.resize(760, 540)  # within the offscreen screen, which Qt keeps a restored window on
    first.problems_dock.hide()
    qtbot.waitUntil(lambda: first.width() == 760, timeout=2000)
    assert first.close()
    second = make_window(qtbot, copy_of_example, tmp_path, "layout.ini")
    second.show()
    assert (second.width(), second.height()) == (760, 540)
    assert not second.problems_dock.isVisible()
    second.close()


def test_a_corrupt_stored_layout_is_ignored(qtbot: Any, tmp_path: Path, copy_of_example: Path) -> None:
    settings = settings_in(tmp_path, "bad.ini")
    settings.setValue("window/geometry", QByteArray(b"not a geometry"))
    settings.setValue("window/dockState", "not even bytes")
    settings.sync()
    window = make_window(qtbot, copy_of_example, tmp_path, "bad.ini")
    window.show()
    assert window.size() == first_open_size() and window.problems_dock.isVisible()
    window.close()


# -- 6. after opening another file, every panel shows the new document -------------------------

PIPELINE = EXAMPLE.parent / "order-pipeline" / "order-pipeline.statecanvas.json"
POISON = {
    "EventBusName": "orders",
    "Source": "retail.orders",
    "DetailType": "OrderCreated",
    "Detail": {"orderId": "o-9", "customer": {"id": "c-1"}, "items": [{"sku": "X", "quantity": 1}]},
}


async def test_test_state_and_choreography_follow_the_opened_file(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    window = MainWindow(
        PIPELINE, settings=settings_in(tmp_path), recovery_dir=tmp_path / "recovery", offer_recovery=False
    )
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    d = window.debug
    window.editor.select_item(window.scene.state_item("RetailOrder", "/States/ChargePayment"))
    d.ui.test_state_action.trigger()
    d.ui.test_panel.mock.set_value({"Payload": {"paymentId": "pay-mock"}})
    d.ui.test_panel.run.click()
    await until(lambda: d.ui.test_panel.pipeline.steps, what="TestState")
    d.ui.choreography.entries.set_value([POISON])
    d.ui.choreography.put.click()
    await until(lambda: d.session is not None and d.session.done, what="the choreography to settle")
    assert d.ui.choreography.lines() and d.ui.choreography.queues.topLevelItemCount()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(EXAMPLE), ""))
    window.actions_.open.trigger()
    assert window.document.machine_names() == [M]
    panel = d.ui.test_panel
    assert panel.machine is None and not panel.run.isEnabled() and "Select a state" in panel.title.text()
    assert (panel.response.toPlainText(), panel.input.toPlainText(), panel.pipeline.steps) == ("", "", [])
    chor = d.ui.choreography
    assert chor.lines() == [] and chor.queues.topLevelItemCount() == 0
    assert "Put an event" in chor.summary.text() and "Fulfillment" not in chor.entries.toPlainText()
    assert "ChargePayment" not in d.ui.state_panel.title.text()
    assert d.ui.run_panel.status.text() == "" and d.ui.events_panel.execution.count() == 0
    assert d.ui.timeline.canvas.bars == [] and d.ui.callbacks.tasks.topLevelItemCount() == 0
    assert d.ui.run_panel.current_machine() == M
