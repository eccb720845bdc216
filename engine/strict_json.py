"""JSON as AWS reads it: strict numbers, bounded size, located refusals.

Python's ``json`` module accepts ``NaN``, ``Infinity`` and ``-Infinity`` and reads ``1e309`` as
infinity; none of them is JSON, AWS refuses them, and once inside an execution they come out as
``{"output": NaN}``, which no JSON reader accepts. Everything a user hands StateCanvas as JSON
(execution input, PutEvents entries, TestState fields) is read here, so it is refused at the door
with the line and column of the offending token.

Inputs are also bounded as AWS bounds them before any of the text is parsed: a file (or standard
input, or ``/dev/zero``) is read only up to its limit plus one byte.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO, Final

# StartExecution's input, a PutEvents request's entries, an SQS message, a TestState input: 256 KiB.
MAX_PAYLOAD_BYTES: Final = 262_144
_NOT_NUMBERS: Final = ("NaN", "Infinity", "-Infinity")

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "JsonInputError",
    "check_payload_size",
    "loads_strict",
    "read_limited",
]


class JsonInputError(ValueError):
    """Text that is not strict JSON, or input over its size limit; the message says where and why.

    ``reason``, ``line`` and ``column`` hold the parts, for callers that word the place themselves.
    """

    def __init__(
        self, message: str, *, reason: str | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.reason = reason or message
        self.line = line
        self.column = column


class _NotANumber(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _refuse_constant(token: str) -> Any:
    raise _NotANumber(token)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotANumber(text)
    return value


def loads_strict(text: str, where: str = "input") -> Any:
    """``json.loads`` refusing what is not JSON's: NaN, infinities, numbers out of the double range.

    Raises ``JsonInputError`` with ``where``, the line and column and the reason.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except _NotANumber as exc:
        line, column = _locate(text, exc.token)
        if exc.token in _NOT_NUMBERS:
            why = f"{exc.token} is not a JSON number"
        else:
            why = f"the number {exc.token} is out of range (JSON numbers are doubles, at most about 1.8e308)"
        raise JsonInputError(
            f"{where}: not valid JSON (line {line}, column {column}): {why}",
            reason=why,
            line=line,
            column=column,
        ) from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"{where}: not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            reason=exc.msg,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise JsonInputError(f"{where}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise JsonInputError(f"{where}: not valid JSON: {exc}") from None


def _locate(text: str, token: str) -> tuple[int, int]:
    """Line and column (1-based) of the first ``token`` outside a string, else of the text's start."""
    in_string = escaped = False
    for index, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif text.startswith(token, index):
            line = text.count("\n", 0, index) + 1
            return line, index - (text.rfind("\n", 0, index) + 1) + 1
    return 1, 1


def read_limited(
    path: str, *, limit: int = MAX_PAYLOAD_BYTES, what: str = "an execution input", bound: str | None = None
) -> str:
    """The UTF-8 text of a file (``-`` for standard input), refusing more than ``limit`` bytes.

    Never reads more than ``limit + 1`` bytes, so a device or a pipe without end costs nothing.
    ``bound`` words the limit in the refusal when it is not ``limit`` bytes itself.
    """
    where = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = _read_at_most(sys.stdin.buffer, limit + 1)
        else:
            if Path(path).is_dir():
                raise JsonInputError(f"{where}: is a folder, not a file")
            with open(path, "rb") as handle:
                data = _read_at_most(handle, limit + 1)
    except OSError as exc:
        raise JsonInputError(f"{where}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise JsonInputError(
            f"{where}: more than {limit:,} bytes; {what} may be at most {bound or _size(limit)} in AWS"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonInputError(
            f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _read_at_most(handle: BinaryIO, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = handle.read(min(remaining, 65_536))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _size(limit: int) -> str:
    if limit % 1_048_576 == 0:
        return f"{limit // 1_048_576} MiB"
    if limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit:,} bytes"


def check_payload_size(
    text: str,
    where: str,
    what: str = "an execution input",
    *,
    limit: int = MAX_PAYLOAD_BYTES,
    bound: str | None = None,
) -> None:
    """Refuse text whose UTF-8 encoding is over ``limit`` bytes (for JSON given on the command line);
    ``bound`` words the limit in the refusal when it is not ``limit`` bytes itself."""
    if len(text) > limit // 4 and len(text.encode("utf-8", "surrogatepass")) > limit:
        raise JsonInputError(
            f"{where}: more than {limit:,} bytes; {what} may be at most {bound or _size(limit)} in AWS"
        )
