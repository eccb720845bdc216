"""One matcher per pattern operator, each testing one scalar of an event.

An event is flattened into scalars by path (see `flatten`); a pattern field holds a list
of matchers and is satisfied by a scalar that any of them accepts. Matchers take the scalars as
parsed (str, int, float, bool, None, or `JsonNumber` for numbers read from JSON text) rather
than wrapping each in an object, because building objects per value is most of the cost of
matching in Python. Each matcher also says in words what it wants (``describe``), which `explain`
shows in the designer's pattern sandbox.

``test`` is the readable definition; ``fast_test()`` gives the same predicate as a plain function
specialised to the matcher's operands (no attribute lookups or operator dispatch per call), and
`field_test` joins a field's matchers into one such function. Matching many rules calls these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from engine.bus.pattern.errors import InvalidEventError
from engine.bus.pattern.values import NUMBER_LIMIT, comparable_number, ip_key
from engine.values import JsonNumber

__all__ = [
    "AnythingBut",
    "AnythingButNumbers",
    "Cidr",
    "Exact",
    "Exists",
    "Matcher",
    "NumericRange",
    "StringTest",
    "Wildcard",
    "exact_for_literal",
    "exact_for_number",
    "exact_for_string",
    "field_test",
    "key_of",
    "number_of",
    "show",
]

_LIMIT = 5_000_000_000
_TRUE_KEY, _FALSE_KEY, _NULL_KEY = ("lit", "true"), ("lit", "false"), ("lit", "null")
_LITERAL_KEYS = {"true": _TRUE_KEY, "false": _FALSE_KEY, "null": _NULL_KEY}

Test = Callable[[object], bool]


def number_of(value: object) -> int | None:
    """The comparable form (millionths) of a number from an event; None for anything else."""
    kind = type(value)
    if kind is int:
        return value * 1_000_000 if -_LIMIT <= value <= _LIMIT else None  # type: ignore[operator]
    if kind is JsonNumber:
        return comparable_number(value)  # type: ignore[arg-type]
    if kind is float:
        number: float = value  # type: ignore[assignment]
        if number.is_integer() and -_LIMIT <= number <= _LIMIT:
            return int(number) * 1_000_000
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidEventError(f"{number!r} is not a JSON number")
        return comparable_number(repr(number))
    return None


def _number_text(value: object) -> str:
    return repr(value) if type(value) is float else str(value)


def key_of(value: object) -> object:
    """What exact matching compares: strings as text (IP addresses as addresses), numbers by
    value where EventBridge can compare them and by text otherwise, true/false/null as such."""
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if text and (text[0].isdigit() or ":" in text):
            ip = ip_key(text)
            if ip is not None:
                return ip
        return text
    if value is None:
        return _NULL_KEY
    if value is True:
        return _TRUE_KEY
    if value is False:
        return _FALSE_KEY
    number = number_of(value)
    return ("num", number) if number is not None else ("numtext", _number_text(value))


def show(value: object) -> str:
    """The scalar as JSON, for messages."""
    if type(value) is str:
        return json.dumps(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return _number_text(value)


class Matcher:
    """Base: ``test(value)`` says whether the event's scalar satisfies this operator."""

    __slots__ = ()

    def test(self, value: object) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def fast_test(self) -> Test:
        """``test`` as a plain function, specialised where that saves work per call."""
        return self.test

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class Exact(Matcher):
    """An exact value: string, number (by value), true, false or null; ``key`` as `key_of`."""

    __slots__ = ("key", "shown")

    def __init__(self, key: object, shown: str) -> None:
        self.key = key
        self.shown = shown

    def test(self, value: object) -> bool:
        return key_of(value) == self.key

    def fast_test(self) -> Test:
        # A string key is never IP-shaped, so only an equal plain string has it as its key.
        return _predicate("string" if type(self.key) is str else "key", self.key)

    def describe(self) -> str:
        return self.shown


class StringTest(Matcher):
    """prefix / suffix / equals-ignore-case and their ignore-case forms: strings only."""

    __slots__ = ("ignore_case", "op", "value")

    def __init__(self, op: str, value: str, ignore_case: bool) -> None:
        self.op = op  # "prefix", "suffix" or "equals"
        self.ignore_case = ignore_case
        self.value = value.lower() if ignore_case else value

    def test(self, value: object) -> bool:
        if type(value) is not str:
            return False
        text: str = value.lower() if self.ignore_case else value  # type: ignore[attr-defined,assignment]
        if self.op == "prefix":
            return text.startswith(self.value)
        if self.op == "suffix":
            return text.endswith(self.value)
        return text == self.value

    def fast_test(self) -> Test:
        op = "string" if self.op in ("exact", "equals") else self.op
        return _predicate(f"lower {op}" if self.ignore_case else op, self.value)

    def describe(self) -> str:
        value = json.dumps(self.value)
        if self.op == "equals":
            return f"equals-ignore-case {value}"
        return f"{self.op}{' (ignoring case)' if self.ignore_case else ''} {value}"


