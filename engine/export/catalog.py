"""Which template resource stands for which project resource, and what each one's values are.

A project names its resources and derives their ARNs from account and region; a template
names them by logical ID and learns their ARNs only at deploy time. Export replaces the
project's concrete ARNs and URLs with `${...}` placeholders bound to `Ref`/`Fn::GetAtt`;
import does the reverse. Both directions use the same table here, so a round trip gives back
exactly the values it started from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.asl import parse_text, read_text_file
from engine.deep_nesting import nesting_headroom
from engine.project import LoadedProject, Project
from engine.resource_refs import ResourceRef, parse_ref

KIND_SUFFIX = {
    "stateMachine": "StateMachine",
    "function": "Function",
    "bus": "Bus",
    "queue": "Queue",
    "topic": "Topic",
    "rule": "Rule",
}
DEFAULT_BUS = "default"


def queue_url(name: str, account: str, region: str) -> str:
    """The URL SQS gives a queue: how ASL tasks and consumers name it."""
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def logical_base(name: str) -> str:
    """A CloudFormation logical ID (letters and digits) that still reads like the name."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    text = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not text or not text[0].isalpha():
        text = "R" + text
    return text


def as_loaded(project: LoadedProject | Project) -> LoadedProject:
    """A LoadedProject for a bare Project: inline definitions, files read relative to the cwd."""
    if isinstance(project, LoadedProject):
        return project
    loaded = LoadedProject(project, None)
    for name, spec in project.state_machines.items():
        if spec.definition is not None:
            loaded.definitions[name] = spec.definition
        elif spec.definition_file is not None:
            value = parse_text(read_text_file(spec.definition_file), source=spec.definition_file).value
            if isinstance(value, dict):
                loaded.definitions[name] = value
    return loaded


@dataclass
class Catalog:
    """Logical IDs for a project's resources, unique across kinds and helper resources."""

    project: Project
    ids: dict[ResourceRef, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, project: Project) -> Catalog:
        catalog = cls(project)
        sections: list[tuple[str, Any]] = [
            ("stateMachine", project.state_machines),
            ("function", project.functions),
            ("bus", {n: b for n, b in project.buses.items() if n != DEFAULT_BUS}),
            ("queue", project.queues),
            ("topic", project.topics),
            ("rule", project.rules),
        ]
        bases: dict[str, int] = {}
        for _, section in sections:
            for name in section:
                base = logical_base(name)
                bases[base] = bases.get(base, 0) + 1
        for kind, section in sections:
            for name in sorted(section):
                base = logical_base(name)
                if bases[base] > 1:
                    base += KIND_SUFFIX[kind]  # an "orders" queue and an "orders" topic
                catalog.ids[ResourceRef(kind, name)] = catalog.reserve(base)
        return catalog

    def reserve(self, base: str) -> str:
        """A logical ID not yet used, `base` itself when free."""
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}{n}"
        self.used.add(candidate)
        return candidate

    def logical(self, ref: ResourceRef) -> str | None:
        return self.ids.get(ref)

    def arn(self, ref: ResourceRef) -> str:
        return ref.arn(self.project.account, self.project.region)


@dataclass(frozen=True, slots=True)
class Binding:
    """A concrete project value, the variable that replaces it, and what that variable is."""

    value: str
    variable: str
    intrinsic: dict[str, Any]
    ref: ResourceRef


def value_bindings(catalog: Catalog) -> list[Binding]:
    """Every ARN and URL of the project, with the template expression that yields it."""
    project = catalog.project
    out: list[Binding] = []
    for ref, logical in catalog.ids.items():
        arn = catalog.arn(ref)
        if ref.kind == "stateMachine":
            out.append(Binding(arn, f"{logical}Arn", {"Ref": logical}, ref))
        elif ref.kind == "function":
            out.append(Binding(arn, f"{logical}Arn", {"Fn::GetAtt": [logical, "Arn"]}, ref))
        elif ref.kind == "queue":
            out.append(Binding(arn, f"{logical}Arn", {"Fn::GetAtt": [logical, "Arn"]}, ref))
            url = queue_url(ref.name, project.account, project.region)
            out.append(Binding(url, f"{logical}Url", {"Ref": logical}, ref))
        elif ref.kind == "topic":
            out.append(Binding(arn, f"{logical}Arn", {"Ref": logical}, ref))
        elif ref.kind == "bus":
            out.append(Binding(arn, f"{logical}Arn", {"Fn::GetAtt": [logical, "Arn"]}, ref))
    default_bus = ResourceRef("bus", DEFAULT_BUS)
    out.append(
        Binding(
            catalog.arn(default_bus),
            "DefaultEventBusArn",
            {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"},
            default_bus,
        )
    )
    return out


def arn_value(catalog: Catalog, text: str) -> Any:
    """A reference (`queue:orders`) or ARN as a template value: the resource's ARN expression.

    Project resources become `Ref`/`Fn::GetAtt`; the default bus becomes an `Fn::Sub` of its
    ARN; anything else (an ARN outside the project) is written as given.
    """
    ref = parse_ref(text)
    if ref is None:
        return text
    if text.startswith("arn:") and text != catalog.arn(ref):
        return text
    for binding in value_bindings(catalog):
        if binding.ref == ref and binding.variable.endswith("Arn"):
            return binding.intrinsic
    return text


class Substituter:
    """Replaces the project's ARNs and URLs inside a definition (or pattern) by placeholders."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.bindings = sorted(value_bindings(catalog), key=lambda b: -len(b.value))
        self._by_value = {b.value: b for b in self.bindings}
        alternatives = "|".join(re.escape(b.value) for b in self.bindings)
        # An ARN is replaced only where it ends: `...:function:Charge` must not match `ChargeCard`.
        self._pattern = re.compile(f"(?:{alternatives})(?![A-Za-z0-9_.-])") if alternatives else None
        self._function_names = {
            ref.name: logical for ref, logical in catalog.ids.items() if ref.kind == "function"
        }

    def run(self, value: Any) -> tuple[Any, dict[str, Any], set[ResourceRef]]:
        """(value with placeholders, variable -> intrinsic, project resources referred to)."""
        variables: dict[str, Any] = {}
        refs: set[ResourceRef] = set()

        def text(s: str) -> str:
            if self._pattern is None:
                return s

            def repl(match: re.Match[str]) -> str:
                binding = self._by_value[match.group(0)]
                variables[binding.variable] = binding.intrinsic
                refs.add(binding.ref)
                return "${" + binding.variable + "}"

            return self._pattern.sub(repl, s)

        def walk(node: Any) -> Any:
            if isinstance(node, str):
                return text(node)
            if isinstance(node, list):
                return [walk(item) for item in node]
            if isinstance(node, dict):
                out = {}
                for key, item in node.items():
                    if key == "FunctionName" and isinstance(item, str) and item in self._function_names:
                        logical = self._function_names[item]
                        variables[f"{logical}Name"] = {"Ref": logical}
                        refs.add(ResourceRef("function", item))
                        out[key] = "${" + f"{logical}Name" + "}"
                    else:
                        out[text(key) if isinstance(key, str) else key] = walk(item)
                return out
            return node

        with nesting_headroom():
            return walk(value), variables, refs
