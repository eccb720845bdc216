"""Reading and writing project files, with every problem located (file, JSON Pointer, why)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.asl import DefinitionLoadError, parse_text, read_text_file
from engine.project.atomic import atomic_write_text
from engine.project.checks import choreography_problems
from engine.project.containment import OutsideProjectError, confined_path
from engine.project.model import FORMAT_VERSION, Project
from engine.resource_refs import ResourceRef, parse_ref

PROJECT_SUFFIXES = (".statecanvas.json", ".scproj.json")


@dataclass(frozen=True, slots=True)
class ProjectProblem:
    file: str
    location: str  # JSON Pointer
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location or '/'}: {self.message}"


class ProjectError(Exception):
    """A project that cannot be used, with every problem found."""

    def __init__(self, problems: list[ProjectProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadedProject:
    project: Project
    path: Path | None
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)  # machine name -> ASL

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def arn(self, ref: ResourceRef) -> str:
        return ref.arn(self.project.account, self.project.region)

    def resolve(self, text: str) -> ResourceRef | None:
        return parse_ref(text)


def looks_like_project(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and ("formatVersion" in value or "stateMachines" in value)
        and "States" not in value
    )


def load_project(path: str | Path, *, choreography: bool = True) -> LoadedProject:
    """The project at `path`; `choreography=False` leaves its rules, policies and handlers unchecked
    (the designer opens such a project anyway, so the user can repair it there)."""
    source = Path(path)
    try:
        # Project files are StateCanvas's own: strict JSON, no YAML leniency hiding a typo.
        strict = source.suffix.lower() == ".json"
        value = parse_text(read_text_file(source), source=str(source), yaml_fallback=not strict).value
    except DefinitionLoadError as exc:
        raise ProjectError(
            [
                ProjectProblem(
                    str(source), "", exc.message if exc.line is None else f"line {exc.line}: {exc.message}"
                )
            ]
        ) from None
    return project_from_value(value, source, choreography=choreography)


def project_from_value(value: Any, path: Path | None = None, *, choreography: bool = True) -> LoadedProject:
    where = str(path) if path else "<project>"
    if not isinstance(value, dict):
        raise ProjectError([ProjectProblem(where, "", "a project file holds a JSON object")])
    version = value.get("formatVersion", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ProjectError(
            [
                ProjectProblem(
                    where,
                    "/formatVersion",
                    f"this StateCanvas reads project format {FORMAT_VERSION}, not {version}",
                )
            ]
        )
    try:
        project = Project.model_validate(value)
    except ValidationError as exc:
        raise ProjectError([_problem(where, error) for error in exc.errors()]) from None
    loaded = LoadedProject(project, path)
    problems = load_definitions(loaded) + reference_problems(loaded)
    if not problems and choreography:  # the choreography's own checks read the references checked above
        where = str(path) if path else "<project>"
        problems = [
            ProjectProblem(where, pointer, message)
            for pointer, message in choreography_problems(project, loaded.base_dir if path else None)
        ]
    if problems:
        raise ProjectError(problems)
    return loaded


def _problem(where: str, error: Any) -> ProjectProblem:
    pointer = "".join(f"/{part}" for part in error["loc"])
    return ProjectProblem(where, pointer, error["msg"])


def load_definitions(loaded: LoadedProject) -> list[ProjectProblem]:
    problems = []
    where = str(loaded.path) if loaded.path else "<project>"
    for name, spec in loaded.project.state_machines.items():
        pointer = f"/stateMachines/{name}"
        if spec.definition is not None and spec.definition_file is not None:
            problems.append(
                ProjectProblem(where, pointer, "give either definition or definitionFile, not both")
            )
            continue
        if spec.definition is not None:
            loaded.definitions[name] = spec.definition
            continue
        if spec.definition_file is None:
            problems.append(
                ProjectProblem(where, pointer, "a state machine needs a definition or a definitionFile")
            )
            continue
        try:
            file = confined_path(loaded.base_dir, spec.definition_file, "definitionFile")
        except OutsideProjectError as exc:
            problems.append(ProjectProblem(where, f"{pointer}/definitionFile", str(exc)))
            continue
        try:
            text = read_text_file(file)
            value = parse_text(
                text, source=str(file), prefer="yaml" if file.suffix in (".yaml", ".yml") else "json"
            ).value
        except DefinitionLoadError as exc:
            problems.append(ProjectProblem(where, f"{pointer}/definitionFile", exc.located()))
            continue
        if not isinstance(value, dict):
            problems.append(ProjectProblem(str(file), "", "a state machine definition must be a JSON object"))
            continue
        loaded.definitions[name] = value
    return problems


def reference_problems(loaded: LoadedProject) -> list[ProjectProblem]:
    project = loaded.project
    where = str(loaded.path) if loaded.path else "<project>"
    names = {
        "stateMachine": set(project.state_machines),
        "queue": set(project.queues),
        "topic": set(project.topics),
        "bus": set(project.buses) | {"default"},
        "function": set(project.functions),
        "rule": set(project.rules),
    }
    problems: list[ProjectProblem] = []

    def check(text: str, pointer: str, kinds: tuple[str, ...]) -> None:
        ref = parse_ref(text)
        if ref is None:
            if not text.startswith("arn:"):
                problems.append(
                    ProjectProblem(
                        where,
                        pointer,
                        f"{text!r} is neither a reference such as '{kinds[0]}:name' nor an ARN",
                    )
                )
            return
        if ref.kind not in kinds:
            problems.append(
                ProjectProblem(where, pointer, f"{text!r} is a {ref.kind}; expected {' or '.join(kinds)}")
            )
        elif ref.name not in names[ref.kind] and not text.startswith("arn:"):
            problems.append(
                ProjectProblem(where, pointer, f"no {ref.kind} named {ref.name!r} in this project")
            )

    for name, rule in project.rules.items():
        if rule.bus not in names["bus"]:
            problems.append(
                ProjectProblem(where, f"/rules/{name}/bus", f"no bus named {rule.bus!r} in this project")
            )
        if rule.event_pattern is None and rule.schedule_expression is None:
            problems.append(
                ProjectProblem(
                    where, f"/rules/{name}", "a rule needs an eventPattern or a scheduleExpression"
                )
            )
        for i, target in enumerate(rule.targets):
            check(
                target.target,
                f"/rules/{name}/targets/{i}/target",
                ("stateMachine", "queue", "topic", "bus", "function"),
            )
            if target.dead_letter_queue is not None:
                check(target.dead_letter_queue, f"/rules/{name}/targets/{i}/deadLetterQueue", ("queue",))
    for name, queue in project.queues.items():
        if queue.redrive_policy is not None:
            dlq = queue.redrive_policy.dead_letter_queue
            check(
                dlq if ":" in dlq else f"queue:{dlq}",
                f"/queues/{name}/redrivePolicy/deadLetterQueue",
                ("queue",),
            )
    for i, sub in enumerate(project.subscriptions):
        check(
            sub.topic if ":" in sub.topic else f"topic:{sub.topic}", f"/subscriptions/{i}/topic", ("topic",)
        )
        check(sub.endpoint, f"/subscriptions/{i}/endpoint", ("queue", "function", "stateMachine", "bus"))
    for i, consumer in enumerate(project.consumers):
        check(
            consumer.queue if ":" in consumer.queue else f"queue:{consumer.queue}",
            f"/consumers/{i}/queue",
            ("queue",),
        )
        check(consumer.target, f"/consumers/{i}/target", ("function", "stateMachine"))
    for route, function in project.api_routes.items():
        pointer = "/apiRoutes/" + route.replace("~", "~0").replace("/", "~1")
        check(function if ":" in function else f"function:{function}", pointer, ("function",))
    return problems


def project_to_value(project: Project) -> dict[str, Any]:
    """The project as diff-friendly JSON: stable key order, resources sorted by name."""
    value = project.to_json()
    value = {"formatVersion": FORMAT_VERSION, **{k: v for k, v in value.items() if k != "formatVersion"}}
    for section in ("stateMachines", "functions", "buses", "rules", "queues", "topics"):
        if section in value:
            value[section] = dict(sorted(value[section].items()))
    if "layout" in value and "positions" in value["layout"]:
        value["layout"]["positions"] = dict(sorted(value["layout"]["positions"].items()))
    return value


def save_project(project: Project, path: str | Path, *, backup: bool = True) -> None:
    """Write atomically (temp file, fsync, rename) so a crash never leaves half a project; with
    `backup`, the previous version stays beside it as `NAME.bak` (see engine.project.atomic)."""
    text = json.dumps(project_to_value(project), indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(path, text, backup=backup)
