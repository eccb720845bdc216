"""Type icons drawn with QPainter paths in a 16x16 box, so they scale and theme cleanly."""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen


def _polyline(*points: tuple[float, float]) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for p in points[1:]:
        path.lineTo(QPointF(*p))
    return path


def _task() -> QPainterPath:
    """A cog: the work happens here."""
    path = QPainterPath()
    teeth, outer, inner = 8, 7.4, 5.6
    for i in range(teeth * 2):
        angle = math.pi * i / teeth
        r = outer if i % 2 == 0 else inner
        for da in (-0.17, 0.17):
            p = QPointF(8 + r * math.cos(angle + da), 8 + r * math.sin(angle + da))
            if path.elementCount() == 0:
                path.moveTo(p)
            else:
                path.lineTo(p)
    path.closeSubpath()
    path.addEllipse(QPointF(8, 8), 2.2, 2.2)
    return path


def _pass() -> QPainterPath:
    path = _polyline((2, 8), (13, 8))
    path.addPath(_polyline((9, 4), (13, 8), (9, 12)))
    return path


def _choice() -> QPainterPath:
    path = _polyline((8, 15), (8, 8))
    path.addPath(_polyline((3, 2), (8, 8), (13, 2)))
    path.addPath(_polyline((1.5, 4.5), (3, 2), (5.5, 2.2)))
    path.addPath(_polyline((10.5, 2.2), (13, 2), (14.5, 4.5)))
    return path


def _wait() -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(QPointF(8, 8), 6.5, 6.5)
    path.addPath(_polyline((8, 4), (8, 8), (11, 10)))
    return path


def _succeed() -> QPainterPath:
    return _polyline((2.5, 8.5), (6.5, 12.5), (13.5, 4))


def _fail() -> QPainterPath:
    path = _polyline((3.5, 3.5), (12.5, 12.5))
    path.addPath(_polyline((12.5, 3.5), (3.5, 12.5)))
    return path


def _parallel() -> QPainterPath:
    path = _polyline((8, 1), (8, 4))
    path.addPath(_polyline((3, 15), (3, 4), (13, 4), (13, 15)))
    path.addPath(_polyline((8, 4), (8, 15)))
    return path


def _map() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(1.5, 5.5, 9, 9), 1.5, 1.5)
    path.addPath(_polyline((4.5, 5.5), (4.5, 2.5), (14.5, 2.5), (14.5, 11.5), (10.5, 11.5)))
    return path


def _bus() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(1, 3, 14, 4), 2, 2)
    for x in (4, 8, 12):
        path.addPath(_polyline((x, 7), (x, 13)))
    return path


def _rule() -> QPainterPath:
    return _polyline((1.5, 2.5), (14.5, 2.5), (9.5, 8.5), (9.5, 14), (6.5, 12.5), (6.5, 8.5), (1.5, 2.5))


def _queue() -> QPainterPath:
    path = _polyline((1.5, 4), (1.5, 13.5), (14.5, 13.5), (14.5, 4))
    for x in (4.5, 8, 11.5):
        path.addPath(_polyline((x, 6), (x, 11)))
    return path


def _topic() -> QPainterPath:
    path = QPainterPath()
    path.addEllipse(QPointF(3.5, 8), 2, 2)
    for y in (2.5, 8, 13.5):
        path.addPath(_polyline((5.5, 8), (14.5, y)))
    return path


def _function() -> QPainterPath:
    """A lambda."""
    path = _polyline((3, 2.5), (5.5, 2.5), (13, 14))
    path.addPath(_polyline((8.6, 7.2), (3.5, 14)))
    return path


def _machine() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(QRectF(5, 1, 6, 4), 1, 1)
    path.addRoundedRect(QRectF(1, 11, 6, 4), 1, 1)
    path.addRoundedRect(QRectF(9, 11, 6, 4), 1, 1)
    path.addPath(_polyline((8, 5), (8, 8), (4, 8), (4, 11)))
    path.addPath(_polyline((8, 8), (12, 8), (12, 11)))
    return path


def _warning() -> QPainterPath:
    path = _polyline((8, 1.5), (15, 14.5), (1, 14.5), (8, 1.5))
    path.addPath(_polyline((8, 6), (8, 10)))
    path.addPath(_polyline((8, 12), (8, 12.6)))
    return path


_BUILDERS = {
    "Task": _task,
    "Pass": _pass,
    "Choice": _choice,
    "Wait": _wait,
    "Succeed": _succeed,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
    "bus": _bus,
    "rule": _rule,
    "queue": _queue,
    "dlq": _queue,
    "topic": _topic,
    "function": _function,
    "stateMachine": _machine,
    "warning": _warning,
}

ICON_KINDS = tuple(_BUILDERS)


@lru_cache(maxsize=64)
def icon_path(kind: str) -> QPainterPath:
    return _BUILDERS.get(kind, _pass)()


def draw_icon(painter: QPainter, kind: str, rect: QRectF, colour: QColor, width: float = 1.6) -> None:
    """Stroke the icon for `kind` centred in `rect`."""
    painter.save()
    scale = min(rect.width(), rect.height()) / 16.0
    painter.translate(rect.center().x() - 8 * scale, rect.center().y() - 8 * scale)
    painter.scale(scale, scale)
    pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(icon_path(kind))
    painter.restore()
