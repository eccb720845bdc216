"""Task integrations with the project's own services: `sqs:sendMessage`, `sns:publish`,
`events:putEvents` (each also with `.waitForTaskToken`), answered as AWS answers them."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from engine.integrations import TaskError, TaskRequest
from engine.messaging import SnsError, SqsError
from engine.project.hops import origin


def _http_metadata(request_id: str) -> dict[str, Any]:
    return {
        "SdkHttpMetadata": {
            "HttpHeaders": {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id},
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def _payload(request: TaskRequest) -> dict[str, Any]:
    return request.payload if isinstance(request.payload, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


class ProjectServiceTasks:
    """The three integrations, bound to one project runtime's queues, topics and buses."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime

    async def sqs(self, request: TaskRequest) -> Any:
        if request.action != "sendMessage":
            raise TaskError("SQS.InvalidAction", f"unsupported action {request.action}")
        payload = _payload(request)
        body = _text(payload.get("MessageBody"))
        try:
            result = self.runtime.sqs.send_message(
                payload.get("QueueUrl", ""),
                body,
                delay_seconds=payload.get("DelaySeconds"),
                message_attributes=payload.get("MessageAttributes"),
                message_group_id=payload.get("MessageGroupId"),
                message_deduplication_id=payload.get("MessageDeduplicationId"),
            )
        except SqsError as exc:
            raise TaskError(f"SQS.{exc.type if hasattr(exc, 'type') else 'SqsException'}", str(exc)) from None
        hops = self.runtime.stepping_hops()
        if hops is not None:
            name = self.runtime.sqs.resolve(payload.get("QueueUrl", "")).name
            with origin(request.execution_arn):
                await hops.queued(name, body, result, self.runtime.sqs.depth(name))
        out = {"MD5OfMessageBody": hashlib.md5(body.encode()).hexdigest(), "MessageId": result["MessageId"]}
        return {**out, **_http_metadata(str(uuid.uuid4()))}

    async def sns(self, request: TaskRequest) -> Any:
        if request.action != "publish":
            raise TaskError("SNS.InvalidAction", f"unsupported action {request.action}")
        payload = _payload(request)
        hops = self.runtime.stepping_hops()
        topic, message = payload.get("TopicArn", ""), _text(payload.get("Message"))
        try:
            with origin(request.execution_arn):
                if hops is not None and topic.rsplit(":", 1)[-1] in self.runtime.sns.topics:
                    hop = hops.topic_hop(self.runtime.sns, topic, message, payload.get("MessageAttributes"))
                    async with hops.passing(hop):
                        result = await self._publish(topic, message, payload)
                else:
                    result = await self._publish(topic, message, payload)
        except SnsError as exc:
            raise TaskError(f"SNS.{exc.code}Exception", exc.message) from None
        return {**result, **_http_metadata(str(uuid.uuid4()))}

    async def _publish(self, topic: str, message: str, payload: dict[str, Any]) -> dict[str, Any]:
        return await self.runtime.sns.publish(
            topic,
            message,
            subject=payload.get("Subject"),
            message_attributes=payload.get("MessageAttributes"),
            message_group_id=payload.get("MessageGroupId"),
        )

    async def events(self, request: TaskRequest) -> Any:
        if request.action != "putEvents":
            raise TaskError("EventBridge.InvalidAction", f"unsupported action {request.action}")
        entries = []
        for entry in _payload(request).get("Entries") or []:
            entry = dict(entry)
            if "Detail" in entry and not isinstance(entry["Detail"], str):
                entry["Detail"] = json.dumps(entry["Detail"], separators=(",", ":"))
            entries.append(entry)
        with origin(request.execution_arn):  # the bus hops this sets off are this execution's story
            response = self.runtime.events.put_events(entries)
        if response.get("FailedEntryCount"):
            raise TaskError("EventBridge.FailedEntry", json.dumps(response, separators=(",", ":")))
        return {**response, **_http_metadata(str(uuid.uuid4()))}
