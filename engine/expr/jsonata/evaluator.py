"""JSONata evaluation for ``QueryLanguage: JSONata`` states, with Step Functions' additions.

``evaluate_jsonata(expression, states=..., variables=...)`` evaluates the body
of one ``{% ... %}`` string. ``$states`` (``input``, ``context`` and, where the
state has them, ``result`` and ``errorOutput``) and every ASL variable (as
``$name``) are bound; so are AWS's extra functions (``functions``).

Three outcomes matter to the interpreter and are kept apart here:

* a value: returned as plain JSON (``jsonata_to_json``), integral numbers as
  ``int`` because JSONata has only doubles and AWS prints ``7``, not ``7.0``;
* nothing: returned as the ``UNDEFINED`` sentinel, never ``None`` (which is
  JSON null, a legitimate result). AWS fails the state; ``describe_undefined``
  writes its sentence;
* an error: ``JsonataEvaluationError`` (AWS error ``States.QueryEvaluationError``),
  whose ``describe(field)`` writes AWS's full sentence.

Compiling dominates the cost of a small expression, so compiled expressions
are cached by text. jsonata-python keeps per-evaluation state on the
expression object and on a thread-local "current instance", so each call
evaluates a shallow copy registered as the current instance: cached
expressions are shared safely between threads (Parallel and Map branches).
"""

from __future__ import annotations

import copy
import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Final

from engine.expr.errors import ExprError
from engine.expr.jsonata.functions import SFN_FUNCTION_BINDINGS, JsonataFunctionError, to_jsonata
from engine.expr.jsonata.library import (
    JSONATA_RECURSION_LIMIT,
    Functions,
    JException,
    Jsonata,
    RegexFlags,
    Timebox,
    Utils,
)
from engine.expr.user_regex import RegexBudgetError, UserRegex, UserRegexError, compile_user_regex
from engine.values import compact_json, json_type_name

QUERY_EVALUATION_ERROR: Final = "States.QueryEvaluationError"
# AWS bounds evaluation; a runaway expression (tail recursion loops forever) must not hang the engine.
EVALUATION_TIMEOUT_MS: Final = 10_000
# The bare text (no JSONata code) reported when evaluation runs out of stack, as a JavaScript engine words it.
STACK_OVERFLOW: Final = "Maximum call stack size exceeded"
# jsonata-js names the element type of T0412 ("must be an array of "numbers"") from the signature letter.
_ARRAY_OF: Final = {
    "a": "arrays",
    "b": "booleans",
    "f": "functions",
    "n": "numbers",
    "o": "objects",
    "s": "strings",
}
_PLACEHOLDER = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")


