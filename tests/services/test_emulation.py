"""Workflows that use DynamoDB, S3 and SSM run locally against the emulated account."""

from __future__ import annotations

import pytest

import engine

pytest.importorskip("moto")

SDK = "arn:aws:states:::aws-sdk:"


def _task(resource: str, parameters: dict, next_state: str | None, **extra: object) -> dict:
    state: dict = {"Type": "Task", "Resource": resource, "Parameters": parameters, **extra}
    if next_state is None:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state


def test_a_workflow_creates_a_table_puts_and_gets_items_and_catches_a_failed_condition() -> None:
    definition = {
        "StartAt": "CreateTable",
        "States": {
            "CreateTable": _task(
                SDK + "dynamodb:createTable",
                {
                    "TableName": "Orders",
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
                "Put",
                ResultPath="$.table",
            ),
            "Put": _task(
                "arn:aws:states:::dynamodb:putItem",
                {"TableName": "Orders", "Item": {"id": {"S.$": "$.id"}, "total": {"N": "42"}}},
                "Get",
                ResultPath=None,
            ),
            "Get": _task(
                "arn:aws:states:::dynamodb:getItem",
                {"TableName": "Orders", "Key": {"id": {"S.$": "$.id"}}},
                "PutAgain",
                ResultSelector={"total.$": "$.Item.total.N"},
                ResultPath="$.got",
            ),
            "PutAgain": _task(
                "arn:aws:states:::dynamodb:putItem",
                {
                    "TableName": "Orders",
                    "Item": {"id": {"S.$": "$.id"}},
                    "ConditionExpression": "attribute_not_exists(id)",
                },
                "Unreachable",
                Catch=[
                    {
                        "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                        "ResultPath": "$.failure",
                        "Next": "Done",
                    }
                ],
            ),
            "Unreachable": {"Type": "Fail", "Error": "NotCaught"},
            "Done": {"Type": "Succeed"},
        },
    }
    run = engine.run(definition, {"id": "order-1"})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    out = run.output
    table_arn = out["table"]["TableDescription"]["TableArn"]
    assert table_arn == "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
    assert out["got"] == {"total": "42"}
    assert out["failure"]["Error"] == "DynamoDB.ConditionalCheckFailedException"
    assert out["failure"]["Cause"].startswith("The conditional request failed (Service: AmazonDynamoDBv2;")


def test_sdk_errors_are_named_as_step_functions_names_them() -> None:
    definition = {
        "StartAt": "Get",
        "States": {
            "Get": _task(
                SDK + "dynamodb:getItem",
                {"TableName": "Missing", "Key": {"id": {"S": "1"}}},
                None,
                Retry=[{"ErrorEquals": ["DynamoDb.ResourceNotFoundException"], "MaxAttempts": 2}],
            )
        },
    }
    run = engine.run(definition, {}, clock="virtual")
    assert run.status == "FAILED"
    assert run.error == "DynamoDb.ResourceNotFoundException"
    assert run.cause.startswith("Requested resource not found (Service: DynamoDb, Status Code: 400")
    failures = [e for e in run.history if e["type"] == "TaskFailed"]
    assert len(failures) == 3  # the Retry saw AWS's name and tried twice more


def test_s3_bucket_object_round_trip_and_no_such_key() -> None:
    definition = {
        "StartAt": "Bucket",
        "States": {
            "Bucket": _task(SDK + "s3:createBucket", {"Bucket": "reports"}, "Put", ResultPath=None),
            "Put": _task(
                SDK + "s3:putObject",
                {"Bucket": "reports", "Key": "day.json", "Body.$": "$.report"},
                "Get",
                ResultPath=None,
            ),
            "Get": _task(
                SDK + "s3:getObject",
                {"Bucket": "reports", "Key": "day.json"},
                "Missing",
                ResultSelector={"body.$": "States.StringToJson($.Body)", "type.$": "$.ContentType"},
                ResultPath="$.read",
            ),
            "Missing": _task(
                SDK + "s3:getObject",
                {"Bucket": "reports", "Key": "nope.json"},
                "Unreachable",
                Catch=[{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.missing", "Next": "Done"}],
            ),
            "Unreachable": {"Type": "Fail"},
            "Done": {"Type": "Succeed"},
        },
    }
    run = engine.run(definition, {"report": {"orders": 3}})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output["read"]["body"] == {"orders": 3}
    assert run.output["missing"]["Error"] == "S3.NoSuchKeyException"
    assert run.output["missing"]["Cause"].startswith("The specified key does not exist. (Service: S3,")


def test_ssm_parameters_put_and_get_with_pascal_case_results() -> None:
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": _task(
                SDK + "ssm:putParameter",
                {"Name": "/shop/threshold", "Value": "10", "Type": "String"},
                "Get",
                ResultPath="$.put",
            ),
            "Get": _task(SDK + "ssm:getParameter", {"Name": "/shop/threshold"}, None, ResultPath="$.got"),
        },
    }
    run = engine.run(definition, {})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output["put"] == {"Version": 1, "Tier": "Standard"}
    parameter = run.output["got"]["Parameter"]
    assert parameter["Value"] == "10"
    assert parameter["Arn"] == "arn:aws:ssm:us-east-1:123456789012:parameter/shop/threshold"
    assert parameter["LastModifiedDate"].endswith("Z")


