"""The bodies of the Step Functions intrinsic functions and their argument checks.

Split from ``evaluator`` (which walks the call tree and implements
``States.Format``) to keep each module small. Every function takes the
intrinsic's name, for messages, and its already evaluated arguments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import random
import uuid
from collections.abc import Callable
from typing import Any

from engine.expr.errors import ExprError
from engine.values import compact_json, java_utf8, json_type_name

RUNTIME_ERROR = "States.Runtime"
ARRAY_RANGE_LIMIT = 1000
TEXT_LIMIT = 10_000  # Base64Encode/Base64Decode/Hash input, per the AWS documentation
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
HASH_ALGORITHMS: dict[str, str] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
_ORDINALS = ("first", "second", "third", "fourth", "fifth")


class IntrinsicError(ExprError):
    """An intrinsic function failed at run time.

    ``message`` is the cause text after AWS's "An error occurred while
    executing the state ..." prefix; ``error`` is the AWS error name the
    state fails with (``States.Runtime``); ``function`` names the intrinsic.
    """

    def __init__(self, message: str, *, function: str | None = None) -> None:
        super().__init__(message)
        self.error = RUNTIME_ERROR
        self.function = function


# ---------------------------------------------------------------- messages


def arity_message(name: str, minimum: int, maximum: int | None, count: int) -> str:
    """Wrong argument count; the parser accepts any count, so evaluation checks it (wording unverified)."""
    if maximum is None:
        wanted = f"at least {minimum}"
    elif minimum == maximum:
        wanted = str(minimum)
    else:
        wanted = f"{minimum} to {maximum}"
    return f"{name} takes {wanted} argument(s) but {count} were given."


def argument_message(name: str, index: int, expected: str, value: Any) -> str:
    """An argument of the wrong kind, worded like AWS's JSONata type sentences (AWS's own text unverified)."""
    ordinal = _ORDINALS[index] if index < len(_ORDINALS) else f"#{index + 1}"
    return (
        f"The {ordinal} argument of {name} must be {expected}, "
        f"but was '{json_type_name(value)}' for value: {_shown(value)}"
    )


def _shown(value: Any) -> str:
    try:
        return compact_json(value)
    except TypeError:
        return repr(value)


def _fail(name: str, index: int, expected: str, value: Any) -> IntrinsicError:
    return IntrinsicError(argument_message(name, index, expected, value), function=name)


# ---------------------------------------------------------------- argument checks


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _array(name: str, args: list[Any], index: int) -> list[Any]:
    value = args[index]
    if not isinstance(value, list):
        raise _fail(name, index, "an array", value)
    return value


def _string(name: str, args: list[Any], index: int) -> str:
    value = args[index]
    if not isinstance(value, str):
        raise _fail(name, index, "a string", value)
    return value


def _integer(name: str, args: list[Any], index: int) -> int:
    """An integer argument; an integral double such as ``2.0`` counts, ``2.5`` does not."""
    value = args[index]
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _fail(name, index, "an integer", value)


def _rounded(name: str, args: list[Any], index: int) -> int:
    """A number rounded the way Java's ``Math.round`` does: half up, toward positive infinity."""
    value = args[index]
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        raise _fail(name, index, "a number", value)
    if isinstance(value, int):
        return value
    return math.floor(value + 0.5)


def _text_within_limit(name: str, args: list[Any], index: int) -> str:
    text = _string(name, args, index)
    if len(text) > TEXT_LIMIT:
        raise IntrinsicError(
            f"The input string of {name} exceeds the maximum of {TEXT_LIMIT} characters "
            f"(it has {len(text)}).",
            function=name,
        )
    return text


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality as the JVM compares converted values.

    Booleans never equal numbers, and an integer never equals a double
    (``1`` vs ``1.0``), unlike Python's ``==``; objects compare by keys.
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


# ---------------------------------------------------------------- the functions


