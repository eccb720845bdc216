"""Evaluation of parsed paths against JSON documents, with Jayway's semantics.

Jayway distinguishes definite paths (one value, or an error) from indefinite
ones (a list of matches, possibly empty). Failures are strict only while the
path so far is definite: ``$.missing[*]`` raises, whereas a member missing
under a wildcard is silently skipped. Step Functions surfaces that strictness
as ``States.Runtime`` errors, so the engine relies on it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from engine.expr.errors import PathNotFoundError
from engine.expr.jsonpath.filter_eval import test_filter
from engine.expr.jsonpath.path_ast import (
    CONTEXT,
    CURRENT,
    ROOT,
    Call,
    DeepScan,
    Filter,
    Index,
    Indices,
    Name,
    Names,
    Path,
    Segment,
    Slice,
    Wildcard,
)
from engine.values import json_type_phrase

_INDEFINITE = (Wildcard, Indices, Slice, Filter, DeepScan)


class Scope:
    """What a path can refer to besides its own root: the document, context and variables."""

    __slots__ = ("context", "document", "variables")

    def __init__(self, document: Any, context: Any, variables: Mapping[str, Any] | None) -> None:
        self.document = document
        self.context = {} if context is None else context
        self.variables = variables or {}


def resolve_root(path: Path, scope: Scope, current: Any) -> Any:
    if path.root == ROOT:
        return scope.document
    if path.root == CONTEXT:
        return scope.context
    if path.root == CURRENT:
        return current
    if path.root not in scope.variables:
        raise PathNotFoundError(f"variable ${path.root} is not defined (in {path.text!r})")
    return scope.variables[path.root]


def evaluate_path(path: Path, scope: Scope, current: Any = None) -> Any:
    """Return the value of a definite path or the list of matches of an indefinite one."""
    segments = path.segments
    call = segments[-1] if segments and isinstance(segments[-1], Call) else None
    if call is not None:
        segments = segments[:-1]
    nodes = [resolve_root(path, scope, current)]
    strict = True
    definite = True
    last = len(segments) - 1
    for i, seg in enumerate(segments):
        out: list[Any] = []
        for node in nodes:
            apply_segment(seg, node, i == last, strict, out, path, scope)
        nodes = out
        if isinstance(seg, _INDEFINITE) or (isinstance(seg, Names) and i != last):
            strict = definite = False
    if definite:
        if not nodes:
            raise PathNotFoundError(f"path {path.text!r} does not resolve")
        result = nodes[0]
    else:
        result = nodes
    return result if call is None else apply_function(call.name, result, path)


def missing(strict: bool, path: Path, what: str) -> None:
    if strict:
        raise PathNotFoundError(f"path {path.text!r} does not resolve: {what}")


def apply_segment(
    seg: Segment, node: Any, leaf: bool, strict: bool, out: list[Any], path: Path, scope: Scope
) -> None:
    if isinstance(seg, Name):
        if isinstance(node, dict):
            if seg.name in node:
                out.append(node[seg.name])
            else:
                missing(strict, path, f"no member {seg.name!r}")
        else:
            missing(strict, path, f"member {seg.name!r} requested of {json_type_phrase(node)}")
    elif isinstance(seg, Index):
        if isinstance(node, list):
            i = seg.index + len(node) if seg.index < 0 else seg.index
            if 0 <= i < len(node):
                out.append(node[i])
            else:
                missing(strict, path, f"index {seg.index} out of range")
        else:
            missing(strict, path, f"index {seg.index} applied to {json_type_phrase(node)}")
    elif isinstance(seg, Wildcard):
        if isinstance(node, dict):
            out.extend(node.values())
        elif isinstance(node, list):
            out.extend(node)
    elif isinstance(seg, Names):
        if not isinstance(node, dict):
            missing(strict, path, f"members requested of {json_type_phrase(node)}")
        elif leaf:
            out.append({name: node[name] for name in seg.names if name in node})
        else:
            out.extend(node[name] for name in seg.names if name in node)
    elif isinstance(seg, Indices):
        if not isinstance(node, list):
            missing(strict, path, f"indices applied to {json_type_phrase(node)}")
            return
        for index in seg.indices:
            i = index + len(node) if index < 0 else index
            if 0 <= i < len(node):
                out.append(node[i])
    elif isinstance(seg, Slice):
        if isinstance(node, list):
            out.extend(node[seg.start : seg.end])
        else:
            missing(strict, path, f"slice applied to {json_type_phrase(node)}")
    elif isinstance(seg, Filter):
        if isinstance(node, list):
            out.extend(item for item in node if test_filter(seg.expr, item, scope, evaluate_path))
        elif isinstance(node, dict):
            if test_filter(seg.expr, node, scope, evaluate_path):
                out.append(node)
        else:
            missing(strict, path, f"filter applied to {json_type_phrase(node)}")
    elif isinstance(seg, DeepScan):
        apply_scan(seg, node, out, path, scope)
    else:  # pragma: no cover - Call is handled by the caller
        raise TypeError(f"unexpected segment {seg!r}")


def apply_scan(seg: DeepScan, node: Any, out: list[Any], path: Path, scope: Scope) -> None:
    selector = seg.selector
    if isinstance(selector, (Wildcard, Filter)):
        for item in descendants(node):
            if item is node:
                continue
            if isinstance(selector, Wildcard) or test_filter(selector.expr, item, scope, evaluate_path):
                out.append(item)
        return
    for item in descendants(node):
        apply_segment(selector, item, False, False, out, path, scope)


def descendants(node: Any) -> Iterator[Any]:
    """The node and everything below it, in document (pre-)order."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def apply_function(name: str, value: Any, path: Path) -> Any:
    """Jayway's aggregate functions; like Jayway, numeric aggregates return floats."""
    if name in ("length", "size"):
        if isinstance(value, (list, dict, str)):
            return len(value)
        raise PathNotFoundError(f"{name}() needs an array in {path.text!r}")
    if name == "keys":
        if isinstance(value, dict):
            return list(value)
        raise PathNotFoundError(f"keys() needs an object in {path.text!r}")
    numbers = [float(v) for v in (value if isinstance(value, list) else [value]) if is_number(v)]
    if not numbers:
        raise PathNotFoundError(f"{name}() found no numbers in {path.text!r}")
    if name == "sum":
        return math.fsum(numbers)
    if name == "min":
        return min(numbers)
    if name == "max":
        return max(numbers)
    mean = math.fsum(numbers) / len(numbers)
    if name == "avg":
        return mean
    return math.sqrt(max(0.0, math.fsum(n * n for n in numbers) / len(numbers) - mean * mean))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