class _Undefined:
    """JSONata's *undefined*: the expression produced nothing (distinct from JSON null)."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Undefined:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Undefined:
        return self


UNDEFINED: Final = _Undefined()


class JsonataEvaluationError(ExprError):
    """A JSONata expression failed; AWS fails the state with ``States.QueryEvaluationError``.

    ``message`` is the part AWS puts after its sentence about the expression:
    ``"<CODE>: <text>"`` for a JSONata error (``code`` set), or the bare text
    of an error without a code (a Step Functions function, a resource bound).
    ``describe(field)`` returns the whole sentence for the cause.
    """

    error = QUERY_EVALUATION_ERROR

    def __init__(self, message: str, *, expression: str, code: str | None = None) -> None:
        super().__init__(message)
        self.expression = expression
        self.code = code

    def describe(self, field: str) -> str:
        """``The JSONata expression 'E' specified for the field 'F' threw an error during evaluation. T...``.

        AWS separates a coded JSONata message with ". " and a bare one with ": ".
        """
        separator = ". " if self.code else ": "
        return f"{_about(self.expression, field)} threw an error during evaluation{separator}{self.message}"


class JsonataSyntaxError(JsonataEvaluationError):
    """The expression does not parse.

    AWS refuses such definitions, so this surfaces only if validation let one by.
    """


class JsonataResultTypeError(JsonataEvaluationError):
    """The expression returned something that is not JSON (a function)."""

    def describe(self, field: str) -> str:
        return describe_unsupported_result(self.expression, field)


# ---------------------------------------------------------------- AWS sentences


def _about(expression: str, field: str) -> str:
    return f"The JSONata expression '{expression}' specified for the field '{field}'"


def describe_undefined(expression: str, field: str) -> str:
    """``The JSONata expression '$x' specified for the field 'Output/result' returned nothing (undefined).``

    ``field`` is the field path AWS names: ``Output``, ``Arguments/FunctionName``,
    ``Assign/result``, ``Items``...
    """
    return f"{_about(expression, field)} returned nothing (undefined)."


def describe_unsupported_result(expression: str, field: str) -> str:
    """The sentence for a non-JSON result such as a function.

    ``The JSONata expression '...' specified for the field 'Items' returned an unsupported result type.``
    """
    return f"{_about(expression, field)} returned an unsupported result type."


def describe_unexpected_type(expression: str, field: str, expected: str, value: Any) -> str:
    """The sentence for a value of the wrong JSON type, e.g. a non-array for a Map state's ``Items``.

    ``... returned an unexpected result type. Expected 'array', but was 'string' for value: "string"``
    """
    return (
        f"{_about(expression, field)} returned an unexpected result type. "
        f"Expected '{expected}', but was '{json_type_name(value)}' for value: {compact_json(value)}"
    )


# ---------------------------------------------------------------- evaluation


def compile_jsonata(expression: str) -> Jsonata:
    """Parse (and cache) an expression; raises ``JsonataSyntaxError`` if it does not parse."""
    try:
        with _recursion_headroom():
            return _compile_cached(expression)
    except JException as exc:
        raise JsonataSyntaxError(_jsonata_message(exc), expression=expression, code=exc.error) from None
    except RecursionError:
        raise JsonataSyntaxError(STACK_OVERFLOW, expression=expression) from None
    except _BadRegex as exc:
        raise JsonataSyntaxError(str(exc), expression=expression) from None


def _regex_engine(pattern: str, flags: RegexFlags) -> UserRegex:
    """JSONata's ``/regex/`` literals run on a linear-time engine, never on Python's backtracking ``re``."""
    try:
        return compile_user_regex(pattern, ignore_case=flags.case_insensitive, multiline=flags.multiline)
    except UserRegexError as exc:
        raise _BadRegex(f"Invalid regular expression: /{pattern}/: {exc}") from None


class _BadRegex(Exception):
    """A ``/regex/`` literal that does not compile (JavaScript's SyntaxError)."""


@lru_cache(maxsize=2048)
def _compile_cached(expression: str) -> Jsonata:
    compiled = Jsonata(expression, _regex_engine)
    compiled.set_output_convert_nulls(False)  # keep JSON null apart from undefined
    compiled.set_validate_input(False)  # the input is always None; values arrive as bindings
    return compiled


def evaluate_jsonata(expression: str, *, states: dict[str, Any], variables: dict[str, Any]) -> Any:
    """Evaluate the body of a ``{% ... %}`` string; ``UNDEFINED`` when it yields nothing.

    ``states`` is the ``$states`` object (``input``, ``context``, and
    ``result``/``errorOutput`` where defined); ``variables`` maps ASL variable
    names (without ``$``) to their JSON values. Returns plain JSON. Raises
    ``JsonataEvaluationError`` (or its subclasses) on failure.
    """
    compiled = compile_jsonata(expression)
    frame = compiled.create_frame(compiled.environment)
    for name, fn in SFN_FUNCTION_BINDINGS.items():
        frame.bind(name, fn)
    for name, value in variables.items():
        frame.bind(name, to_jsonata(value))
    frame.bind("states", to_jsonata(states))
    Timebox(frame, EVALUATION_TIMEOUT_MS, None)

    instance = copy.copy(compiled)
    Jsonata.CURRENT.jsonata = instance  # jsonata-python evaluates on the thread's current instance
    try:
        with _recursion_headroom():
            result = instance.evaluate(None, frame)
    except JException as exc:
        raise JsonataEvaluationError(_jsonata_message(exc), expression=expression, code=exc.error) from None
    except (JsonataFunctionError, RegexBudgetError) as exc:
        raise JsonataEvaluationError(str(exc), expression=expression) from None
    except RecursionError:
        raise JsonataEvaluationError(STACK_OVERFLOW, expression=expression) from None
    except ZeroDivisionError:
        raise JsonataEvaluationError(
            "D1001: Number out of range: Infinity", expression=expression, code="D1001"
        ) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as exc:
        # a defect of jsonata-python rather than of the expression: still the state's failure, not ours
        raise JsonataEvaluationError(f"internal error: {exc}", expression=expression) from None
    return _result_to_json(result, expression)


_headroom_lock = threading.Lock()
_headroom_users = 0
_headroom_saved = 0


@contextmanager
def _recursion_headroom() -> Iterator[None]:
    """Raise the recursion limit while any thread evaluates JSONata; restore it when the last one ends.

    jsonata-python needs many Python frames per JSONata level, but the limit
    is process-wide and other code depends on it, so it is lifted only for
    the duration of evaluations (counted, so overlapping threads do not
    lower it under each other).
    """
    global _headroom_users, _headroom_saved
    with _headroom_lock:
        if _headroom_users == 0:
            _headroom_saved = sys.getrecursionlimit()
            if _headroom_saved < JSONATA_RECURSION_LIMIT:
                sys.setrecursionlimit(JSONATA_RECURSION_LIMIT)
        _headroom_users += 1
    try:
        yield
    finally:
        with _headroom_lock:
            _headroom_users -= 1
            if _headroom_users == 0:
                sys.setrecursionlimit(_headroom_saved)


def _result_to_json(result: Any, expression: str) -> Any:
    if _is_function(result):
        raise JsonataResultTypeError(
            "the expression returned a function, which is not JSON", expression=expression
        )
    return jsonata_to_json(result)


def _is_function(value: Any) -> bool:
    return Functions.is_lambda(value) or Utils.is_function(value) or isinstance(value, re.Pattern | UserRegex)


def jsonata_to_json(value: Any) -> Any:
    """Convert a jsonata-python result to plain JSON; ``UNDEFINED`` for nothing.

    JSON null (jsonata-python's null marker) becomes ``None``; sequences become
    lists; integral doubles become ints, as JSONata (JavaScript numbers)
    prints them. Inside objects and arrays, undefined values and functions
    follow ``JSON.stringify``: dropped from objects, ``null`` in arrays.
    """
    if value is None:
        return UNDEFINED
    converted = _to_json(value)
    return UNDEFINED if converted is _DROP else converted


_DROP = object()


def _to_json(value: Any) -> Any:
    if value is None or _is_function(value):
        return _DROP
    if value is Utils.NULL_VALUE:
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            converted = _to_json(item)
            if converted is not _DROP:
                out[str(key)] = converted
        return out
    if isinstance(value, list | tuple):
        items = [_to_json(item) for item in value]
        return [None if item is _DROP else item for item in items]
    return _DROP


# ---------------------------------------------------------------- messages


def _jsonata_message(exc: JException) -> str:
    """``CODE: text`` as jsonata-js writes it (and AWS reports it).

    jsonata-python's catalogue, inherited from the Java port, says "Object"
    where jsonata-js says "function", and substitutes inserts raw where
    jsonata-js writes them as JSON (``Argument 1 of function "abs"``).
    """
    code = exc.error
    template = JException.error_codes.get(code)
    if template is None:
        return f"{code}: {exc}" if code else str(exc)
    template = template.replace("Object", "function")
    inserts = [exc.current, exc.expected, exc.extra]
    if code == "T0412" and isinstance(exc.extra, str):
        inserts[2] = _ARRAY_OF.get(exc.extra, exc.extra)
    position = 0

    def substitute(match: re.Match[str]) -> str:
        nonlocal position
        value = inserts[position] if position < len(inserts) else None
        position += 1
        return _raw(value) if match.group(1) else _js_stringify(value)

    return f"{code}: {_PLACEHOLDER.sub(substitute, template)}"


def _raw(value: Any) -> str:
    return "undefined" if value is None else str(value)


def _js_stringify(value: Any) -> str:
    """``JSON.stringify`` of an error insert (``undefined`` for a missing one)."""
    if value is None:
        return "undefined"
    plain = _to_json(value)
    if plain is _DROP:
        return "undefined"
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
