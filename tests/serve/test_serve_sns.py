"""SNS through `statecanvas serve`: topics, subscriptions, filter policies, fan-out to queues,
FIFO, and paging through the SDK's paginators."""

from __future__ import annotations

import json
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("aiohttp")

from serve_clients import ACCOUNT, error_code, queue_arn, receive_all  # noqa: E402

# SNS ---------------------------------------------------------------------------------------------


def test_topics_are_created_listed_described_and_deleted(sns: Any) -> None:
    arn = sns.create_topic(Name="news", Attributes={"DisplayName": "News"})["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:{ACCOUNT}:news"
    pages = sns.get_paginator("list_topics").paginate()
    assert arn in [t["TopicArn"] for page in pages for t in page["Topics"]]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "News" and attributes["TopicArn"] == arn
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Daily")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Daily"
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "press"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "press"}]
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="bad name")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="plain.fifo")
    fifo = sns.create_topic(Name="ordered.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=fifo)["Attributes"]["FifoTopic"] == "true"
    sns.delete_topic(TopicArn=arn)
    with pytest.raises(sns.exceptions.NotFoundException) as gone:
        sns.get_topic_attributes(TopicArn=arn)
    assert gone.value.response["Error"]["Message"] == "Topic does not exist"
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn=arn, Message="x")


def test_sns_fans_out_to_queues_through_filter_policies(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="orders-topic")["TopicArn"]
    everything = sqs.create_queue(QueueName="all-orders")["QueueUrl"]
    large = sqs.create_queue(QueueName="large-orders")["QueueUrl"]
    plain = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn(sqs, everything))
    filtered = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, large),
        Attributes={"FilterPolicy": json.dumps({"size": ["large"]}), "RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert {s["SubscriptionArn"] for s in listed} == {plain["SubscriptionArn"], filtered}
    assert filtered in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]
    attributes = sns.get_subscription_attributes(SubscriptionArn=filtered)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == {"size": ["large"]}
    size = {"size": {"DataType": "String", "StringValue": "large"}}
    sns.publish(TopicArn=topic, Message="big one", Subject="order", MessageAttributes=size)
    sns.publish(TopicArn=topic, Message="small one")
    bodies = sorted(json.loads(m["Body"])["Message"] for m in receive_all(sqs, everything, 2))
    assert bodies == ["big one", "small one"]
    envelope_queue = receive_all(sqs, large, 1, MessageAttributeNames=["All"])
    assert [m["Body"] for m in envelope_queue] == ["big one"]  # raw delivery: the message itself
    assert envelope_queue[0]["MessageAttributes"]["size"]["StringValue"] == "large"
    sns.set_subscription_attributes(
        SubscriptionArn=filtered, AttributeName="FilterPolicy", AttributeValue=json.dumps({"size": ["small"]})
    )
    sns.publish(
        TopicArn=topic,
        Message="small again",
        MessageAttributes={"size": {"DataType": "String", "StringValue": "small"}},
    )
    assert [m["Body"] for m in receive_all(sqs, large, 1)] == ["small again"]
    with pytest.raises(sns.exceptions.InvalidParameterException) as bad:
        sns.set_subscription_attributes(
            SubscriptionArn=filtered, AttributeName="FilterPolicy", AttributeValue='{"size": "large"}'
        )
    assert bad.value.response["Error"]["Message"].startswith("Invalid parameter: FilterPolicy")
    sns.unsubscribe(SubscriptionArn=filtered)
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_subscription_attributes(SubscriptionArn=filtered)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(TopicArn=topic, Protocol="carrier-pigeon", Endpoint="roof")


