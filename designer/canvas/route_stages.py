"""Routes from a state to a project resource, found in two stages.

A route from a Task to the function it calls starts deep inside a machine frame that may hold
thousands of states. One search over the channels between all of them explores nearly the whole
grid for every route (a 200-state machine with ten called functions took minutes to open). The
route a reader wants is simpler anyway: out of the state by its free side, along a clear
corridor to the nearest frame side that way, then between the top-level items. So the first
stage looks only at the boxes along candidate corridors (a `BoxIndex` of the frame's states,
shared by the pass); the second tries the plain elbows and steps a reader expects between the
few top-level boxes, and searches their small grid only when none is clear.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF

from designer.canvas.obstacles import BoxIndex
from designer.canvas.routing import _STEP, ROUTE_MARGIN, orthogonal_route, side_point

Turn = Callable[[float, float], tuple[float, float]]
MAX_TRIES = 48  # corridors tried per widening of the search before giving up on the first stage


def _turns(side: str) -> tuple[Turn, Turn]:
    """Maps into coordinates where `side` faces +x, and back."""
    if side == "right":
        return (lambda x, y: (x, y)), (lambda u, v: (u, v))
    if side == "left":
        return (lambda x, y: (-x, y)), (lambda u, v: (-u, v))
    if side == "bottom":
        return (lambda x, y: (y, x)), (lambda u, v: (v, u))
    return (lambda x, y: (-y, x)), (lambda u, v: (v, -u))


Span = tuple[float, float, float, float]


def _box(turn: Turn, left: float, top: float, right: float, bottom: float) -> Span:
    ax, ay = turn(left, top)
    bx, by = turn(right, bottom)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def frame_exit(
    box: QRectF, side: str, offset: float, frame: QRectF, index: BoxIndex, skip: frozenset[int]
) -> list[QPointF] | None:
    """From the `side` of `box` (a state) to the same side of its enclosing `frame`, crossing no
    box of `index` but those in `skip`: straight when the way is clear, else by a short stub, a
    run along it to the nearest clear corridor and that corridor to the frame side. The points
    end on the frame's edge; None when no corridor is clear."""
    to, back = _turns(side)
    start = side_point(box, side, offset)
    start = QPointF(round(start.x(), 1), round(start.y(), 1))
    x0, y0 = to(start.x(), start.y())
    _fl, f_top, f_right, f_bottom = _box(to, frame.left(), frame.top(), frame.right(), frame.bottom())
    m = ROUTE_MARGIN

    def clear(left: float, top: float, right: float, bottom: float) -> bool:
        x0_, y0_, x1_, y1_ = _box(back, left, top, right, bottom)
        return not index.crossed(QRectF(x0_, y0_, x1_ - x0_, y1_ - y0_), skip)

    def out(x: float, y: float) -> QPointF:
        return QPointF(*back(x, y))

    if clear(x0, y0, f_right, y0):
        return [start, out(f_right, y0)]
    x1 = x0 + m
    low, high = f_top + m, f_bottom - m
    tried: set[float] = set()
    reach = 4 * max(box.width(), box.height(), 80.0)
    while True:
        region = _box(back, x1, max(low, y0 - reach), f_right, min(high, y0 + reach))
        lines: set[float] = set()
        for left, top, right, bottom, _owner in index.within(*region, skip):
            _l, t_, _r, b_ = _box(to, left, top, right, bottom)
            for y in (round(t_ - m / 2, 1), round(b_ + m / 2, 1)):
                if low <= y <= high and y not in tried:
                    lines.add(y)
        for y in sorted(lines, key=lambda y: abs(y - y0))[:MAX_TRIES]:
            tried.add(y)
            if clear(x1, min(y0, y), x1, max(y0, y)) and clear(x1, y, f_right, y):
                return [start, out(x1, y0), out(x1, y), out(f_right, y)]
        if y0 - reach <= low and y0 + reach >= high:
            return None
        reach *= 4


