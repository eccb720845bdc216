"""Reading an execution's AWS-shaped history into what a debugger shows: which states ran, with
what input and output, how they ended, which edges were taken, the attempts of each run, and
the variables and context object a state saw. The designer's views and any other front end
read histories through this package, never the interpreter's private state."""

from engine.runtime.history_view.attempts import Attempt, attempts_of, moment
from engine.runtime.history_view.cache import PictureCache
from engine.runtime.history_view.context import stamp
from engine.runtime.history_view.picture import ExecutionPicture
from engine.runtime.history_view.records import (
    CAUGHT,
    FAILED,
    FAILURE_EVENTS,
    NOT_RUN,
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

__all__ = [
    "CAUGHT",
    "FAILED",
    "FAILURE_EVENTS",
    "NOT_RUN",
    "RETRIED",
    "RUNNING",
    "SUCCEEDED",
    "Attempt",
    "EventNote",
    "ExecutionPicture",
    "Failure",
    "MapRun",
    "PictureCache",
    "Thread",
    "Visit",
    "attempts_of",
    "details_of",
    "moment",
    "parse_json",
    "stamp",
    "state_name_of",
]
