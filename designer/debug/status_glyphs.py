"""Status glyphs for text: run status, iterations, trace rows, drawn from the canvas's own icon
shapes instead of characters such as U+23F8 (pause), which many default fonts draw as an empty box.

`glyph_html` gives an inline image for rich text (the Run panel's status line), `glyph_icon` an
icon for list and tree rows.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from designer.canvas.items.icons import draw_icon
from designer.debug.overlay import status_icon_path

FILLED = {"play", "pause", "stop"}
STATUS_SHAPES = {"play", "pause", "stop", "check", "cross", "caught", "retry", "timeout"}
# Execution statuses (AWS's words) as (icon, colour): colour-blind safe, as on the canvas.
EXECUTION_GLYPHS = {
    "RUNNING": ("play", "#0072B2"),
    "PAUSED": ("pause", "#0072B2"),
    "SUCCEEDED": ("check", "#007A5A"),
    "FAILED": ("cross", "#C24E00"),
    "ABORTED": ("stop", "#5A6472"),
    "TIMED_OUT": ("timeout", "#C24E00"),
}


def glyph_pixmap(icon: str, colour: str | QColor, size: int = 12, ratio: float = 2.0) -> QPixmap:
    """`icon` (see overlay.status_icon_path) as a `size`-pixel image, sharp on high-density screens."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(colour)
    path = status_icon_path(icon, QRectF(0, 0, size, size))
    if icon in FILLED:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
    else:
        pen = QPen(ink, max(1.4, size * 0.16))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.end()
    return pixmap


def glyph_icon(icon: str, colour: str | QColor, size: int = 14) -> QIcon:
    return QIcon(glyph_pixmap(icon, colour, size))


_ICONS: dict[tuple[str, str], QIcon] = {}


def mark_icon(mark: str, colour: str) -> QIcon:
    """A row's icon: a status glyph (play, check, cross, ...) or the canvas's icon of a kind
    (queue, topic, function, warning, ...; see canvas/items/icons.py)."""
    key = (mark, colour)
    if key not in _ICONS:
        if mark in STATUS_SHAPES:
            _ICONS[key] = glyph_icon(mark, colour)
        else:
            pixmap = QPixmap(28, 28)
            pixmap.setDevicePixelRatio(2.0)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw_icon(painter, mark, QRectF(1, 1, 12, 12), QColor(colour), 1.6)
            painter.end()
            _ICONS[key] = QIcon(pixmap)
    return _ICONS[key]


_HTML: dict[tuple[str, str, int], str] = {}


def glyph_html(icon: str, colour: str, size: int = 12) -> str:
    """An inline image of the glyph for rich text (Qt's text documents read data: URLs)."""
    key = (icon, colour, size)
    if key not in _HTML:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        glyph_pixmap(icon, colour, size).toImage().save(buffer, "PNG")
        encoded = base64.b64encode(bytes(data)).decode("ascii")
        _HTML[key] = (
            f"<img src='data:image/png;base64,{encoded}' width='{size}' height='{size}' "
            f"style='vertical-align: middle' alt='{icon}'>"
        )
    return _HTML[key]


def execution_glyph_html(status: str, size: int = 12) -> str:
    """The glyph of an execution status (RUNNING, PAUSED, ...), or nothing for another word."""
    icon, colour = EXECUTION_GLYPHS.get(status, ("", ""))
    return glyph_html(icon, colour, size) if icon else ""
