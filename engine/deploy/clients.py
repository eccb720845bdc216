"""boto3 clients for one account and region, with every API call they make recorded.

Credentials and region come from boto3's usual sources (environment, shared config and
credentials files, `--profile`, instance roles); nothing here reads, stores or prints a secret.
Every call's operation name is recorded so a caller (and the tests) can tell a read-only run
from one that changed something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

READ_PREFIXES = ("Describe", "Get", "List")


class DeployError(Exception):
    """Something AWS (or the way to it) refused: one line for the user, exit 1."""


class DeploySetupError(Exception):
    """No region, no credentials, boto3 missing: a usage problem, exit 2."""


def is_read(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES)


@dataclass
class Clients:
    """Lazily made boto3 clients sharing one session, region and endpoint."""

    session: Any
    region: str
    endpoint_url: str | None = None
    calls: list[str] = field(default_factory=list)
    _clients: dict[str, Any] = field(default_factory=dict)
    _account: str | None = None

    def __call__(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is None:
            kwargs: dict[str, Any] = {"region_name": self.region}
            if self.endpoint_url:
                kwargs["endpoint_url"] = self.endpoint_url
            client = self.session.client(service, **kwargs)
            client.meta.events.register("before-call", self._record)
            self._clients[service] = client
        return client

    def _record(self, model: Any = None, **_: Any) -> None:
        if model is not None:
            self.calls.append(model.name)

    @property
    def mutating_calls(self) -> list[str]:
        return [call for call in self.calls if not is_read(call)]

    @property
    def account(self) -> str:
        if self._account is None:
            self._account = str(self("sts").get_caller_identity()["Account"])
        return self._account


def make_clients(
    *, region: str | None = None, profile: str | None = None, endpoint_url: str | None = None
) -> Clients:
    """Clients for the region (or the profile's or environment's region)."""
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        raise DeploySetupError(
            "deploying needs boto3: pip install 'statecanvas[aws]' (or pip install boto3)"
        ) from None
    try:
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    except botocore.exceptions.ProfileNotFound as exc:
        raise DeploySetupError(str(exc)) from None
    region = region or session.region_name
    if not region:
        raise DeploySetupError(
            "no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or give the profile one"
        )
    if session.get_credentials() is None:
        raise DeploySetupError(
            "no AWS credentials found (environment, shared credentials file, profile or instance role)"
        )
    return Clients(session, region, endpoint_url)


def describe_error(exc: BaseException) -> str:
    """One line for an AWS failure, without request ids or anything secret."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        error = response["Error"]
        operation = getattr(exc, "operation_name", "")
        code = error.get("Code", "Error")
        message = error.get("Message", "")
        return f"{operation}: {code}: {message}".strip(": ")
    text = str(exc)
    if type(exc).__name__ == "ResponseParserError":
        # An endpoint that answered an error in another protocol (moto does): its own words.
        found = re.search(r'"__type":\s*"([^"]+)".*?"message":\s*"([^"]*)"', text)
        if found:
            return f"{found.group(1).split('#')[-1]}: {found.group(2)}"
        return f"the endpoint's answer could not be read: {text.splitlines()[0] if text else ''}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        return str(response["Error"].get("Code", ""))
    return ""


def aws_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean AWS (or the network to it) refused, for `except` clauses."""
    import botocore.exceptions
    import botocore.parsers

    # A response that does not parse is an endpoint's refusal too (moto's server answers some
    # failures in the wrong protocol).
    return (
        botocore.exceptions.BotoCoreError,
        botocore.exceptions.ClientError,
        botocore.parsers.ResponseParserError,
    )


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a paginated list call."""
    if client.can_paginate(operation):
        out: list[Any] = []
        for page in client.get_paginator(operation).paginate(**kwargs):
            out.extend(page.get(key, []))
        return out
    return list(getattr(client, operation)(**kwargs).get(key, []))
