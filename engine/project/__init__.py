"""The project document: what a StateCanvas project holds and how it is read and written."""

from engine.project.loader import (
    LoadedProject,
    ProjectError,
    ProjectProblem,
    load_project,
    looks_like_project,
    project_from_value,
    project_to_value,
    save_project,
)
from engine.project.model import Project
from engine.project.refs import ResourceRef, parse_ref

__all__ = [
    "LoadedProject",
    "Project",
    "ProjectError",
    "ProjectProblem",
    "ResourceRef",
    "load_project",
    "looks_like_project",
    "parse_ref",
    "project_from_value",
    "project_to_value",
    "save_project",
]