def test_each_run_starts_with_a_fresh_account() -> None:
    put = {
        "StartAt": "Put",
        "States": {
            "Put": _task(SDK + "ssm:putParameter", {"Name": "p", "Value": "v", "Type": "String"}, None)
        },
    }
    get = {"StartAt": "Get", "States": {"Get": _task(SDK + "ssm:getParameter", {"Name": "p"}, None)}}
    assert engine.run(put, {}).status == "SUCCEEDED"
    run = engine.run(get, {})
    assert run.error == "Ssm.ParameterNotFoundException"


def test_an_operation_nothing_emulates_fails_naming_it_and_how_to_serve_it() -> None:
    definition = {"StartAt": "Odd", "States": {"Odd": _task(SDK + "dynamodb:describeNothing", {}, None)}}
    run = engine.run(definition, {})
    assert run.status == "FAILED"
    assert run.error == "States.TaskFailed"
    assert "dynamodb:describeNothing" in run.cause
    assert "handler named after the state" in run.cause and "mock" in run.cause


def test_a_handler_named_after_the_state_wins_over_emulation() -> None:
    get = _task(SDK + "dynamodb:getItem", {"TableName": "T"}, None)
    definition = {"StartAt": "Get", "States": {"Get": get}}
    run = engine.run(definition, {}, handlers={"Get": lambda event, context: {"Item": {"from": event}}})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output == {"Item": {"from": {"TableName": "T"}}}


def test_parameters_the_operation_refuses_fail_as_the_sdk_exception() -> None:
    get = _task(SDK + "dynamodb:getItem", {"TableName": "T"}, None)
    definition = {"StartAt": "Get", "States": {"Get": get}}
    run = engine.run(definition, {})
    assert run.error == "DynamoDb.DynamoDbException"
    assert 'Missing required parameter in input: "Key"' in run.cause


def test_a_seeded_account_serves_the_run_and_its_snapshot_shows_what_the_run_left() -> None:
    from engine.integrations import ServiceRegistry

    registry = ServiceRegistry()
    registry.emulation_seed = {
        "dynamodb": {"Prices": {"key": "sku", "items": [{"sku": "BOOK-42", "price": 12.5, "tags": ["a"]}]}},
        "s3": {"config-bucket": {"limits.json": {"max": 3}}},
        "ssm": {"/shop/currency": "EUR"},
    }
    definition = {
        "StartAt": "Price",
        "States": {
            "Price": _task(
                SDK + "dynamodb:getItem",
                {"TableName": "Prices", "Key": {"sku": {"S": "BOOK-42"}}},
                "Currency",
                ResultSelector={"price.$": "$.Item.price.N"},
                ResultPath="$.price",
            ),
            "Currency": _task(
                SDK + "ssm:getParameter",
                {"Name": "/shop/currency"},
                "Save",
                ResultSelector={"value.$": "$.Parameter.Value"},
                ResultPath="$.currency",
            ),
            "Save": _task(
                SDK + "dynamodb:putItem",
                {"TableName": "Prices", "Item": {"sku": {"S": "MUG-7"}, "price": {"N": "8"}}},
                None,
                ResultPath=None,
            ),
        },
    }
    run = engine.run(definition, {}, services=registry)
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output == {"price": {"price": "12.5"}, "currency": {"value": "EUR"}}
    held = registry.emulation.snapshot()
    assert held["dynamodb"]["Prices"]["key"] == "sku"
    assert sorted(held["dynamodb"]["Prices"]["items"], key=lambda item: item["sku"]) == [
        {"sku": "BOOK-42", "price": 12.5, "tags": ["a"]},
        {"sku": "MUG-7", "price": 8},
    ]
    assert held["s3"] == {"config-bucket": {"limits.json": '{"max": 3}'}}
    assert held["ssm"] == {"/shop/currency": "EUR"}
    registry.emulation.close()


