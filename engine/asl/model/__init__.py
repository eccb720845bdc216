"""Pydantic models of the Amazon States Language."""

from engine.asl.model.choice_rule import COMPARISON_OPERATORS, ChoiceRule
from engine.asl.model.containers import (
    Branch,
    ItemBatcher,
    ItemProcessor,
    ItemReader,
    MapState,
    ParallelState,
    ProcessorConfig,
    RawState,
    ReaderConfig,
    ResultWriter,
    State,
    StateMachine,
    WriterConfig,
)
from engine.asl.model.errors import Catcher, Retrier
from engine.asl.model.states import (
    ChoiceState,
    Credentials,
    FailState,
    PassState,
    StateBase,
    SucceedState,
    TaskState,
    WaitState,
)

__all__ = [
    "COMPARISON_OPERATORS",
    "Branch",
    "Catcher",
    "ChoiceRule",
    "ChoiceState",
    "Credentials",
    "FailState",
    "ItemBatcher",
    "ItemProcessor",
    "ItemReader",
    "MapState",
    "ParallelState",
    "PassState",
    "ProcessorConfig",
    "RawState",
    "ReaderConfig",
    "ResultWriter",
    "Retrier",
    "State",
    "StateBase",
    "StateMachine",
    "SucceedState",
    "TaskState",
    "WaitState",
    "WriterConfig",
]
