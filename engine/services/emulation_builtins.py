"""SDK integrations of the services StateCanvas runs itself: SQS, SNS, EventBridge, Step Functions.

A queue a workflow creates with `aws-sdk:sqs:createQueue` must be the queue that `sqs:sendMessage`,
the project's consumers and the choreography trace see, so these SDK calls go to the project's
built-in services, never to the generic emulation. Results have the SDK integration's shape (the
API response, without the optimized integrations' HTTP metadata); errors are named as Step
Functions names SDK errors (`Sqs.QueueDoesNotExistException`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from engine.integrations import TaskError, TaskRequest
from engine.messaging import SnsError, SqsError
from engine.services.emulation_errors import error_name, not_emulated

NOT_BUILT_IN = object()  # the process runs no built-in of this service: the emulation serves it
BUILT_IN_SDK = {"sqs": "sqs", "sns": "sns", "eventbridge": "events", "sfn": "states"}
_METADATA = ("SdkHttpMetadata", "SdkResponseMetadata")

Invoker = Callable[[TaskRequest], Awaitable[Any]]


def _owner(invoker: Any, attribute: str) -> Any:
    """The object behind a registered built-in (its bound method's instance), if it has `attribute`."""
    owner = getattr(invoker, "__self__", None)
    return owner if owner is not None and hasattr(owner, attribute) else None


def _payload(request: TaskRequest) -> dict[str, Any]:
    return request.payload if isinstance(request.payload, dict) else {}


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key not in _METADATA}


def _unsupported(request: TaskRequest, served: str) -> TaskError:
    return not_emulated(
        request.resource,
        request.service,
        request.action,
        f"the built-in {request.service.upper()} serves {served} (the project's own queues, topics, buses "
        "and machines), not this action",
    )


async def serve_builtin_sdk(services: dict[str, Invoker], request: TaskRequest) -> Any:
    """Serve an `aws-sdk:` request of a built-in service, or NOT_BUILT_IN when none is running."""
    try:
        return await _serve(services, request)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a parameter of the wrong type
        prefix = {"sqs": "Sqs", "sns": "Sns", "eventbridge": "EventBridge", "sfn": "Sfn"}[request.service]
        raise TaskError(
            f"{prefix}.{prefix}Exception", f"1 validation error detected: {type(exc).__name__}: {exc}"
        ) from None


async def _serve(services: dict[str, Invoker], request: TaskRequest) -> Any:
    invoker = services.get(BUILT_IN_SDK.get(request.service, ""))
    if invoker is None:
        return NOT_BUILT_IN
    action = request.action
    if request.service in ("sqs", "sns", "eventbridge") and action in ("sendMessage", "publish", "putEvents"):
        forwarded = TaskRequest(
            **{**request.__dict__, "kind": "service", "service": BUILT_IN_SDK[request.service]}
        )
        return _plain(await invoker(forwarded))
    if request.service == "sqs":
        tasks = _owner(invoker, "runtime")
        if tasks is None:
            return NOT_BUILT_IN
        return await _sqs(tasks.runtime.sqs, request)
    if request.service == "sns":
        tasks = _owner(invoker, "runtime")
        if tasks is None:
            return NOT_BUILT_IN
        return _sns(tasks.runtime.sns, request)
    if request.service == "sfn":
        return await _sfn(invoker, request)
    raise _unsupported(request, "putEvents")


async def _sqs(sqs: Any, request: TaskRequest) -> Any:
    p = _payload(request)
    try:
        if request.action == "createQueue":
            return {
                "QueueUrl": sqs.create_queue(str(p.get("QueueName", "")), p.get("Attributes"), p.get("tags"))
            }
        if request.action == "getQueueUrl":
            return {
                "QueueUrl": sqs.get_queue_url(str(p.get("QueueName", "")), p.get("QueueOwnerAWSAccountId"))
            }
        if request.action == "listQueues":
            return {"QueueUrls": sqs.list_queues(p.get("QueueNamePrefix"), p.get("MaxResults"))}
        if request.action == "receiveMessage":
            messages = await sqs.receive_message(
                p.get("QueueUrl", ""),
                max_number_of_messages=p.get("MaxNumberOfMessages", 1),
                visibility_timeout=p.get("VisibilityTimeout"),
                wait_time_seconds=p.get("WaitTimeSeconds"),
                attribute_names=p.get("AttributeNames"),
                message_system_attribute_names=p.get("MessageSystemAttributeNames"),
                message_attribute_names=p.get("MessageAttributeNames"),
            )
            return {"Messages": messages} if messages else {}
        if request.action == "deleteMessage":
            sqs.delete_message(p.get("QueueUrl", ""), p.get("ReceiptHandle", ""))
            return {}
        if request.action == "deleteQueue":
            sqs.delete_queue(p.get("QueueUrl", ""))
            return {}
        if request.action == "purgeQueue":
            sqs.purge_queue(p.get("QueueUrl", ""))
            return {}
        if request.action == "getQueueAttributes":
            names = p.get("AttributeNames") or ["All"]
            return {"Attributes": sqs.get_queue_attributes(p.get("QueueUrl", ""), names)}
    except SqsError as exc:
        raise TaskError(error_name("Sqs", exc.type.rsplit(".", 1)[-1]), exc.message) from None
    raise _unsupported(
        request,
        "createQueue, getQueueUrl, listQueues, sendMessage, receiveMessage, deleteMessage, deleteQueue, "
        "purgeQueue and getQueueAttributes",
    )


