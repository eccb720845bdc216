"""Immutable AST of a parsed JSONPath.

A ``Path`` is a root plus a tuple of segments. Everything is a frozen
dataclass so parsed paths can be cached and shared between threads, hashed
and compared, and so the evaluator never has to re-read the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.expr.jsonpath.filter_ast import FilterExpr

ROOT = "$"
CONTEXT = "$$"
CURRENT = "@"  # only inside filter expressions


@dataclass(frozen=True, slots=True)
class Name:
    """A single member name: ``.name`` or ``['name']``."""

    name: str


@dataclass(frozen=True, slots=True)
class Index:
    """A single array index, possibly negative: ``[2]``, ``[-1]``."""

    index: int


@dataclass(frozen=True, slots=True)
class Wildcard:
    """Every member value of an object or every element of an array: ``.*`` / ``[*]``."""


@dataclass(frozen=True, slots=True)
class Names:
    """A union of member names: ``['a','b']``.

    As in Jayway, when it is the last segment the selected members are merged
    into one object (a definite result); elsewhere each name is a branch.
    """

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Indices:
    """A union of array indices: ``[0,1]``."""

    indices: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Slice:
    """An array slice ``[start:end]`` with Python bounds semantics (clamped, negatives from the end)."""

    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class Filter:
    """A filter ``[?(expr)]``: keeps the array elements (or the object itself) for which expr holds."""

    expr: FilterExpr
    source: str


@dataclass(frozen=True, slots=True)
class Call:
    """A trailing Jayway function such as ``.length()``; it turns the result into a single value."""

    name: str


@dataclass(frozen=True, slots=True)
class DeepScan:
    """Deep scan ``..`` followed by the selector it applies at every level of the document."""

    selector: Selector


type Selector = Name | Index | Wildcard | Names | Indices | Slice | Filter
type Segment = Name | Index | Wildcard | Names | Indices | Slice | Filter | Call | DeepScan

_INDEFINITE = (Wildcard, Indices, Slice, Filter, DeepScan)


@dataclass(frozen=True, slots=True)
class Path:
    """A parsed path.

    ``root`` is ``'$'`` (state input), ``'$$'`` (context object), ``'@'``
    (current node, filters only) or the name of an ASL variable (without
    its ``$``).
    """

    text: str
    root: str
    segments: tuple[Segment, ...]

    @property
    def is_variable(self) -> bool:
        return self.root not in (ROOT, CONTEXT, CURRENT)

    @property
    def is_definite(self) -> bool:
        """True when evaluation yields one value rather than a list of matches (Jayway's rule)."""
        if self.segments and isinstance(self.segments[-1], Call):
            return True
        last = len(self.segments) - 1
        for i, seg in enumerate(self.segments):
            if isinstance(seg, _INDEFINITE):
                return False
            if isinstance(seg, Names) and i != last:
                return False
        return True

    @property
    def is_reference_path(self) -> bool:
        """True when the path names exactly one node: only names and single indices.

        The ASL specification requires this of ResultPath; callers also check
        that ``root == '$'`` where the field demands the state input.
        """
        return all(isinstance(seg, (Name, Index)) for seg in self.segments)

    def __str__(self) -> str:
        return self.text