def _finite_float(text: str) -> float:
    """A JSON number beyond the double range (`1e999`) is no number AWS can hold: refused, not Infinity."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number out of range: {text}")
    return value


def _string_to_json(name: str, args: list[Any]) -> Any:
    text = _string(name, args, 0)
    if not text.strip():
        return None
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested beyond what any reader takes
        raise IntrinsicError(
            f"The argument of {name} is not a valid JSON string: {text[:1000]}", function=name
        ) from exc
    if _nesting_exceeds(value, MAX_JSON_NESTING):
        raise IntrinsicError(
            f"The argument of {name} is nested deeper than {MAX_JSON_NESTING} levels", function=name
        )
    return value


# AWS reads JSON with Jackson, which refuses documents nested deeper than this.
MAX_JSON_NESTING = 1000


def _nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value nests deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def _json_to_string(name: str, args: list[Any]) -> str:
    return compact_json(args[0])


def _array_fn(name: str, args: list[Any]) -> list[Any]:
    return list(args)


def _array_partition(name: str, args: list[Any]) -> list[list[Any]]:
    items = _array(name, args, 0)
    size = _integer(name, args, 1)
    if size <= 0:
        raise _fail(name, 1, "a positive integer", args[1])
    return [items[i : i + size] for i in range(0, len(items), size)]


def _array_contains(name: str, args: list[Any]) -> bool:
    items = _array(name, args, 0)
    return any(json_equal(item, args[1]) for item in items)


def _array_range(name: str, args: list[Any]) -> list[int]:
    start = _integer(name, args, 0)
    end = _integer(name, args, 1)
    step = _integer(name, args, 2)
    if step == 0:
        raise _fail(name, 2, "a non-zero integer", args[2])
    count = max(0, (end - start) // step + 1)
    if count > ARRAY_RANGE_LIMIT:
        raise IntrinsicError(
            f"{name} cannot create an array of more than {ARRAY_RANGE_LIMIT} items "
            f"(this call would create {count}).",
            function=name,
        )
    return [start + i * step for i in range(count)]


def _array_get_item(name: str, args: list[Any]) -> Any:
    items = _array(name, args, 0)
    index = _integer(name, args, 1)
    if not 0 <= index < len(items):
        raise IntrinsicError(
            f"The index {index} passed to {name} is out of bounds for an array of {len(items)} items.",
            function=name,
        )
    return items[index]


def _array_length(name: str, args: list[Any]) -> int:
    return len(_array(name, args, 0))


def _array_unique(name: str, args: list[Any]) -> list[Any]:
    """First occurrences kept, in order (a ``LinkedHashSet``), in one pass over hashed keys."""
    unique: list[Any] = []
    seen: set[Any] = set()
    for item in _array(name, args, 0):
        key = equality_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def equality_key(value: Any) -> Any:
    """A hashable key under which two values are equal exactly when ``json_equal`` says so.

    The type tag keeps ``true`` apart from ``1`` and ``1`` apart from ``1.0``, as the JVM does;
    objects are keyed by their set of (name, key) pairs, so member order does not matter.
    """
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, dict):
        return ("o", frozenset((key, equality_key(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("a", tuple(equality_key(item) for item in value))
    return ("n", None) if value is None else ("?", id(value))


def _base64_encode(name: str, args: list[Any]) -> str:
    text = _text_within_limit(name, args, 0)
    return base64.b64encode(java_utf8(text)).decode("ascii")


def _base64_decode(name: str, args: list[Any]) -> str:
    """Strict alphabet, padding optional (Java's basic decoder); bytes read as UTF-8."""
    text = _text_within_limit(name, args, 0)
    padded = text + "=" * (-len(text) % 4)
    try:
        data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise IntrinsicError(f"The argument of {name} is not valid Base64: {text}", function=name) from exc
    return data.decode("utf-8", errors="replace")


def _hash(name: str, args: list[Any]) -> str:
    text = _text_within_limit(name, args, 0)
    algorithm = _string(name, args, 1)
    digest = HASH_ALGORITHMS.get(algorithm)
    if digest is None:
        raise IntrinsicError(
            f"The hash algorithm '{algorithm}' is not supported by {name}; use one of "
            + ", ".join(HASH_ALGORITHMS)
            + ".",
            function=name,
        )
    return hashlib.new(digest, java_utf8(text)).hexdigest()


def _json_merge(name: str, args: list[Any]) -> dict[str, Any]:
    """Shallow merge: the second object's keys replace the first's; new keys are appended."""
    left, right, deep = args
    if not isinstance(left, dict):
        raise _fail(name, 0, "a JSON object", left)
    if not isinstance(right, dict):
        raise _fail(name, 1, "a JSON object", right)
    if deep is not False:
        raise _fail(name, 2, "false (only shallow merging is supported)", deep)
    merged = dict(left)
    merged.update(right)
    return merged


def _math_random(name: str, args: list[Any]) -> int:
    """A number in ``[start, end)``; the same seed always yields the same number."""
    start = _rounded(name, args, 0)
    end = _rounded(name, args, 1)
    if start >= end:
        raise IntrinsicError(
            f"The start value ({start}) of {name} must be less than its end value ({end}).", function=name
        )
    generator = random.Random(_integer(name, args, 2)) if len(args) == 3 else random.SystemRandom()
    return generator.randrange(start, end)


def _math_add(name: str, args: list[Any]) -> int:
    total = 0
    for index in range(2):
        value = _rounded(name, args, index)
        if not INT32_MIN <= value <= INT32_MAX:
            raise _fail(name, index, f"an integer between {INT32_MIN} and {INT32_MAX}", args[index])
        total += value
    return total


def _string_split(name: str, args: list[Any]) -> list[str]:
    text = _string(name, args, 0)
    delimiters = set(_string(name, args, 1))
    pieces: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in delimiters:
            if current:
                pieces.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        pieces.append("".join(current))
    return pieces


def _uuid(name: str, args: list[Any]) -> str:
    return str(uuid.uuid4())


FUNCTIONS: dict[str, Callable[[str, list[Any]], Any]] = {
    "States.StringToJson": _string_to_json,
    "States.JsonToString": _json_to_string,
    "States.Array": _array_fn,
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": _array_contains,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _array_get_item,
    "States.ArrayLength": _array_length,
    "States.ArrayUnique": _array_unique,
    "States.Base64Encode": _base64_encode,
    "States.Base64Decode": _base64_decode,
    "States.Hash": _hash,
    "States.JsonMerge": _json_merge,
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _string_split,
    "States.UUID": _uuid,
}
