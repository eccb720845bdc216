"""Where an edge runs: orthogonal routes that never cross a node, back-edges around the side.

Routes are computed top-down; a left-right layout is the same problem mirrored across the
diagonal, so its rectangles are transposed in and the points transposed back out.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections.abc import Sequence

from PySide6.QtCore import QLineF, QPointF, QRectF

from designer.canvas.obstacles import CLEARANCE, Blockers, RectBlockers, transposed

STEM = 18.0
SIDE_GAP = 26.0
JOG = 16.0  # offsets up to this much become one straight line


def _t_point(p: QPointF) -> QPointF:
    return QPointF(p.y(), p.x())


def route(
    source: QRectF,
    target: QRectF,
    obstacles: Sequence[QRectF] | Blockers,
    *,
    back: bool = False,
    direction: str = "TB",
    exit_offset: float = 0.0,
    entry_offset: float = 0.0,
    lane: int = 0,
) -> list[QPointF]:
    """A polyline from `source` to `target` avoiding `obstacles`: scene rectangles, or the
    `Blockers` of a `BoxIndex` made for the same direction (they are in routing coordinates
    and include the clearance already)."""
    if direction == "LR":
        points = route(
            transposed(source),
            transposed(target),
            obstacles if isinstance(obstacles, Blockers) else [transposed(o) for o in obstacles],
            back=back,
            exit_offset=exit_offset,
            entry_offset=entry_offset,
            lane=lane,
        )
        return [_t_point(p) for p in points]
    others = (
        obstacles
        if isinstance(obstacles, Blockers)
        else RectBlockers([o.adjusted(-CLEARANCE, -CLEARANCE, CLEARANCE, CLEARANCE) for o in obstacles])
    )
    if back or target.top() < source.bottom() + 2 * STEM - 4:
        return _around_side(source, target, others, lane)
    start = QPointF(source.center().x() + exit_offset, source.bottom())
    end = QPointF(target.center().x() + entry_offset, target.top())
    if abs(start.x() - end.x()) < 1.5:
        end.setX(start.x())
    elif abs(start.x() - end.x()) <= JOG:
        # Nearly in line: meet at a shared x inside both boxes rather than draw a tiny jog.
        shared = (start.x() + end.x()) / 2
        lo = max(source.left(), target.left()) + 12
        hi = min(source.right(), target.right()) - 12
        straight = [QPointF(shared, start.y()), QPointF(shared, end.y())]
        if lo <= shared <= hi and _clear(straight, others):
            start.setX(shared)
            end.setX(shared)
    candidates = []
    for y in ((source.bottom() + target.top()) / 2, source.bottom() + STEM, target.top() - STEM):
        candidates.append([start, QPointF(start.x(), y), QPointF(end.x(), y), end])
    for points in candidates:
        if _clear(points, others):
            return _simplified(points)
    return _simplified(_detour(start, end, others, lane))


def _detour(start: QPointF, end: QPointF, others: Blockers, lane: int = 0) -> list[QPointF]:
    top, bottom = start.y() + STEM, end.y() - STEM
    extent = others.band(top, bottom)
    if extent is None:
        return [start, QPointF(start.x(), top), QPointF(end.x(), top), end]
    left = extent[0] - SIDE_GAP / 2 - 12 * lane
    right = extent[1] + SIDE_GAP / 2 + 12 * lane
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


def _around_side(source: QRectF, target: QRectF, others: Blockers, lane: int) -> list[QPointF]:
    """A loop back up (or sideways): out of the source's right side, up, into the target's right."""
    start = QPointF(source.right(), source.center().y())
    end = QPointF(target.right(), target.center().y())
    top, bottom = min(start.y(), end.y()), max(start.y(), end.y())
    extent = others.band(top, bottom)
    rights = [source.right(), target.right()] + ([extent[1]] if extent is not None else [])
    x = max(rights) + SIDE_GAP + 12 * lane
    return [start, QPointF(x, start.y()), QPointF(x, end.y()), end]


def _clear(points: Sequence[QPointF], others: Blockers) -> bool:
    # The segments' own ends sit on their nodes; only a crossing of a third node counts.
    return not any(
        others.crossed(QRectF(a, b).normalized().adjusted(-0.5, -0.5, 0.5, 0.5))
        for a, b in itertools.pairwise(points)
    )


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


# Event routes between top-level items ----------------------------------------------------------

ROUTE_MARGIN = 14.0
BEND_COST = 36.0
SOFT_COST = 1.5  # extra cost per unit of length inside a "soft" region (the endpoint's own frame)
SIDES = ("right", "left", "bottom", "top")
_STEP = {"right": (1, 0), "left": (-1, 0), "bottom": (0, 1), "top": (0, -1)}


def route_sides(
    source: QRectF, target: QRectF, *, source_across: str = "", target_across: str = ""
) -> tuple[str, str]:
    """Which side a route leaves its source by and enters its target by: across the wider gap.

    `source_across` / `target_across` ("TB" or "LR") mark an end as a state in a flow of that
    direction: its route then uses the sides the flow leaves free (left or right of a state in
    a top-down machine), never the ones its transitions come in and go out by.
    """
    gap = 2 * ROUTE_MARGIN
    dx = max(target.left() - source.right(), source.left() - target.right())
    dy = max(target.top() - source.bottom(), source.top() - target.bottom())
    if dx >= gap and (dx >= dy or dy < gap):
        sides = ("right", "left") if target.left() >= source.right() else ("left", "right")
    elif dy >= gap:
        sides = ("bottom", "top") if target.top() >= source.bottom() else ("top", "bottom")
    else:
        sides = ("right", "right")  # boxes overlap or touch: round the right-hand side
    exit_side = _free_side(sides[0], source, target, source_across)
    entry_side = _free_side(sides[1], target, source, target_across)
    return exit_side, entry_side


def _free_side(side: str, box: QRectF, other: QRectF, across: str) -> str:
    if across == "TB" and side in ("top", "bottom"):
        return "right" if other.center().x() >= box.center().x() else "left"
    if across == "LR" and side in ("left", "right"):
        return "bottom" if other.center().y() >= box.center().y() else "top"
    return side


def side_point(box: QRectF, side: str, offset: float = 0.0) -> QPointF:
    if side == "right":
        return QPointF(box.right(), box.center().y() + offset)
    if side == "left":
        return QPointF(box.left(), box.center().y() + offset)
    if side == "bottom":
        return QPointF(box.center().x() + offset, box.bottom())
    return QPointF(box.center().x() + offset, box.top())


def orthogonal_route(
    source: QRectF,
    target: QRectF,
    obstacles: Sequence[QRectF],
    *,
    sides: tuple[str, str] | None = None,
    exit_offset: float = 0.0,
    entry_offset: float = 0.0,
    soft: Sequence[QRectF] = (),
) -> list[QPointF]:
    """An orthogonal polyline between two boxes that crosses none of `obstacles`.

    A shortest path with few bends over the sparse grid that the obstacles' margins make (the
    channels between boxes), found by A*. `soft` regions may be crossed at a cost: a state's own
    machine frame, which its route has to leave but should leave quickly. Falls back to a plain
    elbow when the grid has no way through.
    """
    exit_side, entry_side = sides or route_sides(source, target)
    # On the grid's own rounding, so that the stubs line up exactly with the path found.
    start = _rounded_point(side_point(source, exit_side, exit_offset))
    end = _rounded_point(side_point(target, entry_side, entry_offset))
    sx, sy = _STEP[exit_side]
    ex, ey = _STEP[entry_side]
    first = QPointF(start.x() + sx * ROUTE_MARGIN, start.y() + sy * ROUTE_MARGIN)
    last = QPointF(end.x() + ex * ROUTE_MARGIN, end.y() + ey * ROUTE_MARGIN)
    blocks = [o for o in obstacles if not o.isEmpty()]
    path = _grid_path(first, last, (sx, sy), (-ex, -ey), [*blocks, source, target], list(soft))
    if path is None:
        mid = (first.x() + last.x()) / 2
        path = [first, QPointF(mid, first.y()), QPointF(mid, last.y()), last]
    return _simplified([start, *path, end])


def _rounded_point(p: QPointF) -> QPointF:
    return QPointF(round(p.x(), 1), round(p.y(), 1))


def _grid_path(
    first: QPointF,
    last: QPointF,
    heading: tuple[int, int],
    arrival: tuple[int, int],
    blocks: list[QRectF],
    soft: list[QRectF],
) -> list[QPointF] | None:
    m = ROUTE_MARGIN
    xs_set = {round(first.x(), 1), round(last.x(), 1)}
    ys_set = {round(first.y(), 1), round(last.y(), 1)}
    for o in blocks:
        xs_set.update((round(o.left() - m, 1), round(o.right() + m, 1)))
        ys_set.update((round(o.top() - m, 1), round(o.bottom() + m, 1)))
    xs, ys = sorted(xs_set), sorted(ys_set)
    nx_, ny_ = len(xs), len(ys)
    # blocked_h[j] holds i when the step (xs[i], ys[j]) -> (xs[i+1], ys[j]) crosses a box.
    blocked_h: list[set[int]] = [set() for _ in ys]
    blocked_v: list[set[int]] = [set() for _ in xs]
    keep = m - 0.5  # no line may pass nearer a box than its own margin lines do
    for o in blocks:
        left, right, top, bottom = o.left() - keep, o.right() + keep, o.top() - keep, o.bottom() + keep
        # Rows strictly inside the box lose every step that overlaps it, and columns likewise.
        steps = range(max(bisect.bisect_left(xs, left) - 1, 0), min(bisect.bisect_right(xs, right), nx_ - 1))
        for j in range(bisect.bisect_right(ys, top), bisect.bisect_left(ys, bottom)):
            blocked_h[j].update(steps)
        steps = range(max(bisect.bisect_left(ys, top) - 1, 0), min(bisect.bisect_right(ys, bottom), ny_ - 1))
        for i in range(bisect.bisect_right(xs, left), bisect.bisect_left(xs, right)):
            blocked_v[i].update(steps)

    # Each step's length factor: 1 + SOFT_COST where the step's midpoint lies in a soft region
    # (as QRectF.contains reads it: edges included, a null region holds nothing), else 1.
    soft_boxes = [
        (r.left(), r.top(), r.right(), r.bottom())
        for r in (s.normalized() for s in soft)
        if r.left() != r.right() and r.top() != r.bottom()
    ]
    hmul = _step_factors(xs, ys, soft_boxes)  # hmul[j][i]: (xs[i], ys[j]) -> (xs[i + 1], ys[j])
    vmul = _step_factors(ys, xs, [(y0, x0, y1, x1) for x0, y0, x1, y1 in soft_boxes])  # vmul[i][j], likewise

    si, sj = xs.index(round(first.x(), 1)), ys.index(round(first.y(), 1))
    ti, tj = xs.index(round(last.x(), 1)), ys.index(round(last.y(), 1))
    tx, ty = xs[ti], ys[tj]
    hx = [abs(x - tx) for x in xs]
    hy = [abs(y - ty) for y in ys]
    moves = ((1, 0), (-1, 0), (0, 1), (0, -1))
    which = {move: k for k, move in enumerate(moves)}
    # Costs and predecessors per (i, j, heading), flat; the heap's entries and their order (so
    # the path chosen among equal ones) are those of a search keyed by tuples.
    inf = float("inf")
    best = [inf] * (nx_ * ny_ * 4)
    best[(si * ny_ + sj) * 4 + which[heading]] = 0.0
    came: dict[int, tuple[int, int, tuple[int, int]]] = {}
    heap = [(hx[si] + hy[sj], 0.0, si, sj, heading)]
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        _f, g, i, j, d = pop(heap)
        if g > best[(i * ny_ + j) * 4 + which[d]]:
            continue
        if i == ti and j == tj:
            points = []
            state = (i, j, d)
            while (key := (state[0] * ny_ + state[1]) * 4 + which[state[2]]) in came:
                points.append(QPointF(xs[state[0]], ys[state[1]]))
                state = came[key]
            points.append(QPointF(xs[si], ys[sj]))
            return list(reversed(points))
        back = (-d[0], -d[1])
        for move in moves:
            if move == back:
                continue
            di, dj = move
            ni, nj = i + di, j + dj
            if not (0 <= ni < nx_ and 0 <= nj < ny_):
                continue
            if dj == 0:
                lo = i if i < ni else ni
                if lo in blocked_h[j]:
                    continue
                step = abs(xs[ni] - xs[i]) * hmul[j][lo]
            else:
                lo = j if j < nj else nj
                if lo in blocked_v[i]:
                    continue
                step = abs(ys[nj] - ys[j]) * vmul[i][lo]
            cost = g + step + (BEND_COST if move != d else 0.0)
            if ni == ti and nj == tj and move != arrival:
                cost += BEND_COST
            key = (ni * ny_ + nj) * 4 + which[move]
            if cost < best[key]:
                best[key] = cost
                came[key] = (i, j, d)
                push(heap, (cost + hx[ni] + hy[nj], cost, ni, nj, move))
    return None


def _step_factors(
    along: list[float], across: list[float], soft: list[tuple[float, float, float, float]]
) -> list[list[float]]:
    """For each line `across[j]`, the length factor of each step between `along[i]` and
    `along[i + 1]` on it (soft boxes given as (low along, low across, high along, high across))."""
    mids = [(a + b) / 2 for a, b in itertools.pairwise(along)]  # ascending, as `along` is
    soft_factor = 1.0 + SOFT_COST
    made: dict[tuple[tuple[float, float], ...], list[float]] = {}  # rows under the same regions
    rows = []
    for c in across:
        spans = tuple((lo, hi) for lo, c0, hi, c1 in soft if c0 <= c <= c1)
        row = made.get(spans)
        if row is None:
            row = made[spans] = [1.0 + 0.0] * len(mids)
            for lo, hi in spans:
                a, b = bisect.bisect_left(mids, lo), bisect.bisect_right(mids, hi)
                row[a:b] = [soft_factor] * (b - a)
        rows.append(row)
    return rows
