"""How each history event changes an execution picture: one handler per event type.

`HistoryReader.read` looks every event's type up in a table (`handler_for`) and calls the one
handler for that type; a type the table does not name yet (a pasted history from a newer AWS) is
classified once by its name's shape (`...StateEntered`, `MapIteration...`, `...StateExited`, or
an event of the running state's) and remembered. Reading carries what it needs from one event
to the next (the states still running, the Map iterations still open), so a live picture reads
only the events appended since the last reading.

Histories are interleaved when Map iterations or Parallel branches run at once, and a
StateEntered event does not say which iteration it belongs to. Runs started by the designer
carry an annotation per event (`EventNote`: the visit an event belongs to and the chain of Map
iterations it ran in), written by the live store as the events happen; histories without notes
(read back from a store, pasted in) are attributed by a sequential reading that is exact
whenever iterations do not overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.runtime.history_view.records import (
    ATTEMPT_STARTS,
    EXECUTION_ENDS,
    FAILED,
    FAILURE_EVENTS,
    RESULT_EVENTS,
    RUNNING,
    SUCCEEDED,
    EventNote,
    Failure,
    MapRun,
    Thread,
    Visit,
    details_of,
    parse_json,
)

if TYPE_CHECKING:
    from engine.runtime.history_view.picture import ExecutionPicture

STATE_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Map", "Parallel")
# events of a state's run that add nothing but themselves to the run (ExecutionRedriven goes to
# the run the failure stopped: the redrive carries on from there)
RUN_EVENTS = (
    "TaskStarted",
    "TaskSubmitted",
    "TaskStateAborted",
    "ActivityStarted",
    "LambdaFunctionStarted",
    "MapRunStarted",
    "MapRunSucceeded",
    "MapRunAborted",
    "MapRunRedriven",
    "MapStateSucceeded",
    "MapStateAborted",
    "ParallelStateSucceeded",
    "ParallelStateAborted",
    "WaitStateAborted",
    "ExecutionRedriven",
)
ITERATION_ENDS = {
    "MapIterationSucceeded": SUCCEEDED,
    "MapIterationFailed": FAILED,
    "MapIterationAborted": "aborted",
}


@dataclass(slots=True)
class EventRead:
    """One event as its handler sees it."""

    kind: str
    details: dict[str, Any]
    eid: int
    note: EventNote | None
    timestamp: Any


Handler = Callable[["HistoryReader", EventRead], None]


class HistoryReader:
    """Turns events into the picture's records, one event at a time, in history order."""

    def __init__(self, picture: ExecutionPicture) -> None:
        self.picture = picture
        self.open_iterations: dict[str, list[tuple[int, int]]] = {}  # Map name -> [(map visit, index)]

    def read(self, events: list[dict[str, Any]]) -> None:
        picture = self.picture
        if events and picture.status == "NOT_STARTED":
            picture.status = "RUNNING"
        notes = picture.notes
        for event in events:
            picture.events.append(event)
            picture.event_states.append("")
            kind = event.get("type", "")
            eid = event.get("id", 0)
            (HANDLERS.get(kind) or handler_for(kind))(
                self, EventRead(kind, details_of(event), eid, notes.get(eid), event.get("timestamp"))
            )

    # the execution ------------------------------------------------------------------------------

    def execution_started(self, r: EventRead) -> None:
        self.picture.input = parse_json(r.details.get("input"))

    def execution_ended(self, r: EventRead) -> None:
        p = self.picture
        p.status = EXECUTION_ENDS[r.kind]
        p.error, p.cause = r.details.get("error"), r.details.get("cause")
        if r.kind == "ExecutionSucceeded":
            p.output = parse_json(r.details.get("output"))
        for vid in p.order:
            visit = p.visits[vid]
            if visit.exited_id is None:
                visit.ended = True
                p.touched.add(visit.path)
                if r.kind != "ExecutionSucceeded" and not visit.failures and p.error:
                    visit.failures.append(Failure(r.eid, r.kind, p.error, p.cause))

    # states -------------------------------------------------------------------------------------

    def state_entered(self, r: EventRead) -> None:
        p = self.picture
        name = r.details.get("name", "")
        thread = r.note.thread if r.note is not None else self._guess_thread(name)
        path = p.resolve(name, thread)
        visit = Visit(
            r.eid,
            name,
            path,
            r.kind.removesuffix("StateEntered"),
            thread,
            parse_json(r.details.get("input")),
            entered_time=r.timestamp,
        )
        scope_key = (thread, visit.scope)
        visit.previous = p.last_in_scope.get(scope_key)
        p.last_in_scope[scope_key] = r.eid
        visit.events.append(r.eid)
        p.event_states[-1] = name
        p.touched.add(path)
        self._note_transition(visit)
        p.visits[r.eid] = visit
        p.order.append(r.eid)
        if path is not None:
            p.by_path.setdefault(path, []).append(r.eid)
        p.running.append(r.eid)

    def state_exited(self, r: EventRead) -> None:
        visit = self._attach(r)
        if visit is None:
            return
        visit.exited_id = r.eid
        visit.output = parse_json(r.details.get("output"))
        for key, text in (r.details.get("assignedVariables") or {}).items():
            visit.assigned[key] = parse_json(text)
        if visit.entered_id in self.picture.running:
            self.picture.running.remove(visit.entered_id)

    def of_running_state(self, r: EventRead) -> None:
        """An event of a state's run that changes nothing but the run's list of events."""
        self._attach(r)

    # attempts, results, failures ------------------------------------------------------------------

    def attempt_started(self, r: EventRead) -> None:
        visit = self._attach(r)
        if visit is not None:
            _start_attempt(visit, r.eid)

    def map_started(self, r: EventRead) -> None:
        visit = self._attach(r)
        if visit is None:
            return
        self.picture.maps.setdefault(
            visit.entered_id, MapRun(visit.entered_id, visit.name)
        ).length = r.details.get("length")
        _start_attempt(visit, r.eid)

    def failed(self, r: EventRead) -> None:
        visit = self._attach(r)
        if visit is not None:
            visit.failures.append(Failure(r.eid, r.kind, r.details.get("error"), r.details.get("cause")))

    def result(self, r: EventRead) -> None:
        visit = self._attach(r)
        if visit is not None:
            visit.result = parse_json(r.details.get("output"))
            visit.result_id = r.eid

    # Map iterations -------------------------------------------------------------------------------

    def iteration_started(self, r: EventRead) -> None:
        run, owner = self._iteration_run(r)
        if run is None:
            return
        index = r.details.get("index", 0)
        run.iterations[index] = RUNNING
        self.open_iterations.setdefault(run.name, []).append((owner, index))

    def iteration_ended(self, r: EventRead) -> None:
        run, owner = self._iteration_run(r)
        if run is None:
            return
        index = r.details.get("index", 0)
        run.iterations[index] = ITERATION_ENDS.get(r.kind, SUCCEEDED)
        opened = self.open_iterations.setdefault(run.name, [])
        if (owner, index) in opened:
            opened.remove((owner, index))

    def _iteration_run(self, r: EventRead) -> tuple[MapRun | None, int]:
        p = self.picture
        map_name = r.details.get("name", "")
        owner = self._owning_map(map_name, r.note)
        if owner is None:
            return None, 0
        p.visits[owner].events.append(r.eid)
        p.event_states[-1] = p.visits[owner].name
        return p.maps.setdefault(owner, MapRun(owner, map_name)), owner

    # attribution ----------------------------------------------------------------------------------

    def _attach(self, r: EventRead) -> Visit | None:
        """The running state the event belongs to, with the event added to its run."""
        visit = self._visit_for(r.kind, r.details, r.note)
        if visit is None:
            return None
        visit.events.append(r.eid)
        self.picture.event_states[-1] = visit.name
        self.picture.touched.add(visit.path)
        return visit

    def _guess_thread(self, name: str) -> Thread:
        """Without notes: the iteration a state belongs to is the oldest open one not busy."""
        p = self.picture
        path = p.paths.get(name, [None])[0]
        containers = _map_containers(path, p.state_types()) if path else []
        if not containers:
            return ()
        map_name = containers[-1]
        parent: Thread = ()
        candidates = self.open_iterations.get(map_name, [])
        for owner, index in candidates:
            parent = p.visits[owner].thread
            thread = (*parent, (map_name, index))
            if thread not in {p.visits[v].thread for v in p.running}:
                return thread
        if candidates:
            owner, index = candidates[0]
            return (*p.visits[owner].thread, (map_name, index))
        return parent

    def _owning_map(self, map_name: str, note: EventNote | None) -> int | None:
        p = self.picture
        if note is not None and note.thread and note.thread[-1][0] == map_name:
            parent = note.thread[:-1]
            for vid in reversed(p.running):
                v = p.visits[vid]
                if v.name == map_name and v.thread == parent:
                    return vid
        for vid in reversed(p.running):
            if p.visits[vid].name == map_name and p.visits[vid].state_type == "Map":
                return vid
        return None

    def _visit_for(self, kind: str, details: dict[str, Any], note: EventNote | None) -> Visit | None:
        p = self.picture
        exited = kind.endswith("StateExited")
        if note is not None and note.visit in p.visits:
            visit = p.visits[note.visit]
            name = details.get("name") if exited else None
            if name is None or visit.name == name:
                return visit
        name = details.get("name") if exited else None
        for vid in p.running if exited else reversed(p.running):
            visit = p.visits[vid]
            if name is not None and visit.name != name:
                continue
            if name is None and not _fits(kind, visit.state_type):
                continue
            return visit
        return None

    def _note_transition(self, visit: Visit) -> None:
        p = self.picture
        if visit.path is None:
            return
        if visit.previous is None:
            p.started.add(visit.scope)
            return
        before = p.visits.get(visit.previous)
        if before is not None and before.path is not None:  # the state before has ended: settled
            key = (before.path, visit.path, before.final_failure is not None)
            p.edges.setdefault(key, set()).add(visit.thread)


