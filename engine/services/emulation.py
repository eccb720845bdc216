"""Emulated AWS services for local runs: moto in process, one account per run.

A Task whose resource no mock, handler or built-in service answers (`aws-sdk:dynamodb:putItem`,
`aws-sdk:s3:getObject`, `dynamodb:getItem`, `aws-sdk:ssm:getParameter`...) is run against moto's
emulation of the service, through a botocore client that only this account uses (see
`emulation_dispatch`), so a workflow can create a table and read back its items, or put an
object and get it, without AWS, Docker or a server. Each run starts with an empty account
(plus what the project seeds); the account's ARNs carry the run's account id.
"""

from __future__ import annotations

import importlib.util
import itertools
import threading
from typing import Any

from engine.integrations import TaskError, TaskRequest
from engine.services import emulation_errors as errors
from engine.services import emulation_state
from engine.services.emulation_dispatch import available_services, emulated_client, forget_account
from engine.services.emulation_errors import NotEmulated
from engine.services.emulation_shapes import from_botocore, java_member_name, to_botocore, translate_strings

# Step Functions' SDK names that are not botocore's model names with dashes dropped.
SDK_TO_BOTOCORE = {
    "sfn": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "costexplorer": "ce",
    "elasticloadbalancingv2": "elbv2",
    "elasticloadbalancing": "elb",
    "cognitoidentityprovider": "cognito-idp",
    "cognitoidentity": "cognito-identity",
    "bedrockruntime": "bedrock-runtime",
    "bedrockagentruntime": "bedrock-agent-runtime",
    "configservice": "config",
    "applicationautoscaling": "application-autoscaling",
    "databasemigration": "dms",
    "directory": "ds",
    "elasticsearch": "es",
    "sfnactivity": "stepfunctions",
}
# Optimized integrations whose service is not the botocore model of the same name.
OPTIMIZED_TO_BOTOCORE = {"states": "stepfunctions", "events": "events"}
OPTIMIZED_OPERATION_SERVICE = {("bedrock", "invokeModel"): "bedrock-runtime"}
# Optimized integrations that add the SDK's HTTP metadata to the API response.
WITH_HTTP_METADATA = frozenset({"dynamodb", "sqs", "sns", "events"})

_live: set[str] = set()
_live_lock = threading.Lock()
_spare = itertools.count(1)


def _claim(account: str) -> str:
    """The moto account a run uses: its own id, unless a live run already holds that one."""
    with _live_lock:
        chosen = account
        while chosen in _live:
            chosen = f"9{next(_spare):011d}"
        _live.add(chosen)
    forget_account(chosen)  # a fresh account: nothing left from an earlier run
    return chosen


def botocore_service(service: str, *, kind: str = "aws-sdk", action: str = "") -> str | None:
    """botocore's model name for a Step Functions service name; None when botocore has none."""
    if kind == "service":
        service = OPTIMIZED_OPERATION_SERVICE.get(
            (service, action), OPTIMIZED_TO_BOTOCORE.get(service, service)
        )
    names = available_services()
    if service in names:
        return service
    if service in SDK_TO_BOTOCORE:
        return SDK_TO_BOTOCORE[service]
    folded = {name.replace("-", ""): name for name in names}
    return folded.get(service.replace("-", ""))


