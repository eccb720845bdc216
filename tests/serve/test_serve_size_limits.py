"""AWS's current size limits through `statecanvas serve`: an SQS message and a batch may be 1 MiB,
as may the entries of a PutEvents request; an SNS message is still at most 256 KiB. Just over is
refused with AWS's error, and a client gets it as the SDK's modeled exception."""

from __future__ import annotations

import json
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from serve_clients import error_code, receive_all  # noqa: E402

MIB = 1_048_576


def test_an_sqs_message_and_a_batch_may_be_one_mib(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="large-payloads")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])["Attributes"]
    assert attributes["MaximumMessageSize"] == str(MIB)
    sqs.send_message(QueueUrl=url, MessageBody="x" * MIB)
    [message] = receive_all(sqs, url, 1)
    assert len(message["Body"]) == MIB
    with pytest.raises(sqs.exceptions.ClientError) as refused:
        sqs.send_message(QueueUrl=url, MessageBody="x" * (MIB + 1))
    assert error_code(refused) == "InvalidParameterValue"
    assert "Message must be shorter than 1048576 bytes" in refused.value.response["Error"]["Message"]
    answer = sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "y" * 300_000} for i in range(3)]
    )
    assert len(answer["Successful"]) == 3
    with pytest.raises(sqs.exceptions.BatchRequestTooLong):
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "y" * 400_000} for i in range(3)]
        )


def test_put_events_entries_may_total_one_mb(events: Any) -> None:
    detail = json.dumps({"blob": "z" * 600_000})
    answer = events.put_events(Entries=[{"Source": "big", "DetailType": "Blob", "Detail": detail}])
    assert answer["FailedEntryCount"] == 0
    over = [{"Source": "big", "DetailType": "Blob", "Detail": detail}] * 2
    with pytest.raises(events.exceptions.ClientError) as refused:
        events.put_events(Entries=over)
    assert error_code(refused) == "ValidationException"


def test_an_sns_message_is_at_most_256_kib(sns: Any) -> None:
    topic = sns.create_topic(Name="large-notes")["TopicArn"]
    sns.publish(TopicArn=topic, Message="n" * 262_144)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=topic, Message="n" * 262_145)
