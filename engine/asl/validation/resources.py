"""Task resources: which ARNs Step Functions recognises, and what Express machines refuse."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.services import optimized_services

# Optimized service integrations: service -> action -> integration patterns beyond
# request-response, from the one integration table (engine/services/optimized_integrations.json).
OPTIMIZED: dict[str, dict[str, tuple[str, ...]]] = optimized_services()

# Integrations whose request cannot be empty: AWS refuses them without Parameters/Arguments.
NEEDS_PARAMETERS = frozenset(
    (
        "lambda",
        "sns",
        "sqs",
        "events",
        "dynamodb",
        "states",
        "apigateway",
        "batch",
        "ecs",
        "glue",
        "athena",
        "codebuild",
    )
)

_PATTERNS = (".sync:2", ".sync", ".waitForTaskToken")
_SERVICE_ARN = re.compile(r"arn:[\w<>-]+:states:[\w<>-]*:[\w<>-]*:(?P<rest>.+)")
_LAMBDA_ARN = re.compile(r"arn:[\w<>-]+:lambda:[\w<>-]*:[\w<>-]*:function:[^:]+(:[^:]+)?")
_ACTIVITY_ARN = re.compile(r"arn:[\w<>-]+:states:[\w<>-]*:[\w<>-]*:activity:.+")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    """What a Task's Resource names."""

    kind: str  # "service", "aws-sdk", "lambda", "activity", "placeholder"
    service: str = ""
    action: str = ""
    pattern: str = ""  # "", ".sync", ".sync:2", ".waitForTaskToken"


def classify_resource(resource: str) -> ResourceInfo | None:
    """Recognise a Task resource ARN; None when Step Functions would not."""
    if _PLACEHOLDER.search(resource):
        # Filled in by CloudFormation/SAM at deploy time: the real value is not known here.
        return ResourceInfo("placeholder")
    if _LAMBDA_ARN.fullmatch(resource):
        return ResourceInfo("lambda")
    if _ACTIVITY_ARN.fullmatch(resource):
        return ResourceInfo("activity")
    match = _SERVICE_ARN.fullmatch(resource)
    if not match:
        return None
    rest = match.group("rest")
    pattern = next((p for p in _PATTERNS if rest.endswith(p)), "")
    rest = rest[: len(rest) - len(pattern)] if pattern else rest
    if rest.startswith("aws-sdk:"):
        parts = rest.split(":")
        if len(parts) != 3 or not parts[1] or not parts[2] or pattern.startswith(".sync"):
            return None
        return ResourceInfo("aws-sdk", parts[1], parts[2], pattern)
    service, _, action = rest.partition(":")
    actions = OPTIMIZED.get(service)
    if actions is None or action not in actions:
        return None
    if pattern and pattern not in actions[action]:
        return None
    return ResourceInfo("service", service, action, pattern)
