"""Definitions AWS refuses that once validated: repeated template fields, a value given with its
Path twice over, and Fail paths calling intrinsics that cannot return a string."""

from __future__ import annotations

from typing import Any

import pytest

from engine import validate


def _errors(definition: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(d.message, d.location) for d in validate(definition) if d.severity == "ERROR"]


def _pass(**fields: Any) -> dict[str, Any]:
    return {"StartAt": "A", "States": {"A": {"Type": "Pass", **fields, "End": True}}}


@pytest.mark.parametrize("field", ["Parameters", "ResultSelector", "Assign"])
def test_a_template_may_not_name_a_field_twice_once_the_dollar_suffix_is_stripped(field: str) -> None:
    state: dict[str, Any] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    state["Parameters"] = {"FunctionName": "f"}
    state[field] = {**state.get(field, {}), "deep": {"channel.$": "$.c", "channel": "fixed"}}
    errors = _errors({"StartAt": "A", "States": {"A": state}})
    assert errors == [
        (
            "The field 'channel' is given twice in the template: as 'channel' and as 'channel.$'",
            f"/States/A/{field}/deep",
        )
    ]


def test_distinct_names_with_and_without_the_suffix_stay_valid() -> None:
    assert _errors(_pass(Parameters={"a.$": "$.x", "b": 1, "a.$x": 2})) == []


def _distributed(reader_config: dict[str, Any], batcher: dict[str, Any]) -> dict[str, Any]:
    return {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON", **reader_config},
                    "Parameters": {"Bucket": "b", "Key": "k"},
                },
                "ItemBatcher": batcher,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }


@pytest.mark.parametrize(
    "reader, batcher, location, pair",
    [
        (
            {"MaxItems": 1, "MaxItemsPath": "$.n"},
            {},
            "/States/M/ItemReader/ReaderConfig",
            "MaxItems, MaxItemsPath",
        ),
        (
            {},
            {"MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n"},
            "/States/M/ItemBatcher",
            "MaxItemsPerBatch, MaxItemsPerBatchPath",
        ),
        (
            {},
            {"MaxInputBytesPerBatch": 10, "MaxInputBytesPerBatchPath": "$.n"},
            "/States/M/ItemBatcher",
            "MaxInputBytesPerBatch, MaxInputBytesPerBatchPath",
        ),
    ],
)
def test_a_value_and_its_path_together_are_refused(
    reader: dict[str, Any], batcher: dict[str, Any], location: str, pair: str
) -> None:
    errors = _errors(_distributed(reader, batcher))
    assert errors == [(f"There should only be one of the following fields: [{pair}]", location)]


def test_a_path_alone_must_be_a_jsonpath() -> None:
    assert _errors(_distributed({"MaxItemsPath": "$.n"}, {"MaxItemsPerBatchPath": "$.m"})) == []
    assert _errors(_distributed({}, {"MaxItemsPerBatchPath": "m"})) == [
        ("Value must be a valid JSONPath.", "/States/M/ItemBatcher/MaxItemsPerBatchPath")
    ]


@pytest.mark.parametrize(
    "call",
    [
        "States.MathAdd($.a, 1)",
        "States.Array($.a)",
        "States.ArrayLength($.a)",
        "States.StringSplit($.a, ',')",
    ],
)
@pytest.mark.parametrize("field", ["ErrorPath", "CausePath"])
def test_fail_paths_refuse_intrinsics_that_cannot_return_a_string(field: str, call: str) -> None:
    errors = _errors({"StartAt": "F", "States": {"F": {"Type": "Fail", field: call}}})
    assert [location for _, location in errors] == [f"/States/F/{field}"]
    assert call.split("(")[0] in errors[0][0]


@pytest.mark.parametrize(
    "call",
    [
        "States.Format('{}', $.a)",
        "States.JsonToString($)",
        "States.ArrayGetItem($.a, 0)",
        "States.Base64Encode($.a)",
        "States.Base64Decode($.a)",
        "States.Hash($.a, 'MD5')",
        "States.UUID()",
    ],
)
def test_fail_paths_take_the_intrinsics_that_return_a_string(call: str) -> None:
    assert (
        _errors({"StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": call, "CausePath": call}}})
        == []
    )
