"""What a Task's Resource asks for: the request members of the API it calls, and a skeleton.

An SDK integration (`arn:aws:states:::aws-sdk:dynamodb:putItem`) takes the operation's input
shape from botocore's model as it is. An optimized integration takes the input of the API the
integration table names (`dynamodb:putItem` -> DynamoDB `PutItem`); a few optimized resources
(`apigateway:invoke`, `eks:call`, `emr:addStep`, ...) have requests of their own, listed in the
table by member. Optimized integrations accept JSON where the API wants text (an SQS
`MessageBody`, a Lambda `Payload`) because Step Functions serialises it; `lenient` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.services import catalog
from engine.services.integrations_table import OptimizedAction, optimized_actions, sdk_patterns

_PATTERNS = (".sync:2", ".sync", ".waitForTaskToken")


@dataclass(frozen=True, slots=True)
class TaskTarget:
    """The service call a Task resource names."""

    kind: str  # "sdk" or "optimized"
    service: str  # Step Functions' service name (`dynamodb`, `sfn`, `states`)
    action: str  # camelCase
    pattern: str  # "", ".sync", ".sync:2", ".waitForTaskToken"
    title: str  # "Amazon DynamoDB PutItem"
    allowed_patterns: tuple[str, ...]
    shape: Any | None  # botocore input StructureShape, when a model shapes the request
    members: dict[str, bool] | None  # name -> required, for requests no model shapes
    lenient: bool  # text members also take JSON (optimized integrations serialise it)
    documentation: str = ""
    known: bool = True  # False: the service or the action is not in the catalog

    @property
    def resource(self) -> str:
        base = (
            f"arn:aws:states:::aws-sdk:{self.service}:{self.action}"
            if self.kind == "sdk"
            else (f"arn:aws:states:::{self.service}:{self.action}")
        )
        return base + self.pattern

    def required_members(self) -> list[str]:
        """The request's required members as a state writes them (PascalCase)."""
        if self.shape is not None:
            return [member_name(n) for n in getattr(self.shape, "required_members", []) or []]
        return [name for name, required in (self.members or {}).items() if required]

    def member_shapes(self) -> dict[str, Any]:
        """The request's members as a state writes them -> their botocore shapes."""
        return members_of(self.shape) if self.shape is not None else {}


def member_name(name: str) -> str:
    """A model member as Step Functions writes it: PascalCase even where the API is camelCase
    (`stateMachineArn` -> `StateMachineArn`)."""
    if name == "Equals":
        return "EqualsValue"  # Step Functions' documented rename
    return name[:1].upper() + name[1:]


def members_of(shape: Any) -> dict[str, Any]:
    """A structure's members keyed as a state writes them."""
    return {member_name(n): m for n, m in getattr(shape, "members", {}).items()}


def split_resource(resource: str) -> tuple[str, str, str, str] | None:
    """(kind, service, action, pattern) of a Step Functions service resource, else None."""
    prefix = "arn:aws:states:::"
    if not isinstance(resource, str) or not resource.startswith(prefix) or "${" in resource:
        return None
    rest = resource[len(prefix) :]
    pattern = next((p for p in _PATTERNS if rest.endswith(p)), "")
    rest = rest[: len(rest) - len(pattern)] if pattern else rest
    parts = rest.split(":")
    if parts[0] == "aws-sdk":
        return ("sdk", parts[1], parts[2], pattern) if len(parts) == 3 and all(parts) else None
    return ("optimized", parts[0], parts[1], pattern) if len(parts) == 2 and all(parts) else None


def task_target(resource: str) -> TaskTarget | None:
    """The call a Task resource names, with its request's shape; None for Lambda function
    ARNs, activities, placeholders and anything that is no service integration."""
    parts = split_resource(resource)
    if parts is None:
        return None
    kind, service, action, pattern = parts
    if kind == "optimized":
        info = optimized_actions().get((service, action))
        if info is None:
            return None  # the AWS validator refuses it already
        return _optimized_target(info, pattern)
    entry = catalog.services().get(service)
    operation = catalog.sdk_operation(service, action) if entry is not None else None
    title = f"{entry.title if entry else service} {catalog.operation_name(action)}"
    return TaskTarget(
        kind="sdk",
        service=service,
        action=action,
        pattern=pattern,
        title=title,
        allowed_patterns=sdk_patterns(),
        shape=operation.input_shape if operation is not None else None,
        members=None if operation is not None else {},
        lenient=False,
        documentation=catalog.documentation_text(operation.documentation) if operation is not None else "",
        known=operation is not None,
    )


def _optimized_target(info: OptimizedAction, pattern: str) -> TaskTarget:
    operation = catalog.operation_model(*info.api) if info.api is not None else None
    return TaskTarget(
        kind="optimized",
        service=info.service,
        action=info.action,
        pattern=pattern,
        title=f"{info.title} {catalog.operation_name(info.action)}",
        allowed_patterns=info.patterns,
        shape=operation.input_shape if operation is not None and info.members is None else None,
        members=info.members if info.members is not None or operation is None else None,
        lenient=True,
        documentation=catalog.documentation_text(operation.documentation) if operation is not None else "",
    )


def placeholder_value(shape: Any, jsonata: bool) -> Any:
    """A value that shows what a member wants and reads as a placeholder."""
    kind = getattr(shape, "type_name", "string")
    if kind == "structure":
        return {member_name(n): placeholder_value(shape.members[n], jsonata) for n in shape.required_members}
    if kind == "list":
        return []
    if kind == "map":
        return {}
    if kind in ("integer", "long"):
        return 0
    if kind in ("float", "double"):
        return 0.0
    if kind == "boolean":
        return False
    enum = getattr(shape, "enum", None)
    if enum:
        return enum[0]
    return ""


def request_skeleton(target: TaskTarget, language: str = "JSONPath") -> dict[str, Any]:
    """The request with the operation's required members, each with a placeholder value.

    A callback pattern also passes the task token, the one thing such a Task must send.
    """
    jsonata = language == "JSONata"
    out: dict[str, Any] = {}
    if target.shape is not None:
        shapes = target.member_shapes()
        for name in target.required_members():
            out[name] = placeholder_value(shapes[name], jsonata)
    else:
        for name in target.required_members():
            out[name] = ""
    key = _TOKEN_MEMBERS.get((target.service, target.action))
    if target.pattern == ".waitForTaskToken" and key is not None:
        out[key] = (
            {"TaskToken": "{% $states.context.Task.Token %}"} if jsonata else {"TaskToken.$": "$$.Task.Token"}
        )
    return out


# Where a callback Task passes its token: inside the payload or message the receiver reads.
_TOKEN_MEMBERS = {
    ("lambda", "invoke"): "Payload",
    ("sqs", "sendMessage"): "MessageBody",
    ("sns", "publish"): "Message",
}
