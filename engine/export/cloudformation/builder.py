"""What the CloudFormation and SAM writers share: resources, parameters and placeholders.

A definition leaves the project with the project's ARNs and URLs in it; in a template those
become `${Var}` placeholders bound to `Ref`/`Fn::GetAtt`. Placeholders that were already in
the definition (imported from someone's template) are bound to what the import recorded for
them when that still makes sense in the new template, and otherwise to a template parameter,
so the exported template never refers to a resource it does not hold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.export.asl_text import asl_json, dump_yaml
from engine.export.catalog import Catalog, Substituter, arn_value, logical_base
from engine.export.cloudformation.intrinsics import (
    PLACEHOLDER,
    PSEUDO_PARAMETERS,
    escape_dangling,
    escape_metadata,
    is_plain_name,
    map_strings,
    names_referenced,
    placeholders,
    strings_in,
)
from engine.export.output_file import write_output_text
from engine.project import LoadedProject
from engine.resource_refs import ResourceRef

METADATA_KEY = "StateCanvas"


@dataclass
class TemplateExport:
    """A template, the files it points at (SAM `DefinitionUri`), and notes on what was approximated."""

    template: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def text(self, fmt: str = "yaml") -> str:
        """The template as YAML (long-form intrinsics, valid for CloudFormation) or JSON."""
        if fmt == "json":
            return json.dumps(self.template, indent=2, ensure_ascii=False) + "\n"
        if fmt == "yaml":
            return dump_yaml(self.template)
        raise ValueError(f"unknown template format {fmt!r}; use 'yaml' or 'json'")

    def write(self, directory: str | Path, name: str = "template.yaml") -> Path:
        """Write the template and its files under `directory`; the template's path."""
        root = Path(directory)
        for relative, text in self.files.items():
            write_output_text(root / relative, text, make_folders=True)
        path = root / name
        write_output_text(path, self.text("json" if name.endswith(".json") else "yaml"), make_folders=True)
        return path


@dataclass
class BoundDefinition:
    """A value ready for a template: placeholders in it, and what each one is bound to."""

    value: Any
    variables: dict[str, Any]
    refs: set[ResourceRef]
    renamed: dict[str, str]  # new placeholder name -> the name it had in the project


