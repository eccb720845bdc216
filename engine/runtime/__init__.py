"""The interpreter: runs ASL definitions with AWS's semantics and AWS-shaped histories.

The names below are what the rest of StateCanvas uses; import them from here (or from the
`history_view` and `test_state` sub-packages) rather than from the modules inside the package.
"""

from typing import TYPE_CHECKING

from engine.lazy_exports import lazy_exports
from engine.runtime.api import Execution, run, run_async
from engine.runtime.arns import activity_arn, execution_arn, state_machine_arn
from engine.runtime.callbacks import InvalidToken
from engine.runtime.clock import RealClock, VirtualClock
from engine.runtime.history import MAX_HISTORY_EVENTS, to_json_text
from engine.runtime.test_state import TestStateError, test_state, test_state_async

if TYPE_CHECKING:
    from engine.runtime.debug.debugger import Debugger, Pause
    from engine.runtime.redrive import NotRedrivable, redrive_async, redrive_info, redrive_point
    from engine.runtime.service import ActivityTask, LocalStepFunctions, RunningExecution

# Loaded on first use, for start-up time: the debugger and its condition language load only when a
# run is debugged; the Step Functions service (what a served or project runtime starts executions
# on) and redrive only when something starts or redrives executions, not for a single run.
_LAZY = {
    "Debugger": "engine.runtime.debug.debugger",
    "Pause": "engine.runtime.debug.debugger",
    "ActivityTask": "engine.runtime.service",
    "LocalStepFunctions": "engine.runtime.service",
    "RunningExecution": "engine.runtime.service",
    "NotRedrivable": "engine.runtime.redrive",
    "redrive_async": "engine.runtime.redrive",
    "redrive_info": "engine.runtime.redrive",
    "redrive_point": "engine.runtime.redrive",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "MAX_HISTORY_EVENTS",
    "ActivityTask",
    "Debugger",
    "Execution",
    "InvalidToken",
    "LocalStepFunctions",
    "NotRedrivable",
    "Pause",
    "RealClock",
    "RunningExecution",
    "TestStateError",
    "VirtualClock",
    "activity_arn",
    "execution_arn",
    "redrive_async",
    "redrive_info",
    "redrive_point",
    "run",
    "run_async",
    "state_machine_arn",
    "test_state",
    "test_state_async",
    "to_json_text",
]
