"""A queue consumer that behaves like Lambda's SQS event source mapping.

It long-polls a queue, hands each batch to a handler in Lambda's SQS event shape, deletes what was
processed and leaves the rest to reappear after the visibility timeout -- so retries, receive
counts and the dead-letter queue work locally exactly as they would behind a real trigger:

* the handler raises -> the whole batch stays in the queue;
* it returns ``{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}`` and
  ``report_batch_item_failures`` is on -> only those stay (an identifier that is empty or not in the
  batch makes the whole batch count as failed, as Lambda treats it);
* anything else -> the whole batch is deleted.

The handler is ``handler(event, context)``, sync (run in a thread) or async (awaited on the loop);
an async callable is how a state machine start or any other local target is wired in.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.integrations import LambdaContext
from engine.messaging.sqs.service import SqsService

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]
_RECORD_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


def lambda_message_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """SQS's ``MessageAttributes`` re-cased the way Lambda delivers them (binary values base64)."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        entry: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value["DataType"],
        }
        if "BinaryValue" in value:
            entry["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
        else:
            entry["stringValue"] = value["StringValue"]
        out[name] = entry
    return out


def lambda_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One ReceiveMessage result as a record of Lambda's SQS event."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": lambda_message_attributes(message.get("MessageAttributes", {})),
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


@dataclass
class BatchOutcome:
    """What one poll did: how many messages arrived, were deleted, and were left for redelivery."""

    received: int = 0
    deleted: int = 0
    failed: int = 0
    error: BaseException | None = None


class QueueConsumer:
    """Polls ``queue`` and feeds ``handler``; ``start``/``stop`` for a background loop, or
    ``poll_once``/``drain`` to step it from a test."""

    def __init__(
        self,
        service: SqsService,
        queue: str,
        handler: Handler,
        *,
        batch_size: int = 10,
        wait_time_seconds: int = 20,
        visibility_timeout: int | None = None,
        report_batch_item_failures: bool = False,
        function_name: str = "local-sqs-consumer",
        on_batch: Callable[[BatchOutcome], None] | None = None,
    ) -> None:
        if not 1 <= batch_size <= 10:
            raise ValueError("batch_size must be between 1 and 10 (one ReceiveMessage call)")
        self.service = service
        self.queue = queue
        self.handler = handler
        self.batch_size = batch_size
        self.wait_time_seconds = wait_time_seconds
        self.visibility_timeout = visibility_timeout
        self.report_batch_item_failures = report_batch_item_failures
        self.function_name = function_name
        self.on_batch = on_batch
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.outcomes: list[BatchOutcome] = []

    # -- one poll ---------------------------------------------------------------------------------

    async def poll_once(self, wait_time_seconds: int | None = None) -> BatchOutcome:
        """Receive one batch (long polling), run the handler on it, settle every message."""
        wait = self.wait_time_seconds if wait_time_seconds is None else wait_time_seconds
        messages = await self.service.receive_message(
            self.queue,
            max_number_of_messages=self.batch_size,
            visibility_timeout=self.visibility_timeout,
            wait_time_seconds=wait,
            attribute_names=["All"],
            message_attribute_names=["All"],
        )
        outcome = BatchOutcome(received=len(messages))
        if not messages:
            return outcome
        found = self.service.resolve(self.queue)
        event = {"Records": [lambda_record(m, found.arn, self.service.region) for m in messages]}
        failed_ids: set[str]
        try:
            result = await self._invoke(event, found.arn)
            failed_ids = self._failures(result, [m["MessageId"] for m in messages])
        except Exception as error:
            log.info("handler for %s failed: %r; the batch stays in the queue", found.name, error)
            outcome.error = error
            failed_ids = {m["MessageId"] for m in messages}
        succeeded = [m for m in messages if m["MessageId"] not in failed_ids]
        if succeeded:
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(succeeded)]
            result = self.service.delete_message_batch(self.queue, entries)
            outcome.deleted = len(result["Successful"])
        outcome.failed = len(messages) - outcome.deleted
        self.outcomes.append(outcome)
        if self.on_batch is not None:
            self.on_batch(outcome)
        return outcome

    async def _invoke(self, event: dict[str, Any], queue_arn: str) -> Any:
        arn = f"arn:aws:lambda:{self.service.region}:{self.service.account_id}:function:{self.function_name}"
        context = LambdaContext(self.function_name, arn, str(uuid.uuid4()))
        if inspect.iscoroutinefunction(self.handler):
            return await self.handler(event, context)
        # A sync handler runs in a thread; hold a virtual clock meanwhile so time does not leap
        # ahead (expiring visibility timeouts) while the handler is merely running.
        hold = getattr(self.service.clock, "hold", None)
        release = getattr(self.service.clock, "release", None)
        if hold is not None and release is not None:
            hold()
        try:
            result = await asyncio.to_thread(self.handler, event, context)
        finally:
            if hold is not None and release is not None:
                release()
        if inspect.isawaitable(result):
            result = await result
        return result

    def _failures(self, result: Any, batch_ids: list[str]) -> set[str]:
        if not self.report_batch_item_failures or not isinstance(result, Mapping):
            return set()
        items = result.get("batchItemFailures")
        if not items:
            return set()
        failed: set[str] = set()
        for item in items:
            identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
            if not identifier or identifier not in batch_ids:
                return set(batch_ids)  # Lambda treats a malformed response as a failure of the whole batch
            failed.add(identifier)
        return failed

    # -- loops ------------------------------------------------------------------------------------

    async def drain(self, max_polls: int = 1000) -> int:
        """Poll until the queue holds no messages at all (visible, in flight or delayed).

        Returns the number of polls. Failed messages come back after their visibility timeout, so
        with a redrive policy a poison message ends in the dead-letter queue and drain returns.
        """
        for polls in range(1, max_polls + 1):
            await self.poll_once()
            if self.service.depth(self.queue).total == 0:
                return polls
        raise TimeoutError(f"{self.queue} still holds messages after {max_polls} polls")

    def start(self) -> asyncio.Task[None]:
        """Run the polling loop in the background until :meth:`stop`."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._loop())
        return self._task

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("consumer of %s failed to poll; retrying", self.queue)
                await self.service.clock.sleep(1.0)

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
