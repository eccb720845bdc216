"""PROJECT arguments: every command that takes a project takes its folder as well as its file.

A folder must hold exactly one project file; otherwise the command stops with a usage message
naming the folder and what it found. Commands that take an ASL definition (run, debug,
test-state, validate) also accept a project, choosing one of its machines with --state-machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.asl import DefinitionLoadError, parse_text, read_text_file
from engine.cli.usage import UsageError
from engine.integrations import FileHandler, HandlerLoadError, handler_file
from engine.project import PROJECT_SUFFIXES, ProjectError, load_project, looks_like_project


def project_file(arg: str | Path) -> Path:
    """The project file ARG names: ARG itself, or the one project file in the folder ARG."""
    path = Path(arg)
    if not path.is_dir():
        if not path.exists():
            raise UsageError(f"{path}: no such file")
        return path
    found = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(PROJECT_SUFFIXES))
    if len(found) == 1:
        return found[0]
    wanted = " or ".join(f"*{suffix}" for suffix in PROJECT_SUFFIXES)
    if not found:
        raise UsageError(f"{path}: this folder holds no project file ({wanted}); name the project file")
    names = ", ".join(p.name for p in found)
    raise UsageError(f"{path}: this folder holds {len(found)} project files ({names}); name one of them")


def names_project(arg: str) -> bool:
    """Whether ARG is a project's folder or a project file (by its name or its content)."""
    if arg == "-":
        return False
    path = Path(arg)
    if path.is_dir() or path.name.endswith(PROJECT_SUFFIXES):
        return True
    if path.suffix.lower() != ".json" or not path.is_file():
        return False

    try:
        return looks_like_project(parse_text(read_text_file(path), source=str(path)).value)
    except DefinitionLoadError:
        return False


def load_project_arg(arg: str) -> Any:
    """The LoadedProject ARG names; an unusable project is a usage error with every problem located."""
    try:
        return load_project(project_file(arg))
    except ProjectError as exc:
        raise UsageError(str(exc)) from None


def choose_machine(loaded: Any, wanted: str | None, where: str) -> str:
    """The machine --state-machine names, or the project's only one."""
    names = sorted(loaded.definitions)
    if wanted is not None:
        if wanted not in loaded.definitions:
            raise UsageError(
                f"--state-machine {wanted}: no state machine named {wanted!r} in {where}; "
                f"there are: {', '.join(names) or 'none'}"
            )
        return wanted
    if len(names) == 1:
        return names[0]
    if not names:
        raise UsageError(f"{where} holds no state machine; add one to the project first")
    raise UsageError(
        f"{where} holds {len(names)} state machines; choose one with --state-machine ({', '.join(names)})"
    )


def project_definition(arg: str, wanted: str | None) -> tuple[Any, str, dict[str, Any]]:
    """(definition, display name, handlers) of a machine in the project ARG; the handlers are the
    project's local functions, so its Lambda tasks are served as they are in a project run."""
    loaded = load_project_arg(arg)
    name = choose_machine(loaded, wanted, arg)
    handlers = {}
    for function, spec in loaded.project.functions.items():
        if getattr(spec, "handler", None):
            try:
                handler_file(spec.handler, loaded.base_dir, confine=True, must_exist=False)
                handlers[function] = FileHandler(spec.handler, loaded.base_dir)
            except HandlerLoadError as exc:
                raise UsageError(f"{arg}: /functions/{function}/handler: {exc}") from None
    return loaded.definitions[name], f"{arg} ({name})", handlers
