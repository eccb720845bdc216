"""What an import reports instead of raising: located problems a user can act on.

Files come from other people's repositories; a bad one must give a message naming the file,
the place in it and what is wrong, and the rest of the file must still be read where it can.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from engine.project import LoadedProject, Project, project_from_value, project_to_value

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One finding: the file, where in it (a JSON Pointer or `line N, column M`), and why.

    Errors mean something was left out of the project (a state machine, a rule); warnings mean
    it came in with a loss the user should know about (an unsupported target, an S3 URI).
    """

    file: str
    location: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.location or '/'}: {self.message}"


def pointer(*parts: str | int) -> str:
    """A JSON Pointer from path segments, escaping `~` and `/` as RFC 6901 asks."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class ImportResult:
    """What an import produced: a project, the substitutions it could not resolve, and problems.

    `substitutions` maps `stateMachine:<name>` (or `rule:<name>`, for event patterns) to the
    `${...}` variables left in that definition and what the template said each one was (an
    intrinsic or a literal); pass them to `cloudformation_template` / `sam_template` so the
    placeholders are bound as before. They are not part of the project file.
    """

    source: str
    project: Project = field(default_factory=Project)
    substitutions: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def definitions(self) -> dict[str, dict[str, Any]]:
        return {
            name: spec.definition
            for name, spec in self.project.state_machines.items()
            if spec.definition is not None
        }

    def problem(
        self, location: str, message: str, severity: Severity = "error", file: str | None = None
    ) -> None:
        self.problems.append(ImportProblem(file or self.source, location, message, severity))

    def loaded(self) -> LoadedProject:
        """The project checked as a project file is (references, definitions)."""
        return project_from_value(project_to_value(self.project))
