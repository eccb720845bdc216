"""SNS's query API (`Action=Publish&TopicArn=...`, XML answers) over the project runtime's topics.

Topics and subscriptions are the runtime's `SnsService`, so a publish fans out exactly as in a
project run: to queues (with or without raw delivery), local functions, state machines and buses,
through each subscription's filter policy. Refusals carry SNS's codes (`NotFound`,
`InvalidParameter`...) and its wording, with the HTTP status botocore's model gives them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.messaging import InvalidFilterPolicyError, SnsError, Subscription, compile_filter_policy
from engine.resource_refs import parse_ref
from engine.serve import sns_publish
from engine.serve.dispatch import AwsError, Dispatcher, ServeContext, ServeRequest, ServeResponse
from engine.serve.query_form import as_list, as_map, nest
from engine.serve.sns_params import invalid, required, sns_error, topic
from engine.serve.sns_xml import write_response

_TOPIC_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}(\.fifo)?")
PROTOCOLS = {"sqs": "queue", "lambda": "function"}
KIND_PROTOCOL = {"queue": "sqs", "function": "lambda", "stateMachine": "stepfunctions", "bus": "events"}
TOPIC_ATTRIBUTES = "sns.topic-attributes"
TAGS = "sns.tags"


def register(dispatcher: Dispatcher) -> None:
    dispatcher.register_query("sns", "2010-03-31", handle)


async def handle(request: ServeRequest, context: ServeContext) -> ServeResponse:
    operation = OPERATIONS.get(request.action) or sns_publish.OPERATIONS.get(request.action)
    if operation is None:
        raise AwsError("InvalidAction", f"The action {request.action} is not valid for this web service.")
    params = nest({k: v for k, v in request.params.items() if k not in ("Action", "Version")})
    try:
        result = await operation(params, context)
    except SnsError as error:
        raise sns_error(error.code, error.message) from None
    return write_response(request, result)


# Topics ------------------------------------------------------------------------------------------


async def create_topic(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = required(params, "Name")
    attributes = as_map(params.get("Attributes"), "key", "value", "entry") or {}
    fifo = attributes.get("FifoTopic", "false").lower() == "true"
    if not _TOPIC_NAME.fullmatch(name) or fifo != name.endswith(".fifo"):
        raise invalid("Topic Name")
    sns = context.runtime.sns
    arn = sns.create_topic(
        name, fifo=fifo, content_based_deduplication=attributes.get("ContentBasedDeduplication") == "true"
    )
    extra = {k: v for k, v in attributes.items() if k not in ("FifoTopic", "ContentBasedDeduplication")}
    context.extras.setdefault(TOPIC_ATTRIBUTES, {}).setdefault(arn, {}).update(extra)
    _tag(context, arn, params.get("Tags"))
    return {"TopicArn": arn}


async def delete_topic(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = required(params, "TopicArn")
    topic(context, arn)
    context.runtime.sns.delete_topic(arn)
    context.extras.get(TOPIC_ATTRIBUTES, {}).pop(arn, None)
    return {}


async def list_topics(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arns = [t.arn for _, t in sorted(context.runtime.sns.topics.items())]
    items, token = _page(arns, params.get("NextToken"))
    return {"Topics": [{"TopicArn": arn} for arn in items], "NextToken": token}


async def get_topic_attributes(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    found = topic(context, required(params, "TopicArn"))
    values = {
        "TopicArn": found.arn,
        "Owner": context.runtime.sns.account,
        "DisplayName": "",
        "SubscriptionsConfirmed": str(len(found.subscriptions)),
        "SubscriptionsPending": "0",
        "SubscriptionsDeleted": "0",
        "Policy": json.dumps(_default_policy(found.arn, context.runtime.sns.account)),
    }
    if found.fifo:
        values["FifoTopic"] = "true"
        values["ContentBasedDeduplication"] = "true" if found.content_based_deduplication else "false"
    values.update(context.extras.get(TOPIC_ATTRIBUTES, {}).get(found.arn, {}))
    return {"Attributes": values}


async def set_topic_attributes(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    found = topic(context, required(params, "TopicArn"))
    name = required(params, "AttributeName")
    value = params.get("AttributeValue") or ""
    if name == "ContentBasedDeduplication":
        if not found.fifo:
            raise invalid("ContentBasedDeduplication: only for FIFO topics")
        found.content_based_deduplication = value.lower() == "true"
        return {}
    if name in ("FifoTopic", "TopicArn", "Owner"):
        raise invalid("AttributeName")
    context.extras.setdefault(TOPIC_ATTRIBUTES, {}).setdefault(found.arn, {})[name] = value
    return {}


def _default_policy(arn: str, account: str) -> dict[str, Any]:
    return {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:Receive", "SNS:GetTopicAttributes"],
                "Resource": arn,
                "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
            }
        ],
    }


# Subscriptions ----------------------------------------------------------------------------------


async def subscribe(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    found = topic(context, required(params, "TopicArn"))
    protocol = required(params, "Protocol")
    endpoint = params.get("Endpoint")
    if protocol not in PROTOCOLS:
        raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    service = {"sqs": "sqs", "lambda": "lambda"}[protocol]
    if not isinstance(endpoint, str) or not endpoint.startswith(f"arn:aws:{service}:"):
        raise invalid(f"{protocol.upper() if protocol == 'sqs' else 'Lambda'} endpoint ARN")
    if protocol == "sqs" and endpoint.endswith(".fifo") and not found.fifo:
        raise invalid(
            "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"
        )
    attributes = as_map(params.get("Attributes"), "key", "value", "entry") or {}
    for existing in found.subscriptions:
        if existing.protocol == protocol and existing.endpoint == endpoint:
            if not _same_attributes(existing, attributes):
                raise invalid("Attributes Reason: Subscription already exists with different attributes")
            return {"SubscriptionArn": existing.arn}
    unknown = set(attributes) - {"RawMessageDelivery", "FilterPolicy", "FilterPolicyScope"} - _PASSIVE
    if unknown:
        raise invalid(f"Attributes Reason: Unknown attribute {sorted(unknown)[0]}")
    scope = attributes.get("FilterPolicyScope") or "MessageAttributes"
    try:
        arn = context.runtime.sns.subscribe(
            found.name,
            protocol,
            endpoint,
            raw=attributes.get("RawMessageDelivery", "false").lower() == "true",
            filter_policy=attributes.get("FilterPolicy") or None,
            filter_policy_scope=scope,
        )
    except InvalidFilterPolicyError as error:
        raise sns_error("InvalidParameter", error.message_for("Subscribe")) from None
    return {"SubscriptionArn": arn}


_PASSIVE = {"DeliveryPolicy", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"}


def _same_attributes(existing: Subscription, attributes: dict[str, str]) -> bool:
    """Subscribing again answers with the existing subscription only when the attributes given
    agree with it (AWS refuses to change a subscription through Subscribe)."""
    if (
        "RawMessageDelivery" in attributes
        and (attributes["RawMessageDelivery"].lower() == "true") != existing.raw
    ):
        return False
    if "FilterPolicyScope" in attributes and attributes["FilterPolicyScope"] != existing.policy_scope:
        return False
    if "FilterPolicy" in attributes:
        given = attributes["FilterPolicy"] or None
        try:
            same = (json.loads(given) if given else None) == (
                json.loads(existing.policy_text) if existing.policy_text else None
            )
        except (ValueError, RecursionError):
            same = False
        if not same:
            return False
    return True


async def unsubscribe(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = required(params, "SubscriptionArn")
    if arn.count(":") != 6:
        raise invalid("SubscriptionArn")
    context.runtime.sns.unsubscribe(arn)
    return {}


def _protocol(sub: Subscription) -> str:
    return KIND_PROTOCOL.get(sub.protocol, sub.protocol)


def _endpoint(sub: Subscription, context: ServeContext) -> str:
    ref = None if sub.endpoint.startswith("arn:") else parse_ref(sub.endpoint)
    return ref.arn(context.runtime.sns.account, context.runtime.sns.region) if ref else sub.endpoint


def _subscription_json(sub: Subscription, context: ServeContext) -> dict[str, Any]:
    return {
        "SubscriptionArn": sub.arn,
        "Owner": context.runtime.sns.account,
        "Protocol": _protocol(sub),
        "Endpoint": _endpoint(sub, context),
        "TopicArn": sub.topic_arn,
    }


async def list_subscriptions(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    subs = [s for _, t in sorted(context.runtime.sns.topics.items()) for s in t.subscriptions]
    items, token = _page(subs, params.get("NextToken"))
    return {"Subscriptions": [_subscription_json(s, context) for s in items], "NextToken": token}


async def list_subscriptions_by_topic(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    found = topic(context, required(params, "TopicArn"))
    items, token = _page(found.subscriptions, params.get("NextToken"))
    return {"Subscriptions": [_subscription_json(s, context) for s in items], "NextToken": token}


async def get_subscription_attributes(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    sub = context.runtime.sns.subscription(required(params, "SubscriptionArn"))
    values = {
        **_subscription_json(sub, context),
        "ConfirmationWasAuthenticated": "true",
        "PendingConfirmation": "false",
        "RawMessageDelivery": "true" if sub.raw else "false",
    }
    if sub.policy_text is not None:
        values["FilterPolicy"] = sub.policy_text
        values["FilterPolicyScope"] = sub.policy_scope
    return {"Attributes": values}


async def set_subscription_attributes(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    sub = context.runtime.sns.subscription(required(params, "SubscriptionArn"))
    name = required(params, "AttributeName")
    value = params.get("AttributeValue") or ""
    try:
        if name == "RawMessageDelivery":
            if value.lower() not in ("true", "false"):
                raise invalid("RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.")
            sub.raw = value.lower() == "true"
        elif name == "FilterPolicy":
            sub.policy = compile_filter_policy(value, sub.policy_scope) if value else None
            sub.policy_text = value or None
        elif name == "FilterPolicyScope":
            policy = compile_filter_policy(sub.policy_text, value) if sub.policy_text else None
            compile_filter_policy(None, value)  # the scope itself is checked even without a policy
            sub.policy, sub.policy_scope = policy, value
        elif name not in _PASSIVE:
            raise invalid("AttributeName")
    except InvalidFilterPolicyError as error:
        raise sns_error("InvalidParameter", error.message_for("SetSubscriptionAttributes")) from None
    return {}


# Tags --------------------------------------------------------------------------------------------


def _tag(context: ServeContext, arn: str, tags: Any) -> None:
    pairs = as_map(tags, "Key", "Value", "member")
    if pairs:
        context.extras.setdefault(TAGS, {}).setdefault(arn, {}).update(pairs)


async def tag_resource(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = required(params, "ResourceArn")
    topic(context, arn)
    _tag(context, arn, params.get("Tags"))
    return {}


async def untag_resource(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = required(params, "ResourceArn")
    topic(context, arn)
    for key in as_list(params.get("TagKeys"), "member") or []:
        context.extras.get(TAGS, {}).get(arn, {}).pop(key, None)
    return {}


async def list_tags_for_resource(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = required(params, "ResourceArn")
    topic(context, arn)
    tags = context.extras.get(TAGS, {}).get(arn, {})
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}


def _page(items: list[Any], token: Any, size: int = 100) -> tuple[list[Any], str | None]:
    start = int(token) if isinstance(token, str) and token.isdigit() else 0
    if token is not None and (not isinstance(token, str) or not token.isdigit()):
        raise invalid("NextToken")
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


OPERATIONS = {
    "CreateTopic": create_topic,
    "DeleteTopic": delete_topic,
    "ListTopics": list_topics,
    "GetTopicAttributes": get_topic_attributes,
    "SetTopicAttributes": set_topic_attributes,
    "Subscribe": subscribe,
    "Unsubscribe": unsubscribe,
    "ListSubscriptions": list_subscriptions,
    "ListSubscriptionsByTopic": list_subscriptions_by_topic,
    "GetSubscriptionAttributes": get_subscription_attributes,
    "SetSubscriptionAttributes": set_subscription_attributes,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
