"""Where an edge runs: orthogonal routes that never cross a node, back-edges around the side.

Routes are computed top-down; a left-right layout is the same problem mirrored across the
diagonal, so its rectangles are transposed in and the points transposed back out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QLineF, QPointF, QRectF

CLEARANCE = 8.0
STEM = 18.0
SIDE_GAP = 26.0


def _t_rect(r: QRectF) -> QRectF:
    return QRectF(r.y(), r.x(), r.height(), r.width())


def _t_point(p: QPointF) -> QPointF:
    return QPointF(p.y(), p.x())


def route(
    source: QRectF,
    target: QRectF,
    obstacles: Sequence[QRectF],
    *,
    back: bool = False,
    direction: str = "TB",
    exit_offset: float = 0.0,
    entry_offset: float = 0.0,
    lane: int = 0,
) -> list[QPointF]:
    """A polyline from `source` to `target` avoiding `obstacles` (scene rectangles)."""
    if direction == "LR":
        points = route(
            _t_rect(source),
            _t_rect(target),
            [_t_rect(o) for o in obstacles],
            back=back,
            exit_offset=exit_offset,
            entry_offset=entry_offset,
            lane=lane,
        )
        return [_t_point(p) for p in points]
    others = [o.adjusted(-CLEARANCE, -CLEARANCE, CLEARANCE, CLEARANCE) for o in obstacles]
    if back or target.top() < source.bottom() + 2 * STEM - 4:
        return _around_side(source, target, others, lane)
    start = QPointF(source.center().x() + exit_offset, source.bottom())
    end = QPointF(target.center().x() + entry_offset, target.top())
    if abs(start.x() - end.x()) < 1.5:
        end.setX(start.x())
    candidates = []
    for y in ((source.bottom() + target.top()) / 2, source.bottom() + STEM, target.top() - STEM):
        candidates.append([start, QPointF(start.x(), y), QPointF(end.x(), y), end])
    for points in candidates:
        if _clear(points, others):
            return _simplified(points)
    return _simplified(_detour(start, end, others, lane))


def _detour(start: QPointF, end: QPointF, others: Sequence[QRectF], lane: int = 0) -> list[QPointF]:
    top, bottom = start.y() + STEM, end.y() - STEM
    in_band = [o for o in others if o.bottom() > top and o.top() < bottom]
    if not in_band:
        return [start, QPointF(start.x(), top), QPointF(end.x(), top), end]
    left = min(o.left() for o in in_band) - SIDE_GAP / 2 - 12 * lane
    right = max(o.right() for o in in_band) + SIDE_GAP / 2 + 12 * lane
    mid = (start.x() + end.x()) / 2
    side = right if abs(right - mid) <= abs(mid - left) else left
    return [
        start,
        QPointF(start.x(), top),
        QPointF(side, top),
        QPointF(side, bottom),
        QPointF(end.x(), bottom),
        end,
    ]


def _around_side(source: QRectF, target: QRectF, others: Sequence[QRectF], lane: int) -> list[QPointF]:
    """A loop back up (or sideways): out of the source's right side, up, into the target's right."""
    start = QPointF(source.right(), source.center().y())
    end = QPointF(target.right(), target.center().y())
    top, bottom = min(start.y(), end.y()), max(start.y(), end.y())
    in_band = [o for o in others if o.bottom() > top and o.top() < bottom]
    x = max([source.right(), target.right()] + [o.right() for o in in_band]) + SIDE_GAP + 12 * lane
    return [start, QPointF(x, start.y()), QPointF(x, end.y()), end]


def _clear(points: Sequence[QPointF], others: Sequence[QRectF]) -> bool:
    for a, b in itertools.pairwise(points):
        segment = QRectF(a, b).normalized().adjusted(-0.5, -0.5, 0.5, 0.5)
        for o in others:
            if o.intersects(segment):
                # The segments' own ends sit on their nodes; only a crossing of a third node counts.
                return False
    return True


def _simplified(points: list[QPointF]) -> list[QPointF]:
    out: list[QPointF] = []
    for p in points:
        if out and QLineF(out[-1], p).length() < 0.5:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a.x() - b.x()) < 0.5 and abs(b.x() - p.x()) < 0.5) or (
                abs(a.y() - b.y()) < 0.5 and abs(b.y() - p.y()) < 0.5
            ):
                out[-1] = p
                continue
        out.append(p)
    return out
