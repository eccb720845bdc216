"""A Map state's run settings: concurrency and tolerated failures, static or from paths."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from engine.expr import PathNotFoundError
from engine.runtime.errors import RUNTIME, StateFailure
from engine.runtime.history import to_json_text
from engine.runtime.state_run import StateRun

TOLERATED_FAILURE_CAUSE = "The specified tolerated failure threshold was exceeded"


@dataclass
class MapSettings:
    max_concurrency: int = 0  # 0: no limit
    tolerated_count: int | None = None
    tolerated_percentage: float | None = None

    def over_tolerance(self, failed: int, total: int) -> bool:
        """More failed iterations than a tolerated count or percentage allows (one not set allows any)."""
        if self.tolerated_count is not None and failed > self.tolerated_count:
            return True
        return (
            self.tolerated_percentage is not None
            and total > 0
            and failed * 100.0 / total > self.tolerated_percentage
        )


def read_concurrency(run: StateRun) -> int:
    value = _value(run, "MaxConcurrency", integer=True)
    if value is not None and value < 0:
        raise StateFailure(RUNTIME, run.prefix + "MaxConcurrency cannot be negative.")
    return int(value or 0)


def read_settings(run: StateRun, max_concurrency: int) -> MapSettings:
    """Tolerated failures (read once the map has started, as AWS does) with the concurrency."""
    settings = MapSettings(max_concurrency=max_concurrency)
    count = _value(run, "ToleratedFailureCount", integer=True)
    if count is not None:
        if count < 0:
            raise StateFailure(RUNTIME, run.prefix + "ToleratedFailureCount cannot be negative.")
        settings.tolerated_count = int(count)
    percentage = _value(run, "ToleratedFailurePercentage", integer=False)
    if percentage is not None:
        if not 0 <= percentage <= 100:
            raise StateFailure(RUNTIME, run.prefix + "ToleratedFailurePercentage must be between 0 and 100.")
        settings.tolerated_percentage = float(percentage)
    return settings


def _value(run: StateRun, field: str, *, integer: bool) -> float | None:
    state = run.state
    if field in state:
        value = state[field]
        if run.jsonata and isinstance(value, str):
            value = run.jsonata_scope().evaluate_number(value, field, integer=integer)
        return value
    path_field = f"{field}Path"
    if path_field not in state:
        return None
    path = state[path_field]
    scope = run.path_scope()
    try:
        value = scope.evaluate(path, run.input)
    except PathNotFoundError:
        raise StateFailure(
            RUNTIME, run.prefix + f"Invalid path '{path}' : No results for path: {path}"
        ) from None
    kind = "integer" if integer else "float"
    shown = value if isinstance(value, str) else to_json_text(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # AWS reads numbers written as strings ("1")
            value = int(value) if integer else float(value)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if integer and ok and isinstance(value, float) and not value.is_integer():
        ok = False
    if not ok:
        raise StateFailure(
            RUNTIME,
            run.prefix
            + f'The {path_field} field refers to value "{shown}" which is not a valid {kind}: {path}',
        )
    return value
