"""Immutable AST of a Jayway filter expression (the inside of ``[?( ... )]``).

Kept apart from the path AST because filters are a small language of their
own (comparisons, boolean logic, literals, regexes) that refers back to paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.expr.jsonpath.path_ast import Path

# A JSON scalar, or a tuple standing for an array literal (tuples keep the AST hashable).
type LiteralValue = str | int | float | bool | tuple | None

COMPARISON_OPERATORS = frozenset(
    {
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "=~",
        "in",
        "nin",
        "subsetof",
        "anyof",
        "noneof",
        "contains",
        "size",
        "empty",
    }
)


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal operand: number, string, true/false/null or an array of those."""

    value: LiteralValue


@dataclass(frozen=True, slots=True)
class Regex:
    """A ``/pattern/flags`` operand, matched against the whole string as Java's ``matches`` does."""

    pattern: str
    flags: str


@dataclass(frozen=True, slots=True)
class PathOperand:
    """A path operand: ``@.x`` relative to the candidate node or ``$.x`` relative to the root."""

    path: Path


@dataclass(frozen=True, slots=True)
class Exists:
    """A bare path used as a condition, ``[?(@.isbn)]``: true when the path resolves."""

    path: Path


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left op right`` with one of ``COMPARISON_OPERATORS``."""

    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Not:
    """``!expr``."""

    operand: FilterExpr


@dataclass(frozen=True, slots=True)
class And:
    """``a && b && ...``."""

    operands: tuple[FilterExpr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """``a || b || ...``."""

    operands: tuple[FilterExpr, ...]


type Operand = Literal | Regex | PathOperand
type FilterExpr = Exists | Comparison | Not | And | Or
