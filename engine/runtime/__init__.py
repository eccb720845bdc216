"""The interpreter: runs ASL definitions with AWS's semantics and AWS-shaped histories."""

from engine.runtime.api import Execution, run, run_async
from engine.runtime.test_state import test_state

__all__ = ["Execution", "run", "run_async", "test_state"]
