"""Every real-world definition and template opens in the designer, lays out, draws and exports back.

The corpus (`../shared/realworld`, see its README) holds ASL files and SAM/CloudFormation
templates from public AWS sample repositories, some broken on purpose. For each file:

- it opens through the designer's own loader (`ProjectDocument.from_file`) or, for the broken
  ones, is refused with a `DocumentLoadError` whose message names the file and the place in
  it, and the main window's open leaves the shown document exactly as it was;
- its scene lays every state out, siblings never overlapping, and draws offscreen;
- each machine exports (`canonical_text`, what File > Export > ASL writes) to the engine's
  canonical dump of what `engine.export.import_file` read, `${...}` placeholders unchanged,
  and the exported text reads back to the same definition.

Templates that point at a definition file (`DefinitionUri`) are opened from a copy of the
repository's layout, as a user would open them from a checkout: the index records where each
target sits in its repository and which corpus file holds it.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_cases import REALWORLD, realworld_params
from figures import Figures
from PySide6.QtCore import QRectF, QSettings
from PySide6.QtGui import QImage, QPainter

from designer.app.main_window import MainWindow
from designer.canvas.scene import DesignerScene
from designer.document.files import DocumentLoadError, canonical_text
from designer.document.project_document import ProjectDocument
from engine.asl import iter_states
from engine.export import import_file

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
LOCATED = re.compile(r"(line \d+|:\d+:\d+|/Resources/|/States/)")
IMAGE_SIZE = (160, 120)


def _openable_path(row: dict[str, Any], scratch: Path) -> Path:
    """The file to open: the corpus copy, or for a template with DefinitionUri targets, the
    template inside a rebuilt checkout with its targets where the repository had them."""
    source = REALWORLD / row["file"]
    targets = row.get("definition_uri_targets") or []
    if not targets:
        return source
    base = scratch / re.sub(r"[^A-Za-z0-9_.-]+", "_", row["file"])
    template = base / row["path"]
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, template)
    for target in targets:
        if target.get("in_corpus"):  # a target missing from its repository stays missing
            placed = base / target["repo_path"]
            placed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REALWORLD / target["in_corpus"], placed)
    return template


def _expected_broken(row: dict[str, Any]) -> bool:
    """Unreadable text, or a template with nothing the designer could show: every machine's
    definition is an S3 object or a file missing from the repository, and no event rules."""
    if row["parse"] == "FAILED":
        return True
    if row["kind"] != "template" or not row.get("state_machines"):
        return False
    found = any(t.get("in_corpus") for t in row.get("definition_uri_targets") or [])
    readable = [
        m for m in row["state_machines"] if "S3" not in m["def"] and (m["def"] != "DefinitionUri" or found)
    ]
    return not readable and not row.get("event_rules") and not row.get("sam_function_eventbridge_events")


def _placeholders(value: Any) -> list[str]:
    return sorted(PLACEHOLDER.findall(value if isinstance(value, str) else json.dumps(value)))


def _check_layout(scene: DesignerScene, definitions: dict[str, Any]) -> list[str]:
    problems = []
    for machine, projection in scene.machines.items():
        expected = sum(1 for _ in iter_states(definitions[machine]))
        if len(projection.items) != expected:
            problems.append(f"{machine}: {len(projection.items)} state items for {expected} states")
        for scope, view in projection.scopes.items():
            boxes = [(name, item.scene_box()) for name, item in view.items.items()]
            for i, (a, box_a) in enumerate(boxes):
                for b, box_b in boxes[i + 1 :]:
                    if box_a.adjusted(1, 1, -1, -1).intersects(box_b.adjusted(1, 1, -1, -1)):
                        where = "/".join(str(s) for s in scope) or "top level"
                        problems.append(f"{machine} {where}: {a!r} overlaps {b!r}")
    return problems


def _drawn(scene: DesignerScene, image: QImage) -> bool:
    background = scene.backgroundBrush().color().rgba()
    image.fill(background)
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()), scene.itemsBoundingRect())
    painter.end()
    step = 4
    return any(
        image.pixel(x, y) != background
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    )


def _open_one(row: dict[str, Any], path: Path, image: QImage, out: Path) -> list[str]:
    """Problems found opening, laying out, drawing and exporting one good file (empty when fine)."""
    name = row["file"]
    engine_result = import_file(path)
    try:
        document = ProjectDocument.from_file(path)
    except DocumentLoadError as exc:
        return [f"{name}: refused: {exc.reasons[:2]}"]
    problems: list[str] = []
    expected = engine_result.definitions
    if set(document.definitions) != set(expected):
        problems.append(f"{name}: machines {sorted(document.definitions)} != engine's {sorted(expected)}")
    if not document.definitions and row["kind"] == "asl":
        problems.append(f"{name}: no state machine")
    scene = DesignerScene(document)
    try:
        problems += [f"{name}: {p}" for p in _check_layout(scene, document.definitions)]
        if not _drawn(scene, image):
            problems.append(f"{name}: the picture is blank")
    finally:
        scene.detach()
        scene.clear()
    for machine, definition in document.definitions.items():
        exported = document.canonical_text(machine)
        if machine in expected and exported != canonical_text(expected[machine]):
            problems.append(f"{name}: {machine}: exported ASL differs from the engine's canonical dump")
        if _placeholders(exported) != _placeholders(expected.get(machine, definition)):
            problems.append(f"{name}: {machine}: ${{...}} placeholders changed")
        if row["kind"] == "asl":
            raw = sorted(set(PLACEHOLDER.findall((REALWORLD / row["file"]).read_text(encoding="utf-8"))))
            if sorted(set(_placeholders(exported))) != raw:
                problems.append(f"{name}: {machine}: placeholders differ from the file's")
        back = out / f"{machine}.asl.json"
        back.write_text(exported, encoding="utf-8")
        again = import_file(back).definitions
        if len(again) != 1 or canonical_text(next(iter(again.values()))) != exported:
            problems.append(f"{name}: {machine}: the exported ASL does not read back the same")
    return problems


def _refused_cleanly(window: Any, path: Path, row: dict[str, Any]) -> list[str]:
    name = row["file"]
    try:
        ProjectDocument.from_file(path)
    except DocumentLoadError as exc:
        message = str(exc)
        problems = []
        if str(path) not in message:
            problems.append(f"{name}: the message does not name the file: {message!r}")
        if not LOCATED.search(message):
            problems.append(f"{name}: the message does not say where: {message!r}")
        if "Traceback" in message:
            problems.append(f"{name}: the message holds a traceback")
    except Exception as exc:  # anything else is the crash this test looks for
        return [f"{name}: {type(exc).__name__} instead of a DocumentLoadError: {exc}"]
    else:
        return [f"{name}: opened, but it is broken"]
    before = (window.document.snapshot(), window.document.path, window.document.undo_stack.count())
    before_items = len(window.scene.items())
    opened = window.open_path(path)
    shown = window.message_box.text() if window.message_box is not None else ""
    if window.message_box is not None:
        window.message_box.close()
        window.message_box = None
    after = window.document
    if opened:
        problems.append(f"{name}: the window opened it")
    if (after.definitions, after.path, after.undo_stack.count()) != (
        before[0].definitions,
        before[1],
        before[2],
    ) or len(window.scene.items()) != before_items:
        problems.append(f"{name}: a refused open changed the window's document")
    if "Nothing was changed" not in shown or str(path) not in shown:
        problems.append(f"{name}: the window's message does not say what happened: {shown!r}")
    return problems


GOOD = realworld_params(lambda row: not _expected_broken(row))
BROKEN = realworld_params(_expected_broken)
GROUP = "designer real-world"


def _render(outcomes: list[tuple[bool, bool]]) -> list[str]:
    """(broken, fine) per file: good files opened and exported, broken ones refused cleanly."""
    good = [fine for broken, fine in outcomes if not broken]
    broken = [fine for is_broken, fine in outcomes if is_broken]
    return [
        f"designer real-world: opened, laid out, rendered and exported {sum(good)}/{len(good)}; "
        f"broken files refused cleanly {sum(broken)}/{len(broken)}"
    ]


@pytest.fixture(scope="module")
def image() -> QImage:
    return QImage(*IMAGE_SIZE, QImage.Format.Format_ARGB32_Premultiplied)


@pytest.mark.parametrize("row", GOOD)
def test_realworld_file_opens_lays_out_renders_and_exports(
    qapp: Any, row: dict[str, Any], image: QImage, tmp_path: Path, figures: Figures
) -> None:
    out = tmp_path / "exported"
    out.mkdir()
    problems = _open_one(row, _openable_path(row, tmp_path / "checkouts"), image, out)
    figures.record(GROUP, row["file"], (False, not problems), render=_render, total=len(GOOD) + len(BROKEN))
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def window(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MainWindow]:
    """One main window that every broken file is opened in, as a user would try them in turn."""
    folder = tmp_path_factory.mktemp("window")
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    shown = MainWindow(EXAMPLE, settings=settings, recovery_dir=folder / "recovery", offer_recovery=False)
    shown.ask_before_close = False
    yield shown
    shown.close()
    shown.deleteLater()


@pytest.mark.parametrize("row", BROKEN)
def test_broken_realworld_file_is_refused_cleanly(
    window: MainWindow, row: dict[str, Any], tmp_path: Path, figures: Figures
) -> None:
    problems = _refused_cleanly(window, _openable_path(row, tmp_path / "checkouts"), row)
    figures.record(GROUP, row["file"], (True, not problems), render=_render, total=len(GOOD) + len(BROKEN))
    assert not problems, "\n".join(problems)


def test_the_corpus_holds_deliberately_broken_files() -> None:
    if BROKEN[0].values[0] is None:
        pytest.skip(f"the real-world corpus is not at {REALWORLD}; real-world designer test skipped")
    assert BROKEN, "the corpus is meant to hold deliberately broken files"
