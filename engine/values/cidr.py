"""IP addresses and CIDR blocks as AWS's matching library reads them, for EventBridge and SNS.

EventBridge event patterns and SNS filter policies are matched by the same library (event-ruler:
SNS refuses a bad ``cidr`` with event-ruler's exact words, as the conformance corpus records), so
both services read addresses one way and this module is that one way:

- A string is tried as an address only if it has the shape of one (four dot-separated digit runs,
  or hex digits and colons with at least one colon); anything else is plain text.
- An address is its bytes, whatever its spelling (``10.000.0.1`` is ``10.0.0.1``).
- An IPv4-mapped IPv6 address (``::ffff:a00:1``) *is* its IPv4 address: the library reads
  addresses with Java's ``InetAddress.getByName``, which returns an ``Inet4Address`` of 4 bytes
  for it. So it equals ``10.0.0.1``, falls in ``10.0.0.0/24``, and as a CIDR base it is an IPv4
  block whose mask must be under 32. The dotted spelling ``::ffff:10.0.0.1`` fails the shape test
  and is plain text. Neither AWS's documentation nor the recorded cases say otherwise.
- A ``cidr`` block's low end is the address as written (host bits are not cleared), its high end
  sets the host bits, and the mask must be under the address width (``/32`` and ``/128`` are
  refused), each refusal worded as AWS words it.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

__all__ = ["CidrBlock", "IpValueError", "ip_address_bytes", "looks_like_ip", "parse_cidr"]

_IPV4_LIKE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6_LIKE = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")
_JAVA_INT = re.compile(r"[+-]?[0-9]+")


class IpValueError(ValueError):
    """A ``cidr`` value AWS refuses; the message is AWS's reason, each service adds its own frame."""


class CidrBlock(NamedTuple):
    """The addresses a ``cidr`` value covers: ``size`` bytes (4 or 16), ``low``..``high`` inclusive."""

    size: int
    low: int
    high: int

    def contains(self, address: bytes) -> bool:
        """Whether an address (from `ip_address_bytes`) of the same family lies in the block."""
        return len(address) == self.size and self.low <= int.from_bytes(address, "big") <= self.high


def looks_like_ip(text: str) -> bool:
    """The library's shape test, applied before a string is treated as an address at all."""
    return bool(_IPV4_LIKE.fullmatch(text) or _IPV6_LIKE.fullmatch(text))


def ip_address_bytes(text: str) -> bytes | None:
    """The address bytes of an IP literal (4 or 16; IPv4-mapped IPv6 gives 4), else ``None``."""
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


def parse_cidr(text: str) -> CidrBlock:
    """The block a ``cidr`` value names, or `IpValueError` with AWS's reason, checked in AWS's order."""
    pieces = _java_split_slash(text)
    if len(pieces) != 2:
        raise IpValueError("Malformed CIDR, one '/' required")
    address, mask_text = pieces
    mask = _java_parse_int(mask_text)
    if mask is None:
        raise IpValueError("Malformed CIDR, mask bits must be an integer")
    if mask < 0:
        raise IpValueError("Malformed CIDR, mask bits must not be negative")
    if not looks_like_ip(address):
        raise IpValueError(f"Nonstandard IP address: {address}")
    raw = ip_address_bytes(address)
    if raw is None:
        raise IpValueError(f"Invalid IP address: {address}")
    width = len(raw) * 8
    if mask > width - 1:
        raise IpValueError(f"IPv{4 if width == 32 else 6} mask bits must be < {width}")
    low = int.from_bytes(raw, "big")
    return CidrBlock(len(raw), low, low | ((1 << (width - mask)) - 1))


def _java_split_slash(text: str) -> list[str]:
    """``text.split("/")`` as Java does it: trailing empty pieces are dropped."""
    parts = text.split("/")
    while parts and parts[-1] == "":
        parts.pop()
    return parts if text else [""]


def _java_parse_int(text: str) -> int | None:
    """``Integer.parseInt``: optional sign, decimal digits, within 32 bits; ``None`` if refused."""
    if not _JAVA_INT.fullmatch(text):
        return None
    value = int(text)
    return value if -(2**31) <= value < 2**31 else None