class NumericRange(Matcher):
    """A numeric range in millionths; only JSON numbers EventBridge can compare qualify."""

    __slots__ = ("high", "high_open", "low", "low_open", "shown")

    def __init__(self, low: int, low_open: bool, high: int, high_open: bool, shown: str) -> None:
        self.low, self.low_open, self.high, self.high_open = low, low_open, high, high_open
        self.shown = shown

    @classmethod
    def equal_to(cls, value: int, shown: str) -> NumericRange:
        return cls(value, False, value, False, shown)

    @classmethod
    def one_sided(cls, op: str, value: int, shown: str) -> NumericRange:
        if op in (">", ">="):
            return cls(value, op == ">", NUMBER_LIMIT, False, shown)
        return cls(-NUMBER_LIMIT, False, value, op == "<", shown)

    def test(self, value: object) -> bool:
        number = number_of(value)
        if number is None:
            return False
        if number < self.low or (self.low_open and number == self.low):
            return False
        return not (number > self.high or (self.high_open and number == self.high))

    def fast_test(self) -> Test:
        # Numbers are whole millionths, so an open bound is the closed one a millionth inside.
        low = self.low + 1 if self.low_open else self.low
        high = self.high - 1 if self.high_open else self.high
        return _predicate("numeric", low, high)

    def describe(self) -> str:
        return f"numeric {self.shown}"


class Cidr(Matcher):
    """An IP block: strings that are IP addresses of the same family within the bounds."""

    __slots__ = ("family", "high", "low", "shown")

    def __init__(self, family: int, low: int, high: int, shown: str) -> None:
        self.family, self.low, self.high, self.shown = family, low, high, shown

    def test(self, value: object) -> bool:
        ip = ip_key(value) if type(value) is str else None  # type: ignore[arg-type]
        return ip is not None and ip[1] == self.family and self.low <= ip[2] <= self.high

    def fast_test(self) -> Test:
        return _predicate("cidr", self.family, self.low, self.high)

    def describe(self) -> str:
        return f"cidr {json.dumps(self.shown)}"


class Wildcard(Matcher):
    """A wildcard pattern: strings only."""

    __slots__ = ("regex", "shown")

    def __init__(self, regex: re.Pattern[str], shown: str) -> None:
        self.regex, self.shown = regex, shown

    def test(self, value: object) -> bool:
        return type(value) is str and self.regex.fullmatch(value) is not None  # type: ignore[arg-type]

    def fast_test(self) -> Test:
        return _predicate("wildcard", self.regex)

    def describe(self) -> str:
        return f"wildcard {json.dumps(self.shown)}"


class Exists(Matcher):
    """``exists: true``: any leaf at the path, null included."""

    __slots__ = ()

    def test(self, value: object) -> bool:
        return True

    def fast_test(self) -> Test:
        return _always

    def describe(self) -> str:
        return "exists"


class AnythingBut(Matcher):
    """anything-but over strings: plain, equals-ignore-case, prefix, suffix or wildcard.

    A leaf that is not a string is never excluded (null, numbers and booleans all pass), which is
    how AWS answers ``anything-but "x"`` for ``null``.
    """

    __slots__ = ("mode", "regexes", "shown", "values")

    def __init__(
        self, mode: str, values: Iterable[str], shown: str, regexes: list[re.Pattern[str]] | None = None
    ) -> None:
        self.mode = mode  # "exact", "ignore-case", "prefix", "suffix", "wildcard"
        items = [v.lower() for v in values] if mode == "ignore-case" else list(values)
        self.values: frozenset[str] | tuple[str, ...] = (
            frozenset(items) if mode in ("exact", "ignore-case") else tuple(items)
        )
        self.regexes = regexes or []
        self.shown = shown

    def excludes(self, value: object) -> bool:
        if type(value) is not str:
            return False
        text: str = value  # type: ignore[assignment]
        mode = self.mode
        if mode == "exact":
            return text in self.values
        if mode == "ignore-case":
            return text.lower() in self.values
        if mode == "prefix":
            return any(text.startswith(v) for v in self.values)
        if mode == "suffix":
            return any(text.endswith(v) for v in self.values)
        return any(r.fullmatch(text) for r in self.regexes)

    def test(self, value: object) -> bool:
        return not self.excludes(value)

    def fast_test(self) -> Test:
        if self.mode in ("exact", "ignore-case"):
            return _predicate(f"anything-but {self.mode}", self.values)
        return self.test

    def describe(self) -> str:
        return f"anything-but {self.shown}"


