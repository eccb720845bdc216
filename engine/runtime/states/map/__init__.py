"""The Map state and its pieces: `state` runs the item processor once per item, inline or as a
distributed map run (`runs`); `reader` reads the items (ItemReader), `batcher` groups them
(ItemBatcher), `settings` evaluates the concurrency and failure tolerance, and `result_writer`
exports a distributed run's results (ResultWriter)."""

from engine.runtime.states.map.settings import (
    TOLERATED_FAILURE_CAUSE,
    MapSettings,
    read_concurrency,
    read_settings,
)
from engine.runtime.states.map.state import evaluated_items, item_input, items_at_path, require_array, run

__all__ = [
    "TOLERATED_FAILURE_CAUSE",
    "MapSettings",
    "evaluated_items",
    "item_input",
    "items_at_path",
    "read_concurrency",
    "read_settings",
    "require_array",
    "run",
]
