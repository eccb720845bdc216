"""Placing a state's result into its input at a ResultPath.

Step Functions copies the input and writes the result at the reference
path, creating missing intervening objects; it fails with
``States.ResultPathMatchFailure`` when an intervening node is not an object
(or an index does not exist). Only the containers along the path are
copied: the caller's document is never mutated and unrelated subtrees are
shared, which keeps large payloads cheap.
"""

from __future__ import annotations

from typing import Any

from engine.expr.errors import PathSyntaxError, ResultPathMatchError
from engine.expr.jsonpath.path_ast import ROOT, Index, Name, Path, Segment


def set_at(data: Any, path: Path, value: Any) -> Any:
    if path.root != ROOT:
        raise PathSyntaxError("a ResultPath must start with '$'", text=path.text)
    if not path.is_reference_path:
        raise PathSyntaxError(
            "a ResultPath must be a reference path (names and single indices only)", text=path.text
        )
    return _set(data, path.segments, value, path)


def _set(node: Any, segments: tuple[Segment, ...], value: Any, path: Path) -> Any:
    if not segments:
        return value
    seg, rest = segments[0], segments[1:]
    if isinstance(seg, Name):
        if not isinstance(node, dict):
            raise ResultPathMatchError(f"cannot set {path.text!r}: member {seg.name!r} of a non-object")
        copy = dict(node)
        child = node.get(seg.name) if seg.name in node else {}
        copy[seg.name] = _set(child, rest, value, path)
        return copy
    assert isinstance(seg, Index)
    if not isinstance(node, list):
        raise ResultPathMatchError(f"cannot set {path.text!r}: index {seg.index} of a non-array")
    i = seg.index + len(node) if seg.index < 0 else seg.index
    if not 0 <= i < len(node):
        raise ResultPathMatchError(f"cannot set {path.text!r}: index {seg.index} out of range")
    copy_list = list(node)
    copy_list[i] = _set(node[i], rest, value, path)
    return copy_list