def staged_route(
    state: QRectF,
    frame: QRectF,
    target: QRectF,
    sides: tuple[str, str],
    exit_offset: float,
    entry_offset: float,
    index: BoxIndex,
    skip: frozenset[int],
    top_blocks: Sequence[QRectF],
) -> list[QPointF] | None:
    """A route from `state` (inside `frame`) to the top-level box `target`: out of the frame
    by the side the state leaves by, then around the other top-level boxes. None when the
    state has no clear way out."""
    exit_side, entry_side = sides
    inner = frame_exit(state, exit_side, exit_offset, frame, index, skip)
    if inner is None:
        return None
    edge = inner[-1]
    outer = _direct(edge, exit_side, target, entry_side, entry_offset, [frame, target, *top_blocks])
    if outer is None:
        along = (
            edge.y() - frame.center().y() if exit_side in ("left", "right") else edge.x() - frame.center().x()
        )
        outer = orthogonal_route(
            frame,
            target,
            top_blocks,
            sides=(exit_side, entry_side),
            exit_offset=along,
            entry_offset=entry_offset,
        )
    points = [*inner[:-1], *outer]
    return _merged(points)


def _direct(
    start: QPointF, exit_side: str, target: QRectF, entry_side: str, entry_offset: float, blocks: list[QRectF]
) -> list[QPointF] | None:
    """The plain elbow or step from a point on a frame's side to a target's side, when one is
    clear of every top-level box: what the grid search would find, without searching. None
    when neither shape fits (the target lies behind the frame side, or a box is in the way)."""
    m = ROUTE_MARGIN
    end = side_point(target, entry_side, entry_offset)
    end = QPointF(round(end.x(), 1), round(end.y(), 1))
    hx, hy = _STEP[exit_side]
    ox, oy = _STEP[entry_side]
    first = QPointF(start.x() + hx * m, start.y() + hy * m)
    last = QPointF(end.x() + ox * m, end.y() + oy * m)
    mx, my = round((first.x() + last.x()) / 2, 1), round((first.y() + last.y()) / 2, 1)
    elbows = [[first, QPointF(last.x(), first.y()), last], [first, QPointF(first.x(), last.y()), last]]
    steps = [
        [first, QPointF(mx, first.y()), QPointF(mx, last.y()), last],
        [first, QPointF(first.x(), my), QPointF(last.x(), my), last],
    ]
    # Straight on out of the frame first: the shapes that keep the exit's heading lead.
    shapes = [elbows[0], steps[0], elbows[1], steps[1]] if hx else [elbows[1], steps[1], elbows[0], steps[0]]
    keep = m - 1.0
    grown = [
        (r.left() - keep, r.top() - keep, r.right() + keep, r.bottom() + keep)
        for r in blocks
        if not r.isEmpty()
    ]
    for shape in shapes:
        ends = [(p.x(), p.y()) for p in shape]
        moves = [(bx - ax, by - ay) for (ax, ay), (bx, by) in itertools.pairwise(ends)]
        if hx * moves[0][0] + hy * moves[0][1] < 0 or ox * moves[-1][0] + oy * moves[-1][1] > 0:
            continue  # it would turn back into the frame, or reach the target from behind
        if not any(
            left < max(ax, bx) + 0.5
            and min(ax, bx) - 0.5 < right
            and top < max(ay, by) + 0.5
            and min(ay, by) - 0.5 < bottom
            for (ax, ay), (bx, by) in itertools.pairwise(ends)
            for left, top, right, bottom in grown
        ):
            return [start, *shape, end]
    return None


def _merged(points: list[QPointF]) -> list[QPointF]:
    """Drops repeated points and the middle of straight runs, where the stages meet."""
    out: list[QPointF] = []
    for p in points:
        if out and abs(out[-1].x() - p.x()) < 0.5 and abs(out[-1].y() - p.y()) < 0.5:
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
