"""Parameters in, results out: between Step Functions' JSON and botocore's Python values.

Step Functions writes every member name of an SDK integration in PascalCase, even where the
service's API uses camelCase (API Gateway's `restApiId` is `RestApiId`), and answers in the
same casing. Only structure members are renamed, walking the operation's shapes: the keys of a
map (a DynamoDB item's attribute names, S3 metadata) are the user's data and stay as written.
Blobs come back as text, timestamps as ISO 8601 text, as they read in the execution's JSON.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from engine.services.emulation_errors import WORDS as _WORDS


def to_botocore(shape: Any, value: Any) -> Any:
    """Parameters as written in a Task, as botocore's serializer takes them for `shape`."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        folded = {name.lower(): name for name in members}
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = key if key in members else folded.get(key.lower(), key)
            out[name] = to_botocore(members.get(name), item)
        return out
    if kind == "list" and isinstance(value, list):
        return [to_botocore(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: to_botocore(shape.value, item) for key, item in value.items()}
    if kind == "blob":
        if isinstance(value, str):
            return value.encode("utf-8")
        if not isinstance(value, (bytes, bytearray)):
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if kind in ("integer", "long") and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def from_botocore(shape: Any, value: Any, *, rename: Any = None) -> Any:
    """A botocore result as Step Functions returns it: JSON values only, structure members
    renamed by `rename` (`java_member_name` for SDK integrations; kept as they are without)."""
    rename = rename or _same
    if isinstance(value, datetime):
        return iso_time(value)
    if hasattr(value, "read") and callable(value.read):  # a streaming body (S3's GetObject)
        value = value.read()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    kind = shape.type_name if shape is not None else None
    if isinstance(value, dict):
        if kind == "map":
            return {key: from_botocore(shape.value, item, rename=rename) for key, item in value.items()}
        members = shape.members if kind == "structure" else {}
        return {
            rename(key): from_botocore(members.get(key), item, rename=rename)
            for key, item in value.items()
            if key != "ResponseMetadata"
        }
    if isinstance(value, list):
        member = shape.member if kind == "list" else None
        return [from_botocore(member, item, rename=rename) for item in value]
    if isinstance(value, float) and value.is_integer() and kind in ("integer", "long"):
        return int(value)
    return value


def _same(name: str) -> str:
    return name


def java_member_name(name: str) -> str:
    """A member's name as the AWS SDK for Java v2 spells it, which is what SDK integrations
    answer with: acronyms become words (`ARN` -> `Arn`, `SSEKMSKeyId` -> `SsekmsKeyId`,
    `MD5OfMessageBody` -> `Md5OfMessageBody`), everything else keeps its PascalCase."""
    return "".join(word[:1].upper() + word[1:].lower() for word in _WORDS.findall(name)) or name


def iso_time(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds when there are any, as Step Functions prints instants."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def translate_strings(value: Any, old: str, new: str) -> Any:
    """`value` with `old` replaced by `new` in every string (an account id inside ARNs)."""
    if old == new:
        return value
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {
            translate_strings(key, old, new): translate_strings(item, old, new) for key, item in value.items()
        }
    if isinstance(value, list):
        return [translate_strings(item, old, new) for item in value]
    return value
