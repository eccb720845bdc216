"""Pictures of the histories of one run, kept and grown by the new events only.

A live view asks for the picture of an execution on every refresh and every pause; reading the
whole history each time would make a pause cost more the longer the run, so each picture is kept
and `extend`ed by the events appended since it was last asked for. Time travel (a picture after
the first k events) is built afresh, and the last one asked for is kept.
"""

from __future__ import annotations

from typing import Any

from engine.runtime.history_view.attempts import moment
from engine.runtime.history_view.picture import ExecutionPicture
from engine.runtime.history_view.records import EventNote


class PictureCache:
    """Pictures of the histories of one run, grown as events arrive instead of read again."""

    def __init__(self) -> None:
        self._live: dict[str, ExecutionPicture] = {}
        self._past: tuple[str, int, ExecutionPicture] | None = None
        self._times: dict[tuple[str, str], tuple[int, float | None, dict[int, float]]] = {}

    def live(
        self,
        arn: str,
        events: list[dict[str, Any]],
        definition: dict[str, Any],
        notes: dict[int, EventNote] | None,
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
        self,
        arn: str,
        events: list[dict[str, Any]],
        definition: dict[str, Any],
        notes: dict[int, EventNote] | None,
        upto: int,
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
