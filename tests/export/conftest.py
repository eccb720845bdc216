"""Fixtures: a project that uses every kind of resource and reference the exporters know."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from engine.project import LoadedProject, project_from_value

ACCOUNT = "123456789012"
REGION = "us-east-1"


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


ORDERS_DEFINITION: dict[str, Any] = {
    "Comment": "Take an order through payment and fulfilment",
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": arn("lambda", "function:charge-card"), "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}],
            "Next": "Paid?",
        },
        "Paid?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.Payload.total", "NumericGreaterThan": 100, "Next": "Review"},
                {
                    "And": [
                        {"Variable": "$.Payload.country", "StringEquals": "FR"},
                        {"Variable": "$.Payload.express", "BooleanEquals": True},
                    ],
                    "Next": "Ship",
                },
            ],
            "Default": "Ship",
        },
        "Review": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {
                "QueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/reviews",
                "MessageBody": {"token.$": "$$.Task.Token"},
            },
            "Next": "Ship",
        },
        "Ship": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Notify",
                    "States": {
                        "Notify": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::sns:publish",
                            "Parameters": {"TopicArn": arn("sns", "order-events"), "Message.$": "$"},
                            "End": True,
                        }
                    },
                },
                {
                    "StartAt": "Fulfil",
                    "States": {
                        "Fulfil": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::states:startExecution.sync:2",
                            "Parameters": {
                                "StateMachineArn": arn("states", "stateMachine:Fulfilment"),
                                "Input.$": "$",
                            },
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Announce",
        },
        "Announce": {
            "Type": "Task",
            "Resource": "arn:aws:states:::events:putEvents",
            "Parameters": {
                "Entries": [
                    {
                        "EventBusName": "orders-bus",
                        "Source": "shop.orders",
                        "DetailType": "OrderShipped",
                        "Detail.$": "$",
                    }
                ]
            },
            "End": True,
        },
        "Refund": {"Type": "Fail", "Error": "PaymentFailed", "Cause": "the card was declined"},
    },
}

FULFILMENT_DEFINITION: dict[str, Any] = {
    "QueryLanguage": "JSONata",
    "StartAt": "Pack",
    "States": {
        "Pack": {
            "Type": "Task",
            "Resource": arn("lambda", "function:pack"),
            "Next": "Done?",
        },
        "Done?": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $states.input.done %}", "Next": "Finished"}],
            "Default": "Pack",
        },
        "Finished": {"Type": "Succeed"},
    },
}


def sample_project_value() -> dict[str, Any]:
    return {
        "formatVersion": 1,
        "name": "shop",
        "description": "A shop, end to end",
        "account": ACCOUNT,
        "region": REGION,
        "stateMachines": {
            "Orders": {"definition": ORDERS_DEFINITION, "domain": "Retail", "comment": "orders"},
            "Fulfilment": {"definition": FULFILMENT_DEFINITION, "type": "EXPRESS"},
        },
        "functions": {
            "charge-card": {"handler": "functions/payments/charge.py:handle", "timeout": 10},
            "pack": {"handler": "functions/pack.py:handler", "description": "Packs parcels"},
            "nightly": {"handler": "jobs/nightly.mjs:run"},
        },
        "buses": {"orders-bus": {"description": "Order events", "domain": "Retail"}},
        "queues": {
            "reviews": {
                "visibilityTimeout": 60,
                "redrivePolicy": {"deadLetterQueue": "reviews-dlq", "maxReceiveCount": 3},
            },
            "reviews-dlq": {"messageRetentionPeriod": 1209600},
            "audit.fifo": {"fifo": True, "contentBasedDeduplication": True},
            "rule-dlq": {},
        },
        "topics": {"order-events": {"description": "Everything that happens to an order"}},
        "rules": {
            "OrderPlaced": {
                "bus": "orders-bus",
                "eventPattern": {"source": ["shop.web"], "detail-type": ["OrderPlaced"]},
                "targets": [
                    {
                        "id": "StartOrders",
                        "target": "stateMachine:Orders",
                        "retryPolicy": {"maximumRetryAttempts": 4, "maximumEventAgeInSeconds": 3600},
                        "deadLetterQueue": "queue:rule-dlq",
                    }
                ],
            },
            "audit-everything": {
                "bus": "orders-bus",
                "eventPattern": {"source": [{"prefix": "shop."}]},
                "description": "Keep a copy of every order event",
                "targets": [
                    {"id": "Audit", "target": "queue:audit.fifo", "messageGroupId": "orders"},
                    {
                        "id": "Tell",
                        "target": "topic:order-events",
                        "inputTransformer": {
                            "inputPathsMap": {"type": "$.detail-type"},
                            "inputTemplate": '"An order event: <type>"',
                        },
                    },
                ],
            },
            "Nightly": {
                "scheduleExpression": "rate(1 day)",
                "state": "DISABLED",
                "targets": [{"id": "Run", "target": "function:nightly", "input": '{"full": true}'}],
            },
            "Forward": {
                "eventPattern": {
                    "source": ["aws.states"],
                    "detail": {"stateMachineArn": [arn("states", "stateMachine:Orders")]},
                },
                "targets": [{"id": "ToBus", "target": "bus:orders-bus", "inputPath": "$.detail"}],
            },
        },
        "subscriptions": [
            {
                "topic": "order-events",
                "endpoint": "queue:reviews",
                "filterPolicy": {"kind": ["review"]},
                "filterPolicyScope": "MessageBody",
                "rawMessageDelivery": True,
            },
            {"topic": "order-events", "endpoint": "function:pack"},
        ],
        "consumers": [
            {
                "queue": "reviews",
                "target": "function:charge-card",
                "batchSize": 5,
                "reportBatchItemFailures": True,
            },
            {"queue": "reviews-dlq", "target": "stateMachine:Fulfilment"},
        ],
    }


@pytest.fixture
def shop_value() -> dict[str, Any]:
    """The shop project as project-file JSON (a fresh copy each time)."""
    return copy.deepcopy(sample_project_value())


@pytest.fixture
def shop(shop_value: dict[str, Any]) -> LoadedProject:
    return project_from_value(shop_value)
