"""Events as EventBridge sees them: leaves keyed by dotted path, each remembering its array slots.

AWS flattens an event before matching: ``{"a": {"b": 1}}`` and ``{"a.b": 1}`` both give the path
``a.b``; an array contributes each element under the array's own path; empty arrays and objects
give nothing. Each leaf also records, for every array it sits in, which element it came from, so
that two pattern fields that address the same array can be required to match within one element
(AWS's "array-consistent" matching). Only paths a rule can use are flattened.

Most paths of most events hold one leaf outside any array, so the flattened event keeps such a
leaf as the bare scalar and only the other paths as a `Many` list of ``(scalar, slots)`` pairs:
matching then reads a dict and compares, without a list and a tuple per leaf.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from engine.bus.pattern.errors import InvalidEventError
from engine.deep_nesting import nesting_headroom
from engine.values import JsonNumber

__all__ = [
    "ENVELOPE_FIELDS",
    "MISSING",
    "Flat",
    "Many",
    "PathTree",
    "check_envelope",
    "entries",
    "flatten",
    "load_event",
]

#: Fields TestEventPattern insists on (AWS answers "Parameter Event is not valid." without them).
ENVELOPE_FIELDS = ("id", "account", "source", "time", "region", "detail-type")

Membership = tuple[tuple[int, int], ...]


class Many(list):  # type: ignore[type-arg]
    """The leaves of a path that has several, or whose leaf sits in an array: [(scalar, slots)]."""

    __slots__ = ()


#: path -> its one scalar outside arrays, or `Many`; scalars stay as parsed (str, int, float,
#: bool, None or `JsonNumber`); matchers read them as they are.
Flat = dict[str, Any]
#: What ``flat.get(path, MISSING)`` gives for a path the event does not have.
MISSING: Any = object()


_SCALARS = frozenset({str, int, float, bool, JsonNumber})


class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object kept as its (key, value) pairs, so repeated keys all count."""

    __slots__ = ()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_event(event: str | bytes | Mapping[str, Any]) -> Any:
    """The event as an object: JSON text is parsed keeping number texts and repeated keys.

    Raises `InvalidEventError` for text that is not JSON or not a JSON object.
    """
    if type(event) is dict:
        return event
    if isinstance(event, (str, bytes, bytearray)):
        try:
            value = json.loads(
                event,
                parse_int=JsonNumber,
                parse_float=JsonNumber,
                parse_constant=_reject_constant,
                object_pairs_hook=_Pairs,
            )
        except (ValueError, RecursionError) as exc:
            raise InvalidEventError(f"not JSON: {exc}") from None
        if not isinstance(value, _Pairs):
            raise InvalidEventError("not a JSON object")
        return value
    if isinstance(event, Mapping):
        return event
    raise InvalidEventError(f"an event must be a JSON object, not {type(event).__name__}")


def check_envelope(event: Any) -> None:
    """TestEventPattern's extra demand: the envelope fields are present."""
    keys = {key for key, _ in event} if isinstance(event, _Pairs) else set(event)
    missing = [name for name in ENVELOPE_FIELDS if name not in keys]
    if missing:
        raise InvalidEventError(f"missing {', '.join(missing)}")


