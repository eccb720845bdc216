"""Where a new or moved box may go without covering another: pure geometry on rectangles.

Two ways to make space, as a user tidying a drawing by hand would:

- `free_offset` slides a box (or a group of boxes, rigidly) to the nearest spot where it
  covers nothing, searching outward ring by ring from where it was meant to go;
- `make_room` inserts a row (a column left to right): every box starting at or after the new
  box's leading edge moves down (right) together, just far enough. A rigid move of everything
  below a line never makes two of the moved boxes meet, nor a moved box meet one that stays.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from PySide6.QtCore import QPointF, QRectF

GAP = 24.0  # the clearance kept around a placed box
FLOW_GAP = 56.0  # between a state and the next one in its flow, as the layered layout leaves
STEP = 12.0  # the search grid of `free_offset`
MAX_RINGS = 160


def clear_of(box: QRectF, others: Iterable[QRectF], gap: float = GAP) -> bool:
    """Whether `box`, grown by `gap` on each side, meets none of `others`."""
    grown = box.adjusted(-gap, -gap, gap, gap)
    return not any(grown.intersects(other) for other in others)


def overlapping(boxes: Mapping[Hashable, QRectF]) -> list[tuple[Hashable, Hashable]]:
    """Pairs of keys whose boxes intersect (touching edges do not count)."""
    items = sorted(boxes.items(), key=lambda kv: kv[1].left())
    pairs = []
    for i, (a, box_a) in enumerate(items):
        inner_a = box_a.adjusted(0.5, 0.5, -0.5, -0.5)
        for b, box_b in items[i + 1 :]:
            if box_b.left() >= box_a.right():
                break
            if inner_a.intersects(box_b.adjusted(0.5, 0.5, -0.5, -0.5)):
                pairs.append((a, b))
    return pairs


def free_offset(group: list[QRectF], others: list[QRectF], gap: float = GAP, step: float = STEP) -> QPointF:
    """The smallest move (on a `step` grid, nearest first; ties go down, then right) that
    leaves every box of `group` clear of `others`; no move when they are clear already."""
    if not group:
        return QPointF(0, 0)
    bounds = QRectF(group[0])
    for box in group[1:]:
        bounds = bounds.united(box)
    grid = BoxGrid(others)

    def fits(dx: float, dy: float) -> bool:
        moved = bounds.translated(dx, dy).adjusted(-gap, -gap, gap, gap)
        near = [o for o in grid.near(moved) if moved.intersects(o)]
        if not near:
            return True
        return all(clear_of(box.translated(dx, dy), near, gap) for box in group)

    if fits(0.0, 0.0):
        return QPointF(0, 0)
    for ring in range(1, MAX_RINGS):
        candidates = []
        for i in range(-ring, ring + 1):
            for dx, dy in ((i, ring), (i, -ring), (ring, i), (-ring, i)):
                candidates.append((dx * dx + dy * dy, -dy, -dx, dx, dy))
        for _, _, _, dx, dy in sorted(set(candidates)):
            if fits(dx * step, dy * step):
                return QPointF(dx * step, dy * step)
    # Nothing nearby: below everything.
    bottom = max((o.bottom() for o in others), default=bounds.top())
    return QPointF(0, bottom + gap - bounds.top())


def make_room(
    new: QRectF,
    boxes: Mapping[Hashable, QRectF],
    direction: str = "TB",
    gap: float = GAP,
    flow_gap: float = FLOW_GAP,
) -> tuple[QPointF, dict[Hashable, QPointF]] | None:
    """Room for `new` in the flow: (its own move, the others' moves).

    `new` first steps down (right) past boxes that start above (left of) it and are in its
    way, as a state inserted under another goes under it; then every box from its row on
    moves down together, just far enough. Along the flow boxes keep `flow_gap` apart (room
    for the transitions between them), across it `gap`. None when that would take `new` far
    from where it was meant to go (a tall neighbour beside it): the caller looks for free
    space instead.
    """
    lr = direction == "LR"

    def lead(box: QRectF) -> float:
        return box.left() if lr else box.top()

    def trail(box: QRectF) -> float:
        return box.right() if lr else box.bottom()

    def grown(box: QRectF) -> QRectF:
        if lr:
            return box.adjusted(-flow_gap, -gap, flow_gap, gap)
        return box.adjusted(-gap, -flow_gap, gap, flow_gap)

    step = 0.0
    limit = 2 * ((new.width() if lr else new.height()) + flow_gap)
    for _ in range(len(boxes) + 1):
        here = new.translated(step, 0) if lr else new.translated(0, step)
        around = grown(here)
        before = [b for b in boxes.values() if around.intersects(b) and lead(b) < lead(here) - 0.5]
        if not before:
            break
        step = max(trail(b) for b in before) + flow_gap - lead(new)
        if step > limit:
            return None
    own = QPointF(step, 0) if lr else QPointF(0, step)
    here = new.translated(own)
    around = grown(here)
    blocking = [b for b in boxes.values() if around.intersects(b)]
    if not blocking:
        return own, {}
    shift = max(trail(here) + flow_gap - lead(b) for b in blocking)
    delta = QPointF(shift, 0) if lr else QPointF(0, shift)
    return own, {k: delta for k, b in boxes.items() if lead(b) >= lead(here) - 0.5}


class BoxGrid:
    """Boxes bucketed by a coarse grid, so a search on a big drawing looks only nearby."""

    def __init__(self, boxes: Iterable[QRectF], cell: float = 240.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[QRectF]] = {}
        for box in boxes:
            for key in self._keys(box):
                self.cells.setdefault(key, []).append(box)

    def _keys(self, box: QRectF) -> list[tuple[int, int]]:
        c = self.cell
        x0, x1 = int(box.left() // c), int(box.right() // c)
        y0, y1 = int(box.top() // c), int(box.bottom() // c)
        return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def near(self, box: QRectF) -> list[QRectF]:
        seen: dict[int, QRectF] = {}
        for key in self._keys(box):
            for other in self.cells.get(key, ()):
                seen[id(other)] = other
        return list(seen.values())
