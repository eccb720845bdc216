"""The values a filter policy compares: message leaves, comparable numbers and IP addresses.

SNS compares a policy against the message the way its matching library does: every leaf value is
a JSON token (a string, a number written as the sender wrote it, ``true``/``false``/``null``),
numbers are also compared by value on a fixed-point scale, and strings that are IP address
literals are also compared as addresses. Those three representations, and their limits (numbers
between -1e9 and 1e9, six decimal digits kept), live here so the patterns and the compiler agree.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from engine.messaging.sns.filter_policy.errors import InvalidFilterPolicyError

#: SNS's numeric bound: numbers outside ±1e9 are not comparable by value (docs: -10^9 to 10^9).
NUMBER_LIMIT = 1e9
#: Fixed-point scale of comparable numbers (digits kept after the decimal point).
_SCALE = 1e6
NUMBER_RANGE_MESSAGE = "Value must be between -1.0E9 and 1.0E9, inclusive"

_IPV4_LIKE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6_LIKE = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")

#: Where a leaf sits inside the message's arrays: ``(array id, index)`` pairs, outermost first.
Membership = tuple[tuple[int, int], ...]


def comparable_number(value: float) -> int | None:
    """The fixed-point key two numbers are compared by, or ``None`` outside SNS's numeric range.

    Keys are computed in binary floating point exactly as the matching library does, so two
    numbers equal to six decimal places compare equal and rounding surprises match AWS's.
    """
    if not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        return None
    return int(_SCALE * (NUMBER_LIMIT + value))


def looks_like_ip(text: str) -> bool:
    """Whether the library would try ``text`` as an IP address (its shape test, not validity)."""
    return bool(_IPV4_LIKE.fullmatch(text) or _IPV6_LIKE.fullmatch(text))


def ip_address_bytes(text: str) -> bytes | None:
    """The address bytes of an IPv4/IPv6 literal (4 or 16 bytes), or ``None`` if it is not one.

    IPv4-mapped IPv6 addresses come back as 4 bytes, as Java's address parser returns them.
    """
    if _IPV4_LIKE.fullmatch(text):
        parts = [int(part) for part in text.split(".")]
        return bytes(parts) if all(part <= 255 for part in parts) else None
    if _IPV6_LIKE.fullmatch(text):
        try:
            address = ipaddress.IPv6Address(text)
        except ValueError:
            return None
        mapped = address.ipv4_mapped
        return mapped.packed if mapped is not None else address.packed
    return None


def cidr_bounds(text: str) -> tuple[bytes, bytes]:
    """The lowest and highest address a ``cidr`` pattern matches, refusing it as AWS does.

    The bottom is the address as written (host bits are not cleared) and the top sets the host
    bits, which is how AWS's library reads a CIDR block; ``/32`` and ``/128`` are refused.
    """
    parts = _java_split(text, "/")
    if len(parts) != 2:
        raise InvalidFilterPolicyError("Malformed CIDR, one '/' required")
    mask = _java_parse_int(parts[1])
    if mask is None:
        raise InvalidFilterPolicyError("Malformed CIDR, mask bits must be an integer")
    if mask < 0:
        raise InvalidFilterPolicyError("Malformed CIDR, mask bits must not be negative")
    if not looks_like_ip(parts[0]):
        raise InvalidFilterPolicyError(f"Nonstandard IP address: {parts[0]}")
    base = ip_address_bytes(parts[0])
    if base is None:
        raise InvalidFilterPolicyError(f"Invalid IP address: {parts[0]}")
    width = len(base) * 8
    if len(base) == 4 and mask > 31:
        raise InvalidFilterPolicyError("IPv4 mask bits must be < 32")
    if len(base) == 16 and mask > 127:
        raise InvalidFilterPolicyError("IPv6 mask bits must be < 128")
    host = (1 << (width - mask)) - 1
    top = (int.from_bytes(base, "big") | host).to_bytes(len(base), "big")
    return base, top


def _java_split(text: str, separator: str) -> list[str]:
    """``String.split`` as Java does it: trailing empty pieces are dropped."""
    parts = text.split(separator)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _java_parse_int(text: str) -> int | None:
    """``Integer.parseInt``: optional sign, decimal digits, within 32 bits; ``None`` if refused."""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    value = int(text)
    return value if -(2**31) <= value < 2**31 else None


@dataclass(frozen=True, slots=True)
class Leaf:
    """One value of the message as the matcher sees it.

    ``kind`` is ``string``, ``number``, ``true``, ``false`` or ``null``; ``text`` is the string's
    value or the literal as written; ``key`` the comparable number; ``ip`` the address bytes of a
    string that is an IP literal; ``membership`` where it sits in the message's arrays.
    """

    kind: str
    text: str
    key: int | None = None
    ip: bytes | None = None
    membership: Membership = field(default=())

    @classmethod
    def string(cls, text: str, membership: Membership = ()) -> Leaf:
        ip = ip_address_bytes(text) if looks_like_ip(text) else None
        return cls("string", text, ip=ip, membership=membership)

    @classmethod
    def number(cls, text: str, membership: Membership = ()) -> Leaf:
        try:
            key = comparable_number(float(text))
        except ValueError:
            key = None
        return cls("number", text, key=key, membership=membership)

    @classmethod
    def keyword(cls, value: bool | None, membership: Membership = ()) -> Leaf:
        kind = "null" if value is None else ("true" if value else "false")
        return cls(kind, kind, membership=membership)
