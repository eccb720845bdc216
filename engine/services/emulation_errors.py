"""How an emulated service's failure reads in a run: Step Functions' error names and causes.

Step Functions names an SDK integration's errors `ServiceName.ErrorName`, both in PascalCase as
the AWS SDK for Java v2 spells them (`DynamoDb`, `Ssm`, `Sfn`, `S3`), and always with the
`Exception` suffix even where the service's own code lacks it (`S3.NoSuchKeyException` for S3's
`NoSuchKey`). Optimized integrations keep their documented prefixes
(`DynamoDB.ConditionalCheckFailedException`). Causes carry the service's message followed by
the SDK's bracket of service, status code and request id, as the cloud's do.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from engine.integrations import TaskError

# Optimized integrations: the error prefix Step Functions documents and the SDK v1 service name
# its causes carry.
OPTIMIZED_NAMES: dict[str, tuple[str, str]] = {
    "dynamodb": ("DynamoDB", "AmazonDynamoDBv2"),
    "athena": ("Athena", "AmazonAthena"),
    "batch": ("Batch", "AWSBatch"),
    "ecs": ("ECS", "AmazonECS"),
    "glue": ("Glue", "AWSGlue"),
    "codebuild": ("CodeBuild", "AWSCodeBuild"),
    "sagemaker": ("SageMaker", "AmazonSageMaker"),
    "emr": ("EMR", "AmazonElasticMapReduce"),
    "eks": ("EKS", "AmazonEKS"),
    "bedrock": ("Bedrock", "AmazonBedrockRuntime"),
    "sqs": ("SQS", "AmazonSQS"),
    "sns": ("SNS", "AmazonSNS"),
    "events": ("EventBridge", "AmazonEventBridge"),
    "states": ("StepFunctions", "AWSStepFunctions"),
}

WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


class NotEmulated(Exception):
    """moto has no emulation of this operation (or of the whole service)."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"{service}:{operation}")
        self.service = service
        self.operation = operation


def sdk_prefix(service_id: str) -> str:
    """The Java SDK v2 name of a service from its model's serviceId: `DynamoDB` -> `DynamoDb`."""
    return "".join(word[:1].upper() + word[1:].lower() for word in WORDS.findall(service_id))


def error_name(prefix: str, code: str) -> str:
    code = code.rsplit("#", 1)[-1] or "Unknown"
    return f"{prefix}.{code if code.endswith('Exception') else code + 'Exception'}"


def from_client_error(exc: Any, *, kind: str, service: str, service_id: str) -> TaskError:
    """A botocore ClientError from moto as the Task failure Step Functions reports."""
    error = exc.response.get("Error", {})
    meta = exc.response.get("ResponseMetadata", {})
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or code)
    if code.isdigit():  # a HEAD request's error has no body, only its status
        code = _status_code(service_id, getattr(exc, "operation_name", ""), code)
    status = meta.get("HTTPStatusCode", 400)
    request_id = meta.get("RequestId") or str(uuid.uuid4())
    if kind == "service":
        prefix, v1_name = OPTIMIZED_NAMES.get(service, (sdk_prefix(service_id), service_id))
        cause = (
            f"{message} (Service: {v1_name}; Status Code: {status}; Error Code: {code}; "
            f"Request ID: {request_id}; Proxy: null)"
        )
        return TaskError(error_name(prefix, code), cause)
    prefix = sdk_prefix(service_id)
    cause = f"{message} (Service: {prefix}, Status Code: {status}, Request ID: {request_id})"
    return TaskError(error_name(prefix, code), cause)


def _status_code(service_id: str, operation: str, status: str) -> str:
    """The exception the Java SDK raises for an error that is only an HTTP status."""
    if service_id == "S3":
        if status == "404":
            return "NoSuchBucket" if operation == "HeadBucket" else "NoSuchKey"
        return {"403": "AccessDenied", "400": "BadRequest"}.get(status, "S3")
    return sdk_prefix(service_id)


def invalid_parameters(prefix: str, detail: str) -> TaskError:
    """Parameters the operation's input shape refuses, failed as the SDK's own exception."""
    return TaskError(f"{prefix}.{prefix}Exception", detail)


def emulation_failed(prefix: str, operation: str, exc: Exception) -> TaskError:
    """The local emulation broke on a call (not the service refusing it): the SDK's generic
    exception, with a cause that says so rather than pretending to be AWS's words."""
    detail = f"{type(exc).__name__}: {exc}".strip()
    return TaskError(
        f"{prefix}.{prefix}Exception",
        f"The local emulation of {operation} could not run with these parameters ({detail[:300]}); "
        "AWS may answer differently. Serve this state with a handler or a mock to decide its result.",
    )


def not_emulated(resource: str, service: str, operation: str, why: str) -> TaskError:
    """A Task nothing serves locally: say which operation and how to serve it."""
    return TaskError(
        "States.TaskFailed",
        f"{resource}: {why}, so no local service runs {service}:{operation}. Serve this Task with a "
        "handler named after the state (run --handler STATE=FILE:FUNCTION, or a project function of "
        "that name) or with a mocked response.",
    )
