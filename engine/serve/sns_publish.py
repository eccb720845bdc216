"""SNS Publish and PublishBatch over the query protocol, checked as SNS checks them.

A batch runs each entry through the same path as a single Publish, so an entry is refused (in
`Failed`) for exactly what would refuse it alone, while the batch itself fails only for what SNS
refuses outright: no entries, more than ten, ids repeated or malformed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.messaging import SnsError
from engine.serve.dispatch import AwsError, ServeContext
from engine.serve.query_form import as_list
from engine.serve.sns_params import invalid, required, sns_error, topic

MAX_MESSAGE_BYTES = 256 * 1024
MAX_BATCH = 10
_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_DATA_TYPE = re.compile(r"(String|Number|Binary|String\.Array)(\.[^\s]+)?")


def message_attributes(value: Any) -> dict[str, dict[str, str]]:
    """`MessageAttributes.entry.N.Name` + `.Value.DataType/StringValue/BinaryValue` as SNS's map."""
    out: dict[str, dict[str, str]] = {}
    for entry in as_list(value, "entry") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("Name"), str):
            raise invalid("MessageAttributes: an attribute has no name")
        name = entry["Name"]
        attribute = entry.get("Value") if isinstance(entry.get("Value"), dict) else {}
        data_type = attribute.get("DataType")
        if not isinstance(data_type, str) or not data_type:
            raise invalid(f"The message attribute '{name}' must contain non-empty message attribute type.")
        match = _DATA_TYPE.fullmatch(data_type)
        if match is None:
            raise invalid(
                f"The message attribute '{name}' has an invalid message attribute type, the set of "
                "supported type prefixes is Binary, Number, and String."
            )
        key = "BinaryValue" if match.group(1) == "Binary" else "StringValue"
        if not attribute.get(key):
            raise invalid(
                f"The message attribute '{name}' must contain non-empty message attribute value for "
                f"message attribute type '{data_type}'."
            )
        out[name] = {"DataType": data_type, key: attribute[key]}
    return out


async def _publish_one(arn: str, entry: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    found = topic(context, arn)
    message = entry.get("Message")
    if not isinstance(message, str) or not message:
        raise invalid("Empty message")
    if len(message.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise invalid("Message too long")
    subject = entry.get("Subject")
    if subject is not None and (not subject or len(subject) > 100 or "\n" in subject):
        raise invalid("Subject")
    if entry.get("MessageStructure") is not None:
        message = _structured(entry["MessageStructure"], message)
    group = entry.get("MessageGroupId")
    dedup = entry.get("MessageDeduplicationId")
    if not found.fifo and dedup is not None:
        raise invalid(
            "MessageDeduplicationId: The request includes a parameter that is not valid for this topic type"
        )
    if found.fifo and dedup is None and not found.content_based_deduplication:
        raise invalid(
            "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
            "provided explicitly"
        )
    return await context.runtime.sns.publish(
        found.name,
        message,
        subject=subject,
        message_attributes=message_attributes(entry.get("MessageAttributes")) or None,
        message_group_id=group,
        message_deduplication_id=dedup,
    )


def _structured(structure: str, message: str) -> str:
    """MessageStructure=json: the `default` text goes to every subscriber (SQS and Lambda alike
    read `default` unless the document names their protocol; `sqs` wins for queues in AWS)."""
    if structure != "json":
        raise invalid("MessageStructure")
    try:
        document = json.loads(message)
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        raise invalid("Message Structure - JSON message body failed to parse")
    if not isinstance(document.get("default"), str):
        raise invalid("Message Structure - No default entry in JSON message body")
    return str(document.get("sqs", document["default"]))


async def publish(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = params.get("TopicArn") or params.get("TargetArn")
    if params.get("PhoneNumber") is not None:
        raise invalid("PhoneNumber: SMS is not delivered locally")
    if not isinstance(arn, str):
        raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
    return await _publish_one(arn, params, context)


async def publish_batch(params: dict[str, Any], context: ServeContext) -> dict[str, Any]:
    arn = required(params, "TopicArn")
    topic(context, arn)
    entries = as_list(params.get("PublishBatchRequestEntries"), "member") or []
    if not entries:
        raise sns_error("EmptyBatchRequest", "The batch request doesn't contain any entries.")
    if len(entries) > MAX_BATCH:
        raise sns_error(
            "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible."
        )
    ids = [e.get("Id") if isinstance(e, dict) else None for e in entries]
    if not all(isinstance(i, str) and _ENTRY_ID.fullmatch(i) for i in ids):
        raise sns_error(
            "InvalidBatchEntryId",
            "The Id of a batch entry in a batch request doesn't abide by the specification.",
        )
    if len(set(ids)) != len(ids):
        raise sns_error(
            "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id."
        )
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            result = await _publish_one(arn, entry, context)
        except (AwsError, SnsError) as error:
            code = error.code
            failed.append({"Id": entry["Id"], "Code": code, "Message": error.message, "SenderFault": True})
        else:
            successful.append({"Id": entry["Id"], **result})
    return {"Successful": successful, "Failed": failed}


OPERATIONS = {"Publish": publish, "PublishBatch": publish_batch}
