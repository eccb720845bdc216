"""The HTTP side of `statecanvas serve`: one aiohttp application answering every protocol.

A request is read (up to the largest body any served API accepts), parsed as the protocol its
headers say (``X-Amz-Target``: JSON; otherwise a query ``Action`` in the form or the URL), and
handed to the protocol module registered for it. Whatever happens, the client gets an AWS error
shape: a handler's :class:`AwsError` as it is, anything unexpected as ``InternalFailure``, logged
here, with no traceback in the response.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from engine.serve.context import close_context, start_runtime
from engine.serve.dispatch import (
    JSON_10,
    AwsError,
    Dispatcher,
    ServeContext,
    ServeRequest,
    ServeResponse,
    error_response,
    json_response,
)
from engine.serve.protocols import PROTOCOL_MODULES

log = logging.getLogger("statecanvas.serve")

# The largest body a served API takes: a state machine definition of 1,048,576 characters, each up to
# four bytes of UTF-8 and escaped in JSON, with room for the other members. Larger bodies are
# refused before they are read, as AWS's front end refuses them (413).
MAX_BODY_BYTES = 8 * 1024 * 1024
_SCOPE = re.compile(r"Credential=[^/]*/[^/]*/[^/]*/([^/]+)/aws4_request")


class NonLoopbackRefused(ValueError):
    """Binding to an address other machines can reach, without --allow-remote."""


def check_host(host: str, *, allow_remote: bool) -> None:
    if allow_remote or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise NonLoopbackRefused(
            f"refusing to listen on {host}: the server accepts any credentials, so it listens on a "
            "loopback address (127.0.0.1, ::1, localhost) unless --allow-remote is given"
        )


class ServeApp:
    """The protocols' dispatcher and the aiohttp application that feeds it."""

    def __init__(self, context: ServeContext, modules: list[str] | None = None) -> None:
        self.context = context
        self.dispatcher = Dispatcher()
        self.modules = [importlib.import_module(name) for name in (modules or PROTOCOL_MODULES)]
        for module in self.modules:
            module.register(self.dispatcher)
        self.app = web.Application(client_max_size=MAX_BODY_BYTES)
        self.app.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 8083) -> int:
        """Start the protocols and listen; returns the port (the one the system chose for port 0)."""
        for module in self.modules:
            starter = getattr(module, "start", None)
            if starter is not None:
                await starter(self.context)
        start_runtime(self.context)
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1] if sockets else port
        self.context.base_url = f"http://{host if ':' not in host else f'[{host}]'}:{self.port}"
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for module in self.modules:
            stopper = getattr(module, "stop", None)
            if stopper is not None:
                await stopper(self.context)
        await close_context(self.context)

    async def handle(self, http: web.Request) -> web.StreamResponse:
        request: ServeRequest | None = None
        protocol = "json" if "X-Amz-Target" in http.headers else "query"
        try:
            if http.content_length is not None and http.content_length > MAX_BODY_BYTES:
                return _too_large()
            try:
                body = await http.read()
            except web.HTTPRequestEntityTooLarge:
                return _too_large()
            request, handler = self._parse(http, body, protocol)
            result = await handler(request, self.context)
            response = result if isinstance(result, ServeResponse) else json_response(result, request)
        except AwsError as error:
            response = error_response(request, error, protocol=protocol)
        except Exception:
            log.exception("internal failure answering %s %s", http.method, http.path)
            failure = AwsError(
                "InternalFailure", "The request processing has failed.", status=500, sender=False
            )
            response = error_response(request, failure, protocol=protocol)
        return web.Response(
            status=response.status,
            body=response.body,
            headers={**response.headers, "Content-Type": response.content_type},
        )

    def _parse(self, http: web.Request, body: bytes, protocol: str) -> tuple[ServeRequest, Any]:
        host = http.headers.get("Host", "")
        if protocol == "json":
            target = http.headers["X-Amz-Target"]
            found = self.dispatcher.json_handler(target)
            if found is None:
                raise AwsError("UnknownOperationException", f"Operation {target} is not supported.")
            service, action, handler = found
            params = _json_object(body)
            content_type = http.headers.get("Content-Type", JSON_10).split(";")[0].strip() or JSON_10
            request = ServeRequest(
                http.method, http.path, http.headers, body, "json", service, action, params, target, host
            )
            request.content_type = (
                content_type if content_type.startswith("application/x-amz-json") else JSON_10
            )
            return request, handler
        params = dict(http.query)
        if body:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = params.get("Action")
        if not action:
            raise AwsError("MissingAction", "The request must contain the parameter Action.")
        scope = _SCOPE.search(http.headers.get("Authorization", ""))
        found_query = self.dispatcher.query_handler(scope.group(1) if scope else None, params.get("Version"))
        if found_query is None:
            raise AwsError("InvalidAction", f"The action {action} is not valid for this web service.")
        service, handler = found_query
        request = ServeRequest(
            http.method, http.path, http.headers, body, "query", service, action, params, None, host
        )
        return request, handler


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # a body nested past the parser's stack too
        raise AwsError(
            "SerializationException", "Start of structure or map found where not expected."
        ) from None
    if not isinstance(value, dict):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.")
    return value


def _too_large() -> web.Response:
    body = json.dumps({"__type": "RequestEntityTooLargeException", "message": "Request Entity Too Large"})
    return web.Response(status=413, body=body.encode(), content_type="application/json")
