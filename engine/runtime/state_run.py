"""One entry into one state: its input, scope, language and the helpers its handler needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engine.runtime.env import ExecutionEnv, Frame
from engine.runtime.errors import state_error_prefix
from engine.runtime.history import to_json_text
from engine.runtime.jsonata_flow import JsonataScope
from engine.runtime.jsonpath_flow import PathScope, apply_result_path, render_template, select

if TYPE_CHECKING:
    from engine.runtime.interpreter import Interpreter


@dataclass
class StateResult:
    """What a state produced: its output, where to go next (None ends the scope), what it assigned."""

    output: Any
    next: str | None
    assigned: dict[str, Any] | None = None
    output_text: str | None = field(default=None, repr=False)  # the output as JSON, once written


@dataclass
class StateRun:
    interpreter: Interpreter
    env: ExecutionEnv
    frame: Frame
    name: str
    state: dict[str, Any]
    input: Any
    entered_id: int
    entered_time: datetime
    language: str
    retry_count: int | None = None
    task_token: str | None = None
    _context: dict[str, Any] | None = field(default=None, repr=False)
    _path_scope: PathScope | None = field(default=None, repr=False)

    @property
    def type(self) -> str:
        return self.state["Type"]

    @cached_property
    def prefix(self) -> str:
        """How this entry's failures begin: formatted once per entry, for the scopes that carry it."""
        return state_error_prefix(self.name, self.entered_id)

    @property
    def jsonata(self) -> bool:
        return self.language == "JSONata"

    def context(self) -> dict[str, Any]:
        """The `$$` object, built on first use and kept (a retry or a task token resets it)."""
        if self._context is None:
            self._context = self.env.context_object(
                self.name,
                self.entered_time,
                self.frame,
                retry_count=self.retry_count,
                task_token=self.task_token,
            )
        return self._context

    def path_scope(self) -> PathScope:
        """One scope for the whole entry: it reads the context object and the variables when used."""
        if self._path_scope is None:
            self._path_scope = PathScope(self.context, self.frame.variables, self.prefix)
        return self._path_scope

    def jsonata_scope(self, **extra: Any) -> JsonataScope:
        return JsonataScope(self.input, self.context, self.frame.variables, self.prefix, self.name, extra)

    def next_state(self) -> str | None:
        return None if self.state.get("End") is True else self.state.get("Next")

    # The JSONPath pipeline -----------------------------------------------------------------

    def effective_input(self) -> Any:
        """InputPath, then Parameters: what the state works on."""
        scope = self.path_scope()
        data = select(self.state["InputPath"], self.input, scope) if "InputPath" in self.state else self.input
        if "Parameters" in self.state:
            data = render_template(self.state["Parameters"], data, scope)
        return data

    def finish_jsonpath(self, result: Any) -> StateResult:
        """ResultSelector, Assign, ResultPath, OutputPath: from the result to the state output."""
        scope = self.path_scope()
        if "ResultSelector" in self.state:
            result = render_template(self.state["ResultSelector"], result, scope)
        assigned = render_template(self.state["Assign"], result, scope) if "Assign" in self.state else None
        output = apply_result_path(
            self.input, result, self.state.get("ResultPath"), present="ResultPath" in self.state, scope=scope
        )
        if "OutputPath" in self.state:
            output = select(self.state["OutputPath"], output, scope)
        return StateResult(output, self.next_state(), assigned)

    def finish_jsonata(self, result: Any, *, default_output: Any) -> StateResult:
        """Output and Assign, both evaluated against the same `$states` and variables."""
        extra = {"result": result} if result is not _NO_RESULT else {}
        scope = self.jsonata_scope(**extra)
        output = scope.evaluate(self.state["Output"], "Output") if "Output" in self.state else default_output
        assigned = scope.evaluate(self.state["Assign"], "Assign") if "Assign" in self.state else None
        return StateResult(output, self.next_state(), assigned)


_NO_RESULT = object()
NO_RESULT = _NO_RESULT


def assigned_details(assigned: dict[str, Any]) -> dict[str, str]:
    return {name: to_json_text(value) for name, value in assigned.items()}
