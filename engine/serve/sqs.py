"""SQS over the wire: the JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`, what current SDKs send)
and the query protocol (`Action=...` forms, XML answers, what older SDKs and the CLI v1 send).

Both end in the same operations, which take and return AWS's JSON shapes and call the project
runtime's `SqsService` (engine.messaging), so the queues a project declares, the queues its rules
and topics deliver to, and the queues clients create are one set. The query protocol only
translates its flattened form members in and its XML out (`sqs_query`).

Queue URLs handed out point at this server (`<base_url>/<account>/<name>`), as LocalStack and moto
do, because some SDKs send a queue's requests to its URL; a URL of the deployed form
(`https://sqs.<region>.amazonaws.com/<account>/<name>`) names the same queue.
"""

from __future__ import annotations

import base64
from typing import Any

from engine.messaging import SqsError
from engine.serve import sqs_query
from engine.serve.dispatch import AwsError, Dispatcher, ServeContext, ServeRequest, ServeResponse
from engine.serve.members import opt_dict, opt_int, opt_list, opt_str, opt_str_list, page, req_str


def register(dispatcher: Dispatcher) -> None:
    dispatcher.register_json("AmazonSQS", "sqs", handle_json)
    dispatcher.register_query("sqs", "2012-11-05", handle_query)


def sqs_error(error: SqsError) -> AwsError:
    """JSON: the shape name in `__type`, the query code in `x-amzn-query-error` (botocore needs both)."""
    return AwsError(
        f"com.amazonaws.sqs#{error.type}",
        error.message,
        status=error.status,
        sender=error.sender_fault,
        query_code=error.code,
    )


async def handle_json(request: ServeRequest, context: ServeContext) -> dict[str, Any]:
    operation = OPERATIONS.get(request.action)
    if operation is None:
        raise AwsError("UnknownOperationException", f"The operation {request.action} is not supported.")
    try:
        return _blobs_out(await operation(request.params, context))
    except SqsError as error:
        raise sqs_error(error) from None


async def handle_query(request: ServeRequest, context: ServeContext) -> ServeResponse:
    operation = OPERATIONS.get(request.action)
    if operation is None:
        raise AwsError("InvalidAction", f"The action {request.action} is not valid for this web service.")
    try:
        params = sqs_query.read_request(request.action, request.params, request.path)
        result = await operation(params, context)
    except SqsError as error:
        raise AwsError(error.code, error.message, status=error.status, sender=error.sender_fault) from None
    return sqs_query.response(request, result)


