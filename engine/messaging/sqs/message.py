"""One stored message: what was sent, where it is in its life, and how the API shows it.

Message attributes are validated, sized and checksummed here exactly as SQS does it, because SDKs
verify ``MD5OfMessageBody`` / ``MD5OfMessageAttributes`` on every send and receive: a local queue with
different checksums would make a real SDK pointed at it reject every response.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.messaging.sqs.errors import (
    SqsError,
    invalid_attribute_name,
    invalid_message_contents,
    invalid_parameter,
    receipt_handle_malformed,
)

MAX_MESSAGE_ATTRIBUTES = 10
SYSTEM_ATTRIBUTE_NAMES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)
_INVALID_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\.[^\s]{1,250})?")


@dataclass
class StoredMessage:
    """A message and its delivery state. Times are epoch seconds (floats) on the queue's clock."""

    message_id: str
    body: str
    seq: int
    sent_at: float
    enqueued_at: float
    visible_at: float
    md5_of_body: str
    message_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    md5_of_message_attributes: str | None = None
    system_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sender_id: str = ""
    group_id: str | None = None
    deduplication_id: str | None = None
    sequence_number: str | None = None
    receive_count: int = 0
    first_received_at: float | None = None
    received_at: float | None = None
    receipt_handle: str | None = None
    dead_letter_source_arn: str | None = None

    def in_flight(self, now: float) -> bool:
        return self.receipt_handle is not None and self.visible_at > now

    def delayed(self, now: float) -> bool:
        return self.receipt_handle is None and self.visible_at > now

    def visible(self, now: float) -> bool:
        return self.visible_at <= now

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (binary attribute values base64-encoded) for durable stores."""
        data = asdict(self)
        data["message_attributes"] = _encode_binary(self.message_attributes)
        data["system_attributes"] = _encode_binary(self.system_attributes)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoredMessage:
        values = dict(data)
        values["message_attributes"] = _decode_binary(values.get("message_attributes") or {})
        values["system_attributes"] = _decode_binary(values.get("system_attributes") or {})
        return cls(**values)


def _encode_binary(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        copy = dict(value)
        if isinstance(copy.get("BinaryValue"), bytes | bytearray):
            copy["BinaryValue"] = {"base64": base64.b64encode(copy["BinaryValue"]).decode("ascii")}
        out[name] = copy
    return out


def _decode_binary(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        copy = dict(value)
        if isinstance(copy.get("BinaryValue"), dict):
            copy["BinaryValue"] = base64.b64decode(copy["BinaryValue"]["base64"])
        out[name] = copy
    return out


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def check_body(body: Any) -> str:
    if not isinstance(body, str) or body == "":
        raise SqsError("MissingParameter", "The request must contain the parameter MessageBody.")
    if _INVALID_CHARS.search(body):
        raise invalid_message_contents()
    return body


def normalize_message_attributes(attributes: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Validate message attributes as SendMessage does and return them in a canonical shape."""
    if not attributes:
        return {}
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise invalid_parameter(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_MESSAGE_ATTRIBUTES}]."
        )
    out: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        lowered = name.lower()
        if (
            not _ATTRIBUTE_NAME.fullmatch(name)
            or lowered.startswith(("aws.", "amazon."))
            or name.startswith(".")
            or name.endswith(".")
            or ".." in name
        ):
            raise invalid_parameter(f"Message (user) attribute name '{name}' is invalid.")
        if not isinstance(value, Mapping) or not value.get("DataType"):
            raise invalid_parameter(
                f"The message attribute '{name}' must contain non-empty message attribute type."
            )
        data_type = value["DataType"]
        match = _DATA_TYPE.fullmatch(data_type)
        if not match:
            raise invalid_parameter(
                f"The type of message (user) attribute '{name}' is invalid. "
                "You must use only the following supported type prefixes: Binary, Number, String."
            )
        if match.group(1) == "Binary":
            raw = value.get("BinaryValue")
            if isinstance(raw, str):  # callers holding base64 text (JSON payloads) may pass it as such
                try:
                    raw = base64.b64decode(raw, validate=True)
                except binascii.Error:
                    raise invalid_parameter(
                        f"The message attribute '{name}' has an invalid binary value."
                    ) from None
            if not isinstance(raw, bytes | bytearray) or not raw:
                raise invalid_parameter(
                    f"The message attribute '{name}' must contain non-empty message attribute value "
                    f"for message attribute type '{data_type}'."
                )
            out[name] = {"DataType": data_type, "BinaryValue": bytes(raw)}
            continue
        text = value.get("StringValue")
        if not isinstance(text, str) or text == "":
            raise invalid_parameter(
                f"The message attribute '{name}' must contain non-empty message attribute value "
                f"for message attribute type '{data_type}'."
            )
        if _INVALID_CHARS.search(text):
            raise invalid_message_contents()
        if match.group(1) == "Number":
            try:
                float(text)
            except ValueError:
                raise invalid_parameter(
                    f"Can't cast the value of message (user) attribute '{name}' to a number."
                ) from None
        out[name] = {"DataType": data_type, "StringValue": text}
    return out


