"""Each filter-policy operator on its own, in both scopes, so a regression names its rule.

The corpus measures the whole against AWS; these pin the individual behaviours it rests on
(several of them, such as ``anything-but`` accepting numbers and ``null``, or the array-element
rule for bodies, are easy to get subtly wrong).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.messaging.sns import (
    InvalidFilterPolicyError,
    compile_filter_policy,
    test_filter_policy,
    validate_filter_policy,
)


def s(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def n(value: str) -> dict[str, str]:
    return {"DataType": "Number", "StringValue": value}


def arr(*values: Any) -> dict[str, str]:
    return {"DataType": "String.Array", "StringValue": json.dumps(list(values))}


def attrs_match(policy: dict[str, Any], **attributes: dict[str, str]) -> bool:
    return test_filter_policy(policy, "msg", attributes)


def body_match(policy: dict[str, Any], body: Any) -> bool:
    return test_filter_policy(
        policy, json.dumps(body) if not isinstance(body, str) else body, scope="MessageBody"
    )


def test_not_collected_by_pytest() -> None:
    assert test_filter_policy.__test__ is False  # type: ignore[attr-defined]


# -- exact values ---------------------------------------------------------------------------------


def test_exact_string_is_case_sensitive_and_any_listed_value_matches() -> None:
    policy = {"sport": ["rugby", "tennis"]}
    assert attrs_match(policy, sport=s("tennis"))
    assert not attrs_match(policy, sport=s("Rugby"))
    assert not attrs_match(policy, sport=s("baseball"))


def test_string_array_matches_when_any_element_matches() -> None:
    policy = {"sport": ["rugby"]}
    assert attrs_match(policy, sport=arr("soccer", "rugby"))
    assert not attrs_match(policy, sport=arr("soccer", "hockey"))
    assert not attrs_match(policy, sport=arr())


def test_exact_number_matches_by_value_and_only_numbers() -> None:
    policy = {"price": [301.5]}
    assert attrs_match(policy, price=n("301.5"))
    assert attrs_match(policy, price=n("3.015e2"))
    assert not attrs_match(policy, price=s("301.5"))  # a String attribute is not a number
    assert body_match(policy, {"price": 301.50})
    assert not body_match(policy, {"price": "301.5"})


def test_string_value_never_matches_a_number() -> None:
    assert not attrs_match({"n": ["99"]}, n=n("99"))


def test_numbers_beyond_the_range_match_only_as_written() -> None:
    policy = {"account": [123456789012]}
    assert body_match(policy, {"account": 123456789012})
    assert not body_match(policy, {"account": 123456789012.0})


def test_keywords_true_false_null() -> None:
    assert body_match({"flag": [True]}, {"flag": True})
    assert not body_match({"flag": [True]}, {"flag": "true"})
    assert body_match({"gone": [None]}, {"gone": None})
    assert not body_match({"gone": [None]}, {"gone": "null"})
    assert not attrs_match({"gone": [None]}, other=s("x"))  # absent is not null
    assert attrs_match({"flag": [False]}, flag=arr(False))


def test_ip_literal_values_compare_as_addresses() -> None:
    assert body_match({"ip": ["2001:db8::1"]}, {"ip": "2001:0db8:0000:0000:0000:0000:0000:0001"})
    assert not body_match({"ip": ["10.0.0.1"]}, {"ip": "10.0.0.2"})


# -- string operators ------------------------------------------------------------------------------


def test_prefix() -> None:
    policy = {"interest": [{"prefix": "bas"}]}
    assert attrs_match(policy, interest=s("baseball"))
    assert attrs_match(policy, interest=arr("rugby", "basketball"))
    assert not attrs_match(policy, interest=s("rugby"))
    assert not body_match({"code": [{"prefix": "12"}]}, {"code": 123})  # strings only


def test_suffix() -> None:
    policy = {"file": [{"suffix": ".png"}]}
    assert attrs_match(policy, file=s("cat.png"))
    assert not attrs_match(policy, file=s("cat.png.bak"))


def test_equals_ignore_case() -> None:
    policy = {"state": [{"equals-ignore-case": "Ready"}]}
    assert attrs_match(policy, state=s("READY"))
    assert attrs_match(policy, state=s("ready"))
    assert not attrs_match(policy, state=s("readyish"))


def test_cidr_ipv4_and_ipv6() -> None:
    v4 = {"ip": [{"cidr": "10.0.0.0/24"}]}
    assert attrs_match(v4, ip=s("10.0.0.255"))
    assert not attrs_match(v4, ip=s("10.0.1.0"))
    assert not attrs_match(v4, ip=s("10.0.0.256"))  # not an address at all
    assert not body_match(v4, {"ip": 10})
    v6 = {"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}
    assert body_match(v6, {"ip": "2001:0db8:1234:1a00:0000:0000:0000:0001"})
    assert not body_match(v6, {"ip": "2001:db8:1234:1a01::"})
    assert not body_match(v6, {"ip": "10.0.0.1"})  # other family


def test_cidr_keeps_the_written_base_address() -> None:
    # AWS's library does not clear host bits: 10.0.0.5/24 covers 10.0.0.5-10.0.0.255 only.
    policy = {"ip": [{"cidr": "10.0.0.5/24"}]}
    assert attrs_match(policy, ip=s("10.0.0.200"))
    assert not attrs_match(policy, ip=s("10.0.0.1"))


# -- anything-but ----------------------------------------------------------------------------------


def test_anything_but_single_string_and_list() -> None:
    assert attrs_match({"sport": [{"anything-but": "rugby"}]}, sport=s("tennis"))
    assert not attrs_match({"sport": [{"anything-but": "rugby"}]}, sport=s("rugby"))
    policy = {"sport": [{"anything-but": ["rugby", "tennis"]}]}
    assert attrs_match(policy, sport=s("football"))
    assert not attrs_match(policy, sport=s("tennis"))
    assert attrs_match(policy, sport=arr("rugby", "baseball"))  # one element is not excluded
    assert not attrs_match(policy, sport=arr("rugby", "tennis"))


def test_anything_but_numbers() -> None:
    policy = {"price": [{"anything-but": [100, 500]}]}
    assert attrs_match(policy, price=n("101"))
    assert attrs_match(policy, price=n("100.1"))
    assert not attrs_match(policy, price=n("100"))
    assert not attrs_match(policy, price=n("1e2"))
    assert attrs_match(policy, price=arr(100, 50))
    assert body_match({"x": [{"anything-but": 0}]}, {"x": 789})


def test_anything_but_accepts_other_types_and_null_but_not_absence() -> None:
    policy = {"state": [{"anything-but": "initializing"}]}
    assert body_match(policy, {"state": None})
    assert body_match(policy, {"state": 12})
    assert not body_match(policy, {"other": "x"})
    assert not attrs_match(policy, other=s("x"))


def test_anything_but_prefix() -> None:
    policy = {"event": [{"anything-but": {"prefix": "order-"}}]}
    assert attrs_match(policy, event=s("data-entry"))
    assert not attrs_match(policy, event=s("order-placed"))
    assert body_match(policy, {"event": 12})


# -- numeric ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        (["=", 301.5], "301.5", True),
        (["=", 301.5], "301.50001", False),
        (["<", 0], "-0.5", True),
        (["<", 0], "0", False),
        (["<=", 0], "0", True),
        ([">", 0, "<=", 150], "150", True),
        ([">", 0, "<=", 150], "0", False),
        ([">=", 0, "<", 150], "0", True),
        ([">=", 0, "<", 150], "150", False),
        ([">", 10], "1e9", True),
        ([">", 10], "1.5e9", False),  # beyond SNS's numeric range: not comparable
    ],
)
def test_numeric_conditions(condition: list[Any], value: str, expected: bool) -> None:
    assert attrs_match({"price": [{"numeric": condition}]}, price=n(value)) is expected


def test_numeric_ignores_strings_and_compares_to_six_decimals() -> None:
    assert not attrs_match({"p": [{"numeric": [">", 0]}]}, p=s("5"))
    assert body_match({"p": [{"numeric": ["=", 0.1234567]}]}, {"p": 0.1234561})
    assert not body_match({"p": [{"numeric": ["=", 0.12345]}]}, {"p": 0.12346})


def test_numeric_on_string_array_elements() -> None:
    assert attrs_match({"p": [{"numeric": [">", 100]}]}, p=arr(5, 500))


# -- exists ----------------------------------------------------------------------------------------


def test_exists_true_and_false() -> None:
    assert attrs_match({"store": [{"exists": True}]}, store=n("99"))
    assert not attrs_match({"store": [{"exists": True}]}, other=s("x"))
    assert attrs_match({"store": [{"exists": False}]}, other=s("x"))
    assert not attrs_match({"store": [{"exists": False}]}, store=s("x"))


def test_exists_false_needs_at_least_one_attribute() -> None:
    assert not test_filter_policy({"store": [{"exists": False}]}, "msg", {})
    assert not test_filter_policy({"store": [{"exists": False}]}, "msg", None)


def test_exists_combined_with_values_is_an_or() -> None:
    policy = {"kind": [{"anything-but": ["roses"]}, {"exists": False}]}
    assert body_match(policy, {"other": 1})
    assert body_match(policy, {"kind": "tulips"})
    assert not body_match(policy, {"kind": "roses"})


def test_exists_on_body_leaves_only() -> None:
    assert body_match({"a": {"b": [{"exists": True}]}}, {"a": {"b": "x"}})
    assert not body_match({"a": [{"exists": True}]}, {"a": {"b": "x"}})  # not a leaf
    assert not body_match({"a": [{"exists": True}]}, {"a": [], "z": 1})  # empty array: no value


def test_binary_attributes_are_ignored() -> None:
    binary = {"DataType": "Binary", "BinaryValue": b"\x00"}
    assert not test_filter_policy({"blob": [{"exists": True}]}, "msg", {"blob": binary, "x": s("1")})


# -- AND / OR --------------------------------------------------------------------------------------


def test_and_across_keys() -> None:
    policy = {"sport": ["rugby"], "price": [{"numeric": [">", 100]}]}
    assert attrs_match(policy, sport=s("rugby"), price=n("101"))
    assert not attrs_match(policy, sport=s("rugby"), price=n("99"))
    assert not attrs_match(policy, sport=s("rugby"))


def test_or_operator() -> None:
    policy = {"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPU"]}, {"namespace": ["AWS/EC2"]}]}
    assert attrs_match(policy, source=s("aws.cloudwatch"), metricName=s("CPU"))
    assert attrs_match(policy, source=s("aws.cloudwatch"), namespace=s("AWS/EC2"))
    assert not attrs_match(policy, source=s("aws.cloudwatch"), namespace=s("AWS/ES"))
    assert not attrs_match(policy, metricName=s("CPU"))
    assert len(compile_filter_policy(policy).rules) == 2  # type: ignore[union-attr]


def test_or_that_is_not_an_or_is_an_ordinary_key() -> None:
    # One object (or a reserved name inside) makes "$or" a property name, as AWS documents.
    assert attrs_match({"$or": ["x"]}, **{"$or": s("x")})
    with pytest.raises(InvalidFilterPolicyError, match="Unrecognized match type a"):
        validate_filter_policy({"$or": [{"a": ["1"]}]})  # a single object
    with pytest.raises(InvalidFilterPolicyError, match="prefix match pattern must be a string"):
        validate_filter_policy({"$or": [{"prefix": ["x"]}, {"b": ["1"]}]})  # a reserved name


def test_nested_or_in_body() -> None:
    policy = {"detail": {"scope": ["Service"], "$or": [{"source": ["aws.cw"]}, {"type": ["Alarm"]}]}}
    assert body_match(policy, {"detail": {"scope": "Service", "type": "Alarm"}})
    assert not body_match(policy, {"detail": {"scope": "Other", "type": "Alarm"}})


# -- message body ----------------------------------------------------------------------------------


def test_body_nesting_and_dotted_keys_are_the_same_path() -> None:
    policy = {"object.nested": ["v"]}
    assert body_match(policy, {"object": {"nested": "v"}})
    assert body_match(policy, {"object.nested": "v"})
    assert body_match({"object": {"nested": ["v"]}}, {"object.nested": "v"})


def test_body_arrays_match_any_element_including_arrays_of_objects() -> None:
    assert body_match({"tags": ["b"]}, {"tags": ["a", "b"]})
    assert body_match({"r": {"key": ["k"]}}, {"r": [{"key": "x"}, {"key": "k"}]})
    assert body_match({"r": {"key": ["k"]}}, {"r": [[{"key": "k"}]]})


def test_body_conditions_on_one_array_must_hold_in_the_same_element() -> None:
    policy = {"Records": {"name": [{"prefix": "Created"}], "key": [{"prefix": "auto-"}]}}
    same = {"Records": [{"name": "Created:Put", "key": "auto-1"}]}
    split = {"Records": [{"name": "Removed", "key": "auto-1"}, {"name": "Created:Put", "key": "home-1"}]}
    assert body_match(policy, same)
    assert not body_match(policy, split)


@pytest.mark.parametrize("body", ["plain text", '"a JSON string"', "[1, 2]", "{}", "{not json"])
def test_body_that_is_not_a_json_object_is_never_delivered(body: str) -> None:
    assert not body_match({"a": [{"exists": False}]}, body)


def test_no_policy_delivers_everything() -> None:
    assert test_filter_policy(None, "anything")
    assert test_filter_policy("", "anything", scope="MessageBody")
    assert compile_filter_policy("") is None


def test_policy_text_with_repeated_keys_keeps_the_last() -> None:
    wire = '{"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}'
    assert attrs_match(json.loads(wire), location=s("eu-central-1"))
    assert test_filter_policy(wire, "m", {"location": s("eu-central-1")})


def test_compiled_policy_is_reusable() -> None:
    compiled = compile_filter_policy({"a": ["1"]}, "MessageBody")
    assert compiled is not None
    assert compiled.matches('{"a": "1"}')
    assert not compiled.matches('{"a": "2"}')
