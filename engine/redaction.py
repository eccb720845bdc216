"""Secret headers kept out of what StateCanvas shows and stores.

An HTTP Task's `Headers` (or a connection's) may carry `Authorization: Bearer ...` or an API key.
TestState shows them only with `revealSecrets`, as AWS does, and execution histories written to
the store never hold them: a store file is copied, attached to bug reports and read back by the
designer long after the token should have been forgotten.

Payloads in histories and inspection data are JSON *text*, so text that mentions a secret header
is parsed, redacted and written back; other text is left as it is (checked with one scan).
"""

from __future__ import annotations

import json
from typing import Any, Final

REDACTED: Final = "<redacted>"
# Names that are secret wherever they appear as a member name.
SECRET_NAMES: Final = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "x-amz-security-token", "api-key", "apikey"}
)
# Names that are secret inside a map of HTTP headers.
SECRET_HEADER_NAMES: Final = SECRET_NAMES | {"cookie", "set-cookie"}
_MENTIONS: Final = ("authorization", "apikey", "api-key", "security-token", "cookie")
_MAX_DEPTH: Final = 200

__all__ = ["REDACTED", "SECRET_HEADER_NAMES", "SECRET_NAMES", "mentions_secret", "redact_secrets"]


def mentions_secret(text: str) -> bool:
    """Whether `text` may hold a secret member (a cheap scan before any parsing)."""
    lowered = text.lower()
    return any(word in lowered for word in _MENTIONS)


def redact_secrets(value: Any) -> Any:
    """`value` with secret members replaced by ``<redacted>``; unchanged parts are the same objects."""
    return _redact(value, headers=False, depth=0)


def _redact(value: Any, *, headers: bool, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, str):
        return _redact_text(value, depth) if mentions_secret(value) else value
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        secret = SECRET_HEADER_NAMES if headers else SECRET_NAMES
        for key, item in value.items():
            if isinstance(key, str) and key.lower() in secret and item is not None:
                new: Any = REDACTED
            else:
                is_headers = isinstance(key, str) and key.lower() in ("headers", "header")
                new = _redact(item, headers=is_headers, depth=depth + 1)
            changed = changed or new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list):
        items = [_redact(item, headers=headers, depth=depth + 1) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


def _redact_text(text: str, depth: int) -> str:
    """JSON text with its secret members redacted; other text unchanged (a header line list too)."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return text
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return text
    redacted = _redact(parsed, headers=False, depth=depth + 1)
    if redacted is parsed:
        return text
    return json.dumps(redacted, ensure_ascii=False, separators=(",", ":"))
