"""EventBridge through `statecanvas serve`, driven by unchanged boto3 clients: buses, rules and
targets, put-events routed by the project runtime, test-event-pattern, archives and replay."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from serve_clients import ACCOUNT, error_code, queue_arn, receive_all  # noqa: E402

# EventBridge -------------------------------------------------------------------------------------


def test_event_buses_are_created_described_listed_and_deleted(events: Any) -> None:
    arn = events.create_event_bus(Name="payments")["EventBusArn"]
    assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/payments"
    assert events.describe_event_bus(Name="payments")["Arn"] == arn
    names = [b["Name"] for b in events.list_event_buses()["EventBuses"]]
    assert {"default", "payments"} <= set(names)
    first = events.list_event_buses(Limit=1)
    assert len(first["EventBuses"]) == 1 and first["NextToken"]
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException):
        events.create_event_bus(Name="payments")
    events.delete_event_bus(Name="payments")
    with pytest.raises(events.exceptions.ResourceNotFoundException) as info:
        events.describe_event_bus(Name="payments")
    assert "Event bus payments does not exist." in str(info.value)
    with pytest.raises(events.exceptions.ClientError) as refused:
        events.delete_event_bus(Name="default")
    assert error_code(refused) == "ValidationException"


def test_rules_and_targets_round_trip_with_aws_errors(events: Any, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="rule-targets")["QueueUrl"]
    pattern = json.dumps({"source": ["shop"], "detail-type": ["OrderPlaced"]})
    rule_arn = events.put_rule(Name="orders-rule", EventPattern=pattern, Description="orders")["RuleArn"]
    assert rule_arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders-rule"
    described = events.describe_rule(Name="orders-rule")
    assert described["State"] == "ENABLED" and json.loads(described["EventPattern"]) == json.loads(pattern)
    events.put_targets(Rule="orders-rule", Targets=[{"Id": "q", "Arn": queue_arn(sqs, url)}])
    targets = events.list_targets_by_rule(Rule="orders-rule")["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [("q", queue_arn(sqs, url))]
    assert [r["Name"] for r in events.list_rules(NamePrefix="orders-")["Rules"]] == ["orders-rule"]
    events.disable_rule(Name="orders-rule")
    assert events.describe_rule(Name="orders-rule")["State"] == "DISABLED"
    events.enable_rule(Name="orders-rule")
    with pytest.raises(events.exceptions.ClientError) as has_targets:
        events.delete_rule(Name="orders-rule")
    assert error_code(has_targets) == "ValidationException"
    removed = events.remove_targets(Rule="orders-rule", Ids=["q", "missing"])
    assert removed["FailedEntryCount"] == 1 and removed["FailedEntries"][0]["TargetId"] == "missing"
    events.delete_rule(Name="orders-rule")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_rule(Name="orders-rule")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.put_targets(Rule="no-such-rule", Targets=[{"Id": "q", "Arn": queue_arn(sqs, url)}])
    with pytest.raises(events.exceptions.InvalidEventPatternException) as bad:
        events.put_rule(Name="bad", EventPattern=json.dumps({"source": "shop"}))
    assert "Event pattern is not valid." in bad.value.response["Error"]["Message"]
    with pytest.raises(events.exceptions.ClientError) as bad_target:
        events.put_targets(Rule="bad", Targets=[{"Id": "has space", "Arn": queue_arn(sqs, url)}])
    assert error_code(bad_target) in ("ValidationException", "ResourceNotFoundException")
    events.put_rule(Name="arn-checked", EventPattern=pattern)
    with pytest.raises(events.exceptions.ClientError) as not_an_arn:
        events.put_targets(Rule="arn-checked", Targets=[{"Id": "q", "Arn": "rule-targets"}])
    assert error_code(not_an_arn) == "ValidationException"
    assert "Provided Arn is not in correct format" in not_an_arn.value.response["Error"]["Message"]
    assert events.list_targets_by_rule(Rule="arn-checked")["Targets"] == []


def test_an_event_put_on_a_bus_reaches_a_queue_through_a_rule(events: Any, sqs: Any) -> None:
    events.create_event_bus(Name="shop")
    url = sqs.create_queue(QueueName="placed-orders")["QueueUrl"]
    events.put_rule(
        Name="placed",
        EventBusName="shop",
        EventPattern=json.dumps({"detail": {"total": [{"numeric": [">", 10]}]}}),
    )
    events.put_targets(
        Rule="placed", EventBusName="shop", Targets=[{"Id": "queue", "Arn": queue_arn(sqs, url)}]
    )
    answer = events.put_events(
        Entries=[
            {"EventBusName": "shop", "Source": "shop", "DetailType": "Placed", "Detail": '{"total": 25}'},
            {"EventBusName": "shop", "Source": "shop", "DetailType": "Placed", "Detail": '{"total": 5}'},
            {"EventBusName": "nowhere", "Source": "shop", "DetailType": "Placed", "Detail": "{}"},
            {"EventBusName": "shop", "Source": "shop", "DetailType": "Placed", "Detail": "not json"},
        ]
    )
    assert answer["FailedEntryCount"] == 2
    assert answer["Entries"][2]["ErrorCode"] == "ResourceNotFoundException"
    assert answer["Entries"][3]["ErrorCode"] == "MalformedDetail"
    messages = receive_all(sqs, url, 1)
    assert len(messages) == 1
    event = json.loads(messages[0]["Body"])
    assert event["detail"] == {"total": 25} and event["id"] == answer["Entries"][0]["EventId"]
    assert event["account"] == ACCOUNT and event["source"] == "shop"
    assert not receive_all(sqs, url, 1, wait=1.0)  # the event under 10 matched nothing


def test_put_events_refuses_a_request_aws_would_not_read(events: Any) -> None:
    entry = {"Source": "s", "DetailType": "d", "Detail": "{}"}
    with pytest.raises(events.exceptions.ClientError) as many:
        events.put_events(Entries=[entry] * 11)
    assert error_code(many) == "ValidationException"
    assert many.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_test_event_pattern_answers_and_refuses_as_aws(events: Any) -> None:
    event = json.dumps(
        {
            "id": "1",
            "account": ACCOUNT,
            "source": "shop",
            "time": "2026-01-01T00:00:00Z",
            "region": "us-east-1",
            "detail-type": "Placed",
            "resources": [],
            "detail": {"total": 30},
        }
    )
    assert events.test_event_pattern(EventPattern='{"source": ["shop"]}', Event=event)["Result"] is True
    assert events.test_event_pattern(EventPattern='{"source": ["bank"]}', Event=event)["Result"] is False
    with pytest.raises(events.exceptions.InvalidEventPatternException) as bad:
        events.test_event_pattern(EventPattern='{"source": "shop"}', Event=event)
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(events.exceptions.ClientError) as no_envelope:
        events.test_event_pattern(EventPattern='{"source": ["shop"]}', Event='{"source": "shop"}')
    assert error_code(no_envelope) == "ValidationException"


def test_an_archive_keeps_events_and_a_replay_sends_them_again(events: Any, sqs: Any) -> None:
    bus_arn = events.create_event_bus(Name="audit")["EventBusArn"]
    url = sqs.create_queue(QueueName="audit-copy")["QueueUrl"]
    events.put_rule(Name="all", EventBusName="audit", EventPattern='{"source": ["audit"]}')
    events.put_targets(Rule="all", EventBusName="audit", Targets=[{"Id": "q", "Arn": queue_arn(sqs, url)}])
    created = events.create_archive(ArchiveName="audit-archive", EventSourceArn=bus_arn)
    assert created["State"] == "ENABLED"
    start = datetime.now(UTC) - timedelta(minutes=1)
    events.put_events(
        Entries=[{"EventBusName": "audit", "Source": "audit", "DetailType": "x", "Detail": "{}"}]
    )
    assert len(receive_all(sqs, url, 1, VisibilityTimeout=0)) >= 1
    sqs.purge_queue(QueueUrl=url)
    assert events.describe_archive(ArchiveName="audit-archive")["EventCount"] == 1
    assert [a["ArchiveName"] for a in events.list_archives()["Archives"]] == ["audit-archive"]
    time.sleep(1.1)  # the window ends in the past, as AWS requires
    events.start_replay(
        ReplayName="again",
        EventSourceArn=created["ArchiveArn"],
        EventStartTime=start,
        EventEndTime=datetime.now(UTC) - timedelta(seconds=1),
        Destination={"Arn": bus_arn},
    )
    replayed = receive_all(sqs, url, 1)
    assert json.loads(replayed[0]["Body"])["replay-name"] == "again"
    assert events.describe_replay(ReplayName="again")["State"] == "COMPLETED"
    assert [r["ReplayName"] for r in events.list_replays()["Replays"]] == ["again"]
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_archive(ArchiveName="nothing")
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException):
        events.create_archive(ArchiveName="audit-archive", EventSourceArn=bus_arn)
    events.delete_archive(ArchiveName="audit-archive")


def test_an_archive_is_updated_and_keeps_its_events(events: Any) -> None:
    bus_arn = events.create_event_bus(Name="ledger")["EventBusArn"]
    events.create_archive(ArchiveName="ledger-archive", EventSourceArn=bus_arn, Description="all")
    entry = {"EventBusName": "ledger", "DetailType": "x", "Detail": "{}"}
    events.put_events(Entries=[{**entry, "Source": "first"}])
    updated = events.update_archive(
        ArchiveName="ledger-archive", EventPattern='{"source": ["kept"]}', RetentionDays=7, Description="kept"
    )
    assert updated["State"] == "ENABLED" and updated["ArchiveArn"].endswith(":archive/ledger-archive")
    events.put_events(Entries=[{**entry, "Source": "dropped"}, {**entry, "Source": "kept"}])
    described = events.describe_archive(ArchiveName="ledger-archive")
    assert (described["EventCount"], described["RetentionDays"], described["Description"]) == (2, 7, "kept")
    assert json.loads(described["EventPattern"]) == {"source": ["kept"]}
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.update_archive(ArchiveName="ledger-archive", EventPattern='{"source": "kept"}')
    assert json.loads(events.describe_archive(ArchiveName="ledger-archive")["EventPattern"]) == {
        "source": ["kept"]
    }
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.update_archive(ArchiveName="no-archive", Description="x")


def test_a_bus_keeps_its_description_and_settings_through_updates(events: Any, sqs: Any) -> None:
    dlq = queue_arn(sqs, sqs.create_queue(QueueName="bus-dlq")["QueueUrl"])
    created = events.create_event_bus(Name="described", Description="first")
    assert created["Description"] == "first"
    assert events.describe_event_bus(Name="described")["Description"] == "first"
    updated = events.update_event_bus(Name="described", Description="second", DeadLetterConfig={"Arn": dlq})
    assert (updated["Name"], updated["Description"], updated["DeadLetterConfig"]) == (
        "described",
        "second",
        {"Arn": dlq},
    )
    described = events.describe_event_bus(Name="described")
    assert (described["Description"], described["DeadLetterConfig"]) == ("second", {"Arn": dlq})
    listed = events.list_event_buses(NamePrefix="described")["EventBuses"]
    assert [(b["Name"], b["Description"]) for b in listed] == [("described", "second")]
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.update_event_bus(Name="no-such-bus", Description="x")
    events.delete_event_bus(Name="described")
    events.create_event_bus(Name="described")
    assert "Description" not in events.describe_event_bus(Name="described")


def test_tags_on_rules(events: Any) -> None:
    arn = events.put_rule(Name="tagged", ScheduleExpression="rate(1 hour)", State="DISABLED")["RuleArn"]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "team", "Value": "shop"}])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "shop"}]
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == []
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.list_tags_for_resource(ResourceARN=arn + "-gone")


def test_a_rule_starts_a_state_machine_created_through_the_step_functions_api(serve: Any) -> None:
    """`serve` (conftest.py) runs every protocol, Step Functions included, on one runtime."""
    sfn, events = serve.client("stepfunctions"), serve.client("events")
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    machine = sfn.create_state_machine(
        name="OnOrder", definition=json.dumps(definition), roleArn=f"arn:aws:iam::{ACCOUNT}:role/r"
    )["stateMachineArn"]
    events.put_rule(Name="start-machine", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="start-machine", Targets=[{"Id": "m", "Arn": machine, "InputPath": "$.detail"}])
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Placed", "Detail": '{"order": 7}'}])
    deadline = time.monotonic() + 10
    executions: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not executions:
        executions = sfn.list_executions(stateMachineArn=machine)["executions"]
        time.sleep(0.05)
    assert len(executions) == 1
    described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["input"]) == {"order": 7}
