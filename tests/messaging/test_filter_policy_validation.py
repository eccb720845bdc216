"""Filter-policy refusals: AWS's reasons, its wording per API, its locations and its limits.

Messages and columns below are AWS's, from the LocalStack snapshots recorded against AWS in 2024
(several are beyond the 90-case corpus); the limits follow the SNS developer guide and the same
recordings (e.g. 152 combinations refused, exactly 150 accepted).
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.messaging.sns import InvalidFilterPolicyError, validate_filter_policy


def refusal(policy: Any, scope: str = "MessageAttributes") -> InvalidFilterPolicyError:
    with pytest.raises(InvalidFilterPolicyError) as caught:
        validate_filter_policy(policy, scope)
    return caught.value


@pytest.mark.parametrize(
    ("policy", "reason", "column"),
    [
        ({"key": [["value"]]}, "Match value must be String, number, true, false, or null", 10),
        ({"key": []}, "Empty arrays are not allowed", 10),
        ({"key": "value"}, '"key" must be an object or an array', 9),
        ({"key": [{"wrong-operator": True}]}, "Unrecognized match type wrong-operator", 31),
        ({"key": [{"suffix": "value", "prefix": "value2"}]}, "Only one key allowed in match expression", 37),
        ({"key": [{"suffix": 100}]}, "suffix match pattern must be a string", 22),
        ({"key": [{"equals-ignore-case": None}]}, "equals-ignore-case match pattern must be a string", 35),
        ({"key": [{"numeric": []}]}, "Invalid member in numeric match: ]", 22),
        ({"key": [{"numeric": ["operator"]}]}, "Unrecognized numeric range operator: operator", 32),
        ({"key": [{"numeric": [1, "<="]}]}, "Invalid member in numeric match: 1", 22),
        ({"key": [{"numeric": ["=", "000"]}]}, "Value of equals must be numeric", 26),
        ({"key": [{"numeric": [">="]}]}, "Value of >= must be numeric", 26),
        ({"key": [{"numeric": ["<", 100, ">", 10]}]}, "Too many elements in numeric expression", 30),
        ({"key": [{"numeric": [">=", 1, ">", 2]}]}, "Bad numeric range operator: >", 31),
        ({"key": [{"numeric": [">", 3, "<", 1]}]}, "Bottom must be less than top", 33),
        ({"key": [{"numeric": [">", 20, "<="]}]}, "Value of <= must be numeric", 33),
        ({"key": [{"numeric": [">", 20, 30]}]}, "Bad value in numeric range: 30", 30),
        ({"key": [{"numeric": [">", 20, "test"]}]}, "Bad numeric range operator: test", 34),
        (
            {"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]},
            "Too many terms in numeric range expression",
            36,
        ),
        ({"key": [{"numeric": "5"}]}, "Value of numeric must be an array.", 21),
        ({"key": [{"exists": None}]}, "exists match pattern must be either true or false.", 23),
        ({"key": [{"exists": "no"}]}, "exists match pattern must be either true or false.", 20),
        (
            {"key": [{"anything-but": {"wrong-operator": None}}]},
            "Unsupported anything-but pattern: wrong-operator",
            47,
        ),
        ({"key": [{"anything-but": {"exists": False}}]}, "Unsupported anything-but pattern: exists", 40),
        ({"key": [{"anything-but": {"prefix": False}}]}, "prefix match pattern must be a string", 40),
        (
            {"key": [{"anything-but": [1, "a"]}]},
            "Inside anything but list, either all values are number or string, mixed type is not supported",
            32,
        ),
        (
            {"key": [{"anything-but": [None]}]},
            "Inside anything but list, start|null|boolean is not supported.",
            30,
        ),
        (
            {"key": [{"anything-but": True}]},
            "Value of anything-but must be an array or single string/number value.",
            29,
        ),
        ({"key": [{"cidr": ["bad-filter"]}]}, "prefix match pattern must be a string", 18),
        ({"key": [{}]}, "Match expression name not found", 11),
        ({}, "Empty objects are not allowed", 3),
        ([1], "Filter is not an object", 2),
    ],
)
def test_refusals_are_worded_and_located_as_aws_does(policy: Any, reason: str, column: int) -> None:
    error = refusal(policy)
    assert error.reason == reason
    assert error.column == column
    assert str(error) == f"Invalid parameter: FilterPolicy: {reason}"


def test_anything_but_suffix_is_refused_as_aws_did_when_recorded() -> None:
    # The SNS of the recordings (2024) took anything-but with prefix only.
    error = refusal({"key": [{"anything-but": {"suffix": "test"}}]})
    assert error.reason == "Unsupported anything-but pattern: suffix"
    assert error.column == 36
    assert refusal({"key": [{"anything-but": {"equals-ignore-case": "x"}}]}).reason == (
        "Unsupported anything-but pattern: equals-ignore-case"
    )


def test_operators_sns_does_not_have_are_unrecognized() -> None:
    assert refusal({"key": [{"wildcard": "a*"}]}).reason == "Unrecognized match type wildcard"


@pytest.mark.parametrize(
    ("cidr", "reason"),
    [
        ("bad-filter/64", "Nonstandard IP address: bad-filter"),
        ("bad-/64filter", "Malformed CIDR, mask bits must be an integer"),
        ("xx.11.xx/8", "Nonstandard IP address: xx.11.xx"),
        ("xxxx:db8:1234:1a00::/64", "Nonstandard IP address: xxxx:db8:1234:1a00::"),
        ("10.0.0.0", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/-1", "Malformed CIDR, mask bits must not be negative"),
        ("10.0.0.0/32", "IPv4 mask bits must be < 32"),
        ("2001:db8::/128", "IPv6 mask bits must be < 128"),
        ("10.0.0.256/24", "Invalid IP address: 10.0.0.256"),
    ],
)
def test_cidr_refusals_carry_no_location(cidr: str, reason: str) -> None:
    error = refusal({"key": [{"cidr": cidr}]})
    assert error.reason == reason
    assert error.raw_message == error.message  # AWS adds no location line to these


def test_numbers_outside_the_range_are_refused_in_operators() -> None:
    assert (
        refusal({"k": [{"numeric": ["=", 2e9]}]}).reason
        == "Value must be between -1.0E9 and 1.0E9, inclusive"
    )
    assert refusal({"k": [{"numeric": [">", 2e9]}]}).reason == "Bottom must be less than top"
    assert (
        refusal({"k": [{"anything-but": [5e9]}]}).reason
        == "Value must be between -1.0E9 and 1.0E9, inclusive"
    )
    validate_filter_policy({"k": [123456789012]})  # as a plain value it is only compared as written


def test_wording_per_api_and_raw_message() -> None:
    error = refusal('{"key": [{"suffix": 100}]}')
    assert error.message_for("Subscribe") == (
        "Invalid parameter: Attributes Reason: FilterPolicy: suffix match pattern must be a string"
    )
    assert error.raw_message == (
        "Invalid parameter: FilterPolicy: suffix match pattern must be a string\n"
        ' at [Source: (String)"{"key":[{"suffix":100}]}"; line: 1, column: 22]'
    )
    assert error.code == "InvalidParameter"
    assert error.to_dict()["Code"] == "InvalidParameter"


def test_long_sources_are_truncated_like_jackson() -> None:
    error = refusal({"key": ["x" * 600, {"bad": 1}]})
    assert '"[truncated ' in error.raw_message
    assert error.raw_message.endswith(" chars]; line: 1, column: 620]")


def test_key_limit_counts_top_level_keys() -> None:
    six = {f"key{i}": [f"value{i}"] for i in range(6)}
    assert refusal(six).reason == "Filter policy can not have more than 5 keys"
    assert (
        refusal(six, "MessageBody").message
        == "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
    )
    validate_filter_policy(
        {"a": {f"k{i}": ["v"] for i in range(6)}}, "MessageBody"
    )  # nested keys do not count


def test_combination_limit() -> None:
    assert refusal({"key": [f"v{i}" for i in range(151)]}).reason == "Filter policy is too complex"
    validate_filter_policy({"key": [f"v{i}" for i in range(150)]})
    assert refusal({"a": [f"v{i}" for i in range(100)], "b": [f"v{i}" for i in range(2)]}).reason == (
        "Filter policy is too complex"
    )


def test_combination_limit_weighs_nesting_depth() -> None:
    # AWS's own example: (3 levels x 4 values) x (2 x 3) x (1 x 3) = 216 > 150, although 4 x 3 x 3 = 36.
    nested = {
        "key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
        "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
        "key_f": ["value_one", "value_two", "value_three"],
    }
    assert refusal(nested, "MessageBody").reason == "Filter policy is too complex"


def test_combination_limit_sums_or_alternatives() -> None:
    def policy(space_ids: int, sources: int) -> dict[str, Any]:
        return {
            "source": [f"s{i}" for i in range(sources)],
            "$or": [
                {"metricName": [f"m{i}" for i in range(6)]},
                {
                    "metricType": ["a", "b", "c", "d"],
                    "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": list(range(space_ids))}],
                },
            ],
        }

    validate_filter_policy(policy(space_ids=7, sources=3))  # 18 + 48 + 84 = 150
    assert refusal(policy(space_ids=4, sources=4)).reason == "Filter policy is too complex"  # 24 + 64 + 64


def test_nested_policies_need_the_message_body_scope() -> None:
    nested = {"object": {"key": [{"prefix": "auto-"}]}}
    error = refusal(nested)
    assert error.message == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
    )
    validate_filter_policy(nested, "MessageBody")


def test_syntax_is_checked_before_nesting() -> None:
    assert refusal({"key": {"suffix": "value"}}).reason == '"suffix" must be an object or an array'


def test_unknown_scope_is_refused() -> None:
    error = refusal({"a": ["b"]}, "Body")
    assert error.message == (
        "Invalid parameter: FilterPolicyScope: Invalid value [Body]. "
        "Please use either MessageBody or MessageAttributes"
    )


def test_policy_text_that_is_not_json_is_refused() -> None:
    assert refusal('{"a": [').code == "InvalidParameter"
    assert refusal('{"a": [NaN]}').code == "InvalidParameter"
