"""`apigateway:invoke` served locally: the API's routes are project functions (or handlers).

Step Functions calls an API Gateway endpoint directly; offline, a route (`POST /checkout/payment`,
path parameters as `{id}`) is mapped to a local function that receives API Gateway's Lambda
proxy event and answers with a proxy response (`statusCode`, `headers`, `body`), as the
function behind a REST API's proxy integration does. The Task gets Step Functions' documented
answer (`ResponseBody`, `Headers`, `StatusCode`, `StatusText`) and fails as
`ApiGateway.<status>` on a status outside 2xx, the response body as the cause.
"""

from __future__ import annotations

import http
import json
import re
import uuid
from typing import Any

from engine.integrations.request import TaskError, TaskRequest


def _route_pattern(path: str) -> re.Pattern[str]:
    parts = []
    for segment in path.strip("/").split("/"):
        match = re.fullmatch(r"\{(\w+)(\+?)\}", segment)
        if match:
            parts.append(f"(?P<{match.group(1)}>.+)" if match.group(2) else f"(?P<{match.group(1)}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts))


class ApiGatewayRoutes:
    """Routes (`METHOD /path` -> function name) and the `apigateway` Task service over them."""

    def __init__(self, registry: Any, routes: dict[str, str] | None = None) -> None:
        self.registry = registry
        self.routes: dict[str, str] = dict(routes or {})

    def _candidates(self) -> list[tuple[str, str, str]]:
        """(method, path template, function) for every mapped route and route-named handler."""
        found = []
        for key, function in self.routes.items():
            method, _, path = key.partition(" ")
            found.append((method.upper(), path or "/", function.removeprefix("function:")))
        for name in self.registry.functions._handlers:
            method, _, path = name.partition(" ")
            if path.startswith("/"):
                found.append((method.upper(), path, name))
        return found

    def resolve(self, method: str, paths: list[str]) -> tuple[str, str, dict[str, str]] | None:
        for route_method, template, function in self._candidates():
            if route_method not in (method, "ANY"):
                continue
            pattern = _route_pattern(template)
            for path in paths:
                match = pattern.fullmatch(path)
                if match:
                    return function, template, match.groupdict()
        return None

    async def invoke(self, request: TaskRequest) -> Any:
        if request.kind != "service" or request.action != "invoke":
            raise TaskError(
                "ApiGateway.InvalidAction",
                f"{request.resource} is not an API Gateway integration Step Functions offers: use "
                "arn:aws:states:::apigateway:invoke",
            )
        payload = request.payload if isinstance(request.payload, dict) else {}
        endpoint, method = payload.get("ApiEndpoint"), str(payload.get("Method") or "").upper()
        if not isinstance(endpoint, str) or not endpoint or not method:
            raise TaskError(
                "States.Runtime",
                "apigateway:invoke needs ApiEndpoint (the API's host name) and Method in its parameters",
            )
        stage = str(payload.get("Stage") or "").strip("/")
        path = "/" + str(payload.get("Path") or "").strip("/")
        full = f"/{stage}{path}" if stage else path
        without_stage = "/" + full.strip("/").partition("/")[2]
        found = self.resolve(method, [path, full, without_stage])
        if found is None:
            raise TaskError(
                "ApiGateway.403",
                f"No local route serves {method} {full} on {endpoint} (StateCanvas): map the route to a "
                "project function in the project's apiRoutes, or mock this state. (A deployed REST API "
                'answers a path it does not have with 403 {"message":"Missing Authentication Token"}.)',
            )
        function, template, parameters = found
        event = _proxy_event(payload, method, full, stage, template, parameters, endpoint, request)
        try:
            answer = await self.registry.functions.invoke(
                function, event, region=request.region, account=request.account
            )
        except TaskError:
            answer = {"statusCode": 502, "body": json.dumps({"message": "Internal server error"})}
        return _task_response(answer)


def _proxy_event(
    payload: dict[str, Any],
    method: str,
    path: str,
    stage: str,
    template: str,
    parameters: dict[str, str],
    endpoint: str,
    request: TaskRequest,
) -> dict[str, Any]:
    headers = {key: _as_list(value) for key, value in (payload.get("Headers") or {}).items()}
    query = {key: _as_list(value) for key, value in (payload.get("QueryParameters") or {}).items()}
    body = payload.get("RequestBody")
    return {
        "resource": template,
        "path": path,
        "httpMethod": method,
        "headers": {key: values[-1] for key, values in headers.items()} or None,
        "multiValueHeaders": headers or None,
        "queryStringParameters": {key: values[-1] for key, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": parameters or None,
        "stageVariables": None,
        "requestContext": {
            "accountId": request.account,
            "apiId": endpoint.split(".", 1)[0],
            "httpMethod": method,
            "path": path,
            "requestId": str(uuid.uuid4()),
            "resourcePath": template,
            "stage": stage or "$default",
        },
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _task_response(answer: Any) -> dict[str, Any]:
    """Step Functions' answer of an invoke around the function's proxy response."""
    if not isinstance(answer, dict) or "statusCode" not in answer:
        answer = {"statusCode": 200, "body": json.dumps(answer)}  # a bare result is the JSON body
    try:
        status = int(answer["statusCode"])
    except (TypeError, ValueError):
        status = 502  # API Gateway's answer to a malformed proxy response
        answer = {"body": json.dumps({"message": "Internal server error"})}
    headers = {key: _as_list(value) for key, value in (answer.get("headers") or {}).items()}
    for key, values in (answer.get("multiValueHeaders") or {}).items():
        headers[key] = _as_list(values)
    headers.setdefault("Content-Type", ["application/json"])
    headers.setdefault("x-amzn-RequestId", [str(uuid.uuid4())])
    text = answer.get("body")
    body: Any = text
    if isinstance(text, str):
        try:
            body = json.loads(text)
        except ValueError:
            body = text
    if not 200 <= status < 300:
        raise TaskError(f"ApiGateway.{status}", text if isinstance(text, str) else json.dumps(text))
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return {"Headers": headers, "ResponseBody": body, "StatusCode": status, "StatusText": reason}
