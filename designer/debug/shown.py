"""What the execution views show, decided once per refresh: one execution, one point in its
history, one iteration or branch per Map and Parallel, and the pause when it lies in what is
shown. The status line, the canvas overlay, the state data and the data-flow tabs all read this
one `Shown`, so they cannot describe different moments or different iterations.

Pictures of live histories are kept and grown by the new events only (`PictureCache`), so a
pause is shown at the same cost whether the history holds a thousand events or twenty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.debug.attempts import moment
from designer.debug.history_model import ExecutionPicture, Thread, Visit


@dataclass
class Shown:
    arn: str
    machine: str
    picture: ExecutionPicture
    cursor: int | None  # events shown (time travel); None: the live end
    iterations: dict[str, int | None] = field(default_factory=dict)  # Map name -> iteration shown
    dimmed: set[str] = field(default_factory=set)  # state paths of the Parallel branches not shown
    pause: Any = None  # the debugger's Pause, when this execution is paused and the live end is shown
    pause_thread: Thread = ()
    paused_path: str | None = None  # the paused state, when the pause lies in the iteration shown
    focus: dict[str, int | None] = field(default_factory=dict)  # Map/Parallel path -> index chosen

    @property
    def paused(self) -> bool:
        return self.pause is not None

    @property
    def pause_elsewhere(self) -> bool:
        """Paused, but in an iteration or branch other than the one shown."""
        return self.pause is not None and self.paused_path is None

    def visits_of(self, path: str) -> list[Visit]:
        """The runs of a state in what is shown: the chosen iteration of each Map, and, in a
        Parallel showing one branch, nothing of the others."""
        if path in self.dimmed:
            return []
        return self.picture.visits_of(path, self.iterations)

    def where(self, thread: Thread) -> str:
        """'iteration 2 of PickItems' for the innermost Map iteration of a thread ('' outside Maps)."""
        if not thread:
            return ""
        name, index = thread[-1]
        return f"iteration {index} of {name}"

    def shown_choice(self) -> str:
        """What the pickers choose, in words ('' when every iteration and branch is shown)."""
        types = self.picture.state_types()
        parts = []
        for container, index in self.focus.items():
            if index is None:
                continue
            name = container.rsplit("/States/", 1)[-1]
            kind = types.get(container)
            parts.append(f"iteration {index} of {name}" if kind == "Map" else f"branch {index + 1} of {name}")
        return ", ".join(parts)


class PictureCache:
    """Pictures of the histories of one run, grown as events arrive instead of read again."""

    def __init__(self) -> None:
        self._live: dict[str, ExecutionPicture] = {}
        self._past: tuple[str, int, ExecutionPicture] | None = None
        self._times: dict[tuple[str, str], tuple[int, float | None, dict[int, float]]] = {}

    def live(
        self, arn: str, events: list[dict[str, Any]], definition: dict[str, Any], notes: Any
    ) -> ExecutionPicture:
        picture = self._live.get(arn)
        if (
            picture is None
            or picture.definition is not (definition or picture.definition)
            or len(picture.events) > len(events)
        ):
            picture = ExecutionPicture([], definition, notes=notes)
            picture.execution_arn = arn
            self._live[arn] = picture
        if len(events) > len(picture.events):
            picture.extend(events[len(picture.events) :])
        return picture

    def at(
        self, arn: str, events: list[dict[str, Any]], definition: dict[str, Any], notes: Any, upto: int
    ) -> ExecutionPicture:
        """The picture after the first `upto` events (time travel); the last one asked is kept."""
        if self._past is not None and self._past[:2] == (arn, upto):
            return self._past[2]
        picture = ExecutionPicture(events, definition, upto=upto, notes=notes)
        picture.execution_arn = arn
        self._past = (arn, upto, picture)
        return picture

    def times(self, arn: str, events: list[dict[str, Any]]) -> dict[int, float]:
        """Seconds since the execution's first event, per event id, by the events' timestamps."""
        count, first, out = self._times.get((arn, "events"), (0, None, {}))
        for event in events[count:]:
            seconds, eid = moment(event.get("timestamp")), event.get("id")
            if seconds is None or not isinstance(eid, int):
                continue
            first = seconds if first is None else first
            out[eid] = seconds - first
        self._times[(arn, "events")] = (len(events), first, out)
        return out

    def wall_times(self, arn: str, arrivals: dict[int, float]) -> dict[int, float]:
        """Seconds since the first event arrived, per event id, by the wall clock."""
        count, first, out = self._times.get((arn, "wall"), (0, None, {}))
        for eid in range(count + 1, len(arrivals) + 1):
            seconds = arrivals.get(eid)
            if seconds is None:
                continue
            first = seconds if first is None else first
            out[eid] = seconds - first
        self._times[(arn, "wall")] = (len(arrivals), first, out)
        return out

    def clear(self) -> None:
        self._live.clear()
        self._past = None
        self._times.clear()
