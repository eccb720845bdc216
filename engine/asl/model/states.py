"""The six leaf state types: Pass, Task, Choice, Wait, Succeed and Fail.

Fields that only one query language uses (Parameters for JSONPath, Arguments for JSONata, ...)
all live on the model: which of them a state may use depends on the query language in force,
which is the validator's business, not the parser's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt

from engine.asl.model.base import AslModel
from engine.asl.model.choice_rule import ChoiceRule
from engine.asl.model.errors import Catcher, Retrier

QueryLanguage = Literal["JSONPath", "JSONata"]


class Credentials(AslModel):
    role_arn: Any = None
    role_arn_path: str | None = Field(default=None, alias="RoleArn.$")


class StateBase(AslModel):
    """Fields every state carries."""

    comment: str | None = None
    query_language: QueryLanguage | None = None

    def transitions(self) -> list[tuple[str, str]]:
        """(JSON Pointer below the state, target name) for each outgoing transition."""
        return []

    @property
    def is_terminal(self) -> bool:
        return False


class PassState(StateBase):
    type: Literal["Pass"]
    input_path: str | None = None
    parameters: Any = None
    result: Any = None
    result_path: str | None = None
    output_path: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None
    next: str | None = None
    end: StrictBool | None = None

    def transitions(self) -> list[tuple[str, str]]:
        return [("/Next", self.next)] if self.next is not None else []

    @property
    def is_terminal(self) -> bool:
        return self.end is True


class TaskState(StateBase):
    type: Literal["Task"]
    resource: Any = None
    credentials: Credentials | None = None
    input_path: str | None = None
    parameters: Any = None
    arguments: Any = None
    result_selector: Any = None
    result_path: str | None = None
    output_path: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None
    timeout_seconds: StrictInt | str | None = None
    timeout_seconds_path: str | None = None
    heartbeat_seconds: StrictInt | str | None = None
    heartbeat_seconds_path: str | None = None
    retry: list[Retrier] | None = None
    catch: list[Catcher] | None = None
    next: str | None = None
    end: StrictBool | None = None

    def transitions(self) -> list[tuple[str, str]]:
        out = [(f"/Catch/{i}/Next", c.next) for i, c in enumerate(self.catch or [])]
        if self.next is not None:
            out.insert(0, ("/Next", self.next))
        return out

    @property
    def is_terminal(self) -> bool:
        return self.end is True


class ChoiceState(StateBase):
    type: Literal["Choice"]
    input_path: str | None = None
    output_path: str | None = None
    choices: list[ChoiceRule]
    default: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None

    def transitions(self) -> list[tuple[str, str]]:
        out = [(f"/Choices/{i}/Next", r.next) for i, r in enumerate(self.choices) if r.next is not None]
        if self.default is not None:
            out.append(("/Default", self.default))
        return out


class WaitState(StateBase):
    type: Literal["Wait"]
    input_path: str | None = None
    seconds: StrictInt | str | None = None
    seconds_path: str | None = None
    timestamp: str | None = None
    timestamp_path: str | None = None
    output_path: str | None = None
    output: Any = None
    assign: dict[str, Any] | None = None
    next: str | None = None
    end: StrictBool | None = None

    def transitions(self) -> list[tuple[str, str]]:
        return [("/Next", self.next)] if self.next is not None else []

    @property
    def is_terminal(self) -> bool:
        return self.end is True


class SucceedState(StateBase):
    type: Literal["Succeed"]
    input_path: str | None = None
    output_path: str | None = None
    output: Any = None

    @property
    def is_terminal(self) -> bool:
        return True


class FailState(StateBase):
    type: Literal["Fail"]
    error: str | None = None
    error_path: str | None = None
    cause: str | None = None
    cause_path: str | None = None

    @property
    def is_terminal(self) -> bool:
        return True
