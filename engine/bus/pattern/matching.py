"""The seam between the bus and the event-pattern matcher.

The matcher (`RuleSet`, `explain`, `InvalidEventPatternError` in this package) is its own piece
of work; the bus only needs to compile patterns, ask which match an event, and ask why one did
not. Naming those three needs here lets a bus be built with another matcher (a test's
stand-in, a future faster one). This module imports only the pattern modules it names, never
the `engine.bus` package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from engine.bus.pattern.errors import InvalidEventPatternError
from engine.bus.pattern.match import explain
from engine.bus.pattern.ruleset import RuleSet


class RuleSetLike(Protocol):
    def matches(self, event: dict[str, Any]) -> list[str]: ...

    def add(self, name: str, pattern: Any) -> None: ...

    def remove(self, name: str) -> None: ...


@dataclass(frozen=True)
class PatternEngine:
    """How to compile patterns (`rule_set`), explain a miss (`explain`) and spot a bad pattern."""

    rule_set: Callable[[dict[str, Any]], RuleSetLike]
    explain: Callable[[Any, dict[str, Any]], list[str]]
    invalid_error: type[Exception] = ValueError

    def test(self, pattern: Any, event: dict[str, Any]) -> bool:
        return bool(self.rule_set({"pattern": pattern}).matches(event))

    def check(self, pattern: Any) -> str | None:
        """Why a pattern is refused, or None when it compiles."""
        try:
            self.rule_set({"pattern": pattern})
        except self.invalid_error as exc:
            return str(getattr(exc, "reason", exc))
        return None


def default_pattern_engine() -> PatternEngine:
    """The project's matcher: this package's `RuleSet`, `explain` and `InvalidEventPatternError`."""
    return PatternEngine(rule_set=RuleSet, explain=explain, invalid_error=InvalidEventPatternError)
