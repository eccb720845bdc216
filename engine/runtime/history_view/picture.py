"""What an execution looks like, read from its history: the one source for the designer's
colours, event table, per-state input and output, retries, Map iterations and time travel.

`ExecutionPicture(events, definition, upto=k)` reads the first `k` events of an AWS-shaped
history (through `reading.HistoryReader`, one handler per event type) and answers: which states
ran (each run is a `Visit`), with what input and output, how they ended (succeeded, failed,
caught, retried), which edges were taken, which Map iterations ran and how far a Map has got.
`extend` reads events appended since, so a live picture never reads its history twice.
"""

from __future__ import annotations

from typing import Any

from engine.asl import iter_states, state_path
from engine.runtime.history_view.context import PictureContext
from engine.runtime.history_view.reading import HistoryReader
from engine.runtime.history_view.records import (
    _UNSET,
    NOT_RUN,
    PRECEDENCE,
    RUNNING,
    EventNote,
    MapRun,
    Thread,
    Visit,
)


class ExecutionPicture(PictureContext):
    """An execution as it stood after its first `upto` events."""

    def __init__(
        self,
        events: list[dict[str, Any]],
        definition: dict[str, Any] | None,
        *,
        upto: int | None = None,
        notes: dict[int, EventNote] | None = None,
    ) -> None:
        self.events: list[dict[str, Any]] = []
        self.definition = definition or {}
        self.notes = notes if notes is not None else {}  # the live store's own dict: it fills as events come
        self.visits: dict[int, Visit] = {}
        self.order: list[int] = []  # visit ids in entry order
        self.maps: dict[int, MapRun] = {}  # Map visit id -> its run
        self.status = "RUNNING" if self.events else "NOT_STARTED"
        self.error: str | None = None
        self.cause: str | None = None
        self.input: Any = None
        self.output: Any = _UNSET
        self.execution_arn = ""
        self.paths = _state_paths(self.definition)  # state name -> its paths (names repeat in branches)
        self._values: dict[str, dict[str, Any]] | None = None
        self._types = {path: value.get("Type", "") for path, value in self._state_values().items()}
        self.by_path: dict[str, list[int]] = {}  # state path -> its visit ids, in entry order
        self.event_states: list[str] = []  # per event, the name of the state it belongs to ("": none)
        # what the reading carries from one event to the next, so that `extend` can go on later
        self.running: list[int] = []  # visits entered and not exited
        self.last_in_scope: dict[tuple[Thread, str], int] = {}  # latest visit per (iteration, scope)
        self.edges: dict[tuple[str, str, bool], set[Thread]] = {}  # transition -> iterations it ran in
        self.started: set[str] = set()  # scopes whose StartAt state ran
        self.touched: set[str | None] = set()  # state paths whose runs changed since `statuses`
        self._statuses: dict[str, tuple[str, int, int]] = {}
        self._reader = HistoryReader(self)
        self.extend(events if upto is None else events[: max(0, upto)])

    @classmethod
    def build(cls, events: list[dict[str, Any]], definition: Any, **kw: Any) -> ExecutionPicture:
        return cls(events, definition, **kw)

    # reading ------------------------------------------------------------------------------------

    def _state_values(self) -> dict[str, dict[str, Any]]:
        if self._values is None:
            self._values = {
                state_path(scope, name): value
                for scope, name, value in iter_states(self.definition)
                if isinstance(value, dict)
            }
        return self._values

    def state_types(self) -> dict[str, str]:
        """State path -> type, for every state of the definition."""
        return self._types

    def extend(self, events: list[dict[str, Any]]) -> None:
        """Read further events, appended to the history since the last reading. A live picture
        grows by the new events only, so showing a pause costs the same at any history length."""
        self._reader.read(events)

    def resolve(self, name: str, thread: Thread = ()) -> str | None:
        """The path of the state `name` as seen from the iteration chain `thread`."""
        candidates = self.paths.get(name, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        maps = [m for m, _ in thread]
        for path in candidates:
            inside = _containers(path)
            if inside[-len(maps) :] == maps or (not maps and not inside):
                return path
        return candidates[0]

    # answers ------------------------------------------------------------------------------------

    def visits_of(self, path: str, iterations: dict[str, int | None] | None = None) -> list[Visit]:
        """The runs of a state, limited to the chosen iteration of each Map it lies in."""
        chosen = iterations or {}
        out = []
        for vid in self.by_path.get(path, ()):
            visit = self.visits[vid]
            if any(chosen.get(m) is not None and chosen[m] != i for m, i in visit.thread):
                continue
            out.append(visit)
        return out

    def status_of(self, path: str, iterations: dict[str, int | None] | None = None) -> tuple[str, int, int]:
        """(status, retries, runs) of a state: the most telling status over its runs."""
        visits = self.visits_of(path, iterations)
        if not visits:
            return NOT_RUN, 0, 0
        best = max(visits, key=lambda v: PRECEDENCE[v.status])
        return best.status, sum(v.retries for v in visits), len(visits)

    def statuses(self, iterations: dict[str, int | None] | None = None) -> dict[str, tuple[str, int, int]]:
        if any(index is not None for index in (iterations or {}).values()):
            return {path: self.status_of(path, iterations) for path in self.by_path}
        for path in self.touched:  # every iteration shown: only the states events touched since
            if path is not None and path in self.by_path:
                self._statuses[path] = self.status_of(path)
        self.touched.clear()
        return dict(self._statuses)

    def current(self) -> list[Visit]:
        return [self.visits[v] for v in self.running if self.visits[v].status == RUNNING]

    def last_visit_in(self, thread: Thread, scope: str) -> Visit | None:
        """The latest run of a state in `scope` within the iteration chain `thread`."""
        vid = self.last_in_scope.get((thread, scope))
        return self.visits.get(vid) if vid is not None else None

    def edges_taken(self, iterations: dict[str, int | None] | None = None) -> set[tuple[str, str, bool]]:
        """(from path, to path, via a Catch) for every transition the execution made."""
        chosen = {m: i for m, i in (iterations or {}).items() if i is not None}
        if not chosen:
            return set(self.edges)
        return {
            edge
            for edge, threads in self.edges.items()
            if any(all(chosen.get(m, i) == i for m, i in thread) for thread in threads)
        }

    def started_scopes(self) -> set[str]:
        """Scopes whose StartAt state ran (the start marker's edge is then taken)."""
        return set(self.started)

    def map_runs(self, map_name: str) -> list[MapRun]:
        return [run for run in self.maps.values() if run.name == map_name]

    def progress(self) -> tuple[int, int] | None:
        """Map iterations done and in all, over the Maps that have started (None without Maps)."""
        runs = list(self.maps.values())
        if not runs:
            return None
        total = sum(run.length if run.length is not None else len(run.iterations) for run in runs)
        return sum(run.done for run in runs), total


def _state_paths(definition: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for scope, name, _value in iter_states(definition):
        out.setdefault(name, []).append(state_path(scope, name))
    return out


def _containers(path: str) -> list[str]:
    """The names of the states a state path lies inside, outermost first."""
    parts = path.split("/")
    names = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] == "States"]
    return names[:-1]
