"""The service catalog: botocore's models under Step Functions' names, and the integration table."""

from __future__ import annotations

import json

import pytest

from engine.asl.validation.resources import OPTIMIZED
from engine.services import catalog, optimized_actions, request_skeleton, table_source, task_target
from engine.services.integrations_table import TABLE_PATH


@pytest.mark.parametrize(
    ("service_id", "sdk"),
    [
        ("SFN", "sfn"),
        ("EventBridge", "eventbridge"),
        ("CloudWatch Logs", "cloudwatchlogs"),
        ("Config Service", "config"),
        ("Cognito Identity Provider", "cognitoidentityprovider"),
        ("EMR Serverless", "emrserverless"),
        ("DynamoDB", "dynamodb"),
    ],
)
def test_sdk_names_follow_step_functions(service_id: str, sdk: str) -> None:
    assert catalog.sdk_service_name(service_id) == sdk


def test_services_map_step_functions_names_to_botocore() -> None:
    services = catalog.services()
    assert len(services) > 300
    assert services["sfn"].botocore == "stepfunctions"
    assert services["eventbridge"].botocore == "events"
    assert services["cloudwatchlogs"].botocore == "logs"
    assert "PutItem" in services["dynamodb"].operations


def test_index_is_cached_on_disk_and_read_back(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STATECANVAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(catalog, "_state", {})
    first = catalog.services()
    files = list(tmp_path.glob("aws-catalog-*.json"))
    assert len(files) == 1
    assert json.loads(files[0].read_text())["botocore"] == catalog.botocore_version()
    monkeypatch.setattr(catalog, "_state", {})
    monkeypatch.setattr(catalog, "_build_index", lambda: pytest.fail("rebuilt despite the cache"))
    assert catalog.services().keys() == first.keys()


def test_sdk_task_target_has_the_operation_shape_and_docs() -> None:
    target = task_target("arn:aws:states:::aws-sdk:sfn:startSyncExecution")
    assert target is not None and target.known
    assert target.required_members() == ["StateMachineArn"]  # PascalCase, as Step Functions writes it
    assert "Synchronous Express" in target.documentation
    assert target.allowed_patterns == ("", ".waitForTaskToken")


def test_unknown_sdk_action_is_not_known() -> None:
    target = task_target("arn:aws:states:::aws-sdk:dynamodb:putThing")
    assert target is not None and not target.known


def test_optimized_target_uses_the_api_the_table_names() -> None:
    target = task_target("arn:aws:states:::dynamodb:putItem")
    assert target is not None and target.kind == "optimized"
    assert target.required_members() == ["TableName", "Item"]
    assert target.allowed_patterns == ("",)
    emr = task_target("arn:aws:states:::emr:createCluster.sync")
    assert emr is not None and "Name" in emr.required_members()  # RunJobFlow's input


def test_skeletons_hold_required_members_and_the_task_token() -> None:
    put = task_target("arn:aws:states:::aws-sdk:dynamodb:putItem")
    assert request_skeleton(put) == {"TableName": "", "Item": {}}
    invoke = task_target("arn:aws:states:::lambda:invoke.waitForTaskToken")
    assert request_skeleton(invoke) == {"FunctionName": "", "Payload": {"TaskToken.$": "$$.Task.Token"}}
    jsonata = request_skeleton(invoke, "JSONata")
    assert jsonata["Payload"] == {"TaskToken": "{% $states.context.Task.Token %}"}


def test_the_validator_reads_the_same_one_table() -> None:
    data = json.loads(TABLE_PATH.read_text())
    assert "docs.aws.amazon.com" in table_source()
    assert set(OPTIMIZED) == set(data["services"])
    assert OPTIMIZED["states"]["startExecution"] == (".sync", ".sync:2", ".waitForTaskToken")
    assert OPTIMIZED["dynamodb"]["putItem"] == ()


def test_every_table_api_exists_in_botocore() -> None:
    for info in optimized_actions().values():
        if info.api is not None:
            assert catalog.operation_model(*info.api) is not None, info