def _blobs_out(value: Any) -> Any:
    """Binary attribute values go out as base64 text, as the JSON protocol carries blobs."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: _blobs_out(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_blobs_out(item) for item in value]
    return value


def _url(context: ServeContext, name: str) -> str:
    return f"{context.base_url.rstrip('/')}/{context.runtime.sqs.account_id}/{name}"


def _queue(params: dict[str, Any]) -> str:
    return req_str(params, "QueueUrl")


def _name_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


# Queues ------------------------------------------------------------------------------------------


async def create_queue(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    name = req_str(params, "QueueName")
    url = context.runtime.sqs.create_queue(
        name, opt_dict(params, "Attributes") or {}, opt_dict(params, "tags") or opt_dict(params, "Tags")
    )
    return {"QueueUrl": _url(context, _name_of(url))}


async def get_queue_url(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    url = context.runtime.sqs.get_queue_url(
        req_str(params, "QueueName"), opt_str(params, "QueueOwnerAWSAccountId")
    )
    return {"QueueUrl": _url(context, _name_of(url))}


async def list_queues(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    urls = context.runtime.sqs.list_queues(opt_str(params, "QueueNamePrefix"))
    limit = opt_int(params, "MaxResults")
    if limit is not None and not 1 <= limit <= 1000:
        raise SqsError(
            "InvalidParameterValue",
            f"Value {limit} for parameter MaxResults is invalid. Reason: Must be between 1 and 1000, "
            "if provided.",
        )
    token = opt_str(params, "NextToken")
    if limit is None and token is None:
        urls, token = urls[:1000], None
    else:
        urls, token = page(urls, token, limit, default=1000)
    result: dict[str, Any] = {}
    if urls:
        result["QueueUrls"] = [_url(context, _name_of(u)) for u in urls]
    if token:
        result["NextToken"] = token
    return result


async def delete_queue(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    context.runtime.sqs.delete_queue(_queue(params))
    return {}


async def purge_queue(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    context.runtime.sqs.purge_queue(_queue(params))
    return {}


async def get_queue_attributes(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    names = opt_str_list(params, "AttributeNames") or []
    if not names:
        context.runtime.sqs.resolve(_queue(params))
        return {}
    attributes = context.runtime.sqs.get_queue_attributes(_queue(params), names)
    return {"Attributes": attributes} if attributes else {}


async def set_queue_attributes(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    attributes = opt_dict(params, "Attributes")
    if attributes is None:
        raise SqsError("MissingParameter", "The request must contain the parameter Attributes.")
    context.runtime.sqs.set_queue_attributes(_queue(params), attributes)
    return {}


async def list_dead_letter_source_queues(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    urls = context.runtime.sqs.list_dead_letter_source_queues(_queue(params))
    items, token = page(urls, opt_str(params, "NextToken"), opt_int(params, "MaxResults"), default=1000)
    result: dict[str, Any] = {"queueUrls": [_url(context, _name_of(u)) for u in items]}
    if token:
        result["NextToken"] = token
    return result


async def tag_queue(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    sqs = context.runtime.sqs
    tags = opt_dict(params, "Tags") or {}
    with sqs.lock:
        found = sqs.resolve(_queue(params))
        found.record.tags.update({str(k): str(v) for k, v in tags.items()})
        found.save_record()
    return {}


async def untag_queue(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    sqs = context.runtime.sqs
    with sqs.lock:
        found = sqs.resolve(_queue(params))
        for key in opt_str_list(params, "TagKeys") or []:
            if isinstance(key, str):
                found.record.tags.pop(key, None)
        found.save_record()
    return {}


async def list_queue_tags(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    tags = dict(context.runtime.sqs.resolve(_queue(params)).record.tags)
    return {"Tags": tags} if tags else {}


# Messages ----------------------------------------------------------------------------------------


async def send_message(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    if params.get("MessageBody") is None:
        raise SqsError("MissingParameter", "The request must contain the parameter MessageBody.")
    return context.runtime.sqs.send_message(
        _queue(params),
        params["MessageBody"],
        delay_seconds=opt_int(params, "DelaySeconds"),
        message_attributes=opt_dict(params, "MessageAttributes"),
        message_system_attributes=opt_dict(params, "MessageSystemAttributes"),
        message_group_id=opt_str(params, "MessageGroupId"),
        message_deduplication_id=opt_str(params, "MessageDeduplicationId"),
    )


async def send_message_batch(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    return context.runtime.sqs.send_message_batch(_queue(params), opt_list(params, "Entries") or [])


async def receive_message(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    count = opt_int(params, "MaxNumberOfMessages")
    messages = await context.runtime.sqs.receive_message(
        _queue(params),
        max_number_of_messages=1 if count is None else count,
        visibility_timeout=opt_int(params, "VisibilityTimeout"),
        wait_time_seconds=opt_int(params, "WaitTimeSeconds"),
        attribute_names=opt_str_list(params, "AttributeNames"),
        message_system_attribute_names=opt_str_list(params, "MessageSystemAttributeNames"),
        message_attribute_names=opt_str_list(params, "MessageAttributeNames"),
        receive_request_attempt_id=opt_str(params, "ReceiveRequestAttemptId"),
    )
    return {"Messages": messages} if messages else {}


async def delete_message(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    if params.get("ReceiptHandle") is None:
        raise SqsError("MissingParameter", "The request must contain the parameter ReceiptHandle.")
    context.runtime.sqs.delete_message(_queue(params), params["ReceiptHandle"])
    return {}


async def delete_message_batch(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    return context.runtime.sqs.delete_message_batch(_queue(params), opt_list(params, "Entries") or [])


async def change_message_visibility(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    timeout = opt_int(params, "VisibilityTimeout")
    if timeout is None:
        raise SqsError("MissingParameter", "The request must contain the parameter VisibilityTimeout.")
    context.runtime.sqs.change_message_visibility(_queue(params), params.get("ReceiptHandle"), timeout)
    return {}


async def change_message_visibility_batch(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    entries = opt_list(params, "Entries") or []
    return context.runtime.sqs.change_message_visibility_batch(_queue(params), entries)


# Dead-letter redrive -----------------------------------------------------------------------------


async def start_message_move_task(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    handle = context.runtime.sqs.start_message_move_task(
        req_str(params, "SourceArn"),
        opt_str(params, "DestinationArn"),
        opt_int(params, "MaxNumberOfMessagesPerSecond"),
    )
    return {"TaskHandle": handle}


async def list_message_move_tasks(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    limit = opt_int(params, "MaxResults")
    tasks = context.runtime.sqs.list_message_move_tasks(req_str(params, "SourceArn"), limit or 1)
    return {"Results": tasks}


async def cancel_message_move_task(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    moved = context.runtime.sqs.cancel_message_move_task(req_str(params, "TaskHandle"))
    return {"ApproximateNumberOfMessagesMoved": moved}


OPERATIONS = {
    "CreateQueue": create_queue,
    "GetQueueUrl": get_queue_url,
    "ListQueues": list_queues,
    "DeleteQueue": delete_queue,
    "PurgeQueue": purge_queue,
    "GetQueueAttributes": get_queue_attributes,
    "SetQueueAttributes": set_queue_attributes,
    "ListDeadLetterSourceQueues": list_dead_letter_source_queues,
    "TagQueue": tag_queue,
    "UntagQueue": untag_queue,
    "ListQueueTags": list_queue_tags,
    "SendMessage": send_message,
    "SendMessageBatch": send_message_batch,
    "ReceiveMessage": receive_message,
    "DeleteMessage": delete_message,
    "DeleteMessageBatch": delete_message_batch,
    "ChangeMessageVisibility": change_message_visibility,
    "ChangeMessageVisibilityBatch": change_message_visibility_batch,
    "StartMessageMoveTask": start_message_move_task,
    "ListMessageMoveTasks": list_message_move_tasks,
    "CancelMessageMoveTask": cancel_message_move_task,
}
