"""Pictures of the scene, drawn by the same painters as the canvas: PNG through QImage, SVG
through QSvgGenerator (part of PySide6-Essentials)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene

from engine.export import replacing

MARGIN = 24.0
SVG_DPI = 96


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