def _sns(sns: Any, request: TaskRequest) -> Any:
    p = _payload(request)
    try:
        if request.action == "createTopic":
            attributes = p.get("Attributes") or {}
            return {
                "TopicArn": sns.create_topic(
                    str(p.get("Name", "")),
                    fifo=str(attributes.get("FifoTopic", "false")).lower() == "true",
                    content_based_deduplication=str(
                        attributes.get("ContentBasedDeduplication", "false")
                    ).lower()
                    == "true",
                )
            }
        if request.action == "listTopics":
            return {"Topics": [{"TopicArn": topic.arn} for topic in sns.topics.values()]}
    except SnsError as exc:
        raise TaskError(error_name("Sns", exc.code), exc.message) from None
    raise _unsupported(request, "createTopic, listTopics and publish")


async def _sfn(invoker: Invoker, request: TaskRequest) -> Any:
    p = _payload(request)
    if request.action == "startExecution":
        forwarded = TaskRequest(**{**request.__dict__, "kind": "service", "service": "states", "pattern": ""})
        try:
            return await invoker(forwarded)
        except TaskError as exc:
            raise TaskError(exc.error.replace("StepFunctions.", "Sfn."), exc.cause) from None
    stepfunctions = _owner(invoker, "executions")
    if request.action == "describeExecution" and stepfunctions is not None:
        arn = str(p.get("ExecutionArn", ""))
        running = stepfunctions.executions.get(arn)
        if running is None:
            raise TaskError("Sfn.ExecutionDoesNotExistException", f"Execution Does Not Exist: '{arn}'")
        return _describe(running)
    callbacks = {"sendTaskSuccess", "sendTaskFailure", "sendTaskHeartbeat"}
    if request.action in callbacks and stepfunctions is not None:
        token = str(p.get("TaskToken", ""))
        try:
            if request.action == "sendTaskSuccess":
                output = p.get("Output")
                with contextlib.suppress(TypeError, ValueError):
                    output = json.loads(output) if isinstance(output, str) else output
                stepfunctions.send_task_success(token, output)
            elif request.action == "sendTaskFailure":
                stepfunctions.send_task_failure(token, p.get("Error"), p.get("Cause"))
            else:
                stepfunctions.send_task_heartbeat(token)
        except TaskError as exc:
            raise TaskError(exc.error.replace("StepFunctions.", "Sfn."), exc.cause) from None
        return {}
    if request.action == "listExecutions" and stepfunctions is not None:
        machine = str(p.get("StateMachineArn", ""))
        wanted = p.get("StatusFilter")
        listed = []
        for running in stepfunctions.executions.values():
            if machine and running.state_machine_arn != machine:
                continue
            described = _describe(running)
            if wanted and described["Status"] != wanted:
                continue
            listed.append({k: described[k] for k in described if k not in ("Output", "Error", "Cause")})
        return {"Executions": listed[: int(p.get("MaxResults") or 100) or 100]}
    raise _unsupported(
        request, "startExecution, describeExecution, listExecutions and sendTask{Success,Failure,Heartbeat}"
    )


def _describe(running: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ExecutionArn": running.arn,
        "StateMachineArn": running.state_machine_arn,
        "Name": running.arn.rsplit(":", 1)[-1],
        "Status": "RUNNING",
    }
    if running.task.done() and not running.task.cancelled() and running.task.exception() is None:
        execution = running.task.result()
        out["Status"] = execution.status
        if execution.status == "SUCCEEDED":
            out["Output"] = json.dumps(execution.output, separators=(",", ":"))
        else:
            with contextlib.suppress(AttributeError):
                out["Error"], out["Cause"] = execution.error, execution.cause
        if execution.start_date:
            out["StartDate"] = execution.start_date.isoformat()
        if execution.stop_date:
            out["StopDate"] = execution.stop_date.isoformat()
    return out
