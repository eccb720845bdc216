"""Which Task states a run reached that nothing served locally, and what to tell the user.

A Task with no local handler, no mocked result and no built-in service fails with
`*.ResourceNotFoundException`, as AWS words a missing resource. That is true but says nothing
about the remedy, so the Run panel and the state's overlay add how to serve it. Only failures
of that error on Tasks that the project still leaves unserved get the hint (once the user
serves the Task, the failure stays but the hint goes); a handler that raises
ResourceNotFoundException itself is the user's own answer and is shown as it is.
"""

from __future__ import annotations

from typing import Any

from engine.asl import get_in, parse_location
from engine.project import Project, task_behaviour, unserved_message
from engine.runtime.history_view import ExecutionPicture

NOT_FOUND = "ResourceNotFoundException"
SHORT_HINT = "no local behaviour"


def unserved_tasks(
    picture: ExecutionPicture, project: Project, machine: str, definition: dict[str, Any] | None = None
) -> dict[str, str]:
    """State path -> the sentence that says how to serve it, for every Task of this execution
    that failed for want of a local handler, mock or service, and that `project` (with the
    machine's current `definition`, when given) still leaves unserved."""
    out: dict[str, str] = {}
    for visit in picture.visits.values():
        if visit.path is None or visit.path in out or visit.state_type != "Task":
            continue
        if not any((f.error or "").endswith(NOT_FOUND) for f in visit.failures):
            continue
        state = _state_at(definition, visit.path) if definition is not None else None
        if not isinstance(state, dict):
            state = _state_at(picture.definition, visit.path)
        behaviour = task_behaviour(project, machine, visit.name, state)
        if behaviour.kind in ("unserved", "dynamic"):
            out[visit.path] = unserved_message(visit.name)
    return out


def _state_at(definition: dict[str, Any], path: str) -> Any:
    return get_in(definition, tuple(parse_location(path)))
