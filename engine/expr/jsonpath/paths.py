"""Public JSONPath API of the expression layer: parse, evaluate, set.

Parsing is far costlier than evaluation and the same few path strings are
applied on every state transition, so ``parse_path`` memoises on the text.
The parsed ``Path`` is immutable, which makes sharing cached values safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from engine.expr.errors import PathNotFoundError, PathSyntaxError, ResultPathMatchError
from engine.expr.jsonpath.path_ast import CONTEXT, ROOT, Path
from engine.expr.jsonpath.path_eval import Scope, evaluate_path
from engine.expr.jsonpath.path_parser import parse_path_uncached
from engine.expr.jsonpath.result_path import set_at

__all__ = [
    "CONTEXT",
    "ROOT",
    "Path",
    "PathNotFoundError",
    "PathSyntaxError",
    "ResultPathMatchError",
    "evaluate",
    "parse_path",
    "set_at_reference_path",
]


def parse_path(text: str) -> Path:
    """Parse a Step Functions JSONPath (``$...``, ``$$...`` or ``$variable...``).

    Raises ``PathSyntaxError`` for text AWS would refuse.
    """
    if not isinstance(text, str):
        raise PathSyntaxError(f"a path must be a string, not {type(text).__name__}")
    return _parse_cached(text)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Path:
    return parse_path_uncached(text)


def _as_path(path: str | Path) -> Path:
    return path if isinstance(path, Path) else parse_path(path)


def evaluate(
    path: str | Path,
    data: Any,
    *,
    context: Any = None,
    variables: Mapping[str, Any] | None = None,
) -> Any:
    """Apply a path to ``data`` (the ``$`` document).

    ``context`` is the ``$$`` context object and ``variables`` maps ASL
    variable names (without ``$``) to values. A definite path returns its
    value or raises ``PathNotFoundError``; an indefinite one returns the
    list of its matches.
    """
    return evaluate_path(_as_path(path), Scope(data, context, variables))


def set_at_reference_path(data: Any, path: str | Path, value: Any) -> Any:
    """Return a copy of ``data`` with ``value`` placed at the reference path (ResultPath semantics).

    Raises ``ResultPathMatchError`` when the path cannot be applied.
    """
    return set_at(data, _as_path(path), value)
