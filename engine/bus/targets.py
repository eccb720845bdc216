"""How the bus hands an event to a target, and how a target says it failed.

The bus never knows what a queue, a topic or a state machine is: it calls a `TargetInvoker`
with the target's reference (`queue:orders`, `stateMachine:Fulfil`, an ARN...) and the text
to deliver. The wiring to the local services lives elsewhere; keeping the protocol this small
means the same bus runs in the designer, the CLI and tests, where a few Python functions
stand in for the whole estate.

A failure is reported as a `TargetDeliveryError` carrying one of the error codes EventBridge
writes on dead-lettered messages; the code decides whether retrying can help.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from engine.resource_refs import parse_ref

# Codes EventBridge writes to ERROR_CODE. Missing permissions or a target that does not exist
# are not retried: AWS sends such events straight to the dead-letter queue.
ERROR_FROM_TARGET = "ERROR_FROM_TARGET"
NO_PERMISSIONS = "NO_PERMISSIONS"
NO_RESOURCE = "NO_RESOURCE"
RESOURCE_NOT_FOUND = "RESOURCE_NOT_FOUND"
INVALID_JSON = "INVALID_JSON"
INVALID_PARAMETER = "INVALID_PARAMETER"
FAILED_TO_ASSUME_ROLE = "FAILED_TO_ASSUME_ROLE"
THROTTLING = "THROTTLING"
TIMEOUT = "TIMEOUT"
INTERNAL_ERROR = "INTERNAL_ERROR"
SDK_CLIENT_ERROR = "SDK_CLIENT_ERROR"
NOT_RETRIED = frozenset(
    {NO_PERMISSIONS, NO_RESOURCE, RESOURCE_NOT_FOUND, FAILED_TO_ASSUME_ROLE, INVALID_JSON, INVALID_PARAMETER}
)

# Message attributes of a dead-lettered event (all String attributes in SQS terms).
RULE_ARN = "RULE_ARN"
TARGET_ARN = "TARGET_ARN"
ERROR_CODE = "ERROR_CODE"
ERROR_MESSAGE = "ERROR_MESSAGE"
EXHAUSTED_RETRY_CONDITION = "EXHAUSTED_RETRY_CONDITION"
RETRY_ATTEMPTS = "RETRY_ATTEMPTS"


class TargetDeliveryError(Exception):
    """A delivery that did not happen: EventBridge's error code and a message for people.

    `retryable` overrides what the code implies, for an invoker that knows better.
    """

    def __init__(self, code: str, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = code not in NOT_RETRIED if retryable is None else retryable


class TargetInvoker(Protocol):
    """Delivers one payload to one target; raises TargetDeliveryError when it cannot."""

    async def invoke(self, target_ref: str, payload: str, *, message_group_id: str | None) -> None: ...


class DeadLetterSink(Protocol):
    """Sends a failed event to a dead-letter queue with EventBridge's message attributes."""

    async def send(self, queue_ref: str, body: str, attributes: dict[str, str]) -> None: ...


def target_kind(target_ref: str) -> str | None:
    """`queue`, `topic`, `stateMachine`, `bus`, `function`... for a reference or an ARN."""
    ref = parse_ref(target_ref)
    return ref.kind if ref else None


def as_delivery_error(exc: BaseException) -> TargetDeliveryError:
    """Whatever an invoker raised, as the error EventBridge would record for it."""
    if isinstance(exc, TargetDeliveryError):
        return exc
    if isinstance(exc, TimeoutError):
        return TargetDeliveryError(TIMEOUT, str(exc) or "The target did not answer in time.")
    return TargetDeliveryError(ERROR_FROM_TARGET, f"{type(exc).__name__}: {exc}")


def dead_letter_attributes(
    *,
    rule_arn: str,
    target_arn: str,
    error: TargetDeliveryError,
    retry_attempts: int,
    exhausted_condition: str | None,
) -> dict[str, str]:
    """The attributes AWS puts on a dead-lettered event.

    EXHAUSTED_RETRY_CONDITION is present only when a retry limit ended delivery; an error that
    is not retried goes to the queue without it.
    """
    attributes = {
        RULE_ARN: rule_arn,
        TARGET_ARN: target_arn,
        ERROR_CODE: error.code,
        ERROR_MESSAGE: error.message,
        RETRY_ATTEMPTS: str(retry_attempts),
    }
    if exhausted_condition is not None:
        attributes[EXHAUSTED_RETRY_CONDITION] = exhausted_condition
    return attributes


Handler = Callable[..., Any]


class HandlerInvoker:
    """Targets served by Python callables, by reference: for tests, scripts and local handlers.

    A handler is called with the payload text (and `message_group_id=` when it accepts it); it may
    be sync or async. Raising TargetDeliveryError reports a delivery failure as is; any other
    exception counts as an error from the target. A reference with no handler is NO_RESOURCE,
    as when a target has been deleted.
    """

    def __init__(self, handlers: dict[str, Handler] | None = None) -> None:
        self.handlers: dict[str, Handler] = dict(handlers or {})

    def register(self, target_ref: str, handler: Handler) -> None:
        self.handlers[target_ref] = handler

    async def invoke(self, target_ref: str, payload: str, *, message_group_id: str | None) -> None:
        handler = self.handlers.get(target_ref)
        if handler is None:
            raise TargetDeliveryError(NO_RESOURCE, f"Target {target_ref} does not exist.")
        if _accepts_group(handler):
            result = handler(payload, message_group_id=message_group_id)
        else:
            result = handler(payload)
        if inspect.isawaitable(result):
            await result


class RoutingInvoker:
    """Sends each target to the invoker for its kind (queue, topic, bus...), else to a fallback.

    Lets the wiring for each service be written separately and composed here.
    """

    def __init__(self, routes: dict[str, TargetInvoker], fallback: TargetInvoker | None = None) -> None:
        self.routes = dict(routes)
        self.fallback = fallback

    async def invoke(self, target_ref: str, payload: str, *, message_group_id: str | None) -> None:
        invoker = self.routes.get(target_kind(target_ref) or "", self.fallback)
        if invoker is None:
            raise TargetDeliveryError(NO_RESOURCE, f"No service handles target {target_ref}.")
        await invoker.invoke(target_ref, payload, message_group_id=message_group_id)


class CallbackDeadLetters:
    """A DeadLetterSink that hands each dead letter to a function (sync or async)."""

    def __init__(self, callback: Callable[[str, str, dict[str, str]], Awaitable[None] | None]) -> None:
        self.callback = callback

    async def send(self, queue_ref: str, body: str, attributes: dict[str, str]) -> None:
        result = self.callback(queue_ref, body, attributes)
        if inspect.isawaitable(result):
            await result


def _accepts_group(handler: Handler) -> bool:
    try:
        parameters = inspect.signature(handler).parameters
    except (TypeError, ValueError):
        return False
    return "message_group_id" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )
