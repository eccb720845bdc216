"""What an execution looks like, read from its history: the designer's one source for colours,
the event table, per-state input and output, retries, Map iterations and time travel.

Nothing here imports Qt. `ExecutionPicture.build(events, definition, upto=k)` reads the first
`k` events of an AWS-shaped history and answers: which states ran (each run is a `Visit`), with
what input and output, how they ended (succeeded, failed, caught, retried), which edges were
taken, which Map iterations ran and how far a Map has got.

Histories are interleaved when Map iterations or Parallel branches run at once, and a
StateEntered event does not say which iteration it belongs to. Runs started by the designer
carry an annotation per event (`EventNote`: the visit an event belongs to and the chain of Map
iterations it ran in), written by the live store as the events happen; histories without notes
(read back from a store, pasted in) are attributed by a sequential reading that is exact
whenever iterations do not overlap.
"""

from __future__ import annotations

from typing import Any

from designer.debug.history_context import PictureContext, _stamp
from designer.debug.history_records import (
    _UNSET,
    ATTEMPT_STARTS,
    CAUGHT,
    EXECUTION_ENDS,
    FAILED,
    FAILURE_EVENTS,
    NOT_RUN,
    PRECEDENCE,
    RESULT_EVENTS,
    RETRIED,
    RUNNING,
    SUCCEEDED,
    EventNote,
    Failure,
    MapRun,
    Thread,
    Visit,
    details_of,
    parse_json,
    state_name_of,
)
from designer.document.paths import iter_states, state_path

