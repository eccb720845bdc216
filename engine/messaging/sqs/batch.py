"""The three batch actions: request-level checks, then each entry through the single-message path.

AWS rejects a whole batch only for problems with the batch itself (empty, more than ten entries,
bad or repeated ids, too large in total); everything wrong with one entry becomes a ``Failed``
entry while the others succeed. Reusing the single-message methods per entry guarantees a batch
entry is validated and behaves exactly like the equivalent single call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from engine.messaging.sqs.config import DEFAULT_MAXIMUM_MESSAGE_SIZE
from engine.messaging.sqs.errors import (
    SqsError,
    batch_ids_not_distinct,
    batch_request_too_long,
    empty_batch,
    invalid_batch_entry_id,
    missing_parameter,
    too_many_entries,
)
from engine.messaging.sqs.message import message_size, normalize_message_attributes

if TYPE_CHECKING:
    from engine.messaging.sqs.service import SqsService

MAX_BATCH_ENTRIES = 10
_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")

Result = dict[str, list[dict[str, Any]]]


def check_entries(entries: Any, entry_kind: str) -> list[Mapping[str, Any]]:
    """The request-level rules every batch action shares."""
    entries = list(entries or ())
    if not entries:
        raise empty_batch(entry_kind)
    if len(entries) > MAX_BATCH_ENTRIES:
        raise too_many_entries(len(entries), MAX_BATCH_ENTRIES)
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id") if isinstance(entry, Mapping) else None
        if not isinstance(entry_id, str) or not _ENTRY_ID.fullmatch(entry_id):
            raise invalid_batch_entry_id()
        if entry_id in seen:
            raise batch_ids_not_distinct(entry_id)
        seen.add(entry_id)
    return entries


def _run(entries: list[Mapping[str, Any]], action: Callable[[Mapping[str, Any]], dict[str, Any]]) -> Result:
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            successful.append({"Id": entry["Id"], **action(entry)})
        except SqsError as error:
            failed.append(error.batch_entry(entry["Id"]))
    return {"Successful": successful, "Failed": failed}


def _estimated_size(entry: Mapping[str, Any]) -> int:
    body = entry.get("MessageBody")
    if not isinstance(body, str):
        return 0
    try:
        attributes = normalize_message_attributes(entry.get("MessageAttributes"))
    except SqsError:
        attributes = {}  # the entry fails on its own; count its body only
    return message_size(body, attributes)


def send_message_batch(service: SqsService, queue: str, entries: Any) -> Result:
    with service.lock:
        service.resolve(queue)  # NonExistentQueue before anything is judged
        checked = check_entries(entries, "SendMessageBatchRequestEntry")
        limit = DEFAULT_MAXIMUM_MESSAGE_SIZE  # a batch's total, whatever the queue's own limit
        total = sum(_estimated_size(entry) for entry in checked)
        if total > limit:
            raise batch_request_too_long(total, limit)

        def send(entry: Mapping[str, Any]) -> dict[str, Any]:
            if "MessageBody" not in entry:
                raise missing_parameter("MessageBody")
            return service.send_message(
                queue,
                entry["MessageBody"],
                delay_seconds=entry.get("DelaySeconds"),
                message_attributes=entry.get("MessageAttributes"),
                message_system_attributes=entry.get("MessageSystemAttributes"),
                message_group_id=entry.get("MessageGroupId"),
                message_deduplication_id=entry.get("MessageDeduplicationId"),
            )

        return _run(checked, send)


def delete_message_batch(service: SqsService, queue: str, entries: Any) -> Result:
    with service.lock:
        service.resolve(queue)
        checked = check_entries(entries, "DeleteMessageBatchRequestEntry")

        def delete(entry: Mapping[str, Any]) -> dict[str, Any]:
            service.delete_message(queue, entry.get("ReceiptHandle"))
            return {}

        return _run(checked, delete)


def change_message_visibility_batch(service: SqsService, queue: str, entries: Any) -> Result:
    with service.lock:
        service.resolve(queue)
        checked = check_entries(entries, "ChangeMessageVisibilityBatchRequestEntry")

        def change(entry: Mapping[str, Any]) -> dict[str, Any]:
            if "VisibilityTimeout" not in entry:
                raise missing_parameter("VisibilityTimeout")
            service.change_message_visibility(queue, entry.get("ReceiptHandle"), entry["VisibilityTimeout"])
            return {}

        return _run(checked, change)
