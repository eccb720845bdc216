"""Offscreen rendering: the export entry point, and every conformance definition draws."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import EXAMPLE, document_for
from PySide6.QtGui import QImage, QPainter

from designer.canvas.export import render_file, render_image
from designer.canvas.scene import DesignerScene
from designer.document.files import DocumentLoadError

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "asl"


def test_render_file_png_and_svg(qapp: Any, tmp_path: Path) -> None:
    png = render_file(EXAMPLE, "png", tmp_path / "a.png")
    assert not QImage(str(png)).isNull()
    svg = render_file(EXAMPLE, "svg", tmp_path / "a.svg", theme="dark", state_machine="order-processing")
    assert "<svg" in svg.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="no state machine"):
        render_file(EXAMPLE, "png", tmp_path / "b.png", state_machine="Nope")
    with pytest.raises(ValueError, match="unknown picture format"):
        render_file(EXAMPLE, "gif", tmp_path / "b.gif")
    broken = tmp_path / "broken.asl.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(DocumentLoadError):
        render_file(broken, "png", tmp_path / "c.png")


def _definitions() -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for path in sorted(CONFORMANCE.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        definition = case.get("definition") if isinstance(case, dict) else None
        if isinstance(definition, dict) and isinstance(definition.get("States"), dict):
            seen.setdefault(json.dumps(definition, sort_keys=True), definition)
    return list(seen.values())


def test_every_conformance_definition_imports_lays_out_and_renders(qapp: Any, report_figure: Any) -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"the conformance corpus is not at {CONFORMANCE}; rendering over it skipped")
    definitions = _definitions()
    assert definitions
    image = QImage(320, 240, QImage.Format.Format_ARGB32_Premultiplied)
    failures = []
    for i, definition in enumerate(definitions):
        doc = document_for(definition, "M")
        scene = DesignerScene(doc)
        try:
            projection = scene.machines["M"]
            assert len(projection.items) >= len(definition["States"])
            painter = QPainter(image)
            scene.render(painter)
            painter.end()
            if i % 50 == 0:
                assert not render_image(scene, scale=0.5).isNull()
        except Exception as exc:  # collect, so one report lists them all
            failures.append(f"{i}: {type(exc).__name__}: {exc}")
        finally:
            scene.detach()
            scene.clear()
    report_figure(f"designer: {len(definitions)} distinct conformance definitions drawn offscreen")
    assert not failures, "\n".join(failures[:20])