__all__ = [
    "ATTEMPT_STARTS",
    "CAUGHT",
    "EXECUTION_ENDS",
    "FAILED",
    "FAILURE_EVENTS",
    "NOT_RUN",
    "PRECEDENCE",
    "RESULT_EVENTS",
    "RETRIED",
    "RUNNING",
    "SUCCEEDED",
    "EventNote",
    "ExecutionPicture",
    "Failure",
    "MapRun",
    "Thread",
    "Visit",
    "_stamp",
    "details_of",
    "parse_json",
    "state_name_of",
]


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
        self._paths = _state_paths(self.definition)
        self._values: dict[str, dict[str, Any]] | None = None
        self._types = {path: value.get("Type", "") for path, value in self._state_values().items()}
        # what the reading carries from one event to the next, so that `extend` can go on later
        self._running: list[int] = []  # visits entered and not exited
        self._open_iterations: dict[str, list[tuple[int, int]]] = {}  # Map name -> [(map visit, index)]
        self._last_in_scope: dict[tuple[Thread, str], int] = {}
        self.by_path: dict[str, list[int]] = {}  # state path -> its visit ids, in entry order
        self.event_states: list[str] = []  # per event, the name of the state it belongs to ("": none)
        self._edges: dict[tuple[str, str, bool], set[Thread]] = {}  # transition -> iterations it ran in
        self._started: set[str] = set()
        self._touched: set[str | None] = set()  # state paths whose runs changed since `statuses`
        self._statuses: dict[str, tuple[str, int, int]] = {}
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
        if events and self.status == "NOT_STARTED":
            self.status = "RUNNING"
        running = self._running  # attribution without notes reads what is still running
        open_iterations = self._open_iterations
        last_in_scope = self._last_in_scope
        for event in events:
            self.events.append(event)
            self.event_states.append("")
            kind = event.get("type", "")
            details = details_of(event)
            eid = event.get("id", 0)
            note = self.notes.get(eid)
            if kind == "ExecutionStarted":
                self.input = parse_json(details.get("input"))
                continue
            if kind in EXECUTION_ENDS:
                self.status = EXECUTION_ENDS[kind]
                self.error, self.cause = details.get("error"), details.get("cause")
                if kind == "ExecutionSucceeded":
                    self.output = parse_json(details.get("output"))
                for vid in self.order:
                    visit = self.visits[vid]
                    if visit.exited_id is None:
                        visit.ended = True
                        self._touched.add(visit.path)
                        if kind != "ExecutionSucceeded" and not visit.failures and self.error:
                            visit.failures.append(Failure(eid, kind, self.error, self.cause))
                continue
            if kind.endswith("StateEntered"):
                name = details.get("name", "")
                thread = (
                    note.thread if note is not None else self._guess_thread(name, open_iterations, running)
                )
                path = self.resolve(name, thread)
                visit = Visit(
                    eid,
                    name,
                    path,
                    kind.removesuffix("StateEntered"),
                    thread,
                    parse_json(details.get("input")),
                    entered_time=event.get("timestamp"),
                )
                scope_key = (thread, visit.scope)
                visit.previous = last_in_scope.get(scope_key)
                last_in_scope[scope_key] = eid
                visit.events.append(eid)
                self.event_states[-1] = name
                self._touched.add(path)
                self._note_transition(visit)
                self.visits[eid] = visit
                self.order.append(eid)
                if path is not None:
                    self.by_path.setdefault(path, []).append(eid)
                running.append(eid)
                continue
            if kind == "MapIterationStarted" or kind.startswith("MapIteration"):
                index = details.get("index", 0)
                map_name = details.get("name", "")
                owner = self._owning_map(map_name, note, running)
                if owner is None:
                    continue
                run = self.maps.setdefault(owner, MapRun(owner, map_name))
                opened = open_iterations.setdefault(map_name, [])
                if kind == "MapIterationStarted":
                    run.iterations[index] = RUNNING
                    opened.append((owner, index))
                else:
                    run.iterations[index] = {
                        "MapIterationSucceeded": SUCCEEDED,
                        "MapIterationFailed": FAILED,
                        "MapIterationAborted": "aborted",
                    }.get(kind, SUCCEEDED)
                    if (owner, index) in opened:
                        opened.remove((owner, index))
                self.visits[owner].events.append(eid)
                self.event_states[-1] = self.visits[owner].name
                continue
            visit = self._visit_for(kind, details, note, running)
            if visit is None:
                continue
            visit.events.append(eid)
            self.event_states[-1] = visit.name
            self._touched.add(visit.path)
            if kind == "MapStateStarted":
                self.maps.setdefault(
                    visit.entered_id, MapRun(visit.entered_id, visit.name)
                ).length = details.get("length")
            if kind in ATTEMPT_STARTS:
                if visit.attempts and visit.failures and not visit.failures[-1].retried:
                    visit.failures[-1].retried = True
                visit.attempts += 1
                visit.attempt_ids.append(eid)
            elif kind in FAILURE_EVENTS:
                visit.failures.append(Failure(eid, kind, details.get("error"), details.get("cause")))
            elif kind in RESULT_EVENTS:
                visit.result = parse_json(details.get("output"))
                visit.result_id = eid
            elif kind.endswith("StateExited"):
                visit.exited_id = eid
                visit.output = parse_json(details.get("output"))
                for key, text in (details.get("assignedVariables") or {}).items():
                    visit.assigned[key] = parse_json(text)
                if visit.entered_id in running:
                    running.remove(visit.entered_id)

    def resolve(self, name: str, thread: Thread = ()) -> str | None:
        """The path of the state `name` as seen from the iteration chain `thread`."""
        candidates = self._paths.get(name, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        maps = [m for m, _ in thread]
        for path in candidates:
            inside = _containers(path)
            if inside[-len(maps) :] == maps or (not maps and not inside):
                return path
        return candidates[0]

    def _guess_thread(
        self, name: str, open_iterations: dict[str, list[tuple[int, int]]], running: list[int]
    ) -> Thread:
        """Without notes: the iteration a state belongs to is the oldest open one not busy."""
        path = self._paths.get(name, [None])[0]
        containers = _map_containers(path, self._types) if path else []
        if not containers:
            return ()
        map_name = containers[-1]
        parent: Thread = ()
        candidates = open_iterations.get(map_name, [])
        for owner, index in candidates:
            parent = self.visits[owner].thread
            thread = (*parent, (map_name, index))
            if thread not in {self.visits[v].thread for v in running}:
                return thread
        if candidates:
            owner, index = candidates[0]
            return (*self.visits[owner].thread, (map_name, index))
        return parent

    def _owning_map(self, map_name: str, note: EventNote | None, running: list[int]) -> int | None:
        if note is not None and note.thread and note.thread[-1][0] == map_name:
            parent = note.thread[:-1]
            for vid in reversed(running):
                v = self.visits[vid]
                if v.name == map_name and v.thread == parent:
                    return vid
        for vid in reversed(running):
            if self.visits[vid].name == map_name and self.visits[vid].state_type == "Map":
                return vid
        return None

    def _visit_for(
        self, kind: str, details: dict[str, Any], note: EventNote | None, running: list[int]
    ) -> Visit | None:
        if note is not None and note.visit in self.visits:
            visit = self.visits[note.visit]
            name = details.get("name") if kind.endswith("StateExited") else None
            if name is None or visit.name == name:
                return visit
        name = details.get("name") if kind.endswith("StateExited") else None
        for vid in running if kind.endswith("StateExited") else reversed(running):
            visit = self.visits[vid]
            if name is not None and visit.name != name:
                continue
            if name is None and not _fits(kind, visit.state_type):
                continue
            return visit
        return None

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
        for path in self._touched:  # every iteration shown: only the states events touched since
            if path is not None and path in self.by_path:
                self._statuses[path] = self.status_of(path)
        self._touched.clear()
        return dict(self._statuses)

    def current(self) -> list[Visit]:
        return [self.visits[v] for v in self._running if self.visits[v].status == RUNNING]

    def last_visit_in(self, thread: Thread, scope: str) -> Visit | None:
        """The latest run of a state in `scope` within the iteration chain `thread`."""
        vid = self._last_in_scope.get((thread, scope))
        return self.visits.get(vid) if vid is not None else None

    def _note_transition(self, visit: Visit) -> None:
        if visit.path is None:
            return
        if visit.previous is None:
            self._started.add(visit.scope)
            return
        before = self.visits.get(visit.previous)
        if before is not None and before.path is not None:  # the state before has ended: settled
            key = (before.path, visit.path, before.final_failure is not None)
            self._edges.setdefault(key, set()).add(visit.thread)

    def edges_taken(self, iterations: dict[str, int | None] | None = None) -> set[tuple[str, str, bool]]:
        """(from path, to path, via a Catch) for every transition the execution made."""
        chosen = {m: i for m, i in (iterations or {}).items() if i is not None}
        if not chosen:
            return set(self._edges)
        return {
            edge
            for edge, threads in self._edges.items()
            if any(all(chosen.get(m, i) == i for m, i in thread) for thread in threads)
        }

    def started_scopes(self) -> set[str]:
        """Scopes whose StartAt state ran (the start marker's edge is then taken)."""
        return set(self._started)

    def map_runs(self, map_name: str) -> list[MapRun]:
        return [run for run in self.maps.values() if run.name == map_name]

    def progress(self) -> tuple[int, int] | None:
        """Map iterations done and in all, over the Maps that have started (None without Maps)."""
        runs = list(self.maps.values())
        if not runs:
            return None
        total = sum(run.length if run.length is not None else len(run.iterations) for run in runs)
        return sum(run.done for run in runs), total


def _fits(kind: str, state_type: str) -> bool:
    if kind.startswith(("Task", "LambdaFunction", "Activity")):
        return state_type == "Task"
    if kind.startswith("MapState") or kind.startswith("MapRun"):
        return state_type == "Map"
    if kind.startswith("ParallelState"):
        return state_type == "Parallel"
    return True


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


def _map_containers(path: str, types: dict[str, str]) -> list[str]:
    out = []
    parts = path.split("/")
    for i in range(len(parts) - 1):
        if parts[i] == "States":
            prefix = "/".join(parts[: i + 2])
            if prefix != path and types.get(prefix) == "Map":
                out.append(parts[i + 1])
    return out
