"""Reading request members the way AWS's JSON services check them, for the protocol modules.

A member that is missing or of the wrong type must come back as the error the SDK models
(`ValidationException` naming the member in camelCase, as AWS words it), never as a Python
exception that the server would turn into a 500. Pagination tokens are plain offsets, opaque to
clients, which is all AWS promises about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.serve.dispatch import AwsError, validation_error


def _member(name: str) -> str:
    return name[:1].lower() + name[1:]


def missing(name: str) -> AwsError:
    return validation_error(
        f"1 validation error detected: Value null at '{_member(name)}' failed to satisfy constraint: "
        "Member must not be null"
    )


def wrong_type(name: str, expected: str) -> AwsError:
    return AwsError("SerializationException", f"Value of {name} must be {expected}.")


def req_str(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None:
        raise missing(name)
    if not isinstance(value, str):
        raise wrong_type(name, "a string")
    return value


def opt_str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is not None and not isinstance(value, str):
        raise wrong_type(name, "a string")
    return value


def opt_int(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong_type(name, "an integer")
    return value


def opt_list(params: dict[str, Any], name: str) -> list[Any] | None:
    value = params.get(name)
    if value is not None and not isinstance(value, list):
        raise wrong_type(name, "a list")
    return value


def opt_str_list(params: dict[str, Any], name: str) -> list[str] | None:
    value = opt_list(params, name)
    if value is not None and not all(isinstance(item, str) for item in value):
        raise wrong_type(name, "a list of strings")
    return value


def opt_dict(params: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = params.get(name)
    if value is not None and not isinstance(value, dict):
        raise wrong_type(name, "a structure")
    return value


def page(
    items: Sequence[Any], token: str | None, limit: int | None, *, default: int = 100
) -> tuple[list[Any], str | None]:
    """One page of `items` from `token` (an offset written by an earlier page) and the next token."""
    start = 0
    if token:
        if not token.isdigit() or int(token) > len(items):
            raise validation_error("The NextToken is invalid.")
        start = int(token)
    size = default if limit is None else limit
    if size < 1:
        raise validation_error(
            f"1 validation error detected: Value '{size}' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    end = start + size
    return list(items[start:end]), (str(end) if end < len(items) else None)
