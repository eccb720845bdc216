"""Value arithmetic of EventBridge patterns: comparable numbers and the keys of IP addresses.

EventBridge compares numbers as decimals between -5e9 and 5e9 with at most six digits after the
point (so 5, 5.0 and 5e0 are one number, and 0.1234567 is not a number it can compare); an IP
address is compared as its bytes, whatever its spelling (`engine.values.cidr` reads addresses and
blocks as SNS does too). These helpers give each value the one canonical form the matcher
compares, and raise with AWS's wording where a pattern is refused.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from engine.values import ip_address_bytes

__all__ = [
    "NUMBER_LIMIT",
    "PatternValueError",
    "comparable_number",
    "ip_key",
    "require_comparable",
]

#: The bounds of comparable numbers, in millionths (numbers are kept as integers of 1e-6 units).
NUMBER_LIMIT = 5_000_000_000 * 1_000_000

_DECIMAL = re.compile(r"(-?)([0-9]+)\.([0-9]+)")
_MILLION = Decimal(1_000_000)


class PatternValueError(ValueError):
    """A pattern value AWS refuses; the message is AWS's reason."""


def comparable_number(text: str) -> int | None:
    """The number in millionths, or None where EventBridge cannot compare it (range, precision)."""
    try:
        return require_comparable(text)
    except PatternValueError:
        return None


def require_comparable(text: str) -> int:
    """Like `comparable_number` but raising AWS's reason, for numbers written in a pattern."""
    if text.isdigit() and len(text) < 11:  # the common case: a small non-negative integer
        value = int(text)
        if value <= 5_000_000_000:
            return value * 1_000_000
        raise PatternValueError("Value must be between -5.0E9 and 5.0E9, inclusive")
    plain = _DECIMAL.fullmatch(text) if len(text) < 40 else None
    if plain is not None:  # a float's usual text (75.5): the arithmetic below, without Decimal
        sign, whole, fraction = plain.groups()
        fraction = fraction.rstrip("0")
        if len(fraction) > 6:
            raise PatternValueError("Only values upto 6 decimals are supported")
        value = int(whole) * 1_000_000 + (int(fraction.ljust(6, "0")) if fraction else 0)
        if value > NUMBER_LIMIT:
            raise PatternValueError("Value must be between -5.0E9 and 5.0E9, inclusive")
        return -value if sign else value
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise PatternValueError(f"Value of numeric must be a number: {text}") from exc
    if not number.is_finite():
        raise PatternValueError(f"Value of numeric must be a number: {text}")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6 and number != 0:
        raise PatternValueError("Only values upto 6 decimals are supported")
    if abs(number) > 5_000_000_000:
        raise PatternValueError("Value must be between -5.0E9 and 5.0E9, inclusive")
    return int(number * _MILLION)


@lru_cache(maxsize=4096)
def ip_key(text: str) -> tuple[str, int, int] | None:
    """``("ip", family bytes, value)`` for an IP address literal, else None.

    Strings that are IP addresses compare by address, so "10.0.0.1", "10.000.0.1" and
    "::ffff:a00:1" are equal as exact values and for CIDR blocks. Remembered: events carry the
    same few addresses.
    """
    if not text or not (text[0].isdigit() or ":" in text or text[0] in "abcdefABCDEF"):
        return None
    raw = ip_address_bytes(text)
    if raw is None:
        return None
    return ("ip", len(raw), int.from_bytes(raw, "big"))