class Builder:
    """Collects resources and parameters; binds placeholders; keeps logical IDs unique."""

    def __init__(self, loaded: LoadedProject, substitutions: dict[str, dict[str, Any]] | None) -> None:
        self.loaded = loaded
        self.project = loaded.project
        self.catalog = Catalog.of(loaded.project)
        self.substituter = Substituter(self.catalog)
        self.imported = substitutions or {}
        self.resources: dict[str, dict[str, Any]] = {}
        self.parameters: dict[str, dict[str, Any]] = {}
        self.notes: list[str] = []
        self.functions_role: str | None = None  # the role functions share (CloudFormation only)

    def id(self, kind: str, name: str) -> str:
        logical = self.catalog.logical(ResourceRef(kind, name))
        assert logical is not None, f"{kind}:{name} is not in the project"
        return logical

    def new_id(self, base: str) -> str:
        return self.catalog.reserve(logical_base(base))

    def add(
        self,
        logical: str,
        type_: str,
        properties: dict[str, Any],
        *,
        depends_on: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        resource: dict[str, Any] = {"Type": type_}
        if depends_on:
            resource["DependsOn"] = sorted(set(depends_on))
        if metadata:
            resource["Metadata"] = {METADATA_KEY: escape_metadata(metadata)}
        resource["Properties"] = properties
        self.resources[logical] = resource
        return logical

    def known_names(self) -> set[str]:
        """Logical IDs a placeholder may name: the project's resources and the parameters so far."""
        return set(self.catalog.ids.values()) | set(self.parameters) | PSEUDO_PARAMETERS

    def bind(self, value: Any, key: str, *, native: bool) -> BoundDefinition:
        """Replace project values in `value` by placeholders and bind every placeholder in it.

        `key` finds what an import recorded (`stateMachine:Orders`, `rule:OnOrder`). With
        `native`, the result goes into an `Fn::Sub` string, where `${X.Arn}`, `${AWS::Region}`
        and parameter names resolve by themselves; otherwise (DefinitionSubstitutions) every
        placeholder needs an entry and a plain name.
        """
        substituted, variables, refs = self.substituter.run(value)
        recorded = self.imported.get(key, {})
        renamed: dict[str, str] = {}
        known = self.known_names()
        for name in sorted({p for s in strings_in(substituted) for p in placeholders(s)}):
            if name in variables:
                continue
            head = name.split(".", 1)[0]
            if name in recorded and _refers_within(recorded[name], known, set(self.catalog.ids.values())):
                binding: Any = recorded[name]
            elif head in known and native:
                continue  # Fn::Sub resolves ${Param}, ${AWS::Region}, ${Resource.Attr} itself
            elif head in known:
                binding = {"Ref": head} if head == name else {"Fn::GetAtt": [head, name.split(".", 1)[1]]}
            else:
                binding = {"Ref": self._parameter(name, recorded.get(name))}
                if native and binding["Ref"] == name:
                    continue
            plain = name if is_plain_name(name) else self._plain_variable(name, variables, renamed)
            if plain != name:
                renamed[plain] = name
            variables[plain] = binding
        if renamed:
            back = {old: new for new, old in renamed.items()}

            def rename(text: str) -> str:
                return PLACEHOLDER.sub(lambda m: "${" + back.get(m.group(1).strip(), m.group(1)) + "}", text)

            substituted = map_strings(substituted, rename)
        return BoundDefinition(substituted, variables, refs, renamed)

    def _plain_variable(self, name: str, variables: dict[str, Any], renamed: dict[str, str]) -> str:
        base = logical_base(name.replace("AWS::", "AWS"))
        candidate, n = base, 1
        while candidate in variables or candidate in renamed:
            n += 1
            candidate = f"{base}{n}"
        return candidate

    def _parameter(self, name: str, recorded: Any) -> str:
        """A String parameter standing for a placeholder the template cannot otherwise fill."""
        logical = logical_base(name)
        if logical not in self.parameters:
            if logical in self.catalog.used:
                logical = self.new_id(logical + "Parameter")
            parameter: dict[str, Any] = {
                "Type": "String",
                # Plain text: `${...}` outside Fn::Sub reads as a substitution CloudFormation won't make.
                "Description": f"Value of the {name} placeholder in the exported definitions",
            }
            if isinstance(recorded, (str, int, float)) and not isinstance(recorded, bool):
                parameter["Default"] = str(recorded)
            self.parameters[logical] = parameter
            self.catalog.used.add(logical)
        return logical

    def arn(self, text: str) -> Any:
        """A reference or ARN as a template value; an ARN holding placeholders (imported as
        `arn:${AWS::Partition}:...`) goes out as `Fn::Sub` with its placeholders bound."""
        value = arn_value(self.catalog, text)
        if isinstance(value, str) and placeholders(value):
            value, _ = self.pattern_value(value, f"arn:{text}")
        return value

    def definition_text(self, bound: BoundDefinition) -> Any:
        """`Fn::Sub` of the definition's canonical JSON text with its variable map.

        A definition with no placeholder goes out as plain text: `Fn::Sub` with nothing to
        substitute is noise CloudFormation's linter warns about.
        """
        if not bound.variables and not any(placeholders(s) for s in strings_in(bound.value)):
            return asl_json(bound.value)
        text = asl_json(map_strings(bound.value, escape_dangling))
        return {"Fn::Sub": [text, bound.variables]} if bound.variables else {"Fn::Sub": text}

    def pattern_value(self, pattern: Any, key: str) -> tuple[Any, dict[str, str]]:
        """An event pattern (or a name) for a template: strings with placeholders become `Fn::Sub`.

        Also returns the placeholders renamed on the way (see `bind`), for the resource's metadata.
        """
        bound = self.bind(pattern, key, native=True)

        def visit(node: Any) -> Any:
            if isinstance(node, str) and PLACEHOLDER.search(node):
                node = escape_dangling(node)
                used = {k: v for k, v in bound.variables.items() if "${" + k + "}" in node}
                return {"Fn::Sub": [node, used]} if used else {"Fn::Sub": node}
            if isinstance(node, dict):
                return {k: visit(v) for k, v in node.items()}
            if isinstance(node, list):
                return [visit(v) for v in node]
            return node

        return visit(bound.value), bound.renamed

    def template(self, *, transform: str | None = None, description: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
        if transform:
            out["Transform"] = transform
        out["Description"] = description or self.project.description or f"{self.project.name} (StateCanvas)"
        if self.parameters:
            out["Parameters"] = dict(sorted(self.parameters.items()))
        out["Resources"] = self.resources
        return out


def _refers_within(value: Any, known: set[str], resources: set[str]) -> bool:
    """Whether every Ref/GetAtt/Sub name in a recorded value exists in the new template.

    `Fn::GetAtt` needs a resource: a name that became a parameter has no attributes.
    """
    return all(
        name in (resources if where.endswith("/Fn::GetAtt") else known)
        for where, name in names_referenced(value)
    )


def check_references(template: dict[str, Any]) -> list[str]:
    """Every Ref, GetAtt, Sub name and DependsOn that names nothing in the template.

    Exported templates must be deployable as they stand; the tests run this over each one.
    """
    resources = template.get("Resources", {})
    known = set(resources) | set(template.get("Parameters", {})) | PSEUDO_PARAMETERS
    problems = []
    for logical, resource in resources.items():
        for where, name in names_referenced(resource):
            if name not in known:
                problems.append(f"/Resources/{logical}{where}: {name!r} is not in the template")
            elif where.endswith("/Fn::GetAtt") and name not in resources:
                problems.append(f"/Resources/{logical}{where}: {name!r} is not a resource")
        depends = resource.get("DependsOn", [])
        for name in [depends] if isinstance(depends, str) else depends:
            if name not in resources:
                problems.append(f"/Resources/{logical}/DependsOn: {name!r} is not a resource")
    return problems
