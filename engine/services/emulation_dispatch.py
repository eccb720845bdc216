"""Botocore clients answered in process by moto, for one emulated account only.

moto's own `mock_aws` switches a process-wide hook on, so every botocore client in the process
would talk to moto, the designer's deploy included. StateCanvas instead hands moto's request
dispatcher to the event system of the clients it builds here and nowhere else: each client's
`before-send` event answers the request from moto, a request moto cannot route is refused
(never sent to AWS), and every other client in the process still reaches real AWS.

The account is chosen per request (moto's `x-moto-account-id` header), so two runs keep apart.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from engine.services.emulation_errors import NotEmulated

# Fake credentials: the clients sign their requests, nothing checks them, and they must never
# be real ones (a request that escaped would then be refused by AWS rather than acted on).
_ACCESS_KEY = "AKIASTATECANVASLOCAL"
_SECRET_KEY = "statecanvas-emulated-account"

_lock = threading.Lock()
_shared: dict[str, Any] = {}


def _stubber() -> Any:
    """moto's request router: one instance of our own, never the process-wide one."""
    with _lock:
        stubber = _shared.get("stubber")
        if stubber is None:
            from moto.core.botocore_stubber import BotocoreStubber

            stubber = BotocoreStubber()
            stubber.enabled = True
            _shared["stubber"] = stubber
        return stubber


def _session() -> Any:
    """A private botocore session: its credentials and events are nobody else's."""
    with _lock:
        session = _shared.get("session")
        if session is None:
            import botocore.session

            session = botocore.session.Session()
            session.set_credentials(_ACCESS_KEY, _SECRET_KEY)
            _shared["session"] = session
        return session


class InProcessSender:
    """The `before-send` handler of one account's clients: moto answers, or the call is refused."""

    def __init__(self, account: str) -> None:
        self.account = account

    def __call__(self, request: Any, event_name: str = "", **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from moto.core.botocore_stubber import MockRawResponse

        _, _, names = event_name.partition(".")
        service, _, operation = names.partition(".")
        request.headers["x-moto-account-id"] = self.account
        try:
            answer = _stubber().process_request(request)
        except NotImplementedError:
            raise NotEmulated(service, operation) from None
        if answer is None:
            raise NotEmulated(service, operation)
        status, headers, body = answer
        if status == 404 and body == "Not yet implemented":
            raise NotEmulated(service, operation)
        return AWSResponse(request.url, status, headers, MockRawResponse(body))


def emulated_client(service: str, account: str, region: str) -> Any:
    """A botocore client of `service` (botocore's name) whose calls moto answers for `account`."""
    from botocore.config import Config

    client = _session().create_client(
        service,
        region_name=region,
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=True),
    )
    client.meta.events.register("before-send", InProcessSender(account))
    return client


def forget_account(account: str) -> None:
    """Drop everything moto holds for `account`, in every service it was used with."""
    from moto.core.base_backend import BackendDict, backend_lock

    with backend_lock:
        for backends in list(BackendDict._instances):  # type: ignore[attr-defined]
            backends.pop(account, None)
        # S3 bucket names are one namespace across accounts: moto keeps bucket -> account apart
        # from the backends, and a name left pointing at a dropped account breaks its next use.
        if "moto.s3.models" in sys.modules:
            buckets = sys.modules["moto.s3.models"].s3_backends.bucket_accounts
            for name, (_partition, owner) in list(buckets.items()):
                if owner == account:
                    buckets.pop(name, None)


def available_services() -> frozenset[str]:
    """botocore's model names (a directory listing, no model is read)."""
    with _lock:
        names = _shared.get("services")
    if names is None:
        names = frozenset(_session().get_available_services())
        with _lock:
            _shared["services"] = names
    return names
