"""Local Python functions standing in for AWS Lambda, called with the Lambda convention.

A handler is `handler(event, context)` (or an async function of the same shape), registered
under a function name or ARN. What it raises becomes the error Lambda would report: the
exception's class name, with Lambda's JSON error document as the cause.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.integrations.request import TaskError

Handler = Callable[[Any, Any], Any]


@dataclass
class LambdaContext:
    """The subset of Lambda's context object handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


def function_name_of(reference: str) -> str:
    """`my-fn`, `arn:aws:lambda:r:a:function:my-fn` or `...:function:my-fn:alias` -> `my-fn`."""
    if reference.startswith("arn:"):
        parts = reference.split(":")
        if len(parts) >= 7 and parts[5] == "function":
            return parts[6]
    return reference.split(":")[0]


class LambdaFunctions:
    """Handlers by function name; ARNs and qualified names resolve to the same handler."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        # Attributes added to every context object (e.g. `stepfunctions`, a client of the local
        # service, so a handler can answer a task token as a real function would with boto3).
        self.context_extras: dict[str, Any] = {}
        # The clock of the runtime calling these functions: a virtual clock is held while a
        # handler works, so idle-looking time does not race past timeouts meanwhile.
        self.clock: Any = None

    def register(self, name_or_arn: str, handler: Handler) -> None:
        self._handlers[function_name_of(name_or_arn)] = handler

    def get(self, name_or_arn: str) -> Handler | None:
        return self._handlers.get(function_name_of(name_or_arn))

    def __contains__(self, name_or_arn: str) -> bool:
        return function_name_of(name_or_arn) in self._handlers

    async def invoke(
        self, name_or_arn: str, event: Any, *, region: str, account: str, timeout: float | None = None
    ) -> Any:
        """Run the handler; its JSON result, or TaskError as Lambda would word the failure."""
        name = function_name_of(name_or_arn)
        handler = self._handlers.get(name)
        arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
        if handler is None:
            raise function_not_found(arn)
        request_id = str(uuid.uuid4())
        resolve = getattr(handler, "resolve", None)
        if resolve is not None:  # a handler file imported only now that its function is called
            handler = _resolve_handler(resolve, request_id)
        context = LambdaContext(name, arn, request_id)
        for key, value in self.context_extras.items():
            setattr(context, key, value)
        hold = getattr(self.clock, "hold", None)
        if hold is not None:
            hold()
        try:
            if inspect.iscoroutinefunction(handler):
                call = handler(event, context)
            else:
                call = asyncio.to_thread(handler, event, context)
            result = await asyncio.wait_for(call, timeout) if timeout else await call
        except TimeoutError:
            raise
        except Exception as exc:
            raise TaskError(type(exc).__name__, error_document(exc, request_id)) from None
        finally:
            if hold is not None:
                self.clock.release()
        try:
            return json.loads(json.dumps(result, allow_nan=False))  # NaN is no JSON: a marshal error
        except (TypeError, ValueError) as exc:
            raise TaskError(
                "Runtime.MarshalError",
                json.dumps(
                    {
                        "errorMessage": f"Unable to marshal response: {exc}",
                        "errorType": "Runtime.MarshalError",
                        "requestId": request_id,
                        "stackTrace": [],
                    }
                ),
            ) from None


def _resolve_handler(resolve: Callable[[], Handler], request_id: str) -> Handler:
    """The callable behind a lazily imported handler; failures are Lambda's import errors."""
    # Imported here for start-up time: handler files load only when a project names one.
    from engine.integrations.handler_files import HandlerLoadError

    try:
        return resolve()
    except HandlerLoadError as exc:
        error = "Runtime.HandlerNotFound" if "has no function" in str(exc) else "Runtime.ImportModuleError"
        document = {"errorMessage": str(exc), "errorType": error, "requestId": request_id, "stackTrace": []}
        raise TaskError(error, json.dumps(document, separators=(",", ":"))) from None


_ENGINE_ROOT = str(Path(__file__).resolve().parents[1])
_ASYNCIO_ROOT = str(Path(asyncio.__file__).resolve().parent)


def error_document(exc: BaseException, request_id: str) -> str:
    """Lambda's JSON description of an unhandled exception (the handler's own frames only)."""
    own = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith((_ENGINE_ROOT, _ASYNCIO_ROOT))
        and "concurrent/futures" not in frame.filename
        and not frame.filename.endswith(("threading.py", "asyncio/threads.py"))
    ]
    frames = traceback.format_list(own)
    return json.dumps(
        {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "requestId": request_id,
            "stackTrace": frames,
        },
        separators=(",", ":"),
    )


def function_not_found(arn: str) -> TaskError:
    return TaskError(
        "Lambda.ResourceNotFoundException",
        f"Function not found: {arn}:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: "
        f"ResourceNotFoundException; Request ID: {uuid.uuid4()}; Proxy: null)",
    )
