"""The designer's document: a Qt adapter over `engine.project` with undoable, fine-grained edits."""

from designer.document.commands import (
    AddResourceCommand,
    AddStateCommand,
    ConnectCommand,
    MoveCommand,
    RemoveResourceCommand,
    RemoveStateCommand,
    RenameStateCommand,
    ReplaceDefinitionCommand,
    SetFieldCommand,
    SetResourceCommand,
    SetStartCommand,
)
from designer.document.files import DocumentLoadError
from designer.document.project_document import ProjectDocument

__all__ = [
    "AddResourceCommand",
    "AddStateCommand",
    "ConnectCommand",
    "DocumentLoadError",
    "MoveCommand",
    "ProjectDocument",
    "RemoveResourceCommand",
    "RemoveStateCommand",
    "RenameStateCommand",
    "ReplaceDefinitionCommand",
    "SetFieldCommand",
    "SetResourceCommand",
    "SetStartCommand",
]
