"""`statecanvas validate PROJECT`: every state machine of the project, each as its own type, and
the project's routes: each rule's bus, pattern or schedule and targets (with their input
transformers, retry policies and dead-letter queues), each queue's redrive DLQ, each topic
subscription and filter policy, each queue consumer and each local function's handler.

A route problem is a finding of the validation like a machine's (exit 1, located by its JSON
Pointer in the project file), not a refusal to read the project: the user sees every machine's
result and every route problem in one run. Only a project that cannot be read at all (no file,
not JSON, another format version) is a usage error (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from engine.asl import DefinitionLoadError, Diagnostic, error, parse_text, read_text_file, validate
from engine.cli.project import project_file
from engine.cli.usage import UsageError
from engine.project import (
    FORMAT_VERSION,
    LoadedProject,
    Project,
    choreography_problems,
    load_definitions,
    reference_problems,
)

ROUTE_SECTIONS = ("rules", "queues", "topics", "subscriptions", "consumers", "functions")


def validate_project(arg: str, as_json: bool, out: TextIO, print_machine: Any) -> bool:
    """Print the results; True when everything is valid. `print_machine(name, diagnostics, out)`
    prints one machine's result as `validate FILE` does."""
    path = project_file(arg)
    try:
        value = parse_text(read_text_file(path), source=str(path), yaml_fallback=False).value
    except DefinitionLoadError as exc:
        raise UsageError(exc.located()) from None
    if not isinstance(value, dict):
        raise UsageError(f"{path}: a project file holds a JSON object")
    version = value.get("formatVersion", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise UsageError(f"{path}: this StateCanvas reads project format {FORMAT_VERSION}, not {version}")
    machines: dict[str, list[Diagnostic]] = {}
    checks: dict[str, list[Diagnostic]] = {}  # StateCanvas's own warnings, apart from AWS's answer
    routes: list[Diagnostic] = []
    try:
        project = Project.model_validate(value)
    except ValidationError as exc:  # the project's own fields
        problems = [_schema_problem(e) for e in exc.errors()]
        _report(str(path), {}, problems, None, as_json, out, print_machine, section="project")
        return False
    loaded = LoadedProject(project, path)
    unreadable = load_definitions(loaded)
    for name in sorted(project.state_machines):
        pointer = f"/stateMachines/{name}"
        mine = [p for p in unreadable if p.location == pointer or p.location.startswith(pointer + "/")]
        if mine:
            machines[name] = [error("DEFINITION_UNREADABLE", p.message, p.location) for p in mine]
        else:
            machines[name] = validate(
                loaded.definitions[name], machine_type=project.state_machines[name].type
            )
            checks[name] = _service_warnings(loaded.definitions[name])
    references = reference_problems(loaded)
    routes += [error("INVALID_REFERENCE", p.message, p.location) for p in references]
    routes += [
        error("INVALID_ROUTE", message, pointer) for pointer, message in _route_problems(project, path)
    ]
    _report(
        str(path), machines, routes, project, as_json, out, print_machine, section="routes", checks=checks
    )
    return not _failed(routes) and not any(_failed(d) for d in machines.values())


def _service_warnings(definition: Any) -> list[Diagnostic]:
    """StateCanvas's design-time checks of the machine's service Tasks (warnings only)."""
    # Imported when the command runs: each command loads only what it needs (start-up time).
    from engine.services import design_warnings

    try:
        return design_warnings(definition)
    except Exception:  # a catalog fault is no finding about the project
        return []


def _route_problems(project: Any, path: Path) -> list[tuple[str, str]]:
    """What the bus, the queues and the topics would refuse (engine.project.checks), each once."""
    try:
        found = choreography_problems(project, path.parent)
    except Exception as exc:  # a check that trips over a reference reported above
        return [("", f"the routes could not all be checked: {exc}")]
    return list(dict.fromkeys(found))


def _schema_problem(problem: dict[str, Any]) -> Diagnostic:
    pointer = "".join(f"/{part}" for part in problem.get("loc", ()))
    return error("SCHEMA_VALIDATION_FAILED", str(problem.get("msg", "")), pointer)


def _failed(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "ERROR" for d in diagnostics)


def checked(project: Any) -> str:
    """What the route check covered, in words: '6 rules, 5 queues, 1 topic'."""
    counts = []
    for section in ROUTE_SECTIONS:
        n = len(getattr(project, section))
        if n:
            word = section if n != 1 else section.removesuffix("s")
            counts.append(f"{n} {word}")
    return ", ".join(counts) or "no routes"


def _report(
    file: str,
    machines: dict[str, list[Diagnostic]],
    section_problems: list[Diagnostic],
    project: Any,
    as_json: bool,
    out: TextIO,
    print_machine: Any,
    *,
    section: str,
    checks: dict[str, list[Diagnostic]] | None = None,
) -> None:
    checks = checks or {}
    failed = _failed(section_problems) or any(_failed(d) for d in machines.values())
    if as_json:
        value: dict[str, Any] = {"file": file, "result": "FAIL" if failed else "OK"}
        value["stateMachines"] = {
            name: {
                "result": "FAIL" if _failed(diagnostics) else "OK",
                "diagnostics": [d.to_json() for d in diagnostics],
                "truncated": False,
            }
            | ({"statecanvasWarnings": [d.to_json() for d in checks[name]]} if checks.get(name) else {})
            for name, diagnostics in machines.items()
        }
        value[section] = {
            "result": "FAIL" if _failed(section_problems) else "OK",
            "diagnostics": [d.to_json() for d in section_problems],
        }
        if project is not None:
            value[section]["checked"] = {s: len(getattr(project, s)) for s in ROUTE_SECTIONS}
        print(json.dumps(value, indent=2, ensure_ascii=False), file=out)
        return
    for name, diagnostics in machines.items():
        print_machine(f"{file} ({name})", diagnostics + checks.get(name, []), out)
    label = f"{file} ({section}" + (f": {checked(project)})" if project is not None else ")")
    errors = [d for d in section_problems if d.severity == "ERROR"]
    if not errors:
        print(f"{label}: valid", file=out)
    else:
        print(f"{label}: invalid ({len(errors)} error{'s' if len(errors) != 1 else ''})", file=out)
    for d in section_problems:
        print(f"  {d.severity} {d.code} {d.location or '/'}: {d.message}", file=out)