class EmulatedAccount:
    """One emulated AWS account for one run: clients, Task calls, seeding and a look inside."""

    def __init__(self, account: str = "123456789012", region: str = "us-east-1") -> None:
        self.account = account
        self.region = region
        self.moto_account = _claim(account)
        self.touched: set[str] = set()  # botocore services this run has called
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.closed = False

    def client(self, service: str, region: str | None = None) -> Any:
        """A botocore client (botocore's service name) answered by this account's emulation."""
        key = (service, region or self.region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = emulated_client(service, self.moto_account, key[1])
                self._clients[key] = client
        return client

    def call(
        self,
        service: str,
        operation: str,
        params: dict[str, Any] | None = None,
        *,
        kind: str = "aws-sdk",
        region: str | None = None,
        resource: str = "",
    ) -> Any:
        """Run one operation; its result as Step Functions returns it, or TaskError as it fails."""
        # Imported here for start-up time: botocore loads once an emulated Task runs.
        from botocore import xform_name
        from botocore.exceptions import ClientError, ParamValidationError

        resource = (
            resource or f"arn:aws:states:::{'aws-sdk:' if kind == 'aws-sdk' else ''}{service}:{operation}"
        )
        action = operation[:1].lower() + operation[1:]
        name = botocore_service(service, kind=kind, action=action)
        if name is None:
            raise errors.not_emulated(resource, service, action, f"botocore knows no service named {service}")
        client = self.client(name, region)
        model = client.meta.service_model
        op_name = operation[:1].upper() + operation[1:]
        if op_name not in model.operation_names:
            raise errors.not_emulated(
                resource, service, action, f"{model.service_id} has no operation {op_name}"
            )
        op = model.operation_model(op_name)
        method = getattr(client, xform_name(op_name))
        args = to_botocore(op.input_shape, translate_strings(params or {}, self.account, self.moto_account))
        prefix = errors.sdk_prefix(model.service_id)
        self.touched.add(name)
        try:
            result = method(**args) if isinstance(args, dict) else method()
        except ParamValidationError as exc:
            raise errors.invalid_parameters(prefix, str(exc).replace("\n", " ")) from None
        except ClientError as exc:
            raise errors.from_client_error(
                exc, kind=kind, service=service, service_id=model.service_id
            ) from None
        except NotEmulated:
            raise errors.not_emulated(
                resource, service, action, "the local emulation (moto) does not implement it"
            ) from None
        except Exception as exc:  # the emulation itself broke on these parameters: no traceback in a run
            raise errors.emulation_failed(prefix, op_name, exc) from None
        rename = java_member_name if kind == "aws-sdk" else None
        shaped = from_botocore(op.output_shape, result, rename=rename)
        out = translate_strings(shaped, self.moto_account, self.account)
        if kind == "service" and service in WITH_HTTP_METADATA:
            out.update(_http_metadata(result))
        return out

    async def invoke(self, request: TaskRequest) -> Any:
        """Serve a Task's request (what the ServiceRegistry hands over when nothing else serves it)."""
        if request.pattern.startswith(".sync"):  # a callback's call is made; the token answers later
            raise errors.not_emulated(
                request.resource,
                request.service,
                request.action,
                f"the local emulation runs request-response calls, not {request.pattern}",
            )
        if request.payload is not None and not isinstance(request.payload, dict):
            raise TaskError(
                "States.Runtime",
                f"The parameters of {request.resource} must be a JSON object, "
                f"not {type(request.payload).__name__}",
            )
        return self.call(
            request.service,
            request.action,
            request.payload,
            kind=request.kind,
            region=request.region or None,
            resource=request.resource,
        )

    def seed(self, spec: dict[str, Any]) -> None:
        """Create tables with items, buckets with objects and parameters (see emulation_state)."""
        emulation_state.seed(self, spec)

    def snapshot(self) -> dict[str, Any]:
        """What the account holds now, as plain JSON (see emulation_state)."""
        return emulation_state.snapshot(self)

    def close(self) -> None:
        """Forget this account's emulated resources."""
        if self.closed:
            return
        self.closed = True
        forget_account(self.moto_account)
        with _live_lock:
            _live.discard(self.moto_account)


def _http_metadata(result: dict[str, Any]) -> dict[str, Any]:
    meta = result.get("ResponseMetadata", {}) if isinstance(result, dict) else {}
    request_id = meta.get("RequestId", "")
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request_id}
    return {
        "SdkHttpMetadata": {"HttpHeaders": headers, "HttpStatusCode": meta.get("HTTPStatusCode", 200)},
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def moto_installed() -> bool:
    """Whether the emulation library is there (an install without it runs as before, naming
    what would serve each unserved Task)."""
    return importlib.util.find_spec("moto") is not None


def emulation_of(registry: Any, *, account: str, region: str) -> EmulatedAccount | None:
    """The registry's emulated account, created on first use; None when emulation is off."""
    if not getattr(registry, "emulate", True) or not moto_installed():
        return None
    current = getattr(registry, "emulation", None)
    if current is None or current.closed:
        current = EmulatedAccount(account, region)
        registry.emulation = current
        seeded = getattr(registry, "emulation_seed", None)  # what the project starts its runs with
        if seeded:
            current.seed(seeded)
    return current
