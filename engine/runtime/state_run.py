"""One entry into one state: its input, scope, language and the helpers its handler needs.

The data flow (InputPath, Parameters, the result, ResultSelector, ResultPath; Arguments in
JSONata) runs here for every state type, and an entry may carry an observer that receives the
value after each step, under the name TestState's inspectionData gives it: `afterInputPath`,
`afterParameters`, `afterArguments`, `result`, `afterResultSelector`, `afterResultPath` (and
Map's `afterItemsPath`). TestState inspects a state through it, so what it shows is what a run
computes; an execution sets none, and each step then costs one attribute check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engine.runtime.env import ExecutionEnv, Frame
from engine.runtime.errors import StateFailure, state_error_prefix
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
    observer: Callable[[str, Any], None] | None = field(default=None, repr=False)
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

    def reset_context(self, context: dict[str, Any] | None = None) -> None:
        """Forget the `$$` object (a retry or a new task token changes it), or set a given one
        (TestState's supplied or Express-style context)."""
        self._context = context

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

    def observe(self, step: str, value: Any) -> None:
        """Hand a step's value to the observer, when one watches this entry."""
        if self.observer is not None:
            self.observer(step, value)

    def after_input_path(self) -> Any:
        """InputPath applied to the input: what a JSONPath state's own fields read."""
        state = self.state
        data = (
            select(state["InputPath"], self.input, self.path_scope()) if "InputPath" in state else self.input
        )
        if self.observer is not None:
            self.observer("afterInputPath", data)
        return data

    def effective_input(self) -> Any:
        """InputPath, then Parameters: what the state works on."""
        data = self.after_input_path()
        if "Parameters" in self.state:
            data = render_template(self.state["Parameters"], data, self.path_scope())
        if self.observer is not None:
            self.observer("afterParameters", data)
        return data

    def finish_jsonpath(self, result: Any) -> StateResult:
        """ResultSelector, Assign, ResultPath, OutputPath: from the result to the state output."""
        scope = self.path_scope()
        state, observer = self.state, self.observer
        if "ResultSelector" in state:
            result = render_template(state["ResultSelector"], result, scope)
        if observer is not None:
            observer("afterResultSelector", result)
        assigned = render_template(state["Assign"], result, scope) if "Assign" in state else None
        output = apply_result_path(
            self.input, result, state.get("ResultPath"), present="ResultPath" in state, scope=scope
        )
        if observer is not None:
            observer("afterResultPath", output)
        if "OutputPath" in state:
            output = select(state["OutputPath"], output, scope)
        return StateResult(output, self.next_state(), assigned)

    def finish_jsonata(self, result: Any, *, default_output: Any) -> StateResult:
        """Output and Assign, both evaluated against the same `$states` and variables."""
        extra = {"result": result} if result is not _NO_RESULT else {}
        scope = self.jsonata_scope(**extra)
        output = scope.evaluate(self.state["Output"], "Output") if "Output" in self.state else default_output
        assigned = scope.evaluate(self.state["Assign"], "Assign") if "Assign" in self.state else None
        return StateResult(output, self.next_state(), assigned)

    def finish(self, result: Any) -> StateResult:
        """From a state's result to its output: Output (the result by default) in JSONata,
        ResultSelector to OutputPath in JSONPath."""
        if self.jsonata:
            return self.finish_jsonata(result, default_output=result)
        return self.finish_jsonpath(result)

    def caught(self, catcher: dict[str, Any], failure: StateFailure) -> StateResult:
        """A Catcher's output (the error output through its ResultPath, or its Output), what it
        assigns, and its Next: what the state hands on when the catcher takes the failure."""
        error_output = failure.error_output()
        if self.jsonata:
            scope = self.jsonata_scope(errorOutput=error_output)
            output = scope.evaluate(catcher["Output"], "Output") if "Output" in catcher else error_output
            assigned = scope.evaluate(catcher["Assign"], "Assign") if "Assign" in catcher else None
            return StateResult(output, catcher["Next"], assigned)
        path_scope = self.path_scope()
        assigned = (
            render_template(catcher["Assign"], error_output, path_scope) if "Assign" in catcher else None
        )
        output = apply_result_path(
            self.input,
            error_output,
            catcher.get("ResultPath"),
            present="ResultPath" in catcher,
            scope=path_scope,
        )
        return StateResult(output, catcher["Next"], assigned)


_NO_RESULT = object()
NO_RESULT = _NO_RESULT


def assigned_details(assigned: dict[str, Any]) -> dict[str, str]:
    return {name: to_json_text(value) for name, value in assigned.items()}
