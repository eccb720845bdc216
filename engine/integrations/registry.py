"""Where a Task's resource goes: a mock, a local Lambda handler, or a built-in service."""

from __future__ import annotations

import uuid
from typing import Any

from engine.integrations.lambda_functions import LambdaFunctions, function_not_found
from engine.integrations.mock_config import MockConfig, SavedMocks
from engine.integrations.request import TaskError, TaskRequest, unavailable


def lambda_invoke_result(payload: Any) -> dict[str, Any]:
    """The response of the optimized `lambda:invoke` integration around a function's result."""
    request_id = str(uuid.uuid4())
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "HttpHeaders": {
                "Content-Type": "application/json",
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-RequestId": request_id,
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


class ServiceRegistry:
    """Resolves and invokes Task resources. Mocks win over handlers, handlers over built-ins."""

    def __init__(
        self, *, handlers: dict[str, Any] | None = None, mocks: MockConfig | None = None, emulate: bool = True
    ) -> None:
        self.functions = LambdaFunctions()
        for name, handler in (handlers or {}).items():
            self.functions.register(name, handler)
        self.mocks = mocks
        # Mocked results a project saves with its machines (per machine and state): a test
        # case's mocks (`mocks`) win over them.
        self.saved_mocks: SavedMocks | None = None
        self.services: dict[str, Any] = {}  # service name -> async callable(request) (queues, buses...)
        # Last of all, AWS services emulated in process (engine.services.emulation): one account
        # per registry, so per run, created when a Task first needs it.
        self.emulate = emulate
        self.emulation: Any = None
        self.emulation_seed: dict[str, Any] | None = None  # what each run's account starts with
        # Imported here for start-up time: the job and API Gateway models load with the first registry.
        from engine.integrations.jobs import attach_local_integrations

        attach_local_integrations(self)  # .sync jobs and API Gateway routes, on this registry's clock

    def register_service(self, service: str, invoker: Any) -> None:
        self.services[service] = invoker

    def is_mocked(self, request: TaskRequest) -> bool:
        """Whether a mock (not a handler or a service) answers this request."""
        if self.mocks is not None and self.mocks.has(request.state_name):
            return True
        saved = self.saved_mocks
        return saved is not None and saved.has(request.state_machine_name, request.state_name)

    async def invoke(self, request: TaskRequest) -> Any:
        if self.mocks is not None and self.mocks.has(request.state_name):
            request.extra["mocked"] = True
            return self.mocks.next_outcome(request.state_name)
        saved = self.saved_mocks
        if saved is not None and saved.has(request.state_machine_name, request.state_name):
            request.extra["mocked"] = True
            return saved.next_outcome(request.state_machine_name, request.state_name, request.execution_arn)
        if request.kind == "lambda":
            return await self._call_function(request.resource, request.payload, request)
        if request.kind == "service" and request.service == "lambda" and request.action == "invoke":
            payload = request.payload if isinstance(request.payload, dict) else {}
            function = payload.get("FunctionName")
            if not isinstance(function, str):
                raise TaskError(
                    "Lambda.InvalidParameterValueException",
                    "FunctionName is required to invoke a Lambda function",
                )
            result = await self._call_function(function, payload.get("Payload"), request)
            return lambda_invoke_result(result)
        if request.kind in ("service", "aws-sdk") and request.state_name in self.functions:
            # a handler named after the Task state serves it in place of the service
            return await self._call_function(request.state_name, request.payload, request)
        if request.kind == "aws-sdk":
            # Imported here for start-up time: the emulated services load when a Task first calls one.
            from engine.services import NOT_BUILT_IN, serve_builtin_sdk

            served = await serve_builtin_sdk(self.services, request)
            if served is not NOT_BUILT_IN:
                return served
        invoker = self.services.get(request.service)
        if invoker is not None:
            return await invoker(request)
        if request.kind in ("service", "aws-sdk"):
            # Imported here for start-up time, as above.
            from engine.services import emulation_of

            account = emulation_of(self, account=request.account, region=request.region)
            if account is not None:
                return await account.invoke(request)
        raise unavailable(request)

    async def _call_function(self, function: str, event: Any, request: TaskRequest) -> Any:
        if function not in self.functions:
            raise function_not_found(_function_arn(function, request))
        return await self.functions.invoke(
            function, event, region=request.region, account=request.account, timeout=request.timeout_seconds
        )


def _function_arn(function: str, request: TaskRequest) -> str:
    if function.startswith("arn:"):
        return function.rsplit(":$LATEST", 1)[0]
    return f"arn:aws:lambda:{request.region}:{request.account}:function:{function}"
