"""Ready-made groups the palette offers: orchestration idioms and choreography wiring.

A pattern builds a `PatternGroup` for a place in the project: states for one scope (with the
entry and exit a drop on an edge splices in), event resources, subscriptions, and where each
goes relative to the drop point. Names are asked of the `Namer`, so a pattern dropped twice
gets `Call service 2`, `jobs-2`, and the references between its parts follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer.document.groups import Namer, Offset, PatternGroup
from designer.document.templates import PaletteEntry


@dataclass(frozen=True)
class Pattern:
    id: str
    label: str
    description: str
    icon: str
    build: Callable[[Namer], PatternGroup]
    needs_machine: bool = True


def _invoke(function: str) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "ResultSelector": {"result.$": "$.Payload"},
        "ResultPath": "$.result",
    }


def _retry(n: Namer) -> PatternGroup:
    task = n.state("Call with retry")
    state = _invoke("my-function")
    state["Retry"] = [
        {
            "ErrorEquals": ["Lambda.TooManyRequestsException", "Lambda.ServiceException", "States.Timeout"],
            "IntervalSeconds": 2,
            "MaxAttempts": 5,
            "BackoffRate": 2,
            "MaxDelaySeconds": 60,
            "JitterStrategy": "FULL",
        }
    ]
    state["End"] = True
    return PatternGroup({task: state}, task, task, offsets={task: (0, 0)})


def _try_catch(n: Namer) -> PatternGroup:
    task, handler, fail = n.state("Try"), n.state("Handle error"), n.state("Failed")
    state = _invoke("my-function")
    state["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": handler}]
    state["End"] = True
    states = {
        task: state,
        handler: {
            "Type": "Pass",
            "Comment": "Clean up or compensate here; the error is in $.error",
            "Parameters": {"error.$": "$.error.Error", "cause.$": "$.error.Cause"},
            "Next": fail,
        },
        fail: {"Type": "Fail", "Error": "TaskFailed", "Cause": "The task failed and was handled"},
    }
    return PatternGroup(states, task, task, offsets={task: (0, 0), handler: (240, 110), fail: (240, 220)})


def _map(n: Namer) -> PatternGroup:
    name, inner = n.state("For each item"), n.state("Process item")
    state = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "MaxConcurrency": 10,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": inner,
            "States": {inner: {**_invoke("process-item"), "End": True}},
        },
        "ResultPath": "$.results",
        "End": True,
    }
    return PatternGroup({name: state}, name, name, offsets={name: (0, 0)})


def _parallel(n: Namer) -> PatternGroup:
    name, a, b = n.state("Fan out"), n.state("Branch A"), n.state("Branch B")
    state = {
        "Type": "Parallel",
        "Branches": [
            {"StartAt": a, "States": {a: {**_invoke("branch-a"), "End": True}}},
            {"StartAt": b, "States": {b: {**_invoke("branch-b"), "End": True}}},
        ],
        "ResultPath": "$.branches",
        "End": True,
    }
    return PatternGroup({name: state}, name, name, offsets={name: (0, 0)})


def _callback(n: Namer) -> PatternGroup:
    name = n.state("Wait for callback")
    queue = n.resource("queue", "callbacks")
    state = {
        "Type": "Task",
        "Comment": "A worker reads the message and calls SendTaskSuccess with the token",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {
            "QueueUrl": f"https://sqs.us-east-1.amazonaws.com/123456789012/{queue}",
            "MessageBody": {"input.$": "$", "taskToken.$": "$$.Task.Token"},
        },
        "HeartbeatSeconds": 300,
        "TimeoutSeconds": 3600,
        "ResultPath": "$.callback",
        "End": True,
    }
    return PatternGroup(
        {name: state}, name, name, resources=[("queue", queue, {})],
        offsets={name: (0, 0), f"queue:{queue}": (320, -40)},
    )  # fmt: skip


def _job(n: Namer) -> PatternGroup:
    name = n.state("Run job")
    state = {
        "Type": "Task",
        "Comment": "Starts a child execution and waits for it to finish (.sync:2 returns its output as JSON)",
        "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {
            "StateMachineArn": n.arn("states", "stateMachine:ChildJob"),
            "Input": {"parent.$": "$$.Execution.Id", "payload.$": "$"},
        },
        "ResultSelector": {"output.$": "$.Output"},
        "ResultPath": "$.job",
        "TimeoutSeconds": 3600,
        "End": True,
    }
    return PatternGroup({name: state}, name, name, offsets={name: (0, 0)})


def _request_reply(n: Namer) -> PatternGroup:
    name = n.state("Request and wait for reply")
    buses = n.existing("bus")
    bus = buses[0] if buses else n.resource("bus", "events")
    rule, function = n.resource("rule", "route-reply"), n.resource("function", "reply-correlator")
    state = {
        "Type": "Task",
        "Comment": "Publishes a request with a correlation id and the task token as its return address",
        "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
        "Parameters": {
            "Entries": [
                {
                    "EventBusName": bus,
                    "Source": "app.requests",
                    "DetailType": "RequestSubmitted",
                    "Detail": {
                        "correlationId.$": "States.UUID()",
                        "replyTo": {"taskToken.$": "$$.Task.Token"},
                        "request.$": "$",
                    },
                }
            ]
        },
        "HeartbeatSeconds": 600,
        "ResultPath": "$.reply",
        "End": True,
    }
    resources = [] if buses else [("bus", bus, {})]
    correlator = {
        "handler": "functions/reply.py:handler",
        "description": "Finds the request by correlation id and sends the task token back",
    }
    route = {
        "bus": bus,
        "description": "Routes replies to the correlator",
        "eventPattern": {
            "source": ["app.responders"],
            "detail-type": ["ReplySent"],
            "detail": {"correlationId": [{"exists": True}]},
        },
        "targets": [{"id": "correlator", "target": f"function:{function}"}],
    }
    resources += [("function", function, correlator), ("rule", rule, route)]
    offsets: dict[str, Offset] = {name: (0, 0), f"rule:{rule}": (340, 0), f"function:{function}": (600, 0)}
    if not buses:
        offsets[f"bus:{bus}"] = (300, -110)
    return PatternGroup({name: state}, name, name, resources=resources, offsets=offsets)


def _topic_fan_out(n: Namer) -> PatternGroup:
    topic = n.resource("topic", "notifications")
    first, second = n.resource("queue", "subscriber-a"), n.resource("queue", "subscriber-b")
    return PatternGroup(
        resources=[("topic", topic, {}), ("queue", first, {}), ("queue", second, {})],
        subscriptions=[
            {"topic": topic, "endpoint": f"queue:{first}"},
            {"topic": topic, "endpoint": f"queue:{second}", "filterPolicy": {"type": ["important"]}},
        ],
        offsets={f"topic:{topic}": (0, 0), f"queue:{first}": (260, -50), f"queue:{second}": (260, 50)},
    )


def _queue_dlq(n: Namer) -> PatternGroup:
    queue = n.resource("queue", "jobs")
    dlq = n.resource("queue", f"{queue}-dlq")
    return PatternGroup(
        resources=[
            (
                "queue",
                dlq,
                {"description": f"dead-letter queue of {queue}", "messageRetentionPeriod": 1209600},
            ),
            (
                "queue",
                queue,
                {"visibilityTimeout": 60, "redrivePolicy": {"deadLetterQueue": dlq, "maxReceiveCount": 5}},
            ),
        ],
        offsets={f"queue:{queue}": (0, 0), f"queue:{dlq}": (260, 0)},
    )


_ALL = (
    Pattern("retry", "Retry with back-off", "A Task that retries transient errors, backing off with jitter",
            "Task", _retry),
    Pattern("try-catch", "Try / catch", "A Task whose errors go to a handler state, then to a Fail",
            "Fail", _try_catch),
    Pattern("map", "Map over items", "Run the same steps for every item of an array", "Map", _map),
    Pattern("parallel", "Parallel fan-out", "Two branches that run at the same time", "Parallel", _parallel),
    Pattern("callback", "Wait for callback",
            "Send a task token out (.waitForTaskToken) and wait, with a heartbeat, until a worker calls back",
            "Wait", _callback),
    Pattern("job", "Run a job (.sync)", "Start a child execution or a batch job and wait for it to finish",
            "Task", _job),
    Pattern("request-reply", "Async request-response",
            "Publish a request with a correlation id and the task token as return address; "
            "a rule routes the reply to a function", "bus", _request_reply),
    Pattern("topic-fan-out", "Fan-out through a topic", "A topic with two subscribed queues (one filtered)",
            "topic", _topic_fan_out, needs_machine=False),
    Pattern("queue-dlq", "Queue with DLQ", "A queue whose poison messages move to a DLQ after 5 receives",
            "dlq", _queue_dlq, needs_machine=False),
)  # fmt: skip
PATTERNS: dict[str, Pattern] = {p.id: p for p in _ALL}


def pattern_entries() -> list[PaletteEntry]:
    return [
        PaletteEntry(f"pattern:{p.id}", p.label, "Patterns", p.description, p.icon) for p in PATTERNS.values()
    ]
