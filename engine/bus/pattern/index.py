"""A shared index over many rules' branches, so matching costs about the same for 10 or 10,000.

Each branch is filed in a trie under (at most two of) the fields it can be looked up by: exact
values and prefix/suffix/equals-ignore-case strings. Fields are taken most selective first, that
is the paths with the most distinct values across all rules (``source`` on a busy bus); the index
is rebuilt as the rule count doubles so early rules get the same order as late ones. An event
walks the trie from the root: at each node, for each path leaving it, the event's values at that
path are looked up in hash tables (a prefix table is probed once per distinct prefix length),
which leads to the next nodes. Branches filed at the nodes reached are candidates; branches with
no indexable field are always candidates. Candidates are then matched in full, so the index only
has to never miss one.

The index hands back what the caller filed with each branch (its ``entry``), not ids to look up;
a node is reached along one edge only, so an event with one leaf per path reaches each node at
most once and needs no bookkeeping of visited nodes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.bus.pattern.compiled import Branch, Field
from engine.bus.pattern.flatten import MISSING, Flat, Many
from engine.bus.pattern.matchers import Exact, Matcher, StringTest, key_of
from engine.bus.pattern.values import ip_key

__all__ = ["BranchIndex", "Entry", "Plan"]

#: The fields of a branch still to check, as ``(path, test, absent_ok)``.
Plan = tuple[tuple[str, Any, bool], ...]
#: What the index hands back for a candidate: ``(order, name, plan, branch)``.
Entry = tuple[int, str, Plan, Branch]

#: A branch with several alternative values on several fields is filed once per combination;
#: fields beyond this many combinations are left to the full match.
_MAX_COMBINATIONS = 64
#: Two well-chosen fields narrow a branch down to a handful of candidates; more only adds nodes.
_MAX_FIELDS = 2
#: A string can be an IP address (whose exact key is the address, see `key_of`) only if it starts
#: with an ASCII digit or has a colon; any other string is its own key.
_DIGITS = frozenset("0123456789")
#: Strings remembered with the nodes they lead to, over all edges, before starting afresh.
_CACHED_STRINGS = 65_536
_NO_CACHE: dict[str, tuple[_Node, ...]] = {}  # shared, never written: edges nothing has reached yet


class _Table:
    """Key -> child node for one kind of lookup, with the distinct lengths for prefix/suffix."""

    __slots__ = ("children", "lengths")

    def __init__(self) -> None:
        self.children: dict[object, _Node] = {}
        self.lengths: list[int] = []

    def child(self, key: object, length: int | None = None) -> _Node:
        node = self.children.get(key)
        if node is None:
            node = self.children[key] = _Node()
            if length is not None and length not in self.lengths:
                self.lengths.append(length)
                self.lengths.sort()
        return node


class _Edges:
    """Everything leaving one node along one path.

    Strings an event has at the path (sources, detail types: few distinct values, seen again and
    again) are remembered with the nodes they lead to, until a branch is filed along these edges.
    """

    __slots__ = ("cache", "exact", "lower", "lower_prefix", "lower_suffix", "prefix", "strings", "suffix")

    def __init__(self) -> None:
        self.exact: _Table | None = None
        self.prefix: _Table | None = None
        self.suffix: _Table | None = None
        self.lower: _Table | None = None
        self.lower_prefix: _Table | None = None
        self.lower_suffix: _Table | None = None
        self.strings = False  # whether a table here needs `follow_strings`
        self.cache: dict[str, tuple[_Node, ...]] = _NO_CACHE  # plain str -> the nodes it leads to

    def child_for(self, matcher: Matcher) -> _Node:
        self.cache = _NO_CACHE
        if isinstance(matcher, Exact):
            self.exact = self.exact or _Table()
            return self.exact.child(matcher.key)
        assert isinstance(matcher, StringTest)
        value, op = matcher.value, matcher.op
        if op == "exact" and not matcher.ignore_case:
            self.exact = self.exact or _Table()
            return self.exact.child(value)
        self.strings = True
        if op in ("exact", "equals"):
            attr = "lower" if matcher.ignore_case else "exact"
            table = getattr(self, attr) or _Table()
            setattr(self, attr, table)
            return table.child(value)
        attr = ("lower_" if matcher.ignore_case else "") + op
        table = getattr(self, attr) or _Table()
        setattr(self, attr, table)
        return table.child(value, len(value))

    def follow(self, value: Any, out: list[_Node]) -> None:
        """Appends the nodes one scalar of the event leads to."""
        if self.exact is not None:
            node = self.exact.children.get(
                key_of(value) if type(value) is not str or value[:1] in _DIGITS or ":" in value else value
            )
            if node is not None:
                out.append(node)
        if self.strings and type(value) is str:  # not JsonNumber: numbers never match strings
            self.follow_strings(value, out)

    def follow_strings(self, text: str, out: list[_Node]) -> None:
        lowered: str | None = None
        for table, probe in ((self.prefix, text), (self.lower_prefix, None)):
            if table is not None:
                if probe is None:
                    probe = lowered = lowered if lowered is not None else text.lower()
                for length in table.lengths:
                    if length > len(probe):
                        break
                    node = table.children.get(probe[:length])
                    if node is not None:
                        out.append(node)
        for table, probe in ((self.suffix, text), (self.lower_suffix, None)):
            if table is not None:
                if probe is None:
                    probe = lowered = lowered if lowered is not None else text.lower()
                size = len(probe)
                for length in table.lengths:
                    if length > size:
                        break
                    node = table.children.get(probe[size - length :])
                    if node is not None:
                        out.append(node)
        if self.lower is not None:
            node = self.lower.children.get(lowered if lowered is not None else text.lower())
            if node is not None:
                out.append(node)


class _Node:
    __slots__ = ("edges", "entries")

    def __init__(self) -> None:
        self.edges: dict[str, _Edges] = {}
        self.entries: dict[int, Any] = {}  # branch id -> the entry filed with it


def _indexable(matcher: Matcher) -> bool:
    if isinstance(matcher, Exact):
        return True
    if isinstance(matcher, StringTest):
        # "exactly" compares text, while an IP-shaped event string is keyed by its address.
        return matcher.op != "exact" or ip_key(matcher.value) is None
    return False


def _key(matcher: Matcher) -> object:
    return matcher.key if isinstance(matcher, Exact) else (matcher.op, matcher.ignore_case, matcher.value)


class BranchIndex:
    """Files branches by id and answers which the event could match, as entries
    ``(order, name, plan, branch)``: ``(order, name)`` is what the caller filed the branch with,
    the plan lists the fields left to check as their ``Field.step``.

    The plan leaves out the fields the index looked the branch up by: an event that reached it
    with one leaf outside arrays at each of those paths has them satisfied already. When
    `candidates` says a path it followed had several leaves or an array, match the whole branch.
    """

    def __init__(self) -> None:
        self._root = _Node()
        self._always: dict[int, Entry] = {}
        self._filed: dict[int, list[_Node]] = {}
        self._branches: dict[int, tuple[Branch, tuple[int, str], tuple[Field, ...]]] = {}
        self._distinct: dict[str, set[object]] = {}  # path -> lookup keys seen there, for the order
        self._built_for = 8  # branch count at the last rebuild
        self._caching: list[_Edges] = []  # the edges remembering strings
        self._cached = 0  # how many strings they remember in all

    def _usable(self, fields: Iterable[Field]) -> tuple[Field, ...]:
        """The fields the branch could be looked up by; counts their keys for the order."""
        usable = tuple(
            f for f in fields if f.matchers and not f.absent_ok and all(_indexable(m) for m in f.matchers)
        )
        for field in usable:
            self._distinct.setdefault(field.path, set()).update(_key(m) for m in field.matchers)
        return usable

    def _index_fields(self, usable: tuple[Field, ...]) -> list[Field]:
        distinct = self._distinct
        ordered = sorted(usable, key=lambda f: (-len(distinct[f.path]), len(f.matchers), f.path))
        chosen: list[Field] = []
        combinations = 1
        for field in ordered:
            if combinations * len(field.matchers) > _MAX_COMBINATIONS:
                continue
            combinations *= len(field.matchers)
            chosen.append(field)
            if len(chosen) == _MAX_FIELDS:
                break
        return chosen

    def add(self, branch_id: int, branch: Branch, order: int, name: str) -> None:
        """Files ``branch`` of rule ``name``, whose place among the rules is ``order``."""
        filing = self._branches[branch_id] = (branch, (order, name), self._usable(branch.fields))
        if len(self._branches) >= 2 * self._built_for:
            self._rebuild()
            return
        self._file(branch_id, *filing)

    def _rebuild(self) -> None:
        """Files every branch again, now that the paths' distinct counts say more."""
        self._built_for = len(self._branches)
        self._root = _Node()
        self._caching.clear()
        self._cached = 0
        self._always.clear()
        self._filed.clear()
        for branch_id, filing in self._branches.items():
            self._file(branch_id, *filing)

    def _file(self, branch_id: int, branch: Branch, rule: tuple[int, str], usable: tuple[Field, ...]) -> None:
        fields = self._index_fields(usable)
        if not fields:
            self._always[branch_id] = (*rule, tuple(f.step for f in branch.fields), branch)
            self._filed[branch_id] = []
            return
        chosen = {id(f) for f in fields}
        entry = (*rule, tuple(f.step for f in branch.fields if id(f) not in chosen), branch)
        nodes = [self._root]
        for field in fields:
            reached: dict[int, _Node] = {}
            for node in nodes:
                edges = node.edges.get(field.path)
                if edges is None:
                    edges = node.edges[field.path] = _Edges()
                for matcher in field.matchers:
                    child = edges.child_for(matcher)
                    reached[id(child)] = child
            nodes = list(reached.values())
        for node in nodes:
            node.entries[branch_id] = entry
        self._filed[branch_id] = nodes

    def remove(self, branch_id: int) -> None:
        self._branches.pop(branch_id, None)
        for node in self._filed.pop(branch_id, ()):
            node.entries.pop(branch_id, None)
        self._always.pop(branch_id, None)

    def _reach(self, edges: _Edges, text: str) -> tuple[_Node, ...]:
        """The nodes a plain string leads to along ``edges``, remembered (within a bound)."""
        out: list[_Node] = []
        edges.follow(text, out)
        reached = tuple(out)
        if self._cached >= _CACHED_STRINGS:
            for caching in self._caching:
                caching.cache = _NO_CACHE
            self._caching.clear()
            self._cached = 0
        if edges.cache is _NO_CACHE:
            edges.cache = {}
            self._caching.append(edges)
        edges.cache[text] = reached
        self._cached += 1
        return reached

    def candidates(self, flat: Flat) -> tuple[list[Entry], bool]:
        """The entries of the branches the event could match (an entry may come more than once),
        and whether every path followed had one leaf outside arrays (so the plans hold)."""
        found = list(self._always.values()) if self._always else []
        plain = True
        pending = [self._root]
        get = flat.get
        while pending:
            node = pending.pop()
            if node.entries:
                found.extend(node.entries.values())
            for path, edges in node.edges.items():
                value = get(path, MISSING)
                if value is MISSING:
                    continue
                kind = type(value)
                if kind is str:
                    reached = edges.cache.get(value)
                    if reached is None:
                        reached = self._reach(edges, value)
                    if reached:
                        pending.extend(reached)
                elif kind is Many:
                    plain = False
                    nodes: list[_Node] = []
                    for leaf, _ in value:
                        edges.follow(leaf, nodes)
                    if len(nodes) > 1:
                        nodes = list({id(child): child for child in nodes}.values())
                    pending.extend(nodes)
                else:
                    edges.follow(value, pending)
        return found, plain
