"""JSONata data flow: Arguments, Output, Assign and the other `{% %}` fields of a state."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from engine.runtime.errors import QUERY_EVALUATION_ERROR, StateFailure

# `$states` other than as `$states.input`, `$states.result` or `$states.errorOutput`.
_STATES_BEYOND_DATA = re.compile(r"\$states(?!\.(?:input|result|errorOutput)\b)")


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


@lru_cache(maxsize=2048)
def may_read_context(body: str) -> bool:
    """Whether an expression could see `$states.context`; errs towards yes.

    Only `$states` itself leads to the context, so an expression that names it only as
    `$states.input`, `.result` or `.errorOutput` cannot; one that evaluates text (`$eval`) might.
    """
    return "eval" in body or _STATES_BEYOND_DATA.search(body) is not None


class JsonataScope:
    """`$states` and the variables one state's expressions see, and how to word their failures.

    `$states` is `{"input", "context", ...extra}` (extra: `result`, `errorOutput`). The context
    object is built, by `make_context`, only for an expression that may read it (see
    `may_read_context`); the others cannot tell it is missing, and most expressions never read it.
    """

    def __init__(
        self,
        input: Any,
        make_context: Callable[[], dict[str, Any]],
        variables: dict[str, Any],
        prefix: str,
        state_name: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.input = input
        self.make_context = make_context
        self.extra = extra or {}
        self.variables = variables
        self.prefix = prefix
        self.state_name = state_name

    def states_for(self, body: str) -> dict[str, Any]:
        """The `$states` object `body` is evaluated with."""
        states: dict[str, Any] = {"input": self.input}
        if may_read_context(body):
            states["context"] = self.make_context()
        states.update(self.extra)
        return states

    def fail(self, message: str, field: str) -> StateFailure:
        failure = StateFailure(QUERY_EVALUATION_ERROR, self.prefix + message, event="EvaluationFailed")
        failure.location = field  # type: ignore[attr-defined]
        failure.state = self.state_name  # type: ignore[attr-defined]
        return failure

    def evaluate_number(self, template: Any, field: str, *, integer: bool = True) -> Any:
        """A numeric field's value (TimeoutSeconds, MaxConcurrency...): an expression whose result
        is not a number (an integer where one is wanted) fails the state as AWS fails it."""
        # Imported here for start-up time: jsonata-python (~90 ms) loads with the first JSONata expression.
        from engine.expr.jsonata import describe_unexpected_type

        value = self.evaluate(template, field)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if number and integer and isinstance(value, float) and not value.is_integer():
            number = False
        if not number and is_expression(template):
            expected = "integer" if integer else "number"
            raise self.fail(describe_unexpected_type(template[2:-2].strip(), field, expected, value), field)
        return value

    def evaluate(self, template: Any, field: str) -> Any:
        """A field's value: every `{% %}` string inside it evaluated, the rest kept as written."""
        # Imported here for start-up time: jsonata-python (~90 ms) loads with the first JSONata expression.
        from engine.expr.jsonata import UNDEFINED, JsonataEvaluationError, evaluate_jsonata

        if isinstance(template, str):
            if not is_expression(template):
                return template
            body = template[2:-2].strip()
            try:
                value = evaluate_jsonata(body, states=self.states_for(body), variables=self.variables)
            except JsonataEvaluationError as exc:
                describe = getattr(exc, "describe", None)
                raise self.fail(describe(field) if describe else str(exc), field) from None
            if value is UNDEFINED:
                raise self.fail(
                    f"The JSONata expression '{body}' specified for the field '{field}' returned nothing "
                    "(undefined).",
                    field,
                )
            return value
        if isinstance(template, dict):
            return {k: self.evaluate(v, f"{field}/{k}") for k, v in template.items()}
        if isinstance(template, list):
            return [self.evaluate(v, f"{field}[{i}]") for i, v in enumerate(template)]
        return template