class AnythingButNumbers(Matcher):
    """anything-but over numbers: excludes comparable numbers equal to one of the values."""

    __slots__ = ("shown", "values")

    def __init__(self, values: Iterable[int], shown: str) -> None:
        self.values = frozenset(values)
        self.shown = shown

    def test(self, value: object) -> bool:
        number = number_of(value)
        return number is None or number not in self.values

    def describe(self) -> str:
        return f"anything-but {self.shown}"


def exact_for_string(text: str) -> Exact:
    """An exact string; IP addresses compare by address, as AWS turns them into ranges."""
    ip = ip_key(text)
    return Exact(ip if ip is not None else text, json.dumps(text))


def exact_for_number(text: str) -> Exact:
    number = comparable_number(text)
    return Exact(("num", number) if number is not None else ("numtext", text), text)


def exact_for_literal(text: str) -> Exact:
    """``true``, ``false`` or ``null`` in a pattern."""
    return Exact(_LITERAL_KEYS[text], text)


def _always(value: object) -> bool:
    return True


def _never(value: object) -> bool:
    return False


@lru_cache(maxsize=16384)
def _predicate(kind: str, *operands: Any) -> Test:
    """A matcher's test as a plain function of the scalar, shared by matchers with equal operands
    (a bus's rules repeat them), so many rules cost few functions."""
    if kind == "numeric":
        low, high = operands

        def numeric(value: object) -> bool:
            if type(value) is int and -_LIMIT <= value <= _LIMIT:  # type: ignore[operator]
                return low <= value * 1_000_000 <= high  # type: ignore[no-any-return,operator]
            number = number_of(value)
            return number is not None and low <= number <= high  # type: ignore[no-any-return]

        return numeric
    if kind == "cidr":
        family, low, high = operands

        def cidr(value: object) -> bool:
            if type(value) is not str:
                return False
            ip = ip_key(value)  # type: ignore[arg-type]
            return ip is not None and ip[1] == family and low <= ip[2] <= high  # type: ignore[no-any-return]

        return cidr
    if kind == "any":
        tests = operands

        def any_test(value: object) -> bool:
            for test in tests:  # noqa: SIM110 - a loop costs less than any() over a generator
                if test(value):
                    return True
            return False

        return any_test
    (operand,) = operands
    if kind == "string":
        return lambda value: type(value) is str and value == operand
    if kind == "key":
        return lambda value: key_of(value) == operand
    if kind == "strings":
        return lambda value: type(value) is str and value in operand
    if kind == "keys":
        return lambda value: key_of(value) in operand
    if kind == "prefix":
        return lambda value: type(value) is str and value.startswith(operand)  # type: ignore[attr-defined]
    if kind == "suffix":
        return lambda value: type(value) is str and value.endswith(operand)  # type: ignore[attr-defined]
    if kind == "lower string":
        return lambda value: type(value) is str and value.lower() == operand  # type: ignore[attr-defined]
    if kind == "lower prefix":
        return lambda value: type(value) is str and value.lower().startswith(operand)  # type: ignore[attr-defined]
    if kind == "lower suffix":
        return lambda value: type(value) is str and value.lower().endswith(operand)  # type: ignore[attr-defined]
    if kind == "wildcard":
        return lambda value: type(value) is str and operand.fullmatch(value) is not None
    if kind == "anything-but exact":
        return lambda value: type(value) is not str or value not in operand
    if kind == "anything-but ignore-case":
        return lambda value: type(value) is not str or value.lower() not in operand  # type: ignore[attr-defined]
    raise ValueError(kind)


def field_test(matchers: tuple[Matcher, ...]) -> Test:
    """Whether any of the field's matchers accepts a scalar, tried in order (as ``test`` would be,
    so an error a matcher raises surfaces at the same point), as one function."""
    if not matchers:
        return _never  # exists: false alone: no value satisfies it
    if len(matchers) == 1:
        return matchers[0].fast_test()
    keys = [m.key for m in matchers if isinstance(m, Exact)]
    if len(keys) == len(matchers):
        exact = frozenset(keys)
        return _predicate("strings" if all(type(key) is str for key in keys) else "keys", exact)
    return _predicate("any", *(m.fast_test() for m in matchers))
