"""Response shapes of service APIs, for checking a TestState mock result as AWS checks it.

TestState compares a mocked `result` with the response model of the API the Task calls
(`mock.fieldValidationMode`): STRICT wants every required field and every present field
well-typed, PRESENT only the present fields, NONE nothing. Fields the model does not know
are let through in every mode. AWS carries the whole service model; StateCanvas carries
only the handful of responses that workflows commonly mock, with the bounds AWS enforces on
them. An integration that is not listed is not checked (as with NONE), which errs on the
side of accepting a mock rather than refusing one AWS would take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.asl import classify_resource

PREFIX = "Mock result schema validation error: "


@dataclass(frozen=True)
class Shape:
    """One node of a response model: its JSON kind and the constraints AWS enforces on it."""

    kind: str  # "string", "number", "boolean", "list", "map", "structure", "any"
    members: dict[str, Shape] = field(default_factory=dict)  # structure
    required: tuple[str, ...] = ()  # structure
    element: Shape | None = None  # list items, map values
    min_length: int | None = None  # string (blob, timestamp) lengths
    max_length: int | None = None
    minimum: float | None = None  # number bounds
    maximum: float | None = None


def string(min_length: int | None = None, max_length: int | None = None) -> Shape:
    return Shape("string", min_length=min_length, max_length=max_length)


def number(minimum: float | None = None, maximum: float | None = None) -> Shape:
    return Shape("number", minimum=minimum, maximum=maximum)


def structure(members: dict[str, Shape], required: tuple[str, ...] = ()) -> Shape:
    return Shape("structure", members=members, required=required)


def list_of(element: Shape) -> Shape:
    return Shape("list", element=element)


def map_of(element: Shape) -> Shape:
    return Shape("map", element=element)


STRING = string()
NUMBER = number()
BOOLEAN = Shape("boolean")
ANY = Shape("any")
TIMESTAMP = string()  # ISO text in Step Functions' JSON
BLOB = string()  # base64 text

_CAPACITY = structure({"ReadCapacityUnits": NUMBER, "WriteCapacityUnits": NUMBER, "CapacityUnits": NUMBER})
_CONSUMED_CAPACITY = structure(
    {
        "TableName": string(1, 1024),
        "CapacityUnits": NUMBER,
        "ReadCapacityUnits": NUMBER,
        "WriteCapacityUnits": NUMBER,
        "Table": _CAPACITY,
        "LocalSecondaryIndexes": map_of(_CAPACITY),
        "GlobalSecondaryIndexes": map_of(_CAPACITY),
    }
)
_ITEM = map_of(ANY)  # attribute values: {"S": ...}, {"N": ...}
_ITEM_COLLECTION_METRICS = structure({"ItemCollectionKey": _ITEM, "SizeEstimateRangeGB": list_of(NUMBER)})
_DYNAMODB_WRITE = structure(
    {
        "Attributes": _ITEM,
        "ConsumedCapacity": _CONSUMED_CAPACITY,
        "ItemCollectionMetrics": _ITEM_COLLECTION_METRICS,
    }
)

_LAMBDA_INVOKE = structure(
    {
        "StatusCode": NUMBER,
        "FunctionError": STRING,
        "LogResult": STRING,
        "Payload": ANY,
        "ExecutedVersion": string(1, 1024),
    }
)

_FUNCTION_CONFIGURATION = structure(
    {
        "FunctionName": string(1, 170),
        "FunctionArn": STRING,
        "Runtime": STRING,
        "Role": STRING,
        "Handler": string(None, 128),
        "CodeSize": NUMBER,
        "Description": string(0, 256),
        "Timeout": number(1),
        "MemorySize": number(128, 10240),
        "LastModified": STRING,
        "CodeSha256": STRING,
        "Version": string(1, 1024),
        "Environment": structure(
            {"Variables": map_of(STRING), "Error": structure({"ErrorCode": STRING, "Message": STRING})}
        ),
        "State": STRING,
        "StateReason": STRING,
        "PackageType": STRING,
        "Architectures": list_of(STRING),
        "EphemeralStorage": structure({"Size": number(512, 10240)}, ("Size",)),
    }
)

_S3_GET_OBJECT = structure(
    {
        "Body": ANY,
        "DeleteMarker": BOOLEAN,
        "AcceptRanges": STRING,
        "Expiration": STRING,
        "Restore": STRING,
        "LastModified": TIMESTAMP,
        "ContentLength": NUMBER,
        "ETag": STRING,
        "MissingMeta": NUMBER,
        "VersionId": STRING,
        "CacheControl": STRING,
        "ContentDisposition": STRING,
        "ContentEncoding": STRING,
        "ContentLanguage": STRING,
        "ContentRange": STRING,
        "ContentType": STRING,
        "Expires": TIMESTAMP,
        "Metadata": map_of(STRING),
        "ServerSideEncryption": STRING,
        "StorageClass": STRING,
        "PartsCount": NUMBER,
        "TagCount": NUMBER,
    }
)

# Keyed by "service:action" (optimized integrations) or "aws-sdk:service:action" (SDK ones).
RESPONSE_SHAPES: dict[str, Shape] = {
    "lambda:invoke": _LAMBDA_INVOKE,
    "aws-sdk:lambda:invoke": structure({**_LAMBDA_INVOKE.members, "Payload": ANY}),
    "aws-sdk:lambda:getFunction": structure(
        {
            "Configuration": _FUNCTION_CONFIGURATION,
            "Code": structure(
                {"RepositoryType": STRING, "Location": STRING, "ImageUri": STRING, "ResolvedImageUri": STRING}
            ),
            "Tags": map_of(STRING),
            "Concurrency": structure({"ReservedConcurrentExecutions": number(0)}),
        }
    ),
    "aws-sdk:kms:encrypt": structure(
        {
            "CiphertextBlob": string(1, 6144),
            "KeyId": string(1, 2048),
            "EncryptionAlgorithm": STRING,
        }
    ),
    "aws-sdk:kms:decrypt": structure(
        {
            "KeyId": string(1, 2048),
            "Plaintext": string(1, 4096),
            "EncryptionAlgorithm": STRING,
            "CiphertextForRecipient": string(1, 6144),
        }
    ),
    "aws-sdk:s3:getObject": _S3_GET_OBJECT,
    "aws-sdk:s3:putObject": structure(
        {
            "Expiration": STRING,
            "ETag": STRING,
            "ServerSideEncryption": STRING,
            "VersionId": STRING,
            "Size": NUMBER,
        }
    ),
    "dynamodb:putItem": _DYNAMODB_WRITE,
    "dynamodb:updateItem": _DYNAMODB_WRITE,
    "dynamodb:deleteItem": _DYNAMODB_WRITE,
    "dynamodb:getItem": structure({"Item": _ITEM, "ConsumedCapacity": _CONSUMED_CAPACITY}),
    "aws-sdk:dynamodb:putItem": _DYNAMODB_WRITE,
    "aws-sdk:dynamodb:updateItem": _DYNAMODB_WRITE,
    "aws-sdk:dynamodb:deleteItem": _DYNAMODB_WRITE,
    "aws-sdk:dynamodb:getItem": structure({"Item": _ITEM, "ConsumedCapacity": _CONSUMED_CAPACITY}),
    "events:putEvents": structure(
        {
            "FailedEntryCount": NUMBER,
            "Entries": list_of(structure({"EventId": STRING, "ErrorCode": STRING, "ErrorMessage": STRING})),
        }
    ),
    "sqs:sendMessage": structure(
        {
            "MD5OfMessageBody": STRING,
            "MD5OfMessageAttributes": STRING,
            "MD5OfMessageSystemAttributes": STRING,
            "MessageId": STRING,
            "SequenceNumber": STRING,
        }
    ),
    "sns:publish": structure({"MessageId": STRING, "SequenceNumber": STRING}),
    "states:startExecution": structure(
        {"ExecutionArn": string(1, 256), "StartDate": TIMESTAMP},
        ("ExecutionArn", "StartDate"),
    ),
}


def response_shape(resource: str) -> Shape | None:
    """The response model for a Task resource, if StateCanvas knows it.

    Only the request-response pattern is listed: `.sync` answers with another API's response,
    and a callback's result is whatever the worker sent back.
    """
    info = classify_resource(resource)
    if info is None or info.pattern:
        return None
    if info.kind == "service":
        return RESPONSE_SHAPES.get(f"{info.service}:{info.action}")
    if info.kind == "aws-sdk":
        return RESPONSE_SHAPES.get(f"aws-sdk:{info.service}:{info.action}")
    return None


def check_mock_result(resource: str, result: Any, mode: str) -> str | None:
    """AWS's refusal message for a mocked result that breaks the API's model, or None."""
    if mode == "NONE":
        return None
    shape = response_shape(resource)
    if shape is None:
        return None
    problem = _check(shape, result, "", strict=mode == "STRICT")
    return PREFIX + problem if problem else None


_KIND_WORDS = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "list": "an array",
    "map": "an object",
    "structure": "an object",
}


def _check(shape: Shape, value: Any, name: str, *, strict: bool) -> str | None:
    if shape.kind == "any":
        return None
    if not _is_kind(shape.kind, value):
        if not name:
            return f"Mock result must be {_KIND_WORDS[shape.kind]}"
        return f"Field '{name}' must be {_KIND_WORDS[shape.kind]}"
    if shape.kind == "string":
        if shape.min_length is not None and len(value) < shape.min_length:
            return f"Field '{name}' is smaller than the minimum length"
        if shape.max_length is not None and len(value) > shape.max_length:
            return f"Field '{name}' is larger than the maximum length"
        return None
    if shape.kind == "number":
        if shape.minimum is not None and value < shape.minimum:
            return f"Field '{name}' is less than the minimum value"
        if shape.maximum is not None and value > shape.maximum:
            return f"Field '{name}' exceeds the maximum value"
        return None
    if shape.kind == "structure":
        if strict:
            for member in shape.required:
                if member not in value:
                    return f"Required field '{member}' is missing"
        for member, member_value in value.items():
            member_shape = shape.members.get(member)
            if member_shape is None:
                continue  # fields outside the model pass in every mode
            problem = _check(member_shape, member_value, member, strict=strict)
            if problem:
                return problem
        return None
    if shape.element is None:
        return None
    items = value if shape.kind == "list" else list(value.values())
    for item in items:
        problem = _check(shape.element, item, name, strict=strict)
        if problem:
            return problem
    return None


def _is_kind(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)
