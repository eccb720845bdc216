"""Events as EventBridge sees them: leaves keyed by dotted path, each remembering its array slots.

AWS flattens an event before matching: ``{"a": {"b": 1}}`` and ``{"a.b": 1}`` both give the path
``a.b``; an array contributes each element under the array's own path; empty arrays and objects
give nothing. Each leaf also records, for every array it sits in, which element it came from, so
that two pattern fields that address the same array can be required to match within one element
(AWS's "array-consistent" matching). Only paths a rule can use are flattened.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from engine.bus.pattern_errors import InvalidEventError
from engine.bus.pattern_values import JsonNumber

__all__ = ["ENVELOPE_FIELDS", "Flat", "PathTree", "check_envelope", "flatten", "load_event"]

#: Fields TestEventPattern insists on (AWS answers "Parameter Event is not valid." without them).
ENVELOPE_FIELDS = ("id", "account", "source", "time", "region", "detail-type")

Membership = tuple[tuple[int, int], ...]
#: path -> [(raw scalar, array slots)]; scalars stay as parsed (str, int, float, bool, None or
#: `JsonNumber`); matchers read them as they are.
Flat = dict[str, list[tuple[Any, Membership]]]


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


def flatten(event: Any, wanted: PathTree) -> Flat:
    """Scalars of ``event`` by dotted path, for the paths in ``wanted`` (the rules' paths)."""
    out: Flat = {}
    arrays = [0]

    def add(path: str, value: Any, slots: Membership) -> None:
        entries = out.get(path)
        if entries is None:
            out[path] = [(value, slots)]
        else:
            entries.append((value, slots))

    def walk_object(items: Any, node: PathTree, slots: Membership) -> None:
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
                walk_object(value.items(), child, slots)
            elif kind in _SCALARS or value is None:
                entries = out.get(child.path)
                if entries is None:
                    out[child.path] = [(value, slots)]
                else:
                    entries.append((value, slots))
            else:
                walk_value(value, child, slots)

    def walk_value(value: Any, node: PathTree, slots: Membership) -> None:
        kind = type(value)
        if kind is dict:
            walk_object(value.items(), node, slots)
        elif kind in _SCALARS or value is None:
            add(node.path, value, slots)
        elif kind is list:
            array = arrays[0]
            arrays[0] += 1
            for index, item in enumerate(value):
                walk_value(item, node, (*slots, (array, index)))
        elif kind is _Pairs:
            walk_object(value, node, slots)
        elif isinstance(value, Mapping):
            walk_object(value.items(), node, slots)
        elif isinstance(value, tuple):
            walk_value(list(value), node, slots)
        elif isinstance(value, (str, int, float)):  # subclasses: matchers compare exact types
            plain = (
                str(value)
                if isinstance(value, str)
                else value
                if isinstance(value, bool)
                else (int(value) if isinstance(value, int) else float(value))
            )
            add(node.path, plain, slots)
        else:
            raise InvalidEventError(f"a value of type {kind.__name__} is not JSON")

    walk_object(event.items() if type(event) is dict or isinstance(event, Mapping) else event, wanted, ())
    return out
