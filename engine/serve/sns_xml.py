"""SNS's XML answers: lists as `<member>` elements, maps as `<entry><key/><value/></entry>`.

Each action's result is written from the JSON-shaped dict its operation returns, in the element
names botocore's SNS model reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.serve.dispatch import ServeRequest, ServeResponse, query_response
from engine.serve.query_form import element, elements

NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/"
NO_RESULT = {
    "DeleteTopic",
    "SetTopicAttributes",
    "Unsubscribe",
    "SetSubscriptionAttributes",
}


def _members(items: list[dict[str, Any]], keys: tuple[str, ...]) -> str:
    return "".join(f"<member>{elements((k, item.get(k)) for k in keys)}</member>" for item in items)


def _entries(values: dict[str, Any]) -> str:
    inner = "".join(f"<entry>{element('key', k)}{element('value', v)}</entry>" for k, v in values.items())
    return f"<Attributes>{inner}</Attributes>"


def _list(tag: str, keys: tuple[str, ...]) -> Callable[[dict[str, Any]], str]:
    def write(result: dict[str, Any]) -> str:
        return f"<{tag}>{_members(result[tag], keys)}</{tag}>" + elements(
            [("NextToken", result.get("NextToken"))]
        )

    return write


SUBSCRIPTION_KEYS = ("SubscriptionArn", "Owner", "Protocol", "Endpoint", "TopicArn")
WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "CreateTopic": lambda r: element("TopicArn", r["TopicArn"]),
    "ListTopics": _list("Topics", ("TopicArn",)),
    "GetTopicAttributes": lambda r: _entries(r["Attributes"]),
    "Subscribe": lambda r: element("SubscriptionArn", r["SubscriptionArn"]),
    "ListSubscriptions": _list("Subscriptions", SUBSCRIPTION_KEYS),
    "ListSubscriptionsByTopic": _list("Subscriptions", SUBSCRIPTION_KEYS),
    "GetSubscriptionAttributes": lambda r: _entries(r["Attributes"]),
    "Publish": lambda r: elements(
        [("MessageId", r["MessageId"]), ("SequenceNumber", r.get("SequenceNumber"))]
    ),
    "PublishBatch": lambda r: (
        f"<Successful>{_members(r['Successful'], ('Id', 'MessageId', 'SequenceNumber'))}</Successful>"
        f"<Failed>{_members(r['Failed'], ('Id', 'Code', 'Message', 'SenderFault'))}</Failed>"
    ),
    "ListTagsForResource": lambda r: f"<Tags>{_members(r['Tags'], ('Key', 'Value'))}</Tags>",
}


def write_response(request: ServeRequest, result: dict[str, Any]) -> ServeResponse:
    if request.action in NO_RESULT:
        return query_response(request, NAMESPACE, with_result=False)
    writer = WRITERS.get(request.action)
    return query_response(request, NAMESPACE, writer(result) if writer else "")
