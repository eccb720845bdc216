"""TestState: one state run on its own, as Step Functions' TestState API runs it.

`run` answers a request by running the state's own handler once, with an observer that gathers
the inspection data; `request` checks a request and refuses it where AWS does; `shapes` holds
the service response models a mocked result is checked against; `trace` shapes an HTTP Task's
exchange for inspection level TRACE.
"""

from engine.runtime.test_state.request import INSPECTION_LEVELS, TestStateError
from engine.runtime.test_state.run import run_test_state_request, test_state, test_state_async

__all__ = ["INSPECTION_LEVELS", "TestStateError", "run_test_state_request", "test_state", "test_state_async"]
