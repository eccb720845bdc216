"""Value arithmetic of EventBridge patterns: comparable numbers, IP addresses and CIDR blocks.

EventBridge compares numbers as decimals between -5e9 and 5e9 with at most six digits after the
point (so 5, 5.0 and 5e0 are one number, and 0.1234567 is not a number it can compare); an IP
address is compared as its bytes, whatever its spelling. These helpers give each value the one
canonical form the matcher compares, and raise with AWS's wording where a pattern is refused.
"""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "NUMBER_LIMIT",
    "JsonNumber",
    "PatternValueError",
    "cidr_range",
    "comparable_number",
    "ip_key",
    "looks_like_ip",
    "require_comparable",
]

#: The bounds of comparable numbers, in millionths (numbers are kept as integers of 1e-6 units).
NUMBER_LIMIT = 5_000_000_000 * 1_000_000

_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6 = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")
_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"(-?)([0-9]+)\.([0-9]+)")
_MILLION = Decimal(1_000_000)


class JsonNumber(str):
    """A JSON number kept as its text (events parsed from text hand numbers over as this type)."""

    __slots__ = ()


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


def looks_like_ip(text: str) -> bool:
    """The cheap shape test AWS applies before treating a string as an IP address."""
    return bool(_IPV4.fullmatch(text) or _IPV6.fullmatch(text))


def _ip_bytes(text: str) -> bytes | None:
    if _IPV4.fullmatch(text):
        parts = [int(p) for p in text.split(".")]
        if any(p > 255 for p in parts):
            return None
        return bytes(parts)
    if _IPV6.fullmatch(text):
        try:
            return ipaddress.IPv6Address(text).packed
        except ValueError:
            return None
    return None


@lru_cache(maxsize=4096)
def ip_key(text: str) -> tuple[str, int, int] | None:
    """``("ip", family bytes, value)`` for an IP address literal, else None.

    Strings that are IP addresses compare by address, so "10.0.0.1" and "10.000.0.1" are equal
    as exact values and for CIDR blocks. Remembered: events carry the same few addresses.
    """
    if not text or not (text[0].isdigit() or ":" in text or text[0] in "abcdefABCDEF"):
        return None
    raw = _ip_bytes(text)
    if raw is None:
        return None
    return ("ip", len(raw), int.from_bytes(raw, "big"))


def _java_split_slash(text: str) -> list[str]:
    """``text.split("/")`` as Java does it: trailing empty pieces are dropped."""
    parts = text.split("/")
    while parts and parts[-1] == "":
        parts.pop()
    return parts if text else [""]


def cidr_range(text: str) -> tuple[int, int, int]:
    """``(family bytes, low, high)`` of a ``cidr`` pattern, raising AWS's reasons.

    As in AWS, the low end is the address as written (host bits are not cleared) and the mask
    must be under the address width (a /32 IPv4 block is refused).
    """
    pieces = _java_split_slash(text)
    if len(pieces) != 2:
        raise PatternValueError("Malformed CIDR, one '/' required")
    address, mask_text = pieces
    if not _INT.fullmatch(mask_text):
        raise PatternValueError("Malformed CIDR, mask bits must be an integer")
    mask = int(mask_text)
    if mask < 0:
        raise PatternValueError("Malformed CIDR, mask bits must not be negative")
    if not looks_like_ip(address):
        raise PatternValueError(f"Nonstandard IP address: {address}")
    raw = _ip_bytes(address)
    if raw is None:
        raise PatternValueError(f"Invalid IP address: {address}")
    width = len(raw) * 8
    if mask > width - 1:
        raise PatternValueError(f"IPv{4 if width == 32 else 6} mask bits must be < {width}")
    low = int.from_bytes(raw, "big")
    high = low | ((1 << (width - mask)) - 1)
    return (len(raw), low, high)