class PathTree:
    """The paths rules use, as a tree of keys, so flattening skips the rest of an event cheaply.

    A node stands for a dotted path; an event key with dots in it is followed part by part, so
    ``{"a.b": 1}`` and ``{"a": {"b": 1}}`` reach the same node.
    """

    __slots__ = ("children", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self.children: dict[str, PathTree] = {}

    @classmethod
    def build(cls, paths: Iterable[str]) -> PathTree:
        root = cls("")
        for path in paths:
            node = root
            for part in path.split("."):
                child = node.children.get(part)
                if child is None:
                    child = node.children[part] = cls(part if node is root else f"{node.path}.{part}")
                node = child
        return root

    def find(self, dotted: str) -> PathTree | None:
        node: PathTree | None = self
        for part in dotted.split("."):
            node = node.children.get(part) if node is not None else None
        return node


def entries(flat: Flat, path: str) -> list[tuple[Any, Membership]] | None:
    """The leaves at ``path`` as ``(scalar, slots)`` pairs; None when the event has none."""
    value = flat.get(path, MISSING)
    if value is MISSING:
        return None
    if type(value) is Many:
        return value  # type: ignore[no-any-return]
    return [(value, ())]


#: Numbers the arrays of events (a leaf's slots name arrays by these); only equality matters.
_ARRAY_IDS = itertools.count()


class _Restart(Exception):
    """A dotted key reaches a wanted path: the quick walk cannot tell leaves apart, start over."""


def flatten(event: Any, wanted: PathTree) -> Flat:
    """Scalars of ``event`` by dotted path, for the paths in ``wanted`` (the rules' paths).

    The walk recurses along the rules' paths, which may nest as deeply as Jackson reads (1,000
    levels); the rare walk that runs out of the default stack is redone with room for that depth.
    """
    try:
        return _flatten(event, wanted)
    except RecursionError:
        with nesting_headroom():
            return _flatten(event, wanted)


def _flatten(event: Any, wanted: PathTree) -> Flat:
    out: Flat = {}
    if type(event) is dict:
        try:
            _walk_dict(event, wanted, out)
            return out
        except _Restart:
            out.clear()
        _walk_object(event.items(), wanted, (), out)
        return out
    _walk_object(event.items() if isinstance(event, Mapping) else event, wanted, (), out)
    return out


def _walk_dict(obj: dict[str, Any], node: PathTree, out: Flat) -> None:
    """The quick walk of a dict outside arrays: each wanted path gets at most one leaf here (a
    dotted key that could give a second one restarts with `_walk_object`), kept as is."""
    children = node.children
    for key, value in obj.items():
        child = children.get(key)
        if child is None:
            if "." in key and node.find(key) is not None:
                raise _Restart
            continue
        kind = type(value)
        if kind is dict:
            _walk_dict(value, child, out)
        elif kind in _SCALARS or value is None:
            out[child.path] = value
        else:
            _walk_value(value, child, (), out)


def _add(out: Flat, path: str, value: Any, slots: Membership) -> None:
    known = out.get(path, MISSING)
    if known is MISSING:
        out[path] = Many(((value, slots),)) if slots else value
    elif type(known) is Many:
        known.append((value, slots))
    else:
        out[path] = Many(((known, ()), (value, slots)))


def _walk_object(items: Any, node: PathTree, slots: Membership, out: Flat) -> None:
    children = node.children
    for key, value in items:
        child = children.get(key)
        if child is None:
            if "." not in key:
                continue
            child = node.find(key)
            if child is None:
                continue
        kind = type(value)
        if kind is dict:
            _walk_object(value.items(), child, slots, out)
        elif kind in _SCALARS or value is None:
            _add(out, child.path, value, slots)
        else:
            _walk_value(value, child, slots, out)


def _walk_value(value: Any, node: PathTree, slots: Membership, out: Flat) -> None:
    kind = type(value)
    if kind is dict:
        _walk_object(value.items(), node, slots, out)
    elif kind in _SCALARS or value is None:
        _add(out, node.path, value, slots)
    elif kind is list:
        array = next(_ARRAY_IDS)
        for index, item in enumerate(value):
            _walk_value(item, node, (*slots, (array, index)), out)
    elif kind is _Pairs:
        _walk_object(value, node, slots, out)
    elif isinstance(value, Mapping):
        _walk_object(value.items(), node, slots, out)
    elif isinstance(value, tuple):
        _walk_value(list(value), node, slots, out)
    elif isinstance(value, (str, int, float)):  # subclasses: matchers compare exact types
        plain = (
            str(value)
            if isinstance(value, str)
            else value
            if isinstance(value, bool)
            else (int(value) if isinstance(value, int) else float(value))
        )
        _add(out, node.path, plain, slots)
    else:
        raise InvalidEventError(f"a value of type {kind.__name__} is not JSON")
