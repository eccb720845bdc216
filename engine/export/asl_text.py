"""ASL as text: canonical JSON and YAML out, a lone `.asl.json` / `.asl.yaml` file in.

JSON goes through `engine.asl.dump_definition`, the one canonical writer, so that an exported
file diffs cleanly against what the designer saves. YAML is for SAM projects, which keep
`.asl.yaml` beside the template; it is written from the same canonical value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine.asl import (
    DefinitionLoadError,
    dump_definition,
    parse_text,
    read_text_file,
    resolves_as_non_string,
)
from engine.deep_nesting import nesting_headroom
from engine.export.catalog import as_loaded
from engine.export.problems import ImportResult
from engine.project import LoadedProject, Project, StateMachineSpec


def asl_json(definition: dict[str, Any]) -> str:
    """Canonical JSON text of a definition (two-space indent, model field order)."""
    try:
        return dump_definition(definition)
    except (ValidationError, ValueError, TypeError):
        # A value the model cannot hold is still written, as it is, rather than lost.
        return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def canonical_value(definition: dict[str, Any]) -> Any:
    """The JSON value the canonical writer produces (key order included)."""
    return json.loads(asl_json(definition))


class _Dumper(yaml.SafeDumper):
    """Block-style YAML whose multi-line strings stay readable.

    Never anchors and aliases: CloudFormation rejects them (only `sam package` expands them),
    so an object that appears twice is written out twice.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


# Characters a YAML reader takes as line breaks; only double quotes keep them (as \N, \L, \P escapes).
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and "\r" not in value else None
    if any(ch in value for ch in _YAML_BREAKS):
        style = '"'
    elif style is None and resolves_as_non_string(value):
        style = "'"  # read as YAML 1.2 (as StateCanvas and the AWS Toolkit read it), this would not be text
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(value: Any) -> str:
    """YAML text in the value's own key order, Unicode kept, no line wrapping."""
    with nesting_headroom():
        return yaml.dump(
            value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**16, default_flow_style=False
        )


def asl_yaml(definition: dict[str, Any]) -> str:
    """YAML text of a definition, keys in canonical order."""
    return dump_yaml(canonical_value(definition))


def export_asl(project: LoadedProject | Project, machine: str, *, fmt: str = "json") -> str:
    """One state machine of a project as ASL text (`fmt` is "json" or "yaml")."""
    loaded = as_loaded(project)
    if machine not in loaded.definitions:
        raise KeyError(f"no state machine named {machine!r} in this project")
    definition = loaded.definitions[machine]
    if fmt == "json":
        return asl_json(definition)
    if fmt == "yaml":
        return asl_yaml(definition)
    raise ValueError(f"unknown ASL format {fmt!r}; use 'json' or 'yaml'")


def machine_name_for(path: Path) -> str:
    """A state machine name from a file name: `orders.asl.json` -> `orders`."""
    name = path.name
    for suffix in (".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
    return name or "StateMachine"


def read_definition(path: Path, result: ImportResult, location: str = "") -> dict[str, Any] | None:
    """A definition file's JSON value, or None with a located problem added to `result`."""
    try:
        text = read_text_file(path)
        prefer = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "json"
        value = parse_text(text, source=str(path), prefer=prefer).value
    except DefinitionLoadError as exc:
        where = location
        if exc.line is not None:
            where = f"line {exc.line}" + (f", column {exc.column}" if exc.column is not None else "")
        result.problem(where, exc.message.split("\n at [Source", 1)[0], file=str(path))
        return None
    if not isinstance(value, dict):
        result.problem(location, "a state machine definition must be a JSON object", file=str(path))
        return None
    return value


def import_asl(source: str | Path, *, name: str | None = None) -> ImportResult:
    """A one-machine project from an ASL file (JSON, or YAML with placeholders kept)."""
    path = Path(source)
    result = ImportResult(str(path))
    definition = read_definition(path, result)
    if definition is not None:
        if "States" not in definition or "StartAt" not in definition:
            result.problem("", "this is not a state machine definition: it has no StartAt and States")
            return result
        machine = name or machine_name_for(path)
        result.project.state_machines[machine] = StateMachineSpec(definition=definition)
    return result
