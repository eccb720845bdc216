"""Paths a project (or template) names stay inside its folder.

A project file is often someone else's (a repository cloned, a sample downloaded): the paths it
holds (`definitionFile`, a function's `handler`, a template's `DefinitionUri`) must not reach the
rest of the disk. `../../.ssh/config` read as a definition would be echoed in its parse error;
`../evil.py` named as a handler would run. Paths that the user types on the command line are the
user's own choice and are not confined.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["OutsideProjectError", "confined_path", "is_inside"]


class OutsideProjectError(ValueError):
    """A path a file names leads outside the folder it must stay in."""


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, symbolic links followed, is `folder` or under it."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an unreadable component
        return False


def confined_path(folder: Path, relative: str, what: str, *, place: str = "the project's folder") -> Path:
    """`folder / relative`, refused (OutsideProjectError) when it is absolute or leads outside `folder`.

    `what` names the field for the message, e.g. "definitionFile".
    """
    if Path(relative).is_absolute() or Path(relative).drive:
        raise OutsideProjectError(
            f"{what} {relative!r} is an absolute path; give a path inside {place}, relative to it"
        )
    path = folder / relative
    if not is_inside(path, folder):
        raise OutsideProjectError(
            f"{what} {relative!r} leads outside {place}; StateCanvas reads only files inside it"
        )
    return path
