"""Errors raised while a state runs, named and worded as Step Functions names and words them."""

from __future__ import annotations

from typing import Any

from engine.expr.errors import ExprError

# Predefined error names.
ALL = "States.ALL"
RUNTIME = "States.Runtime"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
BRANCH_FAILED = "States.BranchFailed"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
ITEM_READER_FAILED = "States.ItemReaderFailed"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"

# Errors that no Retry or Catch handles: the execution fails.
UNCATCHABLE = frozenset((RUNTIME,))


class StateFailure(Exception):
    """A state failed with an error name and a cause: what Retry and Catch look at."""

    def __init__(
        self, error: str | None, cause: Any = None, *, event: str | None = None, from_task: bool = False
    ) -> None:
        super().__init__(error)
        self.error = error
        self.cause = cause
        # A task's failure always carries both fields to a catcher, null when the task gave none.
        self.from_task = from_task
        # The history event type that records the failure where it happened (e.g. EvaluationFailed).
        self.event = event if event is not None or error != QUERY_EVALUATION_ERROR else "EvaluationFailed"

    @property
    def catchable(self) -> bool:
        return self.error not in UNCATCHABLE

    def error_output(self) -> dict[str, Any]:
        """The {Error, Cause} object a Catcher passes on."""
        if self.from_task:
            return {"Error": self.error, "Cause": self.cause}
        out: dict[str, Any] = {}
        if self.error is not None:
            out["Error"] = self.error
        if self.cause is not None:
            out["Cause"] = self.cause
        return out

    def __repr__(self) -> str:
        return f"StateFailure({self.error!r}, {self.cause!r})"


def state_error_prefix(state_name: str, entered_event_id: int) -> str:
    return (
        f"An error occurred while executing the state '{state_name}' "
        f"(entered at the event id #{entered_event_id}). "
    )


class ExecutionAborted(Exception):
    """The execution was stopped from outside (StopExecution, the debugger's stop)."""

    def __init__(self, error: str | None = None, cause: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.cause = cause


class InvalidExecutionInput(ValueError):
    """StartExecution refused the input (AWS's InvalidExecutionInput): a value no JSON text can
    carry, or one AWS's reader refuses (NaN, a number of more than 1,000 digits, 1,000+ levels)."""

    code = "InvalidExecutionInput"


class ExecutionTimedOut(Exception):
    """The machine's own TimeoutSeconds ran out."""


# Exceptions that mean "this value could not be handled" rather than a deliberate signal
# (StateFailure, ExecutionAborted, a history limit, a TestState refusal).
DEFECTS: tuple[type[BaseException], ...] = (
    ArithmeticError,
    AttributeError,
    LookupError,
    RecursionError,
    TypeError,
    ValueError,
)


DEFECT_MARK = "The state could not be evaluated"


def defect_failure(exc: BaseException, prefix: str) -> StateFailure:
    """An unexpected exception inside a state, as the run-time failure AWS reports for what it cannot do.

    Validation and the evaluation paths are meant to catch every such case with AWS's own error;
    this is the last line, so that a run ends FAILED with States.Runtime and a cause the user can
    read, never with an exception out of the engine.
    """
    if isinstance(exc, ExprError) and not isinstance(exc, (LookupError, ValueError)):
        detail = str(exc)
    else:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return StateFailure(RUNTIME, prefix + f"{DEFECT_MARK} ({detail[:500]}).")
