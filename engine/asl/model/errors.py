"""Retriers and catchers: the error-handling fields shared by Task, Parallel and Map."""

from __future__ import annotations

from typing import Any

from pydantic import StrictInt

from engine.asl.model.base import AslModel

Number = StrictInt | float


class Retrier(AslModel):
    error_equals: list[str]
    comment: str | None = None
    interval_seconds: StrictInt | None = None
    max_attempts: StrictInt | None = None
    backoff_rate: Number | None = None
    max_delay_seconds: StrictInt | None = None
    jitter_strategy: str | None = None


class Catcher(AslModel):
    error_equals: list[str]
    comment: str | None = None
    result_path: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None
    next: str
