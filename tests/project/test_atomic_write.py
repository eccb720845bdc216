"""engine.project.atomic: a write either happens whole or not at all, and keeps the old version."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from engine.project import Project, load_project, save_project
from engine.project.atomic import atomic_write_text, backup_path


def test_replaces_the_file_and_keeps_the_previous_version(tmp_path: Path) -> None:
    target = tmp_path / "m.asl.json"
    atomic_write_text(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n" and not backup_path(target).exists()
    target.chmod(0o640)
    atomic_write_text(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert backup_path(target).name == "m.asl.json.bak"
    assert backup_path(target).read_text(encoding="utf-8") == "first\n"
    assert target.stat().st_mode & 0o777 == 0o640, "the user's permissions are kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.asl.json", "m.asl.json.bak"]


def test_without_backup_nothing_is_left_beside_the_file(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    atomic_write_text(target, "a", backup=False)
    atomic_write_text(target, "b", backup=False)
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "p.statecanvas.json"
    save_project(Project(name="kept"), target)
    before = target.read_bytes()

    def refuse(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        save_project(Project(name="lost"), target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert load_project(target).project.name == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["p.statecanvas.json"]
