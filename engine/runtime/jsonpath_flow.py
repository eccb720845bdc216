"""JSONPath data flow: InputPath, Parameters, ResultSelector, ResultPath, OutputPath, Assign.

Every failure is reported with the wording Step Functions uses (which follows its JSONPath
library's messages), prefixed with the state and the event it was entered at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.expr import (
    CONTEXT,
    IntrinsicError,
    IntrinsicSyntaxError,
    Path,
    PathNotFoundError,
    PathSyntaxError,
    ResultPathMatchError,
    evaluate,
    evaluate_intrinsic,
    looks_like_intrinsic,
    parse_intrinsic,
    parse_path,
    set_at_reference_path,
)
from engine.expr.jsonpath import Index, Name
from engine.expr.user_regex import RegexBudgetError
from engine.runtime.errors import RUNTIME, StateFailure
from engine.runtime.history import to_json_text


@dataclass
class PathScope:
    """What `$$` and `$var` resolve to while one state runs, and how to word its failures.

    The context object is asked of `make_context` only when a path reads it: few paths do, and
    building it for every state cost more than the rest of a Pass state. `make_context` keeps the
    object it built (the state's entry caches it), so repeated reads see the same one.
    """

    make_context: Callable[[], dict[str, Any]]
    variables: dict[str, Any]
    prefix: str  # "An error occurred while executing the state 'X' (entered at the event id #N). "

    @property
    def context(self) -> dict[str, Any]:
        return self.make_context()

    def evaluate(self, path: Path | str, data: Any) -> Any:
        """`path` applied to `data`, with the context object built only if the path's text names `$$`."""
        if isinstance(path, str):
            path = parse_path(path)
        context = self.make_context() if CONTEXT in path.text else None
        try:
            return evaluate(path, data, context=context, variables=self.variables)
        except RegexBudgetError as exc:  # a filter's =~ ran past its time budget: the state fails
            raise self.fail(exc.message) from None

    def fail(self, message: str, error: str = RUNTIME) -> StateFailure:
        return StateFailure(error, self.prefix + message)


def normalized(segments: tuple[Any, ...], root: str = "$") -> str:
    out = root
    for seg in segments:
        out += (
            f"['{seg.name}']" if isinstance(seg, Name) else f"[{seg.index}]" if isinstance(seg, Index) else ""
        )
    return out


def missing_path_reason(path: Path, data: Any) -> str:
    """Jayway's explanation of why a definite path found nothing in `data`."""
    current = data
    for i, seg in enumerate(path.segments):
        last = i == len(path.segments) - 1
        if isinstance(seg, Name):
            if isinstance(current, dict) and seg.name in current:
                current = current[seg.name]
                continue
            if last:
                return f"No results for path: {normalized(path.segments)}"
            return f"Missing property in path {normalized(path.segments[: i + 1])}"
        if isinstance(seg, Index):
            if isinstance(current, list) and -len(current) <= seg.index < len(current):
                current = current[seg.index]
                continue
            if last:
                return f"No results for path: {normalized(path.segments)}"
            return f"Missing property in path {normalized(path.segments[: i + 1])}"
        break
    return f"No results for path: {normalized(path.segments)}"


def select(path_text: str | None, data: Any, scope: PathScope) -> Any:
    """InputPath / OutputPath / ItemsPath: null selects nothing ({}), a path selects a value."""
    if path_text is None:
        return {}
    if path_text == "$":
        return data
    path = parse_path(path_text)
    try:
        return scope.evaluate(path, data)
    except PathNotFoundError:
        if not path.is_definite:
            return []
        target = scope.context if path.root == "$$" else data
        raise scope.fail(f"Invalid path '{path_text}' : {missing_path_reason(path, target)}") from None


def resolve_value(text: str, key: str, data: Any, scope: PathScope) -> Any:
    """The value of a `.$` field: a path or an intrinsic function call."""
    if looks_like_intrinsic(text):
        try:
            call = parse_intrinsic(text)
        except IntrinsicSyntaxError as exc:
            raise scope.fail(str(exc)) from None

        def resolve(path: Path) -> Any:
            return _resolve_path(path, path.text, key, data, scope)

        try:
            return evaluate_intrinsic(call, resolve)
        except IntrinsicError as exc:
            raise scope.fail(str(exc), getattr(exc, "error", RUNTIME)) from None
    try:
        path = parse_path(text)
    except PathSyntaxError as exc:
        raise scope.fail(str(exc)) from None
    return _resolve_path(path, text, key, data, scope)


def _resolve_path(path: Path, text: str, key: str, data: Any, scope: PathScope) -> Any:
    try:
        return scope.evaluate(path, data)
    except PathNotFoundError:
        if not path.is_definite:
            return []  # an indefinite path that matches nothing selects an empty list
        raise scope.fail(
            f"The JSONPath '{text}' specified for the field '{key}' could not be found in the input "
            f"'{to_json_text(data)}'"
        ) from None


def render_template(template: Any, data: Any, scope: PathScope) -> Any:
    """A payload template with every `.$` field replaced by the value it selects."""
    if isinstance(template, dict):
        out: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$") and isinstance(value, str):
                out[key[:-2]] = resolve_value(value, key, data, scope)
            else:
                out[key] = render_template(value, data, scope)
        return out
    if isinstance(template, list):
        return [render_template(item, data, scope) for item in template]
    return template


def apply_result_path(
    raw_input: Any, result: Any, result_path: str | None, *, present: bool, scope: PathScope
) -> Any:
    """Where the result goes: replace the input ($), discard it (null), or merge it in."""
    if not present or result_path == "$":
        return result
    if result_path is None:
        return raw_input
    try:
        return set_at_reference_path(raw_input, result_path, result)
    except ResultPathMatchError:
        raise scope.fail(
            f"Unable to apply ReferencePath {result_path} to input {to_json_text(raw_input)}",
            "States.ResultPathMatchFailure",
        ) from None
