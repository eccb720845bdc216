"""What a compiled EventBridge pattern is: branches of fields, each field a path and its matchers.

The compiler (`compiler.py`) decides whether a pattern is valid and which matchers it means; this
module holds the result that the index, the rule set and the single-pattern matcher read, so they
depend on the shape of a compiled pattern and not on how its text was parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.bus.pattern.flatten import PathTree
from engine.bus.pattern.matchers import AnythingBut, Matcher, Wildcard, field_test
from engine.bus.pattern.wildcard import check_complexity

PatternSource = str | bytes | Mapping[str, Any]


class _Absent(Matcher):
    """``exists: false``: satisfied by the path's absence; never by a value."""

    __slots__ = ()

    def describe(self) -> str:
        return "absent (exists: false)"


ABSENT = _Absent()


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a branch: a dotted path, its matchers, and whether absence satisfies it;
    ``test`` says whether any of the matchers accepts a scalar (`field_test`), and ``step`` is
    ``(path, test, absent_ok)``, how a rule set checks the field."""

    path: str
    matchers: tuple[Matcher, ...]
    absent_ok: bool
    test: Callable[[object], bool] = field(init=False, compare=False, repr=False)
    step: tuple[str, Callable[[object], bool], bool] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        test = field_test(self.matchers)
        object.__setattr__(self, "test", test)
        object.__setattr__(self, "step", (self.path, test, self.absent_ok))

    def describe(self) -> str:
        parts = [m.describe() for m in self.matchers]
        if self.absent_ok:
            parts.append(ABSENT.describe())
        return " or ".join(parts)


@dataclass(frozen=True, slots=True)
class Branch:
    """An AND of fields (sorted by path); a pattern without ``$or`` has exactly one."""

    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A validated pattern, ready to match; ``prefixes`` (also as ``tree``, built on first use:
    a rule set flattens by its own tree) are the event paths worth flattening."""

    branches: tuple[Branch, ...]
    prefixes: frozenset[str]
    _tree: PathTree | None = field(default=None, compare=False, repr=False)

    @property
    def tree(self) -> PathTree:
        tree = self._tree
        if tree is None:
            tree = PathTree.build(self.prefixes)
            object.__setattr__(self, "_tree", tree)
        return tree


def _prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def compiled_from(rules: list[dict[str, list[Matcher]]]) -> CompiledPattern:
    """The compiler's rules (one per ``$or`` branch: each field path's matchers, `ABSENT` among them
    for ``exists: false``) as a pattern ready to match; wildcards over the complexity limit are refused."""
    branches = []
    prefixes: set[str] = set()
    for rule in rules:
        fields = []
        for path in sorted(rule):
            values = rule[path]
            matchers = tuple(m for m in values if m is not ABSENT)
            wildcards = [m.shown for m in matchers if isinstance(m, Wildcard)]
            for m in matchers:
                if isinstance(m, AnythingBut) and m.mode == "wildcard":
                    wildcards.extend(m.values)
            check_complexity(wildcards)
            fields.append(Field(path, matchers, any(m is ABSENT for m in values)))
            prefixes.update(_prefixes(path))
        branches.append(Branch(tuple(fields)))
    return CompiledPattern(tuple(branches), frozenset(prefixes))
