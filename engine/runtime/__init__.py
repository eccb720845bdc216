"""The interpreter: runs ASL definitions with AWS's semantics and AWS-shaped histories."""

from engine.runtime.api import Execution, run, run_async
from engine.runtime.test_state import TestStateError, test_state, test_state_async

__all__ = ["Execution", "TestStateError", "run", "run_async", "test_state", "test_state_async"]