def test_publish_batch_and_message_checks(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="batchy")["TopicArn"]
    url = sqs.create_queue(QueueName="batchy-queue")["QueueUrl"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={"RawMessageDelivery": "true"},
    )
    answer = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "one", "Message": "first"},
            {"Id": "two", "Message": "second", "MessageAttributes": {"n": {"DataType": "Number"}}},
        ],
    )
    assert [e["Id"] for e in answer["Successful"]] == ["one"]
    assert answer["Failed"][0]["Id"] == "two" and answer["Failed"][0]["Code"] == "InvalidParameter"
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["first"]
    with pytest.raises(sns.exceptions.BatchEntryIdsNotDistinctException):
        sns.publish_batch(
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}],
        )
    with pytest.raises(sns.exceptions.InvalidParameterException) as empty:
        sns.publish(TopicArn=topic, Message="")
    assert empty.value.response["Error"]["Message"] == "Invalid parameter: Empty message"
    structured = json.dumps({"default": "for everyone"})
    sns.publish(TopicArn=topic, Message=structured, MessageStructure="json")
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["for everyone"]
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=topic, Message='{"sqs": "x"}', MessageStructure="json")


def test_a_fifo_topic_delivers_to_a_fifo_queue_with_its_group(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(
        Name="trades.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    url = sqs.create_queue(QueueName="trades.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, url),
        Attributes={"RawMessageDelivery": "true"},
    )
    for body in ("buy", "sell", "buy"):
        sns.publish(TopicArn=topic, Message=body, MessageGroupId="acct-1")
    got = receive_all(sqs, url, 2, AttributeNames=["All"])
    assert [m["Body"] for m in got] == ["buy", "sell"]  # the repeated "buy" was deduplicated
    assert {m["Attributes"]["MessageGroupId"] for m in got} == {"acct-1"}
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=topic, Message="no group")
    standard = sns.create_topic(Name="not-ordered")["TopicArn"]
    with pytest.raises(sns.exceptions.InvalidParameterException) as refused:
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=queue_arn(sqs, url))
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in str(refused.value)


def test_listings_page_through_the_sdks_paginators(sns: Any, events: Any) -> None:
    for i in range(105):
        sns.create_topic(Name=f"paged-{i:03d}")
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and first["NextToken"]
    pages = list(sns.get_paginator("list_topics").paginate())
    arns = [t["TopicArn"] for page in pages for t in page["Topics"]]
    assert len(pages) >= 2 and len(arns) == len(set(arns))
    assert sum(1 for arn in arns if ":paged-" in arn) == 105
    for i in range(7):
        events.put_rule(Name=f"paged-{i}", EventPattern='{"source": ["paged"]}')
    rules = events.get_paginator("list_rules").paginate(NamePrefix="paged-", PaginationConfig={"PageSize": 3})
    sizes = [len(page["Rules"]) for page in rules]
    assert sizes == [3, 3, 1]
    with pytest.raises(events.exceptions.ClientError) as bad_token:
        events.list_rules(NextToken="not-a-token")
    assert error_code(bad_token) == "ValidationException"


def test_subscribing_again_answers_the_same_subscription_unless_its_attributes_differ(
    sns: Any, sqs: Any
) -> None:
    topic = sns.create_topic(Name="resubscribed")["TopicArn"]
    endpoint = queue_arn(sqs, sqs.create_queue(QueueName="resubscriber")["QueueUrl"])
    policy = {"FilterPolicy": json.dumps({"kind": ["a"]}), "RawMessageDelivery": "true"}
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=endpoint, Attributes=policy)[
        "SubscriptionArn"
    ]
    again = {"FilterPolicy": json.dumps({"kind": ["a"]}, indent=2)}  # the same policy, spelled otherwise
    for attributes in ({}, policy, again):
        answer = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=endpoint, Attributes=attributes)
        assert answer["SubscriptionArn"] == arn
    for attributes in (
        {"FilterPolicy": json.dumps({"kind": ["b"]})},
        {"RawMessageDelivery": "false"},
        {"FilterPolicyScope": "MessageBody"},
    ):
        with pytest.raises(sns.exceptions.InvalidParameterException) as refused:
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=endpoint, Attributes=attributes)
        assert (
            "Subscription already exists with different attributes"
            in refused.value.response["Error"]["Message"]
        )
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 1
