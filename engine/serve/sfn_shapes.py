"""Checking Step Functions request members as the service does, and its error vocabulary.

Members are checked against the API's constraints (required, type, length, range, enum) and
refused with AWS's words: ``ValidationException`` for constraint violations,
``SerializationException`` for a value of the wrong JSON type, and the service's own codes for
ARNs and names (``InvalidArn``, ``InvalidName``) so the SDK raises its modeled exceptions.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from engine.runtime.arns import is_valid_name
from engine.serve.dispatch import AwsError, validation_error

_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "string": (str, "a string"),
    "integer": (int, "an integer"),
    "boolean": (bool, "a boolean"),
    "list": (list, "a list"),
    "structure": (dict, "a structure"),
}


def member(
    params: dict[str, Any],
    name: str,
    kind: str = "string",
    *,
    required: bool = False,
    max_len: int | None = None,
    min_len: int | None = None,
    low: int | None = None,
    high: int | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """The member `name` of a request, checked; None when absent and not required."""
    value = params.get(name)
    if value is None:
        if required:
            raise validation_error(
                f"1 validation error detected: Value null at '{name}' failed to satisfy constraint: "
                "Member must not be null"
            )
        return None
    python_type, words = _TYPES[kind]
    if not isinstance(value, python_type) or (kind == "integer" and isinstance(value, bool)):
        raise AwsError("SerializationException", f"Value of member '{name}' must be {words}.")
    if kind in ("string", "list") and max_len is not None and len(value) > max_len:
        raise _constraint(value, name, f"Member must have length less than or equal to {max_len}")
    if kind in ("string", "list") and min_len is not None and len(value) < min_len:
        raise _constraint(value, name, f"Member must have length greater than or equal to {min_len}")
    if kind == "integer" and low is not None and value < low:
        raise _constraint(value, name, f"Member must have value greater than or equal to {low}")
    if kind == "integer" and high is not None and value > high:
        raise _constraint(value, name, f"Member must have value less than or equal to {high}")
    if choices is not None and value not in choices:
        raise _constraint(value, name, f"Member must satisfy enum value set: [{', '.join(choices)}]")
    return value


def _constraint(value: Any, name: str, rule: str) -> AwsError:
    shown = value if not isinstance(value, str) or len(value) <= 64 else value[:64] + "..."
    return validation_error(
        f"1 validation error detected: Value '{shown}' at '{name}' failed to satisfy constraint: {rule}"
    )


def check_name(name: str, *, what: str = "Name") -> str:
    """A state machine, execution or activity name: 1-80 characters, none AWS forbids."""
    if not is_valid_name(name):
        raise AwsError("InvalidName", f"Invalid {what}: '{name}'")
    return name


def arn_parts(arn: str, *kinds: str) -> list[str]:
    """The colon-separated parts of a Step Functions ARN of one of `kinds`; InvalidArn otherwise."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "states" or parts[5] not in kinds:
        raise AwsError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return parts


def check_role_arn(arn: str) -> str:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam" or not parts[5].startswith("role/"):
        raise AwsError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return arn


def page_token(token: str | None, *, what: str = "nextToken") -> int:
    """The offset a nextToken written by this server stands for."""
    if token is None:
        return 0
    match = re.fullmatch(r"p(\d+)", token)
    if match is None:
        raise AwsError("InvalidToken", f"Invalid Token: '{token}'")
    return int(match.group(1))


def paginate(items: list[Any], token: str | None, limit: int | None) -> tuple[list[Any], str | None]:
    start = page_token(token)
    size = limit or 100
    chunk = items[start : start + size]
    return chunk, (f"p{start + size}" if start + size < len(items) else None)


def timestamp(value: datetime | str | None) -> float | None:
    """A date as the JSON protocols send it: epoch seconds."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.timestamp()


def tags_member(params: dict[str, Any], name: str = "tags") -> dict[str, str]:
    tags = member(params, name, "list", max_len=50) or []
    out: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, dict) or not isinstance(tag.get("key", ""), str):
            raise AwsError("SerializationException", f"Value of member '{name}' must be a list of tags.")
        if "key" not in tag:
            raise validation_error(
                f"1 validation error detected: Value null at '{name}.member.key' failed to satisfy "
                "constraint: Member must not be null"
            )
        value = tag.get("value", "")
        if not isinstance(value, str):
            raise AwsError("SerializationException", f"Value of member '{name}' must be a list of tags.")
        out[tag["key"]] = value
    return out
