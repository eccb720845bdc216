"""What an imported template's resources are in project terms, and what their values are.

A template refers to its resources by logical ID through `Ref`, `Fn::GetAtt` and `${...}`.
For the resources a project can hold (state machines, functions, queues, topics, buses,
rules) the project knows the value each of those yields (an ARN, a URL, a name) because it
derives them from names, account and region. Placeholders that name anything else stay as
they are and are recorded, so export can bind them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.export.catalog import queue_url
from engine.export.cloudformation.intrinsics import (
    PLACEHOLDER,
    Flattener,
    get_att_parts,
    is_intrinsic,
    ref_name,
    unescape_metadata,
)
from engine.export.problems import ImportResult
from engine.project import Project
from engine.resource_refs import ResourceRef

KINDS = {
    "AWS::StepFunctions::StateMachine": "stateMachine",
    "AWS::Serverless::StateMachine": "stateMachine",
    "AWS::Lambda::Function": "function",
    "AWS::Serverless::Function": "function",
    "AWS::SQS::Queue": "queue",
    "AWS::SNS::Topic": "topic",
    "AWS::Events::EventBus": "bus",
    "AWS::Events::Rule": "rule",
}
METADATA_KEY = "StateCanvas"


def resource_type(resource: Any) -> str:
    """A resource's Type, or "" when the resource or its Type is not what CloudFormation wants."""
    type_ = resource.get("Type") if isinstance(resource, dict) else None
    return type_ if isinstance(type_, str) else ""


@dataclass
class TemplateContext:
    """A parsed template: its resources, parameters and the project resources they map to."""

    path: Path
    template: dict[str, Any]
    result: ImportResult
    resolve_uri: Callable[[str], Path | None] | None = None
    refs: dict[str, ResourceRef] = field(default_factory=dict)  # logical id -> project resource

    def __post_init__(self) -> None:
        for logical, resource in self.resources.items():
            kind = KINDS.get(resource_type(resource))
            if kind is not None:
                self.refs[logical] = ResourceRef(kind, self._name(logical, resource, kind))

    @property
    def project(self) -> Project:
        return self.result.project

    @property
    def resources(self) -> dict[str, Any]:
        resources = self.template.get("Resources")
        return resources if isinstance(resources, dict) else {}

    @property
    def parameters(self) -> dict[str, Any]:
        parameters = self.template.get("Parameters")
        return parameters if isinstance(parameters, dict) else {}

    def _name(self, logical: str, resource: dict[str, Any], kind: str) -> str:
        meta = resource.get("Metadata")
        if isinstance(meta, dict) and isinstance(meta.get(METADATA_KEY), dict):
            name = meta[METADATA_KEY].get("Name")
            if isinstance(name, str) and name:
                return unescape_metadata(name)
        props = resource.get("Properties")
        if kind == "bus" and isinstance(props, dict):
            name = self.literal(props.get("Name"))
            if isinstance(name, str) and name:
                return name  # a bus is named by its physical name (see messaging_resources.add_buses)
        return logical

    def metadata(self, logical: str) -> dict[str, Any]:
        resource = self.resources.get(logical)
        meta = resource.get("Metadata") if isinstance(resource, dict) else None
        extra = meta.get(METADATA_KEY) if isinstance(meta, dict) else None
        return unescape_metadata(extra) if isinstance(extra, dict) else {}

    def value_of(self, logical: str, attribute: str | None) -> str | None:
        """What `Ref logical` (attribute None) or `GetAtt logical.attribute` yields, if known."""
        ref = self.refs.get(logical)
        if ref is None or ref.kind == "rule":
            return None
        account, region = self.project.account, self.project.region
        arn = ref.arn(account, region)
        table: dict[str, dict[str | None, str]] = {
            "stateMachine": {None: arn, "Arn": arn, "Name": ref.name},
            "function": {None: ref.name, "Arn": arn},
            "queue": {
                None: queue_url(ref.name, account, region),
                "QueueUrl": queue_url(ref.name, account, region),
                "Arn": arn,
                "QueueName": ref.name,
            },
            "topic": {None: arn, "TopicArn": arn, "TopicName": ref.name},
            "bus": {None: ref.name, "Name": ref.name, "Arn": arn},
        }
        return table[ref.kind].get(attribute)

    def concrete(self, value: Any) -> str | None:
        """The string an intrinsic yields, when it only involves project resources."""
        name = ref_name(value)
        if name is not None:
            return self.value_of(name, None)
        att = get_att_parts(value)
        if att is not None:
            return self.value_of(*att)
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
            text = self.resolve_text(value["Fn::Sub"], {}, {})
            return None if PLACEHOLDER.search(text) else text
        return None

    def resolve_text(self, text: str, variables: dict[str, Any], leftover: dict[str, Any]) -> str:
        """`text` with the placeholders that name project values replaced by those values.

        The others stay as written; those bound by `variables` are recorded in `leftover`.
        """

        def repl(match: Any) -> str:
            name = match.group(1).strip()
            if name in variables:
                value = self.concrete(variables[name])
                if value is None:
                    leftover[name] = variables[name]
                    return match.group(0)
                return value
            head, _, attribute = name.partition(".")
            value = self.value_of(head, attribute or None)
            return match.group(0) if value is None else value

        return PLACEHOLDER.sub(repl, text)

    def reference(self, value: Any, kinds: tuple[str, ...]) -> str | None:
        """A project reference (`queue:orders`) or ARN text for a template value naming a resource."""
        if is_intrinsic(value):
            name = ref_name(value)
            att = get_att_parts(value)
            logical = name if name is not None else att[0] if att is not None else None
            if logical is not None and logical in self.refs and self.refs[logical].kind in kinds:
                return str(self.refs[logical])
            if name is not None and name in self.parameters:
                default = (
                    self.parameters[name].get("Default") if isinstance(self.parameters[name], dict) else None
                )
                return default if isinstance(default, str) and default.startswith("arn:") else None
            flattener = Flattener()
            value = flattener.text(value)
            if flattener.variables and any(k.startswith("Intrinsic") for k in flattener.variables):
                return None
        if not isinstance(value, str):
            return None
        text = self.resolve_text(value, {}, {})
        for ref in self.refs.values():
            if ref.kind in kinds and text == ref.arn(self.project.account, self.project.region):
                return str(ref)
        return text if text.startswith("arn:") else None

    def literal(self, value: Any) -> Any:
        """A property's value as the template fixes it: a parameter's default, a mapping's entry.

        Names of buses and settings of queues are often given this way; the project needs them
        as plain values.
        """
        name = ref_name(value)
        parameter = self.parameters.get(name) if name is not None else None
        if isinstance(parameter, dict) and "Default" in parameter:
            return parameter["Default"]
        if isinstance(value, dict) and len(value) == 1 and "Fn::FindInMap" in value:
            keys = value["Fn::FindInMap"]
            if isinstance(keys, list) and len(keys) == 3:
                node: Any = self.template.get("Mappings")
                for key in (self.literal(k) for k in keys):
                    node = node.get(key) if isinstance(node, dict) and isinstance(key, str) else None
                if node is not None:
                    return node
        return value
