"""The errors the local SQS refuses requests with, coded and worded the way AWS does.

Programs written against SQS branch on the error code (``QueueDoesNotExist``, ``ReceiptHandleIsInvalid``
...), so a local queue that raised generic exceptions would send them down paths they never take in
the cloud. Each error carries both names AWS uses: ``code`` is the query-compatible code boto3 and the
CLI show (``AWS.SimpleQueueService.NonExistentQueue``), ``type`` the JSON-protocol shape name
(``QueueDoesNotExist``). Batch calls turn the per-entry ones into AWS's ``Failed`` entries.
"""

from __future__ import annotations

from typing import Any


class SqsError(Exception):
    """An SQS API error: ``code``/``type`` as AWS names it, ``message`` as AWS words it."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        type_: str | None = None,
        sender_fault: bool = True,
        status: int = 400,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.type = type_ or code
        self.sender_fault = sender_fault
        self.status = status

    def to_dict(self) -> dict[str, Any]:
        """The ``Error`` document of an AWS error response (what boto3 puts in ``e.response``)."""
        return {
            "Code": self.code,
            "Message": self.message,
            "Type": "Sender" if self.sender_fault else "Receiver",
        }

    def batch_entry(self, entry_id: str) -> dict[str, Any]:
        """This error as one ``Failed`` entry of a batch response."""
        return {"Id": entry_id, "SenderFault": self.sender_fault, "Code": self.code, "Message": self.message}


def queue_does_not_exist() -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
        type_="QueueDoesNotExist",
    )


def queue_name_exists(attribute: str) -> SqsError:
    return SqsError(
        "QueueAlreadyExists",
        f"A queue already exists with the same name and a different value for attribute {attribute}",
        type_="QueueNameExists",
    )


def queue_deleted_recently() -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
        type_="QueueDeletedRecently",
    )


def purge_in_progress(queue_name: str) -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.PurgeQueueInProgress",
        f"Only one PurgeQueue operation on {queue_name} is allowed every 60 seconds.",
        type_="PurgeQueueInProgress",
    )


def invalid_parameter(message: str) -> SqsError:
    return SqsError("InvalidParameterValue", message, type_="InvalidParameterValueException")


def invalid_value(parameter: str, value: Any, reason: str) -> SqsError:
    """AWS's usual wording for a request parameter out of range."""
    return invalid_parameter(f"Value {value} for parameter {parameter} is invalid. Reason: {reason}")


def missing_parameter(parameter: str) -> SqsError:
    return SqsError("MissingParameter", f"The request must contain the parameter {parameter}.")


def not_for_queue_type(parameter: str, value: Any) -> SqsError:
    """A FIFO-only parameter on a standard queue, or the reverse (AWS's grammar kept)."""
    return invalid_value(
        parameter, value, "The request include parameter that is not valid for this queue type."
    )


def invalid_attribute_name(name: str) -> SqsError:
    return SqsError("InvalidAttributeName", f"Unknown Attribute {name}.")


def invalid_attribute_value(name: str, reason: str | None = None) -> SqsError:
    message = f"Invalid value for the parameter {name}."
    if reason:
        message += f" Reason: {reason}"
    return SqsError("InvalidAttributeValue", message)


def invalid_message_contents() -> SqsError:
    return SqsError(
        "InvalidMessageContents",
        "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | "
        "#xE000 to #xFFFD | #x10000 to #x10FFFF",
    )


def message_too_long(limit: int) -> SqsError:
    return invalid_parameter(
        f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
    )


def receipt_handle_malformed(handle: str) -> SqsError:
    return SqsError(
        "ReceiptHandleIsInvalid", f'The input receipt handle "{handle}" is not a valid receipt handle.'
    )


def receipt_handle_other_queue(handle: str) -> SqsError:
    return SqsError("ReceiptHandleIsInvalid", f'The receipt handle "{handle}" is not valid for this queue.')


def receipt_handle_expired(handle: str) -> SqsError:
    return invalid_value("ReceiptHandle", handle, "The receipt handle has expired.")


def not_available_for_visibility_change(handle: str) -> SqsError:
    return invalid_value(
        "ReceiptHandle", handle, "Message does not exist or is not available for visibility timeout change."
    )


def message_not_inflight() -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.MessageNotInflight",
        "The message is not in flight.",
        type_="MessageNotInflight",
    )


def too_many_entries(count: int, limit: int = 10) -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        f"Maximum number of entries per request are {limit}. You have sent {count}.",
        type_="TooManyEntriesInBatchRequest",
    )


def empty_batch(entry_kind: str) -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.EmptyBatchRequest",
        f"There should be at least one {entry_kind} in the request.",
        type_="EmptyBatchRequest",
    )


def batch_ids_not_distinct(entry_id: str) -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        f"Id {entry_id} repeated.",
        type_="BatchEntryIdsNotDistinct",
    )


def invalid_batch_entry_id() -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        "It can be at most 80 letters long.",
        type_="InvalidBatchEntryId",
    )


def batch_request_too_long(size: int, limit: int) -> SqsError:
    return SqsError(
        "AWS.SimpleQueueService.BatchRequestTooLong",
        f"Batch requests cannot be longer than {limit} bytes. You have sent {size} bytes.",
        type_="BatchRequestTooLong",
    )


def resource_not_found() -> SqsError:
    return SqsError("ResourceNotFoundException", "The resource that you requested couldn't be found.")


def unsupported_operation(message: str) -> SqsError:
    return SqsError("AWS.SimpleQueueService.UnsupportedOperation", message, type_="UnsupportedOperation")
