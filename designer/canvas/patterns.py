"""Ready-made groups the palette offers: orchestration idioms and choreography wiring.

A pattern builds a `PatternGroup` for a place in the project: states for one scope (with the
entry and exit a drop on an edge splices in), event resources, subscriptions, and where each
goes relative to the drop point. Names are asked of the `Namer`, so a pattern dropped twice
gets `Call service 2`, `jobs-2`, and the references between its parts follow.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from designer.document.paths import unique_name
from designer.document.templates import PaletteEntry, unique_resource_name

Offset = tuple[float, float]


@dataclass
class PatternGroup:
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # one scope, insertion order
    entry: str | None = None  # where the flow comes in
    exit: str | None = None  # the state whose Next continues the flow (None: the group ends it)
    resources: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (kind, name, spec)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    offsets: dict[str, Offset] = field(default_factory=dict)  # state name or "kind:name" -> offset


class Namer:
    """Unique names for a group's parts, given what the project already holds."""

    def __init__(self, state_names: set[str], resource_names: dict[str, set[str]], project: Any) -> None:
        self.states = set(state_names)
        self.resources = {k: set(v) for k, v in resource_names.items()}
        self.project = project

    def state(self, base: str) -> str:
        name = unique_name(base, self.states)
        self.states.add(name)
        return name

    def resource(self, kind: str, base: str) -> str:
        taken = self.resources.setdefault(kind, set())
        name = unique_resource_name(base, taken)
        taken.add(name)
        return name

    def existing(self, kind: str) -> list[str]:
        return sorted(self.resources.get(kind, set()))

    def arn(self, service: str, resource: str) -> str:
        account = getattr(self.project, "account", "123456789012")
        region = getattr(self.project, "region", "us-east-1")
        return f"arn:aws:{service}:{region}:{account}:{resource}"


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


# -- JSONata machines ---------------------------------------------------------------------------


def _jsonata_text(path: str) -> str:
    if path.startswith("$$."):
        return "{% $states.context." + path[3:] + " %}"
    if path == "States.UUID()":
        return "{% $uuid() %}"
    if path == "$":
        return "{% $states.input %}"
    return "{% $states.input." + path.removeprefix("$.") + " %}"


def _template_to_jsonata(value: Any, source: str = "input") -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key.endswith(".$") and isinstance(item, str):
                text = _jsonata_text(item)
                if source == "result":
                    text = text.replace("$states.input", "$states.result")
                out[key[:-2]] = text
            else:
                out[key] = _template_to_jsonata(item, source)
        return out
    if isinstance(value, list):
        return [_template_to_jsonata(v, source) for v in value]
    return value


def to_jsonata(state: dict[str, Any]) -> dict[str, Any]:
    """A pattern state rewritten for a JSONata machine (the JSONPath fields it uses, translated)."""
    state = copy.deepcopy(state)
    if state.get("Type") == "Pass" and "Parameters" in state:
        state["Output"] = _template_to_jsonata(state.pop("Parameters"))
    if "Parameters" in state:
        state["Arguments"] = _template_to_jsonata(state.pop("Parameters"))
    selector = state.pop("ResultSelector", None)
    result_path = state.pop("ResultPath", None)
    if isinstance(result_path, str) and result_path.startswith("$."):
        key = result_path[2:]
        result = "$states.result"
        if isinstance(selector, dict):
            parts = ", ".join(
                f"'{k}': {_template_to_jsonata({k + '.$': v}, 'result')[k][3:-3]}"
                for k, v in selector.items()
            )
            result = "{" + parts + "}"
        state["Output"] = "{% $merge([$states.input, {'" + key + "': " + result + "}]) %}"
    if "ItemsPath" in state:
        state["Items"] = _jsonata_text(state.pop("ItemsPath"))
    for catcher in state.get("Catch") or []:
        path = catcher.pop("ResultPath", None)
        if isinstance(path, str) and path.startswith("$."):
            catcher["Output"] = "{% $merge([$states.input, {'" + path[2:] + "': $states.errorOutput}]) %}"
    for key in ("ItemProcessor",):
        if isinstance(state.get(key), dict):
            inner = state[key].get("States") or {}
            state[key]["States"] = {k: to_jsonata(v) for k, v in inner.items()}
    for branch in state.get("Branches") or []:
        branch["States"] = {k: to_jsonata(v) for k, v in (branch.get("States") or {}).items()}
    return state
