"""SQS's query protocol: flattened form members in, XML out, around the JSON-shaped operations.

Older SDKs (and the AWS CLI v1 before SQS moved to JSON) write `Attribute.1.Name`,
`MessageAttribute.1.Value.StringValue`, `SendMessageBatchRequestEntry.1.Id`... and some post to
the queue's URL instead of naming it in `QueueUrl`; `read_request` turns all that into the
members the JSON protocol carries, and `response` writes the operation's result as the XML
those SDKs parse.
"""

from __future__ import annotations

import base64
from typing import Any

from engine.messaging import SqsError
from engine.serve.dispatch import ServeRequest, ServeResponse, query_response
from engine.serve.query_form import as_list, as_map, element, elements, nest

NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/"
INTEGERS = (
    "DelaySeconds",
    "MaxNumberOfMessages",
    "VisibilityTimeout",
    "WaitTimeSeconds",
    "MaxResults",
    "MaxNumberOfMessagesPerSecond",
)
BATCH_ENTRIES = {
    "SendMessageBatch": "SendMessageBatchRequestEntry",
    "DeleteMessageBatch": "DeleteMessageBatchRequestEntry",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibilityBatchRequestEntry",
}


def read_request(action: str, form: dict[str, Any], path: str) -> dict[str, Any]:
    tree = nest({k: v for k, v in form.items() if k not in ("Action", "Version")})
    params = _members(tree)
    if "QueueUrl" not in params and path.strip("/").count("/") == 1:
        params["QueueUrl"] = path  # posted to the queue's own URL
    entries = as_list(tree.get(BATCH_ENTRIES.get(action, "")))
    if entries is not None:
        params["Entries"] = [_members(e) if isinstance(e, dict) else e for e in entries]
    return params


def _members(tree: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in tree.items():
        if key == "Attribute":
            params["Attributes"] = as_map(value, "Name", "Value")
        elif key == "Tag":
            params["Tags"] = as_map(value, "Key", "Value")
        elif key == "TagKey":
            params["TagKeys"] = as_list(value)
        elif key in ("AttributeName", "MessageSystemAttributeName", "MessageAttributeName"):
            params[key + "s"] = as_list(value)
        elif key in ("MessageAttribute", "MessageSystemAttribute"):
            params[key + "s"] = as_map(value, "Name", "Value")
        elif key in INTEGERS and isinstance(value, str):
            params[key] = _integer(key, value)
        elif isinstance(value, str):
            params[key] = value
    return params


def _integer(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SqsError(
            "InvalidParameterValue", f"Value {text} for parameter {name} is invalid. Reason: Not an integer."
        ) from None


# Responses -------------------------------------------------------------------------------------


def response(request: ServeRequest, result: dict[str, Any]) -> ServeResponse:
    writer = WRITERS.get(request.action)
    if writer is None:
        return query_response(request, NAMESPACE, with_result=False)
    return query_response(request, NAMESPACE, writer(result))


def _urls(result: dict[str, Any], key: str = "QueueUrls") -> str:
    urls = "".join(element("QueueUrl", url) for url in result.get(key) or [])
    return urls + elements([("NextToken", result.get("NextToken"))])


def _attributes(values: dict[str, Any] | None, tag: str = "Attribute") -> str:
    return "".join(
        f"<{tag}>{element('Name', name)}{element('Value', value)}</{tag}>"
        for name, value in (values or {}).items()
    )


def _message_attributes(values: dict[str, Any] | None) -> str:
    out = []
    for name, value in (values or {}).items():
        binary = value.get("BinaryValue")
        inner = elements(
            [
                ("StringValue", value.get("StringValue")),
                ("BinaryValue", base64.b64encode(binary).decode() if binary is not None else None),
                ("DataType", value.get("DataType")),
            ]
        )
        out.append(f"<MessageAttribute>{element('Name', name)}<Value>{inner}</Value></MessageAttribute>")
    return "".join(out)


def _sent(result: dict[str, Any]) -> str:
    keys = ("Id", "MessageId", "MD5OfMessageBody", "MD5OfMessageAttributes", "SequenceNumber")
    return elements((key, result.get(key)) for key in keys)


def _failed(entries: list[dict[str, Any]]) -> str:
    keys = ("Id", "SenderFault", "Code", "Message")
    return "".join(
        f"<BatchResultErrorEntry>{elements((k, e.get(k)) for k in keys)}</BatchResultErrorEntry>"
        for e in entries
    )


def _batch(tag: str, body: Any = None) -> Any:
    def write(result: dict[str, Any]) -> str:
        ok = "".join(
            f"<{tag}>{body(e) if body else element('Id', e['Id'])}</{tag}>" for e in result["Successful"]
        )
        return ok + _failed(result["Failed"])

    return write


def _received(result: dict[str, Any]) -> str:
    out = []
    for message in result.get("Messages") or []:
        keys = ("MessageId", "ReceiptHandle", "MD5OfBody", "Body", "MD5OfMessageAttributes")
        out.append(
            "<Message>"
            + elements((k, message.get(k)) for k in keys)
            + _attributes(message.get("Attributes"))
            + _message_attributes(message.get("MessageAttributes"))
            + "</Message>"
        )
    return "".join(out)


def _tags(result: dict[str, Any]) -> str:
    return "".join(
        f"<Tag>{element('Key', k)}{element('Value', v)}</Tag>" for k, v in (result.get("Tags") or {}).items()
    )


def _move_tasks(result: dict[str, Any]) -> str:
    return "".join(
        "<ListMessageMoveTasksResultEntry>"
        + elements((k, v) for k, v in task.items())
        + "</ListMessageMoveTasksResultEntry>"
        for task in result.get("Results") or []
    )


WRITERS: dict[str, Any] = {
    "CreateQueue": lambda r: element("QueueUrl", r["QueueUrl"]),
    "GetQueueUrl": lambda r: element("QueueUrl", r["QueueUrl"]),
    "ListQueues": _urls,
    "ListDeadLetterSourceQueues": lambda r: _urls(r, "queueUrls"),
    "GetQueueAttributes": lambda r: _attributes(r.get("Attributes")),
    "ListQueueTags": _tags,
    "SendMessage": _sent,
    "SendMessageBatch": _batch("SendMessageBatchResultEntry", _sent),
    "DeleteMessageBatch": _batch("DeleteMessageBatchResultEntry"),
    "ChangeMessageVisibilityBatch": _batch("ChangeMessageVisibilityBatchResultEntry"),
    "ReceiveMessage": _received,
    "StartMessageMoveTask": lambda r: element("TaskHandle", r["TaskHandle"]),
    "CancelMessageMoveTask": lambda r: element(
        "ApproximateNumberOfMessagesMoved", r["ApproximateNumberOfMessagesMoved"]
    ),
    "ListMessageMoveTasks": _move_tasks,
}
