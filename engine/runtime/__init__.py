"""The interpreter: runs ASL definitions with AWS's semantics and AWS-shaped histories.

The names below are what the rest of StateCanvas uses; import them from here (or from the
`history_view` and `test_state` sub-packages) rather than from the modules inside the package.
"""

from typing import TYPE_CHECKING, Any

from engine.runtime.api import Execution, run, run_async
from engine.runtime.clock import RealClock, VirtualClock
from engine.runtime.history import to_json_text
from engine.runtime.test_state import TestStateError, test_state, test_state_async

if TYPE_CHECKING:
    from engine.runtime.debug.debugger import Debugger, Pause
    from engine.runtime.service import RunningExecution


def __getattr__(name: str) -> Any:
    # Loaded on first use, for start-up time: the debugger and its condition language load only
    # when a run is debugged.
    if name in ("Debugger", "Pause"):
        from engine.runtime.debug import debugger

        return getattr(debugger, name)
    if name == "RunningExecution":
        # Loaded on first use, for start-up time: the Step Functions service is what a served or
        # project runtime starts executions on, not what a single run needs.
        from engine.runtime import service

        return service.RunningExecution
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Debugger",
    "Execution",
    "Pause",
    "RealClock",
    "RunningExecution",
    "TestStateError",
    "VirtualClock",
    "run",
    "run_async",
    "test_state",
    "test_state_async",
    "to_json_text",
]
