"""The functions Step Functions adds to JSONata, and the one it removes.

AWS documents six additions, the JSONata counterparts of intrinsics:
``$partition(array, size)``, ``$range(start, end, step)``,
``$hash(value, algorithm)``, ``$random([seed])``, ``$uuid()`` and
``$parse(jsonString)``; and it removes ``$eval`` (calling it fails with
T1006, "Attempted to invoke a non-function"). Semantics match the
corresponding intrinsics; two details come from the conformance corpus:
``$range`` returns a JSONata *sequence*, so a single value comes back
unwrapped (``$range(1, 9, 9)`` is ``1``, not ``[1]``), while ``$partition``
returns a plain array (``$partition([0], 1)`` is ``[[0]]``).

The functions are handed to jsonata-python as ``JLambda`` bindings, which
call them with the raw evaluated arguments (JSONata's null marker, sequence
lists); each converts them to plain JSON first.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Callable
from typing import Any

from engine.expr.intrinsics import ARRAY_RANGE_LIMIT, HASH_ALGORITHMS
from engine.expr.jsonata.library import JException, Jsonata, Utils
from engine.values import compact_json, java_utf8, json_type_name


class JsonataFunctionError(Exception):
    """A Step Functions JSONata function rejected its arguments.

    Its text has no JSONata error code: it is AWS's own function, so the
    cause reads ``... threw an error during evaluation: <message>``.
    """


def to_plain(value: Any) -> Any:
    """Convert jsonata-python's evaluation values to plain JSON (null marker, sequence lists)."""
    if value is Utils.NULL_VALUE:
        return None
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _shown(value: Any) -> str:
    try:
        return compact_json(value)
    except TypeError:
        return repr(value)


def _wrong(function: str, what: str, expected: str, value: Any) -> JsonataFunctionError:
    return JsonataFunctionError(
        f"The {what} of ${function} must be {expected}, "
        f"but was '{json_type_name(value)}' for value: {_shown(value)}"
    )


def _integer(function: str, what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong(function, what, "an integer", value)
    if isinstance(value, float):
        if not value.is_integer():
            raise JsonataFunctionError(f"The {what} of ${function} must be an integer, but was {value!r}")
        return int(value)
    return value


def _arity(function: str, args: tuple[Any, ...], minimum: int, maximum: int) -> None:
    if not minimum <= len(args) <= maximum:
        wanted = str(minimum) if minimum == maximum else f"{minimum} to {maximum}"
        raise JsonataFunctionError(f"${function} takes {wanted} argument(s) but {len(args)} were given")


def partition(*args: Any) -> list[list[Any]]:
    """``$partition(array, size)``: consecutive chunks of ``size`` items, the last possibly shorter."""
    _arity("partition", args, 2, 2)
    items, size = to_plain(args[0]), to_plain(args[1])
    if not isinstance(items, list):
        raise _wrong("partition", "first argument", "an array", items)
    chunk = _integer("partition", "second argument", size)
    if chunk <= 0:
        raise JsonataFunctionError(
            f"The second argument of $partition must be a positive integer, but was {chunk}"
        )
    return [items[i : i + chunk] for i in range(0, len(items), chunk)]


def range_(*args: Any) -> Any:
    """``$range(start, end, step)``: start to end inclusive, as a sequence (a single item unwraps)."""
    _arity("range", args, 3, 3)
    start, end, step = (
        _integer("range", what, to_plain(value))
        for what, value in zip(("first argument", "second argument", "third argument"), args, strict=True)
    )
    if step == 0:
        raise JsonataFunctionError("The third argument of $range must be a non-zero integer")
    count = max(0, (end - start) // step + 1)
    if count > ARRAY_RANGE_LIMIT:
        raise JsonataFunctionError(
            f"$range cannot create an array of more than {ARRAY_RANGE_LIMIT} items "
            f"(this call would create {count})"
        )
    return Utils.create_sequence_from_iter(start + i * step for i in range(count))


def hash_(*args: Any) -> str:
    """``$hash(value, algorithm)``: hex digest of the UTF-8 text (MD5, SHA-1, SHA-256, SHA-384, SHA-512)."""
    _arity("hash", args, 2, 2)
    value, algorithm = to_plain(args[0]), to_plain(args[1])
    if not isinstance(value, str):
        raise _wrong("hash", "first argument", "a string", value)
    digest = HASH_ALGORITHMS.get(algorithm) if isinstance(algorithm, str) else None
    if digest is None:
        raise JsonataFunctionError(
            f"The hash algorithm {_shown(algorithm)} is not supported by $hash; use one of "
            + ", ".join(HASH_ALGORITHMS)
        )
    return hashlib.new(digest, java_utf8(value)).hexdigest()


def random_(*args: Any) -> float:
    """``$random([seed])``: a number in [0, 1); with a seed, the same seed gives the same number."""
    _arity("random", args, 0, 1)
    if not args or args[0] is None:
        return random.random()
    seed = to_plain(args[0])
    if isinstance(seed, bool) or not isinstance(seed, (int, float, str)):
        raise _wrong("random", "seed", "a number or a string", seed)
    return random.Random(seed).random()


def uuid_(*args: Any) -> str:
    """``$uuid()``: a random version 4 UUID."""
    _arity("uuid", args, 0, 0)
    return str(uuid.uuid4())


def parse(*args: Any) -> Any:
    """``$parse(jsonString)``: the JSON value the string holds (JSON null comes back as null, not nothing)."""
    _arity("parse", args, 1, 1)
    text = to_plain(args[0])
    if not isinstance(text, str):
        raise _wrong("parse", "argument", "a string", text)
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise JsonataFunctionError(f"The argument of $parse is not a valid JSON string: {text}") from exc
    return to_jsonata(value)


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def removed_eval(*args: Any) -> Any:
    """AWS excludes ``$eval``; calling it fails as a call of a non-function does."""
    raise JException("T1006", 0)


def to_jsonata(value: Any) -> Any:
    """Plain JSON to jsonata-python's input form: JSON null becomes its null marker.

    jsonata-python reads Python ``None`` as *undefined*; without the marker
    a ``null`` in the state input would vanish from results.
    """
    if value is None:
        return Utils.NULL_VALUE
    if isinstance(value, list):
        return [to_jsonata(item) for item in value]
    if isinstance(value, dict):
        return {key: to_jsonata(item) for key, item in value.items()}
    return value


SFN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "partition": partition,
    "range": range_,
    "hash": hash_,
    "random": random_,
    "uuid": uuid_,
    "parse": parse,
    "eval": removed_eval,
}
SFN_FUNCTION_BINDINGS: dict[str, Any] = {name: Jsonata.JLambda(fn) for name, fn in SFN_FUNCTIONS.items()}
