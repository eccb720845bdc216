"""PutEvents: the envelope built from an entry, AWS's per-entry errors and whole-call refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine.bus.api_errors import ValidationException
from engine.bus.bridge import EventBridge
from engine.bus.events import event_from_entry, format_time, parse_time, rule_arn, scheduled_event
from engine.bus.put_events import MAX_REQUEST_BYTES, check_entry, check_request, entry_size
from engine.bus.targets import HandlerInvoker
from engine.runtime.clock import VirtualClock

T0 = datetime(2024, 5, 1, 12, 0, 0, 750000, tzinfo=UTC)


def entry(**fields: object) -> dict[str, object]:
    value: dict[str, object] = {"Source": "shop", "DetailType": "OrderPlaced", "Detail": '{"id": "o-1"}'}
    value.update(fields)
    return {k: v for k, v in value.items() if v is not None}


def bridge() -> EventBridge:
    return EventBridge(invoker=HandlerInvoker(), clock=VirtualClock(T0))


def test_envelope_has_aws_fields_in_order() -> None:
    event = event_from_entry(
        entry(Resources=["arn:aws:s3:::b"]), account="111122223333", region="eu-west-1", now=T0
    )
    assert list(event) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail",
    ]  # fmt: skip
    assert event["version"] == "0"
    assert event["time"] == "2024-05-01T12:00:00Z"  # seconds, Z, sub-seconds dropped
    assert event["detail"] == {"id": "o-1"}
    assert event["resources"] == ["arn:aws:s3:::b"]
    assert event["account"] == "111122223333" and event["region"] == "eu-west-1"
    assert len(event["id"]) == 36


def test_entry_time_is_used_in_any_sdk_form() -> None:
    for value in (datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC), 1577934245, "2020-01-02T03:04:05Z"):
        event = event_from_entry(entry(Time=value), account="1", region="r", now=T0)
        assert event["time"] == "2020-01-02T03:04:05Z"


def test_time_helpers_round_trip() -> None:
    assert format_time(datetime(2021, 1, 1)) == "2021-01-01T00:00:00Z"
    assert parse_time("2021-01-01T00:00:00Z") == datetime(2021, 1, 1, tzinfo=UTC)


def test_rule_arns_name_custom_buses() -> None:
    assert rule_arn("r", "default", account="1", region="us-east-1") == "arn:aws:events:us-east-1:1:rule/r"
    assert (
        rule_arn("r", "orders", account="1", region="us-east-1") == "arn:aws:events:us-east-1:1:rule/orders/r"
    )


def test_scheduled_event_shape() -> None:
    event = scheduled_event(rule_arn_="arn:rule", account="1", region="r", time=T0)
    assert event["source"] == "aws.events"
    assert event["detail-type"] == "Scheduled Event"
    assert event["detail"] == {}
    assert event["resources"] == ["arn:rule"]


@pytest.mark.parametrize("field", ["Source", "DetailType", "Detail"])
@pytest.mark.parametrize("missing", [None, ""])
def test_required_fields(field: str, missing: object) -> None:
    error = check_entry(entry(**{field: missing}) if missing is None else {**entry(), field: missing})
    assert error is not None
    assert error.code == "InvalidArgument"
    assert error.message == f"Parameter {field} is not valid. Reason: {field} is a required argument."


def test_source_is_reported_before_detail_type() -> None:
    error = check_entry({"Detail": "{}"})
    assert error is not None and "Parameter Source" in error.message


@pytest.mark.parametrize("detail", ["[1, 2]", '"text"', "42", "{not json", "null"])
def test_detail_must_be_a_json_object(detail: str) -> None:
    error = check_entry(entry(Detail=detail))
    assert error is not None
    assert (error.code, error.message) == ("MalformedDetail", "Detail is malformed.")


def test_aws_sources_are_reserved() -> None:
    error = check_entry(entry(Source="aws.ec2"))
    assert error is not None and error.code == "NotAuthorizedForSourceException"


def test_response_shape_mixes_ids_and_errors_in_order() -> None:
    service = bridge()
    response = service.put_events([entry(), entry(Detail="[]"), entry(Source=None), entry()])
    assert response["FailedEntryCount"] == 2
    first, second, third, fourth = response["Entries"]
    assert set(first) == {"EventId"} and set(fourth) == {"EventId"}
    assert second == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    assert third["ErrorCode"] == "InvalidArgument"


def test_more_than_ten_entries_fails_the_call() -> None:
    with pytest.raises(ValidationException) as caught:
        bridge().put_events([entry() for _ in range(11)])
    assert caught.value.code == "ValidationException"
    assert "Member must have length less than or equal to 10" in caught.value.message
    assert bridge().put_events([entry() for _ in range(10)])["FailedEntryCount"] == 0


def test_empty_request_fails_the_call() -> None:
    with pytest.raises(ValidationException, match="greater than or equal to 1"):
        check_request([])


def test_entry_size_follows_aws_rule() -> None:
    value = entry(Time=T0, Resources=["ab", "é"], Detail='{"k":"v"}')
    assert entry_size(value) == 14 + len("shop") + len("OrderPlaced") + len('{"k":"v"}') + 2 + 2


def test_oversized_request_fails_the_call() -> None:
    big = json.dumps({"blob": "x" * MAX_REQUEST_BYTES})
    with pytest.raises(ValidationException) as caught:
        bridge().put_events([entry(Detail=big)])
    assert caught.value.message == "Total size of the entries in the request is over the limit."


def test_unknown_bus_fails_the_entry() -> None:
    response = bridge().put_events([entry(EventBusName="nope"), entry()])
    assert response["FailedEntryCount"] == 1
    assert response["Entries"][0] == {
        "ErrorCode": "ResourceNotFoundException",
        "ErrorMessage": "Event bus nope does not exist.",
    }


def test_bus_may_be_named_by_arn() -> None:
    service = bridge()
    service.create_event_bus("orders")
    arn = service.bus("orders").arn
    assert service.put_events([entry(EventBusName=arn)])["FailedEntryCount"] == 0


async def test_accepted_event_is_traced_with_the_returned_id() -> None:
    service = bridge()
    traces = []
    service.add_trace_listener(lambda trace, change: traces.append(trace))
    response = service.put_events([entry()])
    assert traces[0].event_id == response["Entries"][0]["EventId"]
    assert traces[0].event["time"] == "2024-05-01T12:00:00Z"
