"""States that hold other states (Parallel, Map), the branch they hold, and the state machine.

A state that does not parse is kept as a `RawState` instead of failing the whole document:
the designer must be able to open, show and save a definition with mistakes in it, and the
validator reports the mistakes from the raw JSON with AWS's wording.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import networkx as nx
from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    WrapValidator,
    field_serializer,
)

from engine.asl.graph import scope_graph
from engine.asl.model.base import AslModel, OpenAslModel
from engine.asl.model.errors import Catcher, Retrier
from engine.asl.model.states import (
    ChoiceState,
    FailState,
    PassState,
    QueryLanguage,
    StateBase,
    SucceedState,
    TaskState,
    WaitState,
)

Count = StrictInt | str


class RawState:
    """A state kept exactly as written because it does not fit any state type's model."""

    def __init__(self, raw: Any, problem: str) -> None:
        self.raw = raw
        self.problem = problem

    @property
    def type(self) -> Any:
        return self.raw.get("Type") if isinstance(self.raw, dict) else None

    def to_json(self) -> Any:
        return self.raw

    def transitions(self) -> list[tuple[str, str]]:
        """Best-effort transitions, so a broken state still draws its edges."""
        if not isinstance(self.raw, dict):
            return []
        out: list[tuple[str, str]] = []
        if isinstance(self.raw.get("Next"), str):
            out.append(("/Next", self.raw["Next"]))
        if isinstance(self.raw.get("Default"), str):
            out.append(("/Default", self.raw["Default"]))
        for key in ("Choices", "Catch"):
            items = self.raw.get(key)
            if isinstance(items, list):
                for i, item in enumerate(items):
                    if isinstance(item, dict) and isinstance(item.get("Next"), str):
                        out.append((f"/{key}/{i}/Next", item["Next"]))
        return out

    @property
    def is_terminal(self) -> bool:
        return isinstance(self.raw, dict) and (
            self.raw.get("End") is True or self.raw.get("Type") in ("Succeed", "Fail")
        )

    def __repr__(self) -> str:
        return f"RawState({self.raw!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawState) and other.raw == self.raw


def _state_or_raw(value: Any, handler: Any) -> Any:
    if isinstance(value, RawState):
        return value
    try:
        return handler(value)
    except ValidationError as exc:
        return RawState(value, str(exc))


class Branch(AslModel):
    """A StartAt and its States: a Parallel branch, a Map item processor, or a whole machine."""

    comment: str | None = None
    start_at: str | None = None
    query_language: QueryLanguage | None = None
    states: dict[str, AnyState] | None = None

    @field_serializer("states")
    def _dump_states(self, states: dict[str, Any] | None) -> dict[str, Any] | None:
        if states is None:
            return None
        return {name: state.to_json() for name, state in states.items()}

    def to_graph(self) -> nx.DiGraph:
        """This scope's transition graph: see `engine.asl.graph.scope_graph`."""
        return scope_graph(self.start_at, self.states or {})


class ProcessorConfig(OpenAslModel):
    mode: str | None = None
    execution_type: str | None = None


class ItemProcessor(Branch):
    processor_config: ProcessorConfig | None = None


class ReaderConfig(OpenAslModel):
    input_type: str | None = None
    csv_header_location: str | None = Field(default=None, alias="CSVHeaderLocation")
    csv_headers: Any = Field(default=None, alias="CSVHeaders")
    csv_delimiter: str | None = Field(default=None, alias="CSVDelimiter")
    manifest_type: str | None = None
    max_items: Count | None = None
    max_items_path: str | None = None


class ItemReader(AslModel):
    resource: Any = None
    reader_config: ReaderConfig | None = None
    parameters: Any = None
    arguments: Any = None


class ItemBatcher(AslModel):
    batch_input: Any = None
    max_items_per_batch: Count | None = None
    max_items_per_batch_path: str | None = None
    max_input_bytes_per_batch: Count | None = None
    max_input_bytes_per_batch_path: str | None = None


class WriterConfig(OpenAslModel):
    output_type: str | None = None
    transformation: str | None = None


class ResultWriter(AslModel):
    resource: Any = None
    writer_config: WriterConfig | None = None
    parameters: Any = None
    arguments: Any = None


class _ErrorHandling(StateBase):
    def transitions(self) -> list[tuple[str, str]]:
        out = [(f"/Catch/{i}/Next", c.next) for i, c in enumerate(self.catch or [])]  # type: ignore[attr-defined]
        if self.next is not None:  # type: ignore[attr-defined]
            out.insert(0, ("/Next", self.next))  # type: ignore[attr-defined]
        return out

    @property
    def is_terminal(self) -> bool:
        return self.end is True  # type: ignore[attr-defined]


class ParallelState(_ErrorHandling):
    type: Literal["Parallel"]
    input_path: str | None = None
    parameters: Any = None
    arguments: Any = None
    branches: list[Branch]
    result_selector: Any = None
    result_path: str | None = None
    output_path: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None
    retry: list[Retrier] | None = None
    catch: list[Catcher] | None = None
    next: str | None = None
    end: StrictBool | None = None


class MapState(_ErrorHandling):
    type: Literal["Map"]
    label: Any = None
    input_path: str | None = None
    item_reader: ItemReader | None = None
    items_path: str | None = None
    items: Any = None
    item_selector: Any = None
    parameters: Any = None
    item_batcher: ItemBatcher | None = None
    item_processor: ItemProcessor | None = None
    iterator: ItemProcessor | None = None
    max_concurrency: Count | None = None
    max_concurrency_path: str | None = None
    tolerated_failure_percentage: StrictInt | float | str | None = None
    tolerated_failure_percentage_path: str | None = None
    tolerated_failure_count: Count | None = None
    tolerated_failure_count_path: str | None = None
    result_writer: ResultWriter | None = None
    result_selector: Any = None
    result_path: str | None = None
    output_path: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None
    retry: list[Retrier] | None = None
    catch: list[Catcher] | None = None
    next: str | None = None
    end: StrictBool | None = None

    @property
    def processor(self) -> ItemProcessor | None:
        """The item processor, whichever of its two names the author used."""
        return self.item_processor if self.item_processor is not None else self.iterator

    @property
    def is_distributed(self) -> bool:
        proc = self.processor
        return bool(proc and proc.processor_config and proc.processor_config.mode == "DISTRIBUTED")


State = Annotated[
    PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState,
    Field(discriminator="type"),
]
AnyState = Annotated[State, WrapValidator(_state_or_raw)]


class StateMachine(Branch):
    """A whole definition. Unknown top-level fields are kept so that nothing is lost on save."""

    model_config = OpenAslModel.model_config

    version: str | None = None
    timeout_seconds: Any = None


Branch.model_rebuild()
ItemProcessor.model_rebuild()
ParallelState.model_rebuild()
MapState.model_rebuild()
StateMachine.model_rebuild()
