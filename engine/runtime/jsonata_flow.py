"""JSONata data flow: Arguments, Output, Assign and the other `{% %}` fields of a state."""

from __future__ import annotations

from typing import Any

from engine.runtime.errors import QUERY_EVALUATION_ERROR, StateFailure


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


class JsonataScope:
    """`$states` and the variables one state's expressions see, and how to word their failures."""

    def __init__(
        self, states: dict[str, Any], variables: dict[str, Any], prefix: str, state_name: str
    ) -> None:
        self.states = states
        self.variables = variables
        self.prefix = prefix
        self.state_name = state_name

    def fail(self, message: str, field: str) -> StateFailure:
        failure = StateFailure(QUERY_EVALUATION_ERROR, self.prefix + message, event="EvaluationFailed")
        failure.location = field  # type: ignore[attr-defined]
        failure.state = self.state_name  # type: ignore[attr-defined]
        return failure

    def evaluate(self, template: Any, field: str) -> Any:
        """A field's value: every `{% %}` string inside it evaluated, the rest kept as written."""
        from engine.expr.jsonata_eval import UNDEFINED, JsonataEvaluationError, evaluate_jsonata

        if isinstance(template, str):
            if not is_expression(template):
                return template
            body = template[2:-2].strip()
            try:
                value = evaluate_jsonata(body, states=self.states, variables=self.variables)
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
