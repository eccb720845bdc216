"""What an edge's route must keep clear of, found by where it is rather than by walking a list.

Routing asks two questions of the boxes around an edge: does this segment cross one, and how
far left and right do the boxes in this band along the flow reach. On a machine of thousands of
states a list answers both in time proportional to the whole scope, for every edge: opening a
large file took seconds. `BoxIndex` answers the first from stripes of boxes sorted along them,
the second from a sparse table over bins along the flow: an edge costs what the boxes near it
cost.

All boxes here are in routing coordinates (top-down: a left-right scope is transposed in) and
already include the routing clearance.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QRectF

CLEARANCE = 8.0

Box = tuple[float, float, float, float, int]  # left, top, right, bottom, id of the owner
Ranked = list[tuple[float, int]]  # up to RANKED (value, owner id), best first, owners distinct
_NONE = float("inf")
RANKED = 3  # enough to answer with any two owners (an edge's own ends) left out


def transposed(r: QRectF) -> QRectF:
    return QRectF(r.y(), r.x(), r.height(), r.width())


class Blockers:
    """The obstacles of one edge (its own ends left out), as routing queries them."""

    def crossed(self, segment: QRectF) -> bool:
        """Whether `segment` (a normalized rectangle) overlaps any obstacle."""
        raise NotImplementedError

    def band(self, top: float, bottom: float) -> tuple[float, float] | None:
        """The leftmost left and rightmost right of the obstacles with bottom > `top` and
        top < `bottom`, or None when there are none."""
        raise NotImplementedError


class RectBlockers(Blockers):
    """A plain list of rectangles, for a handful of obstacles or a one-off route."""

    def __init__(self, rects: Sequence[QRectF]) -> None:
        self.rects = rects

    def crossed(self, segment: QRectF) -> bool:
        return any(o.intersects(segment) for o in self.rects)

    def band(self, top: float, bottom: float) -> tuple[float, float] | None:
        in_band = [o for o in self.rects if o.bottom() > top and o.top() < bottom]
        if not in_band:
            return None
        return min(o.left() for o in in_band), max(o.right() for o in in_band)


class BoxIndex:
    """The boxes of one scope, for routing its edges: built once per pass, shared by all edges."""

    STRIPE = 64.0  # width of the columns (and height of the rows) for crossing tests
    BIN = 480.0  # bin along the flow for band extremes

    def __init__(self, boxes: Iterable[tuple[object, QRectF]], direction: str = "TB") -> None:
        self.lr = direction == "LR"
        self.boxes: list[Box] = []
        # Boxes by the columns they cover, sorted by top, and by rows, sorted by left: a
        # segment (always thin: routes are orthogonal) looks only at the boxes along it.
        self.columns = _Stripes(1, 3)
        self.rows = _Stripes(0, 2)
        self.bins: dict[int, list[Box]] = {}
        size = self.BIN
        for key, rect in boxes:
            r = (transposed(rect) if self.lr else rect).adjusted(-CLEARANCE, -CLEARANCE, CLEARANCE, CLEARANCE)
            box = (r.left(), r.top(), r.right(), r.bottom(), id(key))
            self.boxes.append(box)
            for b in range(int(box[1] // size), int(box[3] // size) + 1):
                self.bins.setdefault(b, []).append(box)
            if box[0] != box[2] and box[1] != box[3]:  # a null rectangle crosses nothing
                self.columns.add(box, box[0], box[2])
                self.rows.add(box, box[1], box[3])
        self.columns.sort()
        self.rows.sort()
        self._table: tuple[int, list[list[Ranked]], list[list[Ranked]]] | None = None

    def without(self, exclude: Sequence[object]) -> IndexBlockers:
        """The obstacles of an edge between two of the boxes: all the others."""
        return IndexBlockers(self, frozenset(id(e) for e in exclude))

    # crossing ----------------------------------------------------------------------------------

    def crossed(self, segment: QRectF, skip: frozenset[int]) -> bool:
        sl, st, sr, sb = segment.left(), segment.top(), segment.right(), segment.bottom()
        w = self.STRIPE
        across, along = int(sr // w) - int(sl // w), int(sb // w) - int(st // w)
        if min(across, along) > 16:  # not a segment but a region: every box
            candidates: Iterable[Box] = self.boxes
        elif across <= along:
            candidates = self.columns.near(sl, sr, st, sb)
        else:
            candidates = self.rows.near(st, sb, sl, sr)
        for left, top, right, bottom, owner in candidates:
            if left < sr and sl < right and top < sb and st < bottom and owner not in skip:
                return True
        return False

    def within(self, left: float, top: float, right: float, bottom: float, skip: frozenset[int]) -> list[Box]:
        """The boxes overlapping the open region, each once, those whose owner is in `skip`
        left out: the rows of boxes a route may look for a corridor between."""
        found: dict[int, Box] = {}
        w = self.STRIPE
        for s in range(int(top // w), int(bottom // w) + 1):
            stripe_top = s * w
            for box in self.rows.near(stripe_top, stripe_top, left, right):
                overlaps = box[0] < right and left < box[2] and box[1] < bottom and top < box[3]
                if overlaps and box[4] not in skip:
                    found[id(box)] = box
        return list(found.values())

    # band extremes -----------------------------------------------------------------------------

    def band(self, top: float, bottom: float, skip: frozenset[int]) -> tuple[float, float] | None:
        size = self.BIN
        first, last = int(min(top, bottom) // size), int(max(top, bottom) // size)
        # Bins lying wholly inside the open band hold only boxes that are in it: those come
        # from the table; the bins at the ends are checked box by box.
        full_lo, full_hi = int(top // size) + 1, int(bottom // size) - 1
        while full_lo * size <= top:
            full_lo += 1
        while (full_hi + 1) * size > bottom:
            full_hi -= 1
        full_lo, full_hi = max(full_lo, first), min(full_hi, last)
        if full_lo <= full_hi:
            extremes = self._full_bins(full_lo, full_hi, skip)
            if extremes is None:  # the table cannot tell: every box, one by one
                return _extremes(self.boxes, top, bottom, skip)
            ends = [*range(first, full_lo), *range(full_hi + 1, last + 1)]
        else:
            extremes, ends = (_NONE, -_NONE), list(range(first, last + 1))
        left, right = extremes
        for b in ends:
            found = _extremes(self.bins.get(b, ()), top, bottom, skip)
            if found is not None:
                left, right = min(left, found[0]), max(right, found[1])
        return (left, right) if left <= right else None

    def _full_bins(self, lo: int, hi: int, skip: frozenset[int]) -> tuple[float, float] | None:
        """(min left, max right) over the boxes of bins lo..hi (inf, -inf when there are
        none), or None when the table cannot tell."""
        table = self._built()
        if table is None:
            return None
        base, lefts, rights = table
        lo, hi = max(lo, base) - base, min(hi, base + len(lefts[0]) - 1) - base
        if lo > hi:
            return (_NONE, -_NONE)
        k = (hi - lo + 1).bit_length() - 1
        ranked = [_merge(level[k][lo], level[k][hi - (1 << k) + 1]) for level in (lefts, rights)]
        kept = [[value for value, owner in r if owner not in skip] for r in ranked]
        if any(not values and len(r) == RANKED for values, r in zip(kept, ranked, strict=True)):
            return None
        return (kept[0][0] if kept[0] else _NONE), (-kept[1][0] if kept[1] else -_NONE)

    def _built(self) -> tuple[int, list[list[Ranked]], list[list[Ranked]]] | None:
        """A sparse table of each run of 2**k bins' leftmost and rightmost owners, made the
        first time a band asks for it (None when the boxes are spread over far more bins than
        there are boxes, which a table would not pay for)."""
        if self._table is None:
            base = min(self.bins, default=0)
            count = max(self.bins, default=0) - base + 1
            if count > 4 * len(self.boxes) + 64:
                return None
            lefts: list[list[Ranked]] = [[]]
            rights: list[list[Ranked]] = [[]]
            for b in range(base, base + count):
                boxes = self.bins.get(b, [])
                lefts[0].append(_merge([(box[0], box[4]) for box in boxes], []))
                rights[0].append(_merge([(-box[2], box[4]) for box in boxes], []))
            step = 1
            while 2 * step <= count:
                for level in (lefts, rights):
                    prev = level[-1]
                    level.append([_merge(prev[i], prev[i + step]) for i in range(count - 2 * step + 1)])
                step *= 2
            self._table = (base, lefts, rights)
        return self._table


class _Stripes:
    """Boxes by the stripes of one axis they cover, each stripe sorted along the other axis."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end  # the box fields bounding a box along the stripe
        self.boxes: dict[int, list[Box]] = {}
        self.starts: dict[int, list[float]] = {}
        self.reach: dict[int, float] = {}  # the longest box along each stripe

    def add(self, box: Box, lo: float, hi: float) -> None:
        w = BoxIndex.STRIPE
        for s in range(int(lo // w), int(hi // w) + 1):
            self.boxes.setdefault(s, []).append(box)

    def sort(self) -> None:
        a, b = self.start, self.end
        for s, boxes in self.boxes.items():
            boxes.sort(key=lambda box: box[a])
            self.starts[s] = [box[a] for box in boxes]
            self.reach[s] = max(box[b] - box[a] for box in boxes)

    def near(self, lo: float, hi: float, start: float, end: float) -> Iterable[Box]:
        """Boxes in the stripes from `lo` to `hi` that may overlap `start`..`end` along them."""
        w = BoxIndex.STRIPE
        for s in range(int(lo // w), int(hi // w) + 1):
            starts = self.starts.get(s)
            if starts is None:
                continue
            boxes = self.boxes[s]
            first = bisect.bisect_right(starts, start - self.reach[s] - 1.0)
            yield from boxes[first : bisect.bisect_left(starts, end)]


class IndexBlockers(Blockers):
    def __init__(self, index: BoxIndex, skip: frozenset[int]) -> None:
        self.index = index
        self.skip = skip

    def crossed(self, segment: QRectF) -> bool:
        return self.index.crossed(segment, self.skip)

    def band(self, top: float, bottom: float) -> tuple[float, float] | None:
        return self.index.band(top, bottom, self.skip)


def _merge(a: Ranked, b: Ranked) -> Ranked:
    out: Ranked = []
    seen: set[int] = set()
    for value, owner in sorted(a + b):
        if owner not in seen:
            seen.add(owner)
            out.append((value, owner))
            if len(out) == RANKED:
                break
    return out


def _extremes(
    boxes: Iterable[Box], top: float, bottom: float, skip: frozenset[int]
) -> tuple[float, float] | None:
    in_band = [box for box in boxes if box[3] > top and box[1] < bottom and box[4] not in skip]
    if not in_band:
        return None
    return min(box[0] for box in in_band), max(box[2] for box in in_band)
