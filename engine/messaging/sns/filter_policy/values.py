"""The values a filter policy compares: message leaves and comparable numbers.

SNS compares a policy against the message the way its matching library does: every leaf value is
a JSON token (a string, a number written as the sender wrote it, ``true``/``false``/``null``),
numbers are also compared by value on a fixed-point scale, and strings that are IP address
literals are also compared as addresses (read by `engine.values.cidr`, as EventBridge reads
them). Those representations, and SNS's numeric limits (numbers between -1e9 and 1e9, six decimal
digits kept), live here so the patterns and the compiler agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.values import ip_address_bytes, looks_like_ip

#: SNS's numeric bound: numbers outside ±1e9 are not comparable by value (docs: -10^9 to 10^9).
NUMBER_LIMIT = 1e9
#: Fixed-point scale of comparable numbers (digits kept after the decimal point).
_SCALE = 1e6
NUMBER_RANGE_MESSAGE = "Value must be between -1.0E9 and 1.0E9, inclusive"

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
