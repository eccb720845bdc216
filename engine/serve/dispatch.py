"""How a request reaches a protocol module, and what every protocol module shares.

A protocol module (Step Functions, EventBridge, SQS, SNS) exposes ``register(dispatcher)`` and
registers one handler per service: JSON services by their ``X-Amz-Target`` prefix, query services
by their signing name (the service in the SigV4 credential scope) and API version. The server turns
each HTTP request into a :class:`ServeRequest`, finds the handler, and turns what it returns (or the
:class:`AwsError` it raises) into the HTTP response. Anything else a handler raises becomes AWS's
``InternalFailure`` without a traceback, so a client never sees a 500 page.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

JSON_10 = "application/x-amz-json-1.0"
JSON_11 = "application/x-amz-json-1.1"


class AwsError(Exception):
    """An error in AWS's shape: ``code`` is what boto3 maps to its modeled exception.

    ``query_code`` is for services that speak JSON while keeping their query error codes (SQS's JSON
    protocol: ``AWS.SimpleQueueService.NonExistentQueue``); it travels in ``x-amzn-query-error``.
    ``fields`` are extra members of the error body (``{"resourceName": ...}``).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        sender: bool = True,
        query_code: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender
        self.query_code = query_code
        self.fields = dict(fields or {})


def validation_error(message: str) -> AwsError:
    return AwsError("ValidationException", message)


@dataclass
class ServeRequest:
    """One parsed request.

    ``protocol`` is ``"json"`` (``params`` is the decoded JSON object body) or ``"query"`` (``params``
    is the form/query string, one value per key; repeated keys keep the last). ``service`` is the name
    the handler was registered under; ``action`` the operation (``StartExecution``, ``SendMessage``).
    """

    method: str
    path: str
    headers: Mapping[str, str]  # case-insensitive (aiohttp's CIMultiDictProxy)
    body: bytes
    protocol: str
    service: str
    action: str
    params: dict[str, Any]
    target: str | None = None  # the whole X-Amz-Target, for JSON protocols
    host: str = ""
    content_type: str = JSON_10  # what a JSON response is sent back as (the request's own type)
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class ServeResponse:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON_10
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[ServeRequest, "ServeContext"], Awaitable[ServeResponse | dict[str, Any]]]
"""A handler returns a ServeResponse, or a dict that is sent as the JSON response (JSON protocols)."""


@dataclass
class ServeContext:
    """What all protocols share: ONE project runtime (its clock, its Step Functions, bus, queues,
    topics and trace), the execution store, and the account and region ARNs are made in.

    ``runtime`` is an ``engine.project.runtime.ProjectRuntime``; without a PROJECT it runs an empty
    project, so resources created through the API live in the same runtime as a project's.
    ``state_file`` is the ``--state`` SQLite file (None: in memory); ``time_scale`` speeds waits up.
    ``extras`` is where a protocol keeps its own service objects (``extras["stepfunctions"]``).
    """

    runtime: Any
    store: Any
    account: str
    region: str
    state_file: str | None = None
    time_scale: float = 1.0
    mocks_file: str | None = None
    base_url: str = "http://127.0.0.1:8083"  # where the server answers (SQS queue URLs point here)
    extras: dict[str, Any] = field(default_factory=dict)
    # machine name -> the debug gate for an execution a client starts (the designer's breakpoints), or None
    gate_for: Any = None

    @property
    def clock(self) -> Any:
        return self.runtime.clock


@dataclass
class _QueryService:
    signing_name: str
    version: str
    handler: Handler


class Dispatcher:
    """Handlers by X-Amz-Target prefix (JSON) and by signing name or API version (query)."""

    def __init__(self) -> None:
        self.json_handlers: dict[str, tuple[str, Handler]] = {}
        self.query_services: list[_QueryService] = []

    def register_json(self, target_prefix: str, service: str, handler: Handler) -> None:
        """``register_json("AWSStepFunctions", "states", handle)``: targets ``AWSStepFunctions.X``."""
        self.json_handlers[target_prefix] = (service, handler)

    def register_query(self, signing_name: str, version: str, handler: Handler) -> None:
        """``register_query("sns", "2010-03-31", handle)``: form posts with ``Action=...``, chosen by
        the SigV4 credential scope's service, else by the ``Version`` parameter."""
        self.query_services.append(_QueryService(signing_name, version, handler))

    def json_handler(self, target: str) -> tuple[str, str, Handler] | None:
        prefix, _, action = target.rpartition(".")
        found = self.json_handlers.get(prefix)
        return (found[0], action, found[1]) if found else None

    def query_handler(self, signing_name: str | None, version: str | None) -> tuple[str, Handler] | None:
        for service in self.query_services:
            if signing_name and service.signing_name == signing_name:
                return service.signing_name, service.handler
        for service in self.query_services:
            if version and service.version == version:
                return service.signing_name, service.handler
        return None


# Responses ------------------------------------------------------------------------------------


def json_response(payload: Mapping[str, Any], request: ServeRequest | None = None) -> ServeResponse:
    content_type = request.content_type if request is not None else JSON_10
    body = json.dumps(payload, separators=(",", ":"), default=_json_default).encode()
    return ServeResponse(200, body, content_type, _request_id_header(request))


def query_response(
    request: ServeRequest, namespace: str, result_xml: str = "", *, with_result: bool = True
) -> ServeResponse:
    """AWS's query envelope: ``<ActionResponse><ActionResult>result_xml</ActionResult>...``.
    ``result_xml`` is already-escaped XML (build it with :func:`xml_text`)."""
    action = request.action
    result = f"<{action}Result>{result_xml}</{action}Result>" if with_result else ""
    body = (
        f'<?xml version="1.0"?><{action}Response xmlns="{namespace}">{result}'
        f"<ResponseMetadata><RequestId>{request.request_id}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return ServeResponse(200, body.encode(), "text/xml", _request_id_header(request))


def xml_text(value: Any) -> str:
    return escape(str(value))


def error_response(
    request: ServeRequest | None, error: AwsError, *, protocol: str | None = None
) -> ServeResponse:
    """The error as the request's protocol shapes it (JSON ``__type`` or query ``ErrorResponse``)."""
    kind = protocol or (request.protocol if request is not None else "json")
    request_id = request.request_id if request is not None else str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": error.code}
    if kind == "query":
        fault = "Sender" if error.sender else "Receiver"
        body = (
            f'<?xml version="1.0"?><ErrorResponse><Error><Type>{fault}</Type>'
            f"<Code>{xml_text(error.query_code or error.code)}</Code>"
            f"<Message>{xml_text(error.message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return ServeResponse(error.status, body.encode(), "text/xml", headers)
    if error.query_code:
        headers["x-amzn-query-error"] = f"{error.query_code};{'Sender' if error.sender else 'Receiver'}"
    payload = {"__type": error.code, "message": error.message, **error.fields}
    content_type = request.content_type if request is not None else JSON_10
    return ServeResponse(error.status, json.dumps(payload).encode(), content_type, headers)


def _request_id_header(request: ServeRequest | None) -> dict[str, str]:
    return {"x-amzn-RequestId": request.request_id} if request is not None else {}


def _json_default(value: Any) -> Any:
    """Datetimes go out as epoch seconds, as AWS's JSON protocols send timestamps."""
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
