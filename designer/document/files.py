"""Reading and writing what the designer opens: projects, ASL files, and SAM/CloudFormation templates.

Every failure becomes a `DocumentLoadError` whose message a user can act on; nothing here
shows a dialog or touches a half-built document, so a broken file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.asl import DefinitionLoadError, dump_definition, parse_text, read_text_file
from engine.export import dump_yaml, import_template
from engine.export import machine_name_for as engine_machine_name_for
from engine.project import (
    PROJECT_SUFFIXES,
    Project,
    ProjectError,
    StateMachineSpec,
    atomic_write_text,
    load_project,
    looks_like_project,
    save_project,
)

Kind = Literal["project", "asl"]


class DocumentLoadError(Exception):
    """A file the designer cannot open, with the reasons in words."""

    def __init__(self, path: Path | str, reasons: list[str]) -> None:
        self.path = str(path)
        self.reasons = reasons
        super().__init__(f"Cannot open {self.path}:\n" + "\n".join(f"  {r}" for r in reasons))


@dataclass
class DocumentData:
    project: Project
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: Path | None = None
    kind: Kind = "project"
    notes: list[str] = field(default_factory=list)  # what an import left out, to tell the user


def canonical_text(definition: Any) -> str:
    """The engine's canonical JSON; plain indented JSON for a definition the models refuse."""
    try:
        return dump_definition(definition)
    except Exception:
        return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def machine_name_for(path: Path) -> str:
    """The engine's name for the machine in an ASL file, so the designer and `import_file` agree
    (`orders.v2.asl.json` -> `orders-v2`; a project refuses names with dots or spaces)."""
    return engine_machine_name_for(path)


def new_document() -> DocumentData:
    definition = {
        "Comment": "A new state machine",
        "StartAt": "Pass",
        "States": {"Pass": {"Type": "Pass", "End": True}},
    }
    project = Project(name="untitled", state_machines={"StateMachine": StateMachineSpec()})
    return DocumentData(project, {"StateMachine": definition}, None, "project")


def load_document_file(path: str | Path) -> DocumentData:
    source = Path(path)
    if not source.exists():
        raise DocumentLoadError(source, ["there is no such file"])
    if source.is_dir():
        raise DocumentLoadError(source, ["this is a folder; open a .statecanvas.json or .asl.json file"])
    if source.name.endswith(PROJECT_SUFFIXES):
        return _load_project(source)
    try:
        text = read_text_file(source)
        prefer = "yaml" if source.suffix.lower() in (".yaml", ".yml") else "json"
        value = parse_text(text, source=str(source), prefer=prefer).value
    except DefinitionLoadError as exc:
        raise DocumentLoadError(source, [exc.located()]) from None
    if looks_like_project(value):
        return _load_project(source)
    if isinstance(value, dict) and ("Resources" in value or "AWSTemplateFormatVersion" in value):
        return _load_template(source)
    if not isinstance(value, dict) or "States" not in value:
        raise DocumentLoadError(
            source,
            [
                "this file holds neither a StateCanvas project nor a state machine definition "
                '(an ASL definition is a JSON object with "StartAt" and "States")'
            ],
        )
    name = machine_name_for(source)
    project = Project(name=name, state_machines={name: StateMachineSpec(definition_file=source.name)})
    return DocumentData(project, {name: value}, source, "asl")


def _load_project(source: Path) -> DocumentData:
    try:
        loaded = load_project(source, choreography=False)  # opened anyway, so the user can repair it
    except ProjectError as exc:
        raise DocumentLoadError(source, [f"{p.location or '/'}: {p.message}" for p in exc.problems]) from None
    return DocumentData(loaded.project, dict(loaded.definitions), source, "project")


def _load_template(source: Path) -> DocumentData:
    """SAM and CloudFormation templates come in through the engine's importer, which reports bad files."""
    try:
        result = import_template(source)
    except Exception as exc:  # anything the importer did not foresee: a message, never a traceback
        raise DocumentLoadError(source, [str(exc) or type(exc).__name__]) from None
    problems = [str(p) for p in result.errors]
    project = result.project
    definitions = dict(result.definitions)
    has_resources = any((project.buses, project.rules, project.queues, project.topics, project.functions))
    if not definitions and not has_resources:
        raise DocumentLoadError(
            source,
            problems or ["this template holds no state machines or event resources StateCanvas can show"],
        )
    return DocumentData(project, definitions, None, "project", notes=problems)


def save_document_file(
    data: DocumentData, path: str | Path, *, inline: bool = False, backup: bool = True
) -> Kind:
    """Write the document to `path`; a project suffix makes a project, anything else an ASL file.

    Every file (the project, each machine's definition file, an ASL file) is written atomically:
    a temporary file in the same folder, flushed and fsynced, then renamed over the target, so a
    failed save leaves the previous version whole. With `backup`, that previous version is kept
    beside each file as `NAME.bak`. With `inline`, every definition goes inside the project file
    (recovery files use this, without backups, so that one file holds everything).
    """
    target = Path(path)
    if target.name.endswith(PROJECT_SUFFIXES):
        _save_project(data, target, inline, backup)
        return "project"
    if len(data.definitions) != 1:
        raise ValueError("only a project file can hold several state machines; save as .statecanvas.json")
    (definition,) = data.definitions.values()
    atomic_write_text(target, _asl_text(definition, target), backup=backup)
    return "asl"


def _asl_text(definition: dict[str, Any], target: Path) -> str:
    if target.suffix.lower() in (".yaml", ".yml"):
        value = json.loads(canonical_text(definition))
        return dump_yaml(value)  # the engine's writer: what it writes reads back the same as YAML 1.2
    return canonical_text(definition)


def _save_project(data: DocumentData, target: Path, inline: bool = False, backup: bool = True) -> None:
    project = data.project.model_copy(deep=True)
    for name, definition in data.definitions.items():
        spec = project.state_machines.setdefault(name, StateMachineSpec())
        keep_file = not inline and data.kind == "project" and spec.definition_file and data.path is not None
        if keep_file:
            file = target.parent / spec.definition_file
            atomic_write_text(file, _asl_text(definition, file), backup=backup)
            spec.definition = None
        else:
            spec.definition_file = None
            spec.definition = json.loads(canonical_text(definition))
    save_project(project, target, backup=backup)
