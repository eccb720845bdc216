"""Pictures of the scene, drawn by the same painters as the canvas: PNG through QImage, SVG
through QSvgGenerator (part of PySide6-Essentials).

The window's File > Export draws the scene it shows; `statecanvas export FILE --format svg|png
-o OUT` calls `render_file`, which builds a scene for the file offscreen and needs no display
(it selects Qt's offscreen platform when there is none).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsScene

from designer.canvas.scene import DesignerScene
from designer.canvas.theme import theme_named
from designer.document.project_document import ProjectDocument
from engine.export import replacing

MARGIN = 24.0
SVG_DPI = 96
FORMATS = ("png", "svg")


def _source(scene: QGraphicsScene) -> QRectF:
    rect = scene.itemsBoundingRect()
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 120)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def _without_selection(scene: QGraphicsScene):
    selected = scene.selectedItems()
    scene.clearSelection()
    return selected


def render_image(scene: QGraphicsScene, scale: float = 2.0, max_side: int = 12000) -> QImage:
    source = _source(scene)
    scale = min(scale, max_side / max(source.width(), source.height()))
    size = QSize(max(1, int(source.width() * scale)), max(1, int(source.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(scene.backgroundBrush().color())
    selected = _without_selection(scene)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
    painter.end()
    for item in selected:
        item.setSelected(True)
    return image


def export_png(scene: QGraphicsScene, path: str | Path, scale: float = 2.0) -> None:
    with replacing(path) as temp:  # the old picture stays until the new one is whole
        if not render_image(scene, scale).save(str(temp), "PNG"):
            raise OSError(f"could not write {path}")


def export_svg(scene: QGraphicsScene, path: str | Path, title: str = "StateCanvas") -> None:
    with replacing(path) as temp:  # the old picture stays until the new one is whole
        _write_svg(scene, temp, title)


def _write_svg(scene: QGraphicsScene, path: Path, title: str) -> None:
    source = _source(scene)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(source.width()), int(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    # Fonts are sized in points and laid out (elided, measured for boxes) at the screen's 96
    # dpi; at QSvgGenerator's default 72 dpi the text would come out a quarter smaller than the
    # boxes measured for it.
    generator.setResolution(SVG_DPI)
    generator.setTitle(title)
    generator.setDescription("Drawn by StateCanvas")
    selected = _without_selection(scene)
    painter = QPainter(generator)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, source.width(), source.height()), scene.backgroundBrush())
    scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
    painter.end()
    for item in selected:
        item.setSelected(True)
    if not Path(path).exists():
        raise OSError(f"could not write {path}")


def _ensure_application() -> object:
    app = QApplication.instance()
    if app is None:
        if (
            not os.environ.get("QT_QPA_PLATFORM")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
            and sys.platform.startswith("linux")
        ):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(sys.argv[:1])
    return app


def render_file(
    path: str | Path,
    fmt: str,
    out: str | Path,
    *,
    state_machine: str | None = None,
    theme: str = "light",
    direction: str | None = None,
) -> Path:
    """Draw FILE (project, ASL, or a template the engine imports) to OUT as PNG or SVG.

    Raises `designer.document.DocumentLoadError` for a file that cannot be opened and
    `ValueError` for an unknown format or state machine.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; use one of {', '.join(FORMATS)}")
    _app = _ensure_application()
    document = ProjectDocument.from_file(path)
    machines = None
    if state_machine is not None:
        if state_machine not in document.definitions:
            known = ", ".join(document.machine_names()) or "none"
            raise ValueError(f"no state machine named {state_machine!r} (the file has: {known})")
        machines = [state_machine]
    scene = DesignerScene(
        document,
        theme_named(theme),
        direction or document.project.layout.direction,
        machines=machines,
        with_resources=state_machine is None,
    )
    target = Path(out)
    if fmt == "png":
        export_png(scene, target)
    else:
        export_svg(scene, target, title=state_machine or document.project.name)
    del _app
    return target
