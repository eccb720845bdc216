"""ItemBatcher: a Distributed Map's items grouped so that each child execution gets a batch.

Each child receives `{"Items": [...]}`, plus `"BatchInput": {...}` when the state declares a
BatchInput (the same object for every batch). A batch closes when it holds MaxItemsPerBatch
items or when one more item would take its JSON past MaxInputBytesPerBatch bytes; with neither
limit, batches are bounded only by Step Functions' 256 KiB payload limit.
"""

from __future__ import annotations

from typing import Any

from engine.expr import PathNotFoundError
from engine.runtime.errors import RUNTIME, StateFailure
from engine.runtime.history import MAX_PAYLOAD_BYTES, to_json_text
from engine.runtime.jsonpath_flow import render_template
from engine.runtime.state_run import StateRun
from engine.runtime.states.map.reader import as_integer


def batch_items(run: StateRun, items: list[Any], effective: Any) -> list[dict[str, Any]]:
    batcher: dict[str, Any] = run.state["ItemBatcher"]
    max_items = _limit(run, batcher, "MaxItemsPerBatch", effective)
    max_bytes = _limit(run, batcher, "MaxInputBytesPerBatch", effective)
    byte_limit = min(max_bytes, MAX_PAYLOAD_BYTES) if max_bytes else MAX_PAYLOAD_BYTES
    base: dict[str, Any] = {}
    if "BatchInput" in batcher:
        if run.jsonata:
            base["BatchInput"] = run.jsonata_scope().evaluate(batcher["BatchInput"], "BatchInput")
        else:
            base["BatchInput"] = render_template(batcher["BatchInput"], effective, run.path_scope())
    # Size of the batch's JSON: the fixed part, then each item and its separating comma.
    fixed = _size({**base, "Items": []})
    batches: list[dict[str, Any]] = []
    current: list[Any] = []
    size = fixed
    for item in items:
        item_size = _size(item)
        grown = size + item_size + (1 if current else 0)
        if current and ((max_items and len(current) >= max_items) or grown > byte_limit):
            batches.append({**base, "Items": current})
            current, grown = [], fixed + item_size
        if fixed + item_size > byte_limit:
            raise StateFailure(
                RUNTIME,
                run.prefix + f"An item of {item_size} bytes does not fit in a batch of at most "
                f"{byte_limit} bytes.",
            )
        current.append(item)
        size = grown
    if current:
        batches.append({**base, "Items": current})
    return batches


def _size(value: Any) -> int:
    return len(to_json_text(value).encode("utf-8"))


def _limit(run: StateRun, batcher: dict[str, Any], field: str, effective: Any) -> int:
    """A positive limit from the field or its Path (0: no limit); numeric strings count."""
    if field in batcher:
        value = batcher[field]
        if run.jsonata and isinstance(value, str):
            value = run.jsonata_scope().evaluate(value, field)
        shown = to_json_text(value)
        source = field
    elif f"{field}Path" in batcher:
        path = batcher[f"{field}Path"]
        scope = run.path_scope()
        try:
            value = scope.evaluate(path, effective)
        except PathNotFoundError:
            raise StateFailure(
                RUNTIME, run.prefix + f"Invalid path '{path}' : No results for path: {path}"
            ) from None
        shown = value if isinstance(value, str) else to_json_text(value)
        source = f"{field}Path"
    else:
        return 0
    number = as_integer(value)
    if number is None:
        raise StateFailure(
            RUNTIME,
            run.prefix + f'The {source} field refers to value "{shown}" which is not a valid integer: '
            f"{batcher.get(source, shown)}",
        )
    if number < 0:
        raise StateFailure(RUNTIME, run.prefix + f"field {field} must be positive")
    return number
