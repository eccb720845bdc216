"""IP addresses and CIDR blocks, read one way for EventBridge patterns and SNS filter policies.

Both services run the same matching library (event-ruler), which reads an address with Java's
``InetAddress.getByName``: an IPv4-mapped IPv6 address comes back as the 4-byte IPv4 address.
So ``::ffff:a00:1`` is ``10.0.0.1`` to both services, as an event or message value and as the
base of a ``cidr`` block, and the dotted spelling ``::ffff:10.0.0.1`` is not an address at all
(it fails the library's shape test). Each case below is checked against both services.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from engine.bus.pattern import InvalidEventPatternError, RuleSet, test_event_pattern
from engine.messaging.sns import InvalidFilterPolicyError, test_filter_policy
from engine.values import CidrBlock, IpValueError, ip_address_bytes, looks_like_ip, parse_cidr

_ENVELOPE = {
    "id": "1",
    "source": "test-source",
    "detail-type": "test-detail-type",
    "account": "123456789012",
    "region": "us-east-2",
    "time": "2022-07-13T13:48:01Z",
}


def eventbridge_matches(condition: Any, value: str) -> bool:
    pattern = {"detail": {"ip": [condition]}}
    return test_event_pattern(json.dumps(pattern), json.dumps({**_ENVELOPE, "detail": {"ip": value}}))


def sns_matches(condition: Any, value: str) -> bool:
    return test_filter_policy({"ip": [condition]}, json.dumps({"ip": value}), scope="MessageBody")


SERVICES = [pytest.param(eventbridge_matches, id="eventbridge"), pytest.param(sns_matches, id="sns")]


@pytest.mark.parametrize("matches", SERVICES)
@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ({"cidr": "10.0.0.0/24"}, "::ffff:a00:1", True),
        ({"cidr": "10.0.0.0/24"}, "0:0:0:0:0:ffff:0a00:00ff", True),
        ({"cidr": "10.0.0.0/24"}, "::ffff:a00:100", False),
        ({"cidr": "10.0.0.0/24"}, "::ffff:10.0.0.1", False),
        ({"cidr": "::ffff:a00:0/24"}, "10.0.0.7", True),
        ({"cidr": "::ffff:a00:0/24"}, "::ffff:a00:7", True),
        ({"cidr": "::/8"}, "::ffff:a00:1", False),
        ({"cidr": "::/8"}, "::1", True),
        ("10.0.0.1", "::ffff:a00:1", True),
        ("::ffff:a00:1", "10.0.0.1", True),
        ("10.0.0.1", "::ffff:10.0.0.1", False),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1", True),
    ],
)
def test_an_ipv4_mapped_address_is_its_ipv4_address(
    matches: Any, condition: Any, value: str, expected: bool
) -> None:
    assert matches(condition, value) is expected


def test_a_bus_rule_set_reads_mapped_addresses_as_test_event_pattern_does() -> None:
    rules = RuleSet(
        {
            "exact": {"ip": ["10.0.0.1"]},
            "block": {"ip": [{"cidr": "10.0.0.0/24"}]},
            "v6": {"ip": [{"cidr": "::/8"}]},
            "text": {"ip": ["::ffff:10.0.0.1"]},
        }
    )
    assert sorted(rules.matches({"ip": "::ffff:a00:1"})) == ["block", "exact"]
    assert sorted(rules.matches({"ip": "::1"})) == ["v6"]
    assert sorted(rules.matches({"ip": "::ffff:10.0.0.1"})) == ["text"]


@pytest.mark.parametrize(
    ("cidr", "reason"),
    [
        ("::ffff:a00:0/104", "IPv4 mask bits must be < 32"),
        ("::ffff:10.0.0.0/104", "Nonstandard IP address: ::ffff:10.0.0.0"),
        ("10.0.0.0/2147483648", "Malformed CIDR, mask bits must be an integer"),
        ("10.0.0.0/+8x", "Malformed CIDR, mask bits must be an integer"),
        ("10.0.0.0/-1", "Malformed CIDR, mask bits must not be negative"),
        ("10.0.0.0/32", "IPv4 mask bits must be < 32"),
        ("::/128", "IPv6 mask bits must be < 128"),
        ("10.0.0.256/8", "Invalid IP address: 10.0.0.256"),
        ("1:2:3/8", "Invalid IP address: 1:2:3"),
        ("10.0.0.0", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/8/1", "Malformed CIDR, one '/' required"),
    ],
)
def test_both_services_refuse_a_block_with_the_same_reason(cidr: str, reason: str) -> None:
    with pytest.raises(IpValueError, match=f"^{re.escape(reason)}$"):
        parse_cidr(cidr)
    with pytest.raises(InvalidEventPatternError) as pattern_refusal:
        test_event_pattern(json.dumps({"a": [{"cidr": cidr}]}), json.dumps({**_ENVELOPE, "a": "x"}))
    assert pattern_refusal.value.reason == reason
    with pytest.raises(InvalidFilterPolicyError) as policy_refusal:
        test_filter_policy({"a": [{"cidr": cidr}]}, "{}")
    assert policy_refusal.value.reason == reason


def test_a_block_keeps_the_address_as_written_as_its_low_end() -> None:
    block = parse_cidr("10.0.0.9/24")
    assert block == CidrBlock(4, 0x0A000009, 0x0A0000FF)
    assert parse_cidr("10.0.0.9/24//") == block  # Java's split drops trailing empty pieces
    assert block.contains(bytes([10, 0, 0, 9])) and not block.contains(bytes([10, 0, 0, 8]))
    assert not block.contains(bytes(16))  # another family never matches


def test_addresses_are_read_whatever_their_spelling() -> None:
    assert ip_address_bytes("10.000.0.1") == bytes([10, 0, 0, 1])
    assert ip_address_bytes("::FFFF:A00:1") == bytes([10, 0, 0, 1])
    assert ip_address_bytes("::a00:1") == bytes(12) + bytes([10, 0, 0, 1])  # IPv4-compatible stays v6
    assert ip_address_bytes("2001:db8::1") is not None and len(ip_address_bytes("2001:db8::1") or b"") == 16
    assert ip_address_bytes("::ffff:10.0.0.1") is None
    assert not looks_like_ip("::ffff:10.0.0.1") and not looks_like_ip("host.example")
