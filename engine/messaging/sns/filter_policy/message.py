"""What a filter policy sees of a message: its leaves, by dotted property name.

SNS filters either the message attributes or the message body (the subscription's
``FilterPolicyScope``). Both are turned into the same shape, a map from dotted property name to
the leaf values found there, so one matcher serves both:

* attributes: ``String`` gives a string, ``Number`` a number (kept as written, compared by value),
  ``String.Array`` the elements of its JSON array; ``Binary`` attributes are invisible to filters.
* body: the message must be a JSON object; nested objects give dotted names (``{"a": {"b": 1}}``
  and ``{"a.b": 1}`` both give ``a.b``) and arrays contribute every element, each remembering
  its position so a rule cannot combine values from different elements of the same array.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import count
from typing import Any

from engine.deep_nesting import nesting_headroom
from engine.messaging.sns.filter_policy.values import Leaf, Membership
from engine.values import MAX_NESTING_DEPTH, JsonNumber, nesting_depth

Leaves = dict[str, list[Leaf]]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def parse_json_keeping_numbers(text: str) -> Any:
    """``json.loads`` with numbers kept as written (`JsonNumber`, matched as text too), NaN refused."""
    return json.loads(text, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=_refuse_constant)


def body_leaves(message: Any) -> Leaves | None:
    """The leaves of a message body, or ``None`` when it is not a JSON object (never delivered)."""
    if isinstance(message, bytes | bytearray):
        message = message.decode("utf-8", errors="replace")
    if isinstance(message, str):
        try:
            document = parse_json_keeping_numbers(message)
        except (ValueError, RecursionError):
            return None
    else:
        document = message  # already-parsed objects are accepted for library callers
    if not isinstance(document, dict) or nesting_depth(document) > MAX_NESTING_DEPTH:
        return None  # not an object, or deeper than SNS's JSON reader goes: nothing to filter on
    leaves: Leaves = {}
    with nesting_headroom():  # the walk recurses a level at a time, up to Jackson's 1,000 levels
        _walk(document, "", (), leaves, count())
    return leaves


def attribute_leaves(attributes: Mapping[str, Any] | None) -> Leaves:
    """The leaves of SNS message attributes (``{name: {"DataType", "StringValue"}}``)."""
    leaves: Leaves = {}
    ids = count()
    for name, attribute in (attributes or {}).items():
        if not isinstance(attribute, Mapping):
            continue
        data_type = str(attribute.get("DataType", attribute.get("Type", "String")))
        value = attribute.get("StringValue", attribute.get("Value"))
        base = data_type.split(".", 1)[0]
        if base == "Binary" or value is None:
            continue
        if data_type == "String.Array":
            try:
                elements = parse_json_keeping_numbers(value) if isinstance(value, str) else value
            except ValueError:
                continue
            if isinstance(elements, list):
                _walk(elements, name, (), leaves, ids)
        elif base == "Number":
            leaves.setdefault(name, []).append(Leaf.number(str(value).strip()))
        else:
            leaves.setdefault(name, []).append(Leaf.string(str(value)))
    return leaves


def _walk(value: Any, path: str, membership: Membership, leaves: Leaves, ids: count[int]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{path}.{key}" if path else str(key), membership, leaves, ids)
    elif isinstance(value, list):
        array_id = next(ids)
        for index, item in enumerate(value):
            _walk(item, path, (*membership, (array_id, index)), leaves, ids)
    elif isinstance(value, JsonNumber) or (isinstance(value, int | float) and not isinstance(value, bool)):
        text = str(value) if isinstance(value, JsonNumber) else json.dumps(value)
        leaves.setdefault(path, []).append(Leaf.number(text, membership))
    elif isinstance(value, str):
        leaves.setdefault(path, []).append(Leaf.string(value, membership))
    elif value is None or isinstance(value, bool):
        leaves.setdefault(path, []).append(Leaf.keyword(value, membership))
