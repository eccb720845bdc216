"""Names that stay readable at any zoom: below the zoom where a node's normal text would be too
small to read, the node becomes a simplified card that shows its name only, at a fixed size in
screen pixels, wrapped at word and camel-case boundaries to fit the box.

The fixed on-screen size is what keeps the first sight readable: at fit, a project is drawn at
half size or less, where 9.5 pt text would be 6 or 7 pixels high. A card's name is never smaller
than `LEGIBLE_PX`. `legible_scale` tells the view the smallest zoom at which a name still fits
whole, so that "fit, but readable" can choose a zoom where every name can be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QPainter

LEGIBLE_PX = 9  # the smallest text, in screen pixels, that a newcomer reads without leaning in
CARD_PX = 10  # a card's name from CARD_ZOOM up, where boxes have room for it
CARD_ZOOM = 0.6
_BREAK = re.compile(r"(?<=[\s_\-./:])|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class PaintedLabel:
    """What a node last wrote as its name: the lines, their on-screen size, and whether whole."""

    lines: tuple[str, ...]
    pixels: float
    complete: bool


def screen_pixels(point_size: float) -> float:
    """A point size in the pixels of the screen the canvas is shown on."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return point_size * dpi / 72.0


_CARD_FONTS: dict[tuple[str, int], QFont] = {}


def card_font(base: QFont, pixels: int) -> QFont:
    key = (base.key(), pixels)
    if key not in _CARD_FONTS:
        card = QFont(base)
        card.setPixelSize(pixels)
        _CARD_FONTS[key] = card
    return _CARD_FONTS[key]


def pieces(text: str) -> list[str]:
    """The name cut where a line may break: after spaces and punctuation, between camel-case words."""
    out, start = [], 0
    for match in _BREAK.finditer(text):
        if match.start() > start:
            out.append(text[start : match.start()])
            start = match.start()
    out.append(text[start:])
    return [p for p in out if p]


def wrap(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> list[str] | None:
    """`text` in at most `max_lines` lines no wider than `width`, broken at `pieces`; None if it
    cannot be done."""
    if max_lines < 1:
        return None
    if metrics.horizontalAdvance(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for piece in pieces(text):
        candidate = current + piece
        if not current or metrics.horizontalAdvance(candidate.rstrip()) <= width:
            current = candidate
            continue
        lines.append(current.rstrip())
        current = piece
    lines.append(current.rstrip())
    if len(lines) > max_lines or any(metrics.horizontalAdvance(line) > width for line in lines):
        return None
    return lines


def _layout(text: str, base: QFont, width: float, height: float, lod: float) -> tuple[list[str], int, bool]:
    """The lines and pixel size a card of `width` x `height` screen pixels shows `text` in
    (remembered per whole-pixel size: every frame of a drag repaints every card in sight).
    All cards at one zoom share one size, so that no name looks more important than another."""
    _BASES.setdefault(base.key(), base)
    preferred = CARD_PX if lod >= CARD_ZOOM else LEGIBLE_PX
    lines, pixels, complete = _cached_layout(text, base.key(), int(width), int(height), preferred)
    return list(lines), pixels, complete


_BASES: dict[str, QFont] = {}


@lru_cache(maxsize=4096)
def _cached_layout(
    text: str, font_key: str, width: int, height: int, preferred: int
) -> tuple[tuple[str, ...], int, bool]:
    lines, pixels, complete = _measure(text, _BASES[font_key], width, height, preferred)
    return tuple(lines), pixels, complete


def _measure(
    text: str, base: QFont, width: float, height: float, preferred: int
) -> tuple[list[str], int, bool]:
    for pixels in dict.fromkeys((preferred, LEGIBLE_PX)):
        metrics = QFontMetricsF(card_font(base, pixels))
        lines = wrap(text, metrics, width, int(height // metrics.lineSpacing()))
        if lines is not None:
            return lines, pixels, True
    metrics = QFontMetricsF(card_font(base, LEGIBLE_PX))
    if height < metrics.height():
        return [], LEGIBLE_PX, False
    return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)], LEGIBLE_PX, False


def paint_card_name(
    painter: QPainter,
    rect: QRectF,
    text: str,
    base: QFont,
    colour: QColor,
    lod: float,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
) -> PaintedLabel:
    """Write `text` inside `rect` (item coordinates) at a fixed on-screen size."""
    if lod <= 0:
        return PaintedLabel((), 0.0, False)
    width, height = rect.width() * lod, rect.height() * lod
    lines, pixels, complete = _layout(text, base, width, height, lod)
    if not lines:
        return PaintedLabel((), float(pixels), False)
    painter.save()
    painter.translate(rect.topLeft())
    painter.scale(1 / lod, 1 / lod)
    painter.setFont(card_font(base, pixels))
    painter.setPen(colour)
    painter.drawText(QRectF(0, 0, width, height), align, "\n".join(lines))
    painter.restore()
    return PaintedLabel(tuple(lines), float(pixels), complete)


def card_fits(text: str, base: QFont, rect: QRectF, lod: float) -> bool:
    """Whether `text` fits whole on a card over `rect` (item coordinates) at zoom `lod`."""
    return lod > 0 and _layout(text, base, rect.width() * lod, rect.height() * lod, lod)[2]


def legible_scale(text: str, base: QFont, width: float, height: float) -> float:
    """The smallest zoom at which `text` fits whole on a card of `width` x `height` scene units
    in one or two lines of `LEGIBLE_PX` text (1.0 when it needs more than two lines)."""
    metrics = QFontMetricsF(card_font(base, LEGIBLE_PX))
    line = metrics.lineSpacing()
    one = max(metrics.horizontalAdvance(text) / width, line / height)
    parts = pieces(text)
    two = one
    for i in range(1, len(parts)):
        left, right = "".join(parts[:i]).rstrip(), "".join(parts[i:]).rstrip()
        widest = max(metrics.horizontalAdvance(left), metrics.horizontalAdvance(right))
        two = min(two, max(widest / width, 2 * line / height))
    return min(1.0, min(one, two) * 1.02)  # a hair over, so that rounding never elides at that zoom
