"""Layered (Sugiyama-style) layout of one scope's graph; pure Python, no Qt.

1. Back-edges are found by a depth-first walk from the start, so loops read top-down.
2. Ranks are longest paths from the start in what remains (a DAG).
3. Edges spanning several ranks get dummy nodes so that ordering sees them.
4. Nodes are ordered within ranks by barycentre sweeps, keeping the order with fewest crossings.
5. X positions pull each node towards its neighbours' mean, then resolve overlaps in order.

Sizes are given, positions come back as top-left corners; containers are laid out by the
caller from the inside out (their size is the size of their laid-out contents).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx

Node = Hashable
RANK_GAP = 56.0
NODE_GAP = 40.0
DUMMY_WIDTH = 18.0


@dataclass
class LayoutResult:
    positions: dict[Node, tuple[float, float]] = field(default_factory=dict)  # top-left
    back_edges: set[tuple[Node, Node]] = field(default_factory=set)
    ranks: dict[Node, int] = field(default_factory=dict)

    def bounds(self, sizes: dict[Node, tuple[float, float]]) -> tuple[float, float, float, float]:
        if not self.positions:
            return 0.0, 0.0, 0.0, 0.0
        xs = [x for x, _ in self.positions.values()]
        ys = [y for _, y in self.positions.values()]
        x2 = [x + sizes[n][0] for n, (x, _) in self.positions.items()]
        y2 = [y + sizes[n][1] for n, (_, y) in self.positions.items()]
        return min(xs), min(ys), max(x2), max(y2)


def find_back_edges(graph: nx.DiGraph, roots: Iterable[Node]) -> set[tuple[Node, Node]]:
    """Edges that close a cycle in a depth-first walk starting from `roots` (then from the rest)."""
    back: set[tuple[Node, Node]] = set()
    state: dict[Node, int] = {}  # 1 on the stack, 2 done
    order = [r for r in roots if r in graph] + [n for n in graph if n not in set(roots)]
    for root in order:
        if root in state:
            continue
        stack = [(root, iter(graph.successors(root)))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(graph.successors(child))))
    return back


def layered_layout(
    sizes: dict[Node, tuple[float, float]],
    edges: Iterable[tuple[Node, Node]],
    *,
    light_edges: Iterable[tuple[Node, Node]] = (),
    start: Node | None = None,
    direction: str = "TB",
    rank_gap: float = RANK_GAP,
    node_gap: float = NODE_GAP,
) -> LayoutResult:
    lr = direction == "LR"
    # Work top-down; for left-right, swap width and height going in and x and y coming out.
    dims = {n: ((h, w) if lr else (w, h)) for n, (w, h) in sizes.items()}
    graph = nx.DiGraph()
    graph.add_nodes_from(dims)
    graph.add_edges_from((u, v) for u, v in edges if u != v and u in dims and v in dims)
    roots = [start] if start is not None else []
    roots += [n for n in graph if graph.in_degree(n) == 0 and n != start]
    back = find_back_edges(graph, roots)
    dag = nx.DiGraph()
    dag.add_nodes_from(graph)
    dag.add_edges_from((v, u) if (u, v) in back else (u, v) for u, v in graph.edges)
    if not nx.is_directed_acyclic_graph(dag):  # reversed back-edges can rarely close a new cycle
        dag.remove_edges_from([(v, u) for u, v in back])
    ranks = _longest_path_ranks(dag, start)
    layers, chain_graph = _with_dummies(dag, ranks, set(light_edges))
    _order_by_barycentre(layers, chain_graph)
    xs = _assign_x(layers, chain_graph, dims, node_gap)
    result = LayoutResult(back_edges=back, ranks=ranks)
    y = 0.0
    for layer in layers:
        height = max((dims[n][1] for n in layer if n in dims), default=0.0)
        for node in layer:
            if node not in dims:
                continue
            w, h = dims[node]
            x, top = xs[node] - w / 2, y + (height - h) / 2
            result.positions[node] = (top, x) if lr else (x, top)
        y += height + rank_gap
    return result


def _longest_path_ranks(dag: nx.DiGraph, start: Node | None) -> dict[Node, int]:
    ranks: dict[Node, int] = {}
    for node in nx.topological_sort(dag):
        preds = [ranks[p] + 1 for p in dag.predecessors(node)]
        ranks[node] = max(preds, default=0)
    if start is not None and start in ranks and ranks[start] != 0:
        ranks[start] = 0
    return ranks


class _Dummy:
    __slots__ = ("_hash", "edge", "index")

    def __init__(self, edge: tuple[Node, Node], index: int) -> None:
        self.edge, self.index = edge, index
        self._hash = hash((edge, index))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Dummy) and self.index == other.index and self.edge == other.edge

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"_Dummy({self.edge!r}, {self.index})"


def _with_dummies(
    dag: nx.DiGraph, ranks: dict[Node, int], light: set[tuple[Node, Node]]
) -> tuple[list[list[Node]], nx.DiGraph]:
    """The DAG with long edges cut into unit steps; `light` edges (error paths) pull less.

    Long light edges into one target share their steps (one lane down to a shared failure
    handler rather than one per Catch): the picture stays narrow and ordering stays cheap.
    """
    chain = nx.DiGraph()
    chain.add_nodes_from(dag)
    node_rank = dict(ranks)
    for u, v in dag.edges:
        is_light = (u, v) in light or (v, u) in light
        weight = 0.25 if is_light else 1.0
        span = ranks[v] - ranks[u]
        previous = u
        for i in range(1, span):
            rank = ranks[u] + i
            dummy = _Dummy(("light", v), rank) if is_light else _Dummy((u, v), i)
            shared = dummy in node_rank
            node_rank[dummy] = rank
            chain.add_edge(previous, dummy, weight=weight)
            if shared:  # joined a lane that already runs on down to v
                break
            previous = dummy
        else:
            chain.add_edge(previous, v, weight=weight)
    depth = max(node_rank.values(), default=-1) + 1
    layers: list[list[Node]] = [[] for _ in range(depth)]
    for node in chain.nodes:  # insertion order: definition order first, a stable start
        layers[node_rank[node]].append(node)
    return layers, chain


def _crossings(layers: list[list[Node]], succ: dict[Node, list[Node]]) -> int:
    """Edge crossings between neighbouring layers: inversions of the edges' lower ends once
    sorted by their upper ends (counted with a Fenwick tree, so wide layers stay cheap)."""
    total = 0
    for upper, lower in itertools.pairwise(layers):
        pos = {n: i for i, n in enumerate(lower)}
        pairs = sorted((i, pos[s]) for i, n in enumerate(upper) for s in succ[n] if s in pos)
        size = len(lower) + 1
        tree = [0] * (size + 1)
        seen = 0
        group_start = 0
        for k, (a, b) in enumerate(pairs):
            if k and a != pairs[k - 1][0]:  # edges from one upper node never cross each other
                for _, bb in pairs[group_start:k]:
                    i = bb + 1
                    while i <= size:
                        tree[i] += 1
                        i += i & -i
                    seen += 1
                group_start = k
            # count earlier edges whose lower end is right of b: seen - prefix(b + 1)
            i, below = b + 1, 0
            while i > 0:
                below += tree[i]
                i -= i & -i
            total += seen - below
    return total


def _adjacency(chain: nx.DiGraph) -> tuple[dict, dict]:
    """Predecessor and successor lists with weights, read once (networkx views are slow)."""
    preds: dict[Node, list[tuple[Node, float]]] = {n: [] for n in chain}
    succs: dict[Node, list[tuple[Node, float]]] = {n: [] for n in chain}
    for u, v, w in chain.edges(data="weight", default=1.0):
        succs[u].append((v, w))
        preds[v].append((u, w))
    return preds, succs


def _order_by_barycentre(layers: list[list[Node]], chain: nx.DiGraph, sweeps: int = 6) -> None:
    preds, succs = _adjacency(chain)
    up = {n: [p for p, _ in ps] for n, ps in preds.items()}
    down = {n: [s for s, _ in ss] for n, ss in succs.items()}
    best = [list(layer) for layer in layers]
    best_cost = _crossings(layers, down)
    for sweep in range(sweeps):
        going_down = sweep % 2 == 0
        indices = range(1, len(layers)) if going_down else range(len(layers) - 2, -1, -1)
        near_of = up if going_down else down
        for r in indices:
            ref = layers[r - 1] if going_down else layers[r + 1]
            pos = {n: i for i, n in enumerate(ref)}
            here = {n: i for i, n in enumerate(layers[r])}

            def key(node: Node, pos: dict = pos, here: dict = here, near_of: dict = near_of) -> float:
                values = [pos[n] for n in near_of[node] if n in pos]
                return sum(values) / len(values) if values else here[node]

            layers[r].sort(key=key)
        cost = _crossings(layers, down)
        if cost < best_cost:
            best, best_cost = [list(layer) for layer in layers], cost
    layers[:] = best


def _assign_x(
    layers: list[list[Node]], chain: nx.DiGraph, dims: dict[Node, tuple[float, float]], gap: float
) -> dict[Node, float]:
    def width(node: Node) -> float:
        return dims[node][0] if node in dims else DUMMY_WIDTH

    xs: dict[Node, float] = {}
    for layer in layers:
        x = 0.0
        for node in layer:
            xs[node] = x + width(node) / 2
            x += width(node) + gap
        shift = (x - gap) / 2
        for node in layer:
            xs[node] -= shift
    preds, succs = _adjacency(chain)
    both_ways = {n: preds[n] + succs[n] for n in preds}
    for sweep in range(10):
        down = sweep % 2 == 0
        both = sweep >= 6  # finish by balancing each node between parents and children
        order = layers if down else list(reversed(layers))
        near_of = both_ways if both else (preds if down else succs)
        for layer in order:
            desired = {}
            for node in layer:
                near = near_of[node]
                if near:
                    total = sum(w for _, w in near)
                    desired[node] = sum(xs[n] * w for n, w in near) / total
                else:
                    desired[node] = xs[node]
            _place(layer, desired, width, gap, xs)
    return xs


def _place(layer: list[Node], desired: dict[Node, float], width, gap: float, xs: dict[Node, float]) -> None:
    """Put nodes as near their desired x as order and spacing allow (mean of two greedy passes)."""
    if not layer:
        return
    right = []
    limit = float("-inf")
    for node in layer:
        x = max(desired[node], limit + width(node) / 2)
        right.append(x)
        limit = x + width(node) / 2 + gap
    left = [0.0] * len(layer)
    limit = float("inf")
    for i in range(len(layer) - 1, -1, -1):
        node = layer[i]
        x = min(desired[node], limit - width(node) / 2)
        left[i] = x
        limit = x - width(node) / 2 - gap
    for i, node in enumerate(layer):
        xs[node] = (left[i] + right[i]) / 2
    # The mean of two feasible placements is feasible: spacing holds in both.