def _start_attempt(visit: Visit, eid: int) -> None:
    if visit.attempts and visit.failures and not visit.failures[-1].retried:
        visit.failures[-1].retried = True
    visit.attempts += 1
    visit.attempt_ids.append(eid)


HANDLERS: dict[str, Handler] = {
    "ExecutionStarted": HistoryReader.execution_started,
    **dict.fromkeys(EXECUTION_ENDS, HistoryReader.execution_ended),
    **dict.fromkeys((f"{t}StateEntered" for t in STATE_TYPES), HistoryReader.state_entered),
    **dict.fromkeys((f"{t}StateExited" for t in STATE_TYPES), HistoryReader.state_exited),
    "MapIterationStarted": HistoryReader.iteration_started,
    **dict.fromkeys(ITERATION_ENDS, HistoryReader.iteration_ended),
    **dict.fromkeys(ATTEMPT_STARTS, HistoryReader.attempt_started),
    "MapStateStarted": HistoryReader.map_started,
    **dict.fromkeys(FAILURE_EVENTS, HistoryReader.failed),
    **dict.fromkeys(RESULT_EVENTS, HistoryReader.result),
    **dict.fromkeys(RUN_EVENTS, HistoryReader.of_running_state),
}


def handler_for(kind: str) -> Handler:
    """The handler of an event type; a type not in the table is classified once by its name."""
    handler = HANDLERS.get(kind)
    if handler is None:
        if kind.endswith("StateEntered"):
            handler = HistoryReader.state_entered
        elif kind.startswith("MapIteration"):
            handler = HistoryReader.iteration_ended
        elif kind.endswith("StateExited"):
            handler = HistoryReader.state_exited
        else:
            handler = HistoryReader.of_running_state
        HANDLERS[kind] = handler
    return handler


def _fits(kind: str, state_type: str) -> bool:
    if kind.startswith(("Task", "LambdaFunction", "Activity")):
        return state_type == "Task"
    if kind.startswith("MapState") or kind.startswith("MapRun"):
        return state_type == "Map"
    if kind.startswith("ParallelState"):
        return state_type == "Parallel"
    return True


def _map_containers(path: str, types: dict[str, str]) -> list[str]:
    out = []
    parts = path.split("/")
    for i in range(len(parts) - 1):
        if parts[i] == "States":
            prefix = "/".join(parts[: i + 2])
            if prefix != path and types.get(prefix) == "Map":
                out.append(parts[i + 1])
    return out
