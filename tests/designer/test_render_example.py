"""`statecanvas export FILE --format png|svg` on the order-pipeline example: pictures a user can
put in a design document (sensible size, vector text in the SVG, every state named)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from designer.canvas.scene import DesignerScene
from designer.cli import main as cli_main
from designer.document.project_document import ProjectDocument
from engine.asl import iter_states

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "resources"
    / "examples"
    / "order-pipeline"
    / "order-pipeline.statecanvas.json"
)
SVG = "{http://www.w3.org/2000/svg}"


def _export(fmt: str, out: Path) -> None:
    """What a user types: statecanvas export FILE --format FMT -o OUT."""
    assert cli_main(["export", str(EXAMPLE), "--format", fmt, "-o", str(out)]) == 0
    assert out.is_file()


def _state_names() -> set[str]:
    document = ProjectDocument.from_file(EXAMPLE)
    return {
        name for definition in document.definitions.values() for _scope, name, _ in iter_states(definition)
    }


def test_example_exports_to_png_of_a_sensible_size(qapp: Any, tmp_path: Path) -> None:
    out = tmp_path / "pipeline.png"
    _export("png", out)
    image = QImage(str(out))
    assert not image.isNull()
    # Drawn at twice the scene's size: sharp in a document, not a poster.
    assert 1600 <= image.width() <= 12000 and 1000 <= image.height() <= 12000
    assert 0.8 <= image.width() / image.height() <= 4.0
    background = image.pixelColor(2, 2)
    inked = sum(
        1
        for y in range(0, image.height(), 25)
        for x in range(0, image.width(), 25)
        if image.pixelColor(x, y) != background
    )
    assert inked > 500, "the picture is nearly empty"


def test_example_exports_to_well_formed_svg_with_the_state_names_as_text(qapp: Any, tmp_path: Path) -> None:
    out = tmp_path / "pipeline.svg"
    _export("svg", out)
    root = ET.parse(out).getroot()  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    missing = _state_names() - texts
    assert not missing, f"state names not drawn as text: {sorted(missing)}"
    assert root.find(f"{SVG}title").text == "order-pipeline"
    # Text is laid out at 96 dpi like the boxes measured for it: the SVG's size in mm matches.
    width_mm = float(root.get("width").removesuffix("mm"))
    view_w = float(root.get("viewBox").split()[2])
    assert width_mm == pytest.approx(view_w / 96 * 25.4, rel=0.01)
    renderer = QSvgRenderer(str(out))
    assert renderer.isValid()
    image = QImage(800, 480, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, 800, 480))
    painter.end()
    assert any(image.pixelColor(x, 240) != QColor("white") for x in range(0, 800, 4))


def test_example_routes_avoid_frames_and_next_edges_stay_orthogonal(qapp: Any) -> None:
    document = ProjectDocument.from_file(EXAMPLE)
    scene = DesignerScene(document)
    try:
        frames = {name: p.frame for name, p in scene.machines.items()}
        resources = list(scene.resources.items.values())
        assert scene.resources.routes
        for edge in scene.resources.routes:
            points = edge._points
            assert all(a.x() == b.x() or a.y() == b.y() for a, b in itertools.pairwise(points))
            ends = {edge.source, edge.target}
            owners = set()  # a route leaves the frames (and containers) holding its ends
            for end in ends:
                parent = end.parentItem()
                while parent is not None:
                    owners.add(parent)
                    parent = parent.parentItem()
            for other in [*frames.values(), *resources]:
                if other in ends or other in owners:
                    continue
                box = other.scene_box()
                for a, b in itertools.pairwise(points):
                    segment = QRectF(a, b).normalized().adjusted(-0.5, -0.5, 0.5, 0.5)
                    assert not box.intersects(segment), (
                        f"{edge.source.label()} -> {edge.target.label()} crosses {other.label()}"
                    )
        for projection in scene.machines.values():
            for view in projection.scopes.values():
                for edge in view.edges:
                    points = edge._points
                    assert all(
                        abs(a.x() - b.x()) < 0.01 or abs(a.y() - b.y()) < 0.01
                        for a, b in itertools.pairwise(points)
                    ), f"{edge.field} is not orthogonal"
    finally:
        scene.detach()
        scene.clear()


def test_choice_labels_sit_clear_of_arrowheads(qapp: Any) -> None:
    document = ProjectDocument.from_file(EXAMPLE)
    scene = DesignerScene(document)
    try:
        for projection in scene.machines.values():
            for view in projection.scopes.values():
                for edge in view.edges:
                    label = edge.label_rect()
                    if label.isNull():
                        continue
                    tip = edge._points[-1]
                    assert not label.adjusted(-2, -2, 2, 2).contains(tip), (
                        f"{edge.text!r} covers its arrowhead"
                    )
                    assert not label.intersects(edge.target.scene_box().adjusted(0, 2, 0, 0)) or edge.back
    finally:
        scene.detach()
        scene.clear()
