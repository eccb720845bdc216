"""Is a definition handed over as a Python value a JSON document AWS's reader would take?

Library callers pass dicts; a dict may hold what no JSON text can (dates, sets, bytes, tuples,
non-string keys, NaN) or what AWS's JSON reader refuses (numbers longer than 1,000 characters,
documents nested deeper than 1,000 levels). Each would otherwise surface deep inside a run as an
exception, so validation refuses it first, with the location of the value.
"""

from __future__ import annotations

import math
from typing import Any

from engine.asl.yaml12 import MAX_NUMBER_LENGTH

# AWS reads definitions with Jackson, whose readers refuse documents nested deeper than this.
MAX_JSON_DEPTH = 1000
_TOO_LONG = 10**MAX_NUMBER_LENGTH  # the least integer with more digits than the reader takes


def _pointer(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts) if parts else "/"


def json_value_problem(value: Any) -> tuple[str, str] | None:
    """(message, location) for the first thing in `value` that is not JSON AWS would read, or None.

    Walks iteratively, so no nesting depth can exhaust the interpreter's stack.
    """
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 1, ())]
    deepest = 0
    while stack:
        item, depth, where = stack.pop()
        if depth > MAX_JSON_DEPTH:
            # Jackson stops reading at the first level past its limit, and so does this walk
            # (which also ends it for a Python value that contains itself).
            deepest = depth
            break
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            for key, child in item.items():
                if not isinstance(key, str):
                    shown = f"{type(key).__name__} {key!r:.40}"
                    return f"A member name must be a string, not {shown}", _pointer(where)
                stack.append((child, depth + 1, (*where, key)))
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1, (*where, str(i))) for i, child in enumerate(item))
        elif item is None or isinstance(item, (str, bool)):
            continue
        elif isinstance(item, int):
            if abs(item) >= _TOO_LONG:
                return (
                    f"Number value length exceeds the maximum allowed ({MAX_NUMBER_LENGTH}, "
                    "from `StreamReadConstraints.getMaxNumberLength()`)",
                    _pointer(where),
                )
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"The number {item} is not a finite JSON number", _pointer(where)
        else:
            return f"A {type(item).__name__} value has no JSON form", _pointer(where)
    if deepest > MAX_JSON_DEPTH:
        return (
            f"Document nesting depth ({deepest}) exceeds the maximum allowed ({MAX_JSON_DEPTH}, "
            "from `StreamReadConstraints.getMaxNestingDepth()`)",
            "/",
        )
    return None


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value, made without recursion so that any depth validation admits copies."""
    if not isinstance(value, (dict, list)):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, child in items:
            if isinstance(child, (dict, list)):
                copied: Any = {} if isinstance(child, dict) else []
                stack.append((child, copied))
            else:
                copied = child
            if isinstance(target, dict):
                target[key] = copied
            else:
                target.append(copied)
    return root
