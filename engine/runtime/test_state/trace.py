"""TRACE inspection: the HTTP exchange of an HTTP Task, as TestState shows it.

At inspection level TRACE, TestState adds to `inspectionData` the request an HTTP Task sent and
the response it got, each as the API spells them (headers as one `name: value, ...` text, bodies
as text). Authorization headers are left out of the request unless the caller reveals secrets.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from engine.asl import classify_resource
from engine.redaction import SECRET_HEADER_NAMES
from engine.runtime.history import to_json_text


def http_exchange(resource: str, payload: Any, result: Any, reveal_secrets: bool) -> dict[str, Any]:
    """`request` and `response` for an HTTP Task's call; nothing for any other resource."""
    info = classify_resource(resource)
    if info is None or info.service != "http" or not isinstance(payload, dict):
        return {}
    url = str(payload.get("ApiEndpoint", ""))
    query = payload.get("QueryParameters")
    if isinstance(query, dict) and query:
        url += "?" + urlencode({k: v if isinstance(v, str) else to_json_text(v) for k, v in query.items()})
    headers = payload.get("Headers") or {}
    exchange: dict[str, Any] = {
        "request": {
            "protocol": "https",
            "method": str(payload.get("Method", "")),
            "url": url,
            "headers": _header_text(headers if reveal_secrets else _redacted(headers)),
            "body": _body_text(payload.get("RequestBody")),
        }
    }
    if isinstance(result, dict):
        exchange["response"] = {
            "protocol": "https",
            "statusCode": str(result.get("StatusCode", "")),
            "statusMessage": str(result.get("StatusText", "")),
            "headers": _header_text(result.get("Headers") or {}),
            "body": _body_text(result.get("ResponseBody")),
        }
    return exchange


def _body_text(body: Any) -> str:
    return "" if body is None else body if isinstance(body, str) else to_json_text(body)


def _redacted(headers: Any) -> Any:
    """Without revealSecrets, authorization headers are not shown."""
    if not isinstance(headers, dict):
        return headers
    return {k: v for k, v in headers.items() if not (isinstance(k, str) and k.lower() in SECRET_HEADER_NAMES)}


def _header_text(headers: Any) -> str:
    if not isinstance(headers, dict):
        return "" if headers is None else str(headers)
    return ", ".join(f"{k}: {v if isinstance(v, str) else to_json_text(v)}" for k, v in headers.items())