def test_a_seed_that_cannot_be_applied_says_where() -> None:
    from engine.services.emulation import EmulatedAccount
    from engine.services.emulation_state import SeedError

    account = EmulatedAccount()
    try:
        with pytest.raises(SeedError, match="/dynamodb/Orders: give the table's key"):
            account.seed({"dynamodb": {"Orders": {"items": []}}})
        with pytest.raises(SeedError, match="/sqs: only dynamodb, s3 and ssm"):
            account.seed({"sqs": {}})
    finally:
        account.close()


def test_an_object_a_task_put_is_what_a_distributed_map_reads() -> None:
    definition = {
        "StartAt": "Bucket",
        "States": {
            "Bucket": _task(SDK + "s3:createBucket", {"Bucket": "batch-input"}, "Put", ResultPath=None),
            "Put": _task(
                SDK + "s3:putObject",
                {"Bucket": "batch-input", "Key": "items.json", "Body.$": "$.items"},
                "Each",
                ResultPath=None,
            ),
            "Each": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "JSON"},
                    "Parameters": {"Bucket": "batch-input", "Key": "items.json"},
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Double",
                    "States": {
                        "Double": {
                            "Type": "Pass",
                            "Parameters": {"n.$": "States.MathAdd($.n, $.n)"},
                            "End": True,
                        }
                    },
                },
                "ResultPath": "$.doubled",
                "Next": "Missing",
            },
            "Missing": _task(
                SDK + "s3:headObject",
                {"Bucket": "batch-input", "Key": "other.json"},
                None,
                Catch=[{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.error", "Next": "Done"}],
                ResultPath=None,
            ),
            "Done": {"Type": "Succeed"},
        },
    }
    run = engine.run(definition, {"items": [{"n": 1}, {"n": 2}]})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output["doubled"] == [{"n": 2}, {"n": 4}]
    assert run.output["error"]["Error"] == "S3.NoSuchKeyException"  # HEAD's bare 404, named as the SDK does


def test_an_emulation_that_breaks_on_odd_parameters_fails_the_task_without_a_traceback() -> None:
    odd = _task(SDK + "dynamodb:batchWriteItem", {"RequestItems": "not-a-map"}, None)
    run = engine.run({"StartAt": "Write", "States": {"Write": odd}}, {})
    assert run.status == "FAILED"
    assert run.error == "DynamoDb.DynamoDbException"
    assert run.cause.startswith("The local emulation of BatchWriteItem could not run with these parameters")
    assert "Traceback" not in run.cause


def test_two_live_runs_of_one_account_keep_apart_and_both_read_their_own_account_id() -> None:
    from engine.services.emulation import EmulatedAccount

    first, second = EmulatedAccount("111122223333"), EmulatedAccount("111122223333")
    try:
        assert first.moto_account != second.moto_account
        for account in (first, second):
            put = account.call("ssm", "putParameter", {"Name": "shared", "Value": "v", "Type": "String"})
            assert put["Version"] == 1  # each its own parameter store
            got = account.call("ssm", "getParameter", {"Name": "shared"})
            assert got["Parameter"]["Arn"] == "arn:aws:ssm:us-east-1:111122223333:parameter/shared"
    finally:
        first.close()
        second.close()
