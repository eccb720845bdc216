"""The query protocol's flattened form members read as a tree, and its XML written from values.

A query request spells structure in its keys (`Attribute.1.Name`, `MessageAttributes.entry.2.Value.
StringValue`, `PublishBatchRequestEntries.member.3.Id`); `nest` turns the flat form into nested dicts
with numbered levels as lists, so SQS and SNS each only say which of their members are maps and
lists. The XML side escapes every text it writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.serve.dispatch import xml_text


def nest(form: dict[str, str]) -> dict[str, Any]:
    """`{"A.1.B": "x"}` -> `{"A": [{"B": "x"}]}`; numbered levels become lists in number order."""
    tree: dict[str, Any] = {}
    for key, value in form.items():
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[parts[-1]] = value
    return _listify(tree)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def as_list(value: Any, wrapper: str | None = None) -> list[Any] | None:
    """A numbered member (`X.1`, `X.2`), or one under a wrapper (`X.member.1`, `X.entry.1`)."""
    if value is None:
        return None
    if wrapper is not None and isinstance(value, dict):
        value = value.get(wrapper)
    if isinstance(value, list):
        return value
    return [value] if value is not None else None


def as_map(value: Any, key: str, item: str, wrapper: str | None = None) -> dict[str, Any] | None:
    """A map sent as numbered key/value pairs (`Attribute.1.Name` + `Attribute.1.Value`)."""
    pairs = as_list(value, wrapper)
    if pairs is None:
        return None
    return {p[key]: p.get(item) for p in pairs if isinstance(p, dict) and key in p}


def element(name: str, value: Any) -> str:
    """`<name>value</name>`, the value escaped; booleans written as AWS writes them."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{xml_text(value)}</{name}>"


def elements(pairs: Iterable[tuple[str, Any]]) -> str:
    """Child elements for the pairs whose value is not None."""
    return "".join(element(name, value) for name, value in pairs if value is not None)
