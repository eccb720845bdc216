"""Many named patterns compiled together: which rules does this event match?

An event bus routes each event to every rule whose pattern matches. Trying each pattern in turn
would make a bus with 10,000 rules a thousand times slower than one with 10; `RuleSet` files
every rule's branches in a shared index (`index`), flattens the event once (only the
paths some rule uses), and fully matches only the candidates the index returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.bus.pattern.compiled import Branch, CompiledPattern, PatternSource
from engine.bus.pattern.compiler import compile_pattern
from engine.bus.pattern.flatten import MISSING, Flat, Many, PathTree, flatten, load_event
from engine.bus.pattern.index import BranchIndex, Plan
from engine.bus.pattern.match import EventSource, match_branch

__all__ = ["RuleSet"]


def _check(plan: Plan, branch: Branch, flat: Flat) -> bool:
    """`match_branch` for the usual case, one leaf outside arrays per path; the rest go to it."""
    get = flat.get
    for path, test, absent_ok in plan:
        leaf = get(path, MISSING)
        if leaf is MISSING:
            if absent_ok:
                continue
            return False
        if type(leaf) is Many:
            return match_branch(branch, flat)
        if not test(leaf):
            return False
    return True


class RuleSet:
    """Named EventBridge patterns, matched together.

    ``RuleSet({"orders": '{"source": ["shop"]}'}).matches(event)`` returns the names of the rules
    whose pattern matches, in the order the rules were added (replacing a rule keeps its place).
    Patterns are JSON text or dicts; an invalid one raises `InvalidEventPatternError` and leaves
    the set unchanged.
    """

    def __init__(self, patterns: Mapping[str, PatternSource | CompiledPattern] | None = None) -> None:
        self._rules: dict[str, CompiledPattern] = {}
        self._order: dict[str, int] = {}
        self._branch_ids: dict[str, list[int]] = {}
        self._prefix_counts: dict[str, int] = {}
        self._tree: PathTree | None = None  # built from _prefix_counts when first needed
        self._index = BranchIndex()
        self._next_branch = 0
        self._next_order = 0
        for name, pattern in (patterns or {}).items():
            self.add(name, pattern)

    def add(self, name: str, pattern: PatternSource | CompiledPattern) -> None:
        """Adds (or replaces) the rule ``name``; validates the pattern first."""
        compiled = compile_pattern(pattern)
        order = self._order.get(name)
        if name in self._rules:
            self.remove(name)
        if order is None:
            order = self._next_order
            self._next_order += 1
        self._rules[name] = compiled
        self._order[name] = order
        ids = []
        for branch in compiled.branches:
            branch_id = self._next_branch
            self._next_branch += 1
            self._index.add(branch_id, branch, order, name)
            ids.append(branch_id)
        self._branch_ids[name] = ids
        for prefix in compiled.prefixes:
            self._prefix_counts[prefix] = self._prefix_counts.get(prefix, 0) + 1
        self._tree = None

    def remove(self, name: str) -> None:
        """Removes the rule ``name``; KeyError if there is none."""
        compiled = self._rules.pop(name)
        del self._order[name]
        for branch_id in self._branch_ids.pop(name):
            self._index.remove(branch_id)
        for prefix in compiled.prefixes:
            count = self._prefix_counts[prefix] - 1
            if count:
                self._prefix_counts[prefix] = count
            else:
                del self._prefix_counts[prefix]
        self._tree = None

    def matches(self, event: EventSource | Any) -> list[str]:
        """Names of the rules whose pattern matches ``event`` (a dict or JSON object text).

        Raises `InvalidEventError` for text that is not a JSON object. The envelope fields are not
        required here: the bus builds them itself.
        """
        tree = self._tree
        if tree is None:
            tree = self._tree = PathTree.build(self._prefix_counts)
        flat = flatten(event if type(event) is dict else load_event(event), tree)
        found, plain = self._index.candidates(flat)
        if not found:
            return []
        if not plain:  # a path the index followed had several leaves: match whole branches
            matched: dict[str, int] = {}
            for order, name, _, branch in found:
                if name not in matched and match_branch(branch, flat):
                    matched[name] = order
        elif len(found) == 1:
            order, name, plan, branch = found[0]
            return [name] if _check(plan, branch, flat) else []
        else:
            matched = {}
            for order, name, plan, branch in found:
                if name not in matched and _check(plan, branch, flat):
                    matched[name] = order
        if len(matched) < 2:
            return list(matched)
        return sorted(matched, key=matched.__getitem__)

    def pattern(self, name: str) -> CompiledPattern:
        """The compiled pattern of rule ``name`` (for `explain`)."""
        return self._rules[name]

    def __contains__(self, name: object) -> bool:
        return name in self._rules

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._rules, key=self._order.__getitem__))
