"""The project's top level laid out compactly: machine frames and event resources, left to right
along the routes between them (bus -> rule -> queue -> machine -> function).

A plain layered layout gives every hop a column of its own, and a handful of small resources
then stretch a project over several screens. Two groupings keep it compact and still read:

- a bus and the rules that hang from it (rules routed from that bus only) form one column,
  the rules stacked under the rail, as the bus is drawn;
- a resource reached from one item and leading nowhere (the functions a machine invokes, a
  queue's dead-letter queue, a topic's one subscriber) sits just under that item, in rows.

Each group is laid out as one box, then unpacked. Pure Python, no Qt; keys are layout keys
(`bus:orders`, `stateMachine:Retail`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from designer.canvas.layout import layered_layout

RANK_GAP = 70.0  # between columns: room for the route channels and their labels
NODE_GAP = 36.0  # between boxes of one column
STACK_GAP = 32.0  # between a box and what hangs under it (room for a route to come down)
ROW_GAP = 28.0  # between satellites side by side (a route may pass between them)
ROW_STRETCH = 1.6  # a row of satellites may be this much wider than the box it hangs from

COMPONENT_GAP = 90.0  # between parts of a project that no route joins
ASPECT = 1.6  # the shape (width / height) unconnected parts are packed towards: a screen's

Size = tuple[float, float]


@dataclass
class _Group:
    """A box standing for a head item and what hangs under it, rows of keys top to bottom."""

    head: str
    rows: list[list[str]] = field(default_factory=list)


def _kind(key: str) -> str:
    return key.partition(":")[0]


def _groups(sizes: dict[str, Size], edges: list[tuple[str, str]]) -> dict[str, _Group]:
    incoming: dict[str, set[str]] = {k: set() for k in sizes}
    outgoing: dict[str, set[str]] = {k: set() for k in sizes}
    for s, t in edges:
        if s != t:
            outgoing[s].add(t)
            incoming[t].add(s)
    member: set[str] = set()
    groups: dict[str, _Group] = {}
    for bus in (k for k in sizes if _kind(k) == "bus"):
        rules = [k for k in sizes if _kind(k) == "rule" and incoming[k] == {bus} and k not in member]
        if rules:
            groups[bus] = _Group(bus, [[r] for r in rules])
            member.update(rules)
            member.add(bus)
    satellites: dict[str, list[str]] = {}
    for key in sizes:
        if key in member or _kind(key) == "stateMachine" or outgoing[key] or len(incoming[key]) != 1:
            continue
        (parent,) = incoming[key]
        if parent in member:
            continue
        satellites.setdefault(parent, []).append(key)
    for parent, keys in satellites.items():  # (a satellite leads nowhere: it has none of its own)
        limit = max(sizes[parent][0] * ROW_STRETCH, max(sizes[k][0] for k in keys))
        rows: list[list[str]] = [[]]
        width = 0.0
        for key in keys:
            w = sizes[key][0]
            if rows[-1] and width + ROW_GAP + w > limit:
                rows.append([])
                width = 0.0
            width += (ROW_GAP if rows[-1] else 0.0) + w
            rows[-1].append(key)
        groups[parent] = _Group(parent, rows)
    return groups


def _row_size(row: list[str], sizes: dict[str, Size]) -> Size:
    return sum(sizes[k][0] for k in row) + ROW_GAP * (len(row) - 1), max(sizes[k][1] for k in row)


def _group_size(group: _Group, sizes: dict[str, Size]) -> Size:
    w, h = sizes[group.head]
    for row in group.rows:
        rw, rh = _row_size(row, sizes)
        w, h = max(w, rw), h + STACK_GAP + rh
    return w, h


def project_layout(
    sizes: dict[str, Size], routes: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Top-left corners for the boxes `sizes`, none overlapping another."""
    edges = [(s, t) for s, t in routes if s in sizes and t in sizes]
    groups = _groups(sizes, edges)
    owner = {k: g.head for g in groups.values() for row in g.rows for k in row}
    boxes = {k: s for k, s in sizes.items() if k not in owner}
    for head, group in groups.items():
        boxes[head] = _group_size(group, sizes)
    lifted = []
    for s, t in edges:
        s, t = owner.get(s, s), owner.get(t, t)
        if s != t:
            lifted.append((s, t))
    placed = _pack(boxes, lifted)
    positions: dict[str, tuple[float, float]] = {}
    for key, (x, y) in placed.items():
        group = groups.get(key)
        if group is None:
            positions[key] = (x, y)
            continue
        width = boxes[key][0]
        w, h = sizes[key]
        positions[key] = (x + (width - w) / 2, y)
        top = y + h
        for row in group.rows:
            rw, rh = _row_size(row, sizes)
            left, top = x + (width - rw) / 2, top + STACK_GAP
            for k in row:
                positions[k] = (left, top + (rh - sizes[k][1]) / 2)
                left += sizes[k][0] + ROW_GAP
            top += rh
    # Whole units: routes between boxes snap to them, and stay straight when the boxes do too.
    return {k: (float(round(x)), float(round(y))) for k, (x, y) in positions.items()}


def _components(keys: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Keys joined by routes, each part in the keys' order, parts in order of first key."""
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for s, t in edges:
        parent[find(s)] = find(t)
    parts: dict[str, list[str]] = {}
    for k in keys:
        parts.setdefault(find(k), []).append(k)
    return list(parts.values())


def _pack(boxes: dict[str, Size], edges: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Each part laid out along its routes, the parts then set in rows (largest first) about
    as wide as a screen is for their total area, rather than in one tall column."""
    laid: list[tuple[float, float, dict[str, tuple[float, float]]]] = []
    for part in _components(list(boxes), edges):
        sizes = {k: boxes[k] for k in part}
        inner = [(s, t) for s, t in edges if s in sizes and t in sizes]
        result = layered_layout(sizes, inner, direction="LR", rank_gap=RANK_GAP, node_gap=NODE_GAP)
        x0, y0, x1, y1 = result.bounds(sizes)
        laid.append((x1 - x0, y1 - y0, {k: (x - x0, y - y0) for k, (x, y) in result.positions.items()}))
    if len(laid) == 1:
        return laid[0][2]
    area = sum((w + COMPONENT_GAP) * (h + COMPONENT_GAP) for w, h, _ in laid)
    width = max(max(w for w, _, _ in laid), (area * ASPECT) ** 0.5)
    order = sorted(range(len(laid)), key=lambda i: -laid[i][1])
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for i in order:
        w, h, inner_positions = laid[i]
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + COMPONENT_GAP, 0.0
        for key, (px, py) in inner_positions.items():
            positions[key] = (x + px, y + py)
        x += w + COMPONENT_GAP
        row_height = max(row_height, h)
    return positions