def message_size(body: str, attributes: Mapping[str, Mapping[str, Any]]) -> int:
    """Bytes counted against MaximumMessageSize: the body plus every attribute's name, type and value."""
    size = len(body.encode("utf-8"))
    for name, value in attributes.items():
        size += len(name.encode("utf-8")) + len(value["DataType"].encode("utf-8"))
        size += (
            len(value["BinaryValue"]) if "BinaryValue" in value else len(value["StringValue"].encode("utf-8"))
        )
    return size


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """SQS's checksum: per attribute sorted by name, length-prefixed name, type, transport byte, value."""
    if not attributes:
        return None

    def prefixed(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    buffer = bytearray()
    for name in sorted(attributes):
        value = attributes[name]
        buffer += prefixed(name.encode("utf-8")) + prefixed(value["DataType"].encode("utf-8"))
        if "BinaryValue" in value:
            buffer += b"\x02" + prefixed(bytes(value["BinaryValue"]))
        else:
            buffer += b"\x01" + prefixed(value["StringValue"].encode("utf-8"))
    return md5_hex(bytes(buffer))


# -- receipt handles ------------------------------------------------------------------------------


def make_receipt_handle(queue_arn: str, message_id: str, nonce: str) -> str:
    """An opaque handle naming the queue, the message and this receive (so stale ones are detectable)."""
    raw = f"{queue_arn} {message_id} {nonce}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def parse_receipt_handle(handle: Any) -> tuple[str, str, str]:
    """``(queue_arn, message_id, nonce)``; ReceiptHandleIsInvalid for anything we did not issue."""
    if not isinstance(handle, str) or not handle:
        raise SqsError("MissingParameter", "The request must contain the parameter ReceiptHandle.")
    try:
        parts = base64.urlsafe_b64decode(handle.encode("ascii")).decode("utf-8").split(" ")
    except (ValueError, UnicodeError):
        raise receipt_handle_malformed(handle) from None
    if len(parts) != 3 or not parts[0].startswith("arn:aws:sqs:"):
        raise receipt_handle_malformed(handle)
    return parts[0], parts[1], parts[2]


# -- rendering ------------------------------------------------------------------------------------


def system_attribute_names(requested: Iterable[str] | None) -> set[str]:
    """Resolve ReceiveMessage's AttributeNames / MessageSystemAttributeNames to concrete names."""
    names: set[str] = set()
    for name in requested or ():
        if name == "All":
            names.update(SYSTEM_ATTRIBUTE_NAMES)
        elif name in SYSTEM_ATTRIBUTE_NAMES:
            names.add(name)
        else:
            raise invalid_attribute_name(name)
    return names


def select_message_attributes(
    attributes: Mapping[str, dict[str, Any]], requested: Iterable[str] | None
) -> dict[str, dict[str, Any]]:
    """MessageAttributeNames filtering: ``All``, ``.*``, exact names and ``prefix.*`` patterns."""
    wanted = list(requested or ())
    if not wanted:
        return {}
    if "All" in wanted or ".*" in wanted:
        return {name: dict(value) for name, value in attributes.items()}
    selected = {}
    for name, value in attributes.items():
        for pattern in wanted:
            if name == pattern or (pattern.endswith(".*") and name.startswith(pattern[:-1])):
                selected[name] = dict(value)
                break
    return selected


def system_attributes(message: StoredMessage, names: set[str]) -> dict[str, str]:
    """The ``Attributes`` map of a received message (values are strings, times epoch milliseconds)."""
    values: dict[str, str | None] = {
        "SenderId": message.sender_id,
        "SentTimestamp": str(int(message.sent_at * 1000)),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": (
            str(int(message.first_received_at * 1000)) if message.first_received_at is not None else None
        ),
        "SequenceNumber": message.sequence_number,
        "MessageDeduplicationId": message.deduplication_id,
        "MessageGroupId": message.group_id,
        "AWSTraceHeader": (message.system_attributes.get("AWSTraceHeader") or {}).get("StringValue"),
        "DeadLetterQueueSourceArn": message.dead_letter_source_arn,
    }
    return {name: value for name, value in values.items() if name in names and value is not None}


def render_received(
    message: StoredMessage, attribute_names: set[str], message_attribute_names: Iterable[str] | None
) -> dict[str, Any]:
    """A message as ReceiveMessage returns it."""
    out: dict[str, Any] = {
        "MessageId": message.message_id,
        "ReceiptHandle": message.receipt_handle,
        "MD5OfBody": message.md5_of_body,
        "Body": message.body,
    }
    attributes = system_attributes(message, attribute_names)
    if attributes:
        out["Attributes"] = attributes
    selected = select_message_attributes(message.message_attributes, message_attribute_names)
    if selected:
        out["MessageAttributes"] = selected
        out["MD5OfMessageAttributes"] = md5_of_attributes(selected)
    return out
