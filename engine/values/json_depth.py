"""How deeply a JSON document nests, measured without recursion, and Jackson's bound on it.

AWS's matching library (EventBridge patterns, SNS filter policies) reads JSON with Jackson,
which refuses documents nested more than 1,000 levels. The compilers that read patterns and
policies recurse once a level, so the depth is measured first, iteratively, and a deeper
document is refused with Jackson's words instead of running the compiler out of stack.
"""

from __future__ import annotations

from typing import Any, Final

from engine.values.json_lexer import JsonSyntaxError

# Jackson's `StreamReadConstraints.getMaxNestingDepth()` default.
MAX_NESTING_DEPTH: Final = 1000

__all__ = ["MAX_NESTING_DEPTH", "check_nesting", "nesting_depth"]


def nesting_depth(document: Any) -> int:
    """The deepest nesting of objects and arrays in JSON text or in an already-parsed value."""
    if isinstance(document, (bytes, bytearray)):
        document = document.decode("utf-8", "replace")
    if isinstance(document, str):
        return _text_depth(document)
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, (list, tuple)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def _text_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def check_nesting(document: Any) -> None:
    """Raise `JsonSyntaxError` with Jackson's message when ``document`` nests too deeply to read."""
    deepest = nesting_depth(document)
    if deepest > MAX_NESTING_DEPTH:
        raise JsonSyntaxError(
            f"Document nesting depth ({deepest}) exceeds the maximum allowed ({MAX_NESTING_DEPTH}, "
            "from `StreamReadConstraints.getMaxNestingDepth()`)"
        )
