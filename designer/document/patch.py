"""Reversible changes to the document's data, the one thing every undo command is made of.

A change replaces the value at a path under a root (a machine's definition, the layout, a
resource section, a machine, a machine's project settings) with another; `MISSING` stands
for "no such key". Undo applies the old values in reverse order, re-inserting removed keys at
their old position so that undoing a delete gives back the same JSON, key order included.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from engine.asl import Segment


class _Missing:
    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self


MISSING: Any = _Missing()

Root = Literal["definition", "layout", "resource", "machine", "spec"]


@dataclass(frozen=True)
class Change:
    """Set `path` under `root` (of `machine` for definitions) from `old` to `new`.

    `index` is the key's position in its parent object, kept so that a removed key comes
    back where it was.
    """

    root: Root
    machine: str
    path: tuple[Segment, ...]
    old: Any
    new: Any
    index: int | None = None

    def reversed(self) -> Change:
        return Change(self.root, self.machine, self.path, self.new, self.old, self.index)


def read(container: Any, path: tuple[Segment, ...]) -> Any:
    value = container
    for seg in path:
        if isinstance(seg, int):
            if not isinstance(value, list) or not -len(value) <= seg < len(value):
                return MISSING
        elif not isinstance(value, dict) or seg not in value:
            return MISSING
        value = value[seg]
    return value


def key_index(container: Any, path: tuple[Segment, ...]) -> int | None:
    parent = read(container, path[:-1])
    if isinstance(parent, dict) and path and path[-1] in parent:
        return list(parent).index(path[-1])
    return None


def write(container: Any, path: tuple[Segment, ...], value: Any, index: int | None = None) -> None:
    """Put `value` (a deep copy) at `path`; MISSING deletes. Parents must exist."""
    if not path:
        raise ValueError("cannot replace the root through a path change")
    parent = read(container, path[:-1])
    key = path[-1]
    if isinstance(parent, list):
        assert isinstance(key, int)
        if value is MISSING:
            del parent[key]
        else:
            parent[key] = copy.deepcopy(value)
        return
    if not isinstance(parent, dict):
        raise KeyError(f"no object at {path[:-1]!r}")
    if value is MISSING:
        parent.pop(key, None)
        return
    value = copy.deepcopy(value)
    if key in parent or index is None or index >= len(parent):
        parent[key] = value
        return
    items = list(parent.items())
    items.insert(index, (key, value))
    parent.clear()
    parent.update(items)


def set_change(
    root: Root, machine: str, container: Any, path: tuple[Segment, ...], new: Any, index: int | None = None
) -> Change:
    """A change from whatever is at `path` now to `new`."""
    old = copy.deepcopy(read(container, path))
    if old is not MISSING:
        index = key_index(container, path)
    return Change(root, machine, path, old, copy.deepcopy(new), index)
