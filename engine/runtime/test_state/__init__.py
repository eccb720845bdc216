"""TestState: one state run on its own, as Step Functions' TestState API runs it.

`api` holds the entry points (a request in Python's terms or in the API's); `request` checks a
request and refuses it where AWS does; `shapes` holds the service response models a mocked
result is checked against; `run` runs the state's own handler once, gathering the inspection
data through its observer; `trace` shapes an HTTP Task's exchange for inspection level TRACE.
"""

from engine.runtime.test_state.api import run_test_state_request, test_state, test_state_async
from engine.runtime.test_state.request import INSPECTION_LEVELS, TestStateError

__all__ = ["INSPECTION_LEVELS", "TestStateError", "run_test_state_request", "test_state", "test_state_async"]
