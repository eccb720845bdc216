"""The match patterns a compiled filter policy holds, each deciding one message leaf.

A policy property lists alternatives (``["a", {"prefix": "b"}]``); each alternative compiles to
one pattern here and the property matches when any pattern accepts any of the property's leaves.
The rules follow AWS's matching library: string operators never accept numbers or keywords (the
library compares quoted text), ``anything-but`` accepts every value that is not excluded
(numbers, ``null`` and ``true`` included), numeric operators only see numbers inside SNS's range,
and ``exists`` is decided from whether the property has any leaf at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.messaging.sns.filter_policy.values import Leaf
from engine.values import CidrBlock, ip_address_bytes, looks_like_ip


class Pattern:
    """One alternative of a policy property."""

    def matches(self, leaf: Leaf) -> bool:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class ExactString(Pattern):
    """``"value"``: the same string, or the same address when the value is an IP literal."""

    value: str
    ip: bytes | None = None

    @classmethod
    def of(cls, value: str) -> ExactString:
        return cls(value, ip_address_bytes(value) if looks_like_ip(value) else None)

    def matches(self, leaf: Leaf) -> bool:
        if leaf.kind != "string":
            return False
        return leaf.text == self.value or (self.ip is not None and leaf.ip == self.ip)


@dataclass(frozen=True, slots=True)
class ExactLiteral(Pattern):
    """A number, ``true``, ``false`` or ``null`` compared as written (``100`` is not ``100.0``)."""

    kind: str
    text: str

    def matches(self, leaf: Leaf) -> bool:
        return leaf.kind == self.kind and leaf.text == self.text


@dataclass(frozen=True, slots=True)
class NumericEquals(Pattern):
    """A number in the policy also matches any equal number (``301.5`` and ``3.015e2``)."""

    key: int

    def matches(self, leaf: Leaf) -> bool:
        return leaf.kind == "number" and leaf.key == self.key


@dataclass(frozen=True, slots=True)
class Prefix(Pattern):
    value: str

    def matches(self, leaf: Leaf) -> bool:
        return leaf.kind == "string" and leaf.text.startswith(self.value)


@dataclass(frozen=True, slots=True)
class Suffix(Pattern):
    value: str

    def matches(self, leaf: Leaf) -> bool:
        return leaf.kind == "string" and leaf.text.endswith(self.value)


@dataclass(frozen=True, slots=True)
class EqualsIgnoreCase(Pattern):
    value: str

    def matches(self, leaf: Leaf) -> bool:
        return leaf.kind == "string" and _fold(leaf.text) == _fold(self.value)


@dataclass(frozen=True, slots=True)
class AnythingBut(Pattern):
    """``anything-but`` a string list (``strings``) or a number list (``keys``): all else matches."""

    strings: frozenset[str] = frozenset()
    keys: frozenset[int] = frozenset()
    numeric: bool = False

    def matches(self, leaf: Leaf) -> bool:
        if self.numeric:
            return not (leaf.kind == "number" and leaf.key is not None and leaf.key in self.keys)
        return not (leaf.kind == "string" and leaf.text in self.strings)


@dataclass(frozen=True, slots=True)
class AnythingButPrefix(Pattern):
    value: str

    def matches(self, leaf: Leaf) -> bool:
        return not (leaf.kind == "string" and leaf.text.startswith(self.value))


@dataclass(frozen=True, slots=True)
class NumericRange(Pattern):
    """A numeric range on comparable keys; the library fills a missing bound with ±1e9."""

    bottom: int
    open_bottom: bool
    top: int
    open_top: bool

    def matches(self, leaf: Leaf) -> bool:
        if leaf.kind != "number" or leaf.key is None:
            return False
        above = leaf.key > self.bottom if self.open_bottom else leaf.key >= self.bottom
        below = leaf.key < self.top if self.open_top else leaf.key <= self.top
        return above and below


@dataclass(frozen=True, slots=True)
class CidrRange(Pattern):
    """A ``cidr`` block: strings that are addresses of the same family between the bounds."""

    block: CidrBlock

    def matches(self, leaf: Leaf) -> bool:
        return leaf.ip is not None and self.block.contains(leaf.ip)


@dataclass(frozen=True, slots=True)
class Exists(Pattern):
    """``exists``: decided by whether the property has leaves; any leaf satisfies ``true``."""

    present: bool

    def matches(self, leaf: Leaf) -> bool:
        return self.present


def _fold(text: str) -> str:
    return text.lower()
