"""The figures written at the end of a run ("StateCanvas conformance figures").

A corpus test runs once per case, yet its figure ("event patterns: 155/155") is a sum over
all the cases. So each case records its outcome in a named group, and the group's lines are
worked out when the run ends, at the place its first case took; plain lines are kept as
written. When `-k` or a node id runs only some of a group's cases, its figures count those
and a line under them says how many of the group's cases ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Render = Callable[[list[Any]], list[str]]


@dataclass
class Group:
    """The outcomes of one corpus group's cases, by case id, in the order they ran."""

    name: str
    render: Render
    total: int
    outcomes: dict[str, Any] = field(default_factory=dict)


class Figures:
    """Lines and groups in the order the run first reported them."""

    def __init__(self) -> None:
        self._slots: list[str | Group] = []
        self._groups: dict[str, Group] = {}

    def line(self, text: str) -> None:
        self._slots.append(text)

    def record(self, group: str, case_id: str, outcome: Any, *, render: Render, total: int) -> None:
        """Keep one case's outcome; `render` turns the group's outcomes into its lines."""
        found = self._groups.get(group)
        if found is None:
            found = self._groups[group] = Group(group, render, total)
            self._slots.append(found)
        found.outcomes[case_id] = outcome

    def outcomes(self, group: str) -> list[Any]:
        found = self._groups.get(group)
        return list(found.outcomes.values()) if found is not None else []

    def complete(self, group: str) -> bool:
        """Every case of the group ran in this session (not a `-k` selection of them)."""
        found = self._groups.get(group)
        return found is not None and len(found.outcomes) >= found.total

    def lines(self) -> Iterator[str]:
        for slot in self._slots:
            if isinstance(slot, str):
                yield slot
                continue
            yield from slot.render(list(slot.outcomes.values()))
            if len(slot.outcomes) < slot.total:
                ran = f"{len(slot.outcomes)} of its {slot.total} cases ran"
                yield f"  ({slot.name}: {ran}; the figures above count those)"
