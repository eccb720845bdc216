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
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.bus.pattern_compiler import Branch, Field
from engine.bus.pattern_flatten import Flat
from engine.bus.pattern_matchers import Exact, Matcher, StringTest, key_of
from engine.bus.pattern_values import JsonNumber, ip_key

__all__ = ["BranchIndex"]

#: A branch with several alternative values on several fields is filed once per combination;
#: fields beyond this many combinations are left to the full match.
_MAX_COMBINATIONS = 64
#: Two well-chosen fields narrow a branch down to a handful of candidates; more only adds nodes.
_MAX_FIELDS = 2


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
    """Everything leaving one node along one path."""

    __slots__ = ("exact", "lower", "lower_prefix", "lower_suffix", "prefix", "strings", "suffix")

    def __init__(self) -> None:
        self.exact: _Table | None = None
        self.prefix: _Table | None = None
        self.suffix: _Table | None = None
        self.lower: _Table | None = None
        self.lower_prefix: _Table | None = None
        self.lower_suffix: _Table | None = None
        self.strings = False  # whether a table here needs `follow_strings`

    def child_for(self, matcher: Matcher) -> _Node:
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
    __slots__ = ("branches", "edges")

    def __init__(self) -> None:
        self.edges: dict[str, _Edges] = {}
        self.branches: set[int] = set()


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
    """Files branches by id and answers which ids an event could match."""

    def __init__(self) -> None:
        self._root = _Node()
        self._always: set[int] = set()
        self._filed: dict[int, list[_Node]] = {}
        self._branches: dict[int, Branch] = {}
        self._distinct: dict[str, set[object]] = {}  # path -> lookup keys seen there, for the order
        self._built_for = 8  # branch count at the last rebuild

    def _index_fields(self, fields: Iterable[Field]) -> list[Field]:
        usable = [
            f for f in fields if f.matchers and not f.absent_ok and all(_indexable(m) for m in f.matchers)
        ]
        for field in usable:
            self._distinct.setdefault(field.path, set()).update(_key(m) for m in field.matchers)
        usable.sort(key=lambda f: (-len(self._distinct[f.path]), len(f.matchers), f.path))
        chosen: list[Field] = []
        combinations = 1
        for field in usable:
            if combinations * len(field.matchers) > _MAX_COMBINATIONS:
                continue
            combinations *= len(field.matchers)
            chosen.append(field)
            if len(chosen) == _MAX_FIELDS:
                break
        return chosen

    def add(self, branch_id: int, branch: Branch) -> None:
        self._branches[branch_id] = branch
        if len(self._branches) >= 2 * self._built_for:
            self._rebuild()
            return
        self._file(branch_id, branch)

    def _rebuild(self) -> None:
        """Files every branch again, now that the paths' distinct counts say more."""
        self._built_for = len(self._branches)
        self._root = _Node()
        self._always.clear()
        self._filed.clear()
        for branch in self._branches.values():
            self._index_fields(branch.fields)
        for branch_id, branch in self._branches.items():
            self._file(branch_id, branch)

    def _file(self, branch_id: int, branch: Branch) -> None:
        fields = self._index_fields(branch.fields)
        if not fields:
            self._always.add(branch_id)
            self._filed[branch_id] = []
            return
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
            node.branches.add(branch_id)
        self._filed[branch_id] = nodes

    def remove(self, branch_id: int) -> None:
        self._branches.pop(branch_id, None)
        for node in self._filed.pop(branch_id, ()):
            node.branches.discard(branch_id)
        self._always.discard(branch_id)

    def candidates(self, flat: Flat) -> set[int]:
        found = set(self._always)
        pending = [self._root]
        seen: set[int] = set()
        while pending:
            node = pending.pop()
            if node.branches:
                found |= node.branches
            for path, edges in node.edges.items():
                entries = flat.get(path)
                if entries is None:
                    continue
                exact = edges.exact.children if edges.exact is not None else None
                strings = edges.strings
                for value, _ in entries:
                    if exact is not None:
                        child = exact.get(key_of(value))
                        if child is not None and id(child) not in seen:
                            seen.add(id(child))
                            pending.append(child)
                    if strings and isinstance(value, str) and type(value) is not JsonNumber:
                        reached: list[_Node] = []
                        edges.follow_strings(value, reached)
                        for child in reached:
                            if id(child) not in seen:
                                seen.add(id(child))
                                pending.append(child)
        return found
