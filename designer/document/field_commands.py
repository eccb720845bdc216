"""Commands for form edits: a state field typed into (merged with the next edit of the same
field), and the project's list sections (subscriptions, consumers), which have no names to key by.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from PySide6.QtGui import QUndoCommand

from designer.document.commands import EditCommand, SetFieldCommand
from designer.document.edits import EditRefused
from designer.document.patch import Change
from designer.document.project_document import LIST_SECTIONS, ProjectDocument
from engine.asl import Segment, StateAddress

TYPED_FIELD_COMMAND_ID = 1002


class TypedFieldCommand(SetFieldCommand):
    """A field committed from the keyboard (Enter or leaving the field).

    Successive commits of the same field of the same state merge into one undo step, as Qt's
    own text edits do, so fixing a typo does not take two undos.
    """

    def __init__(
        self, document: ProjectDocument, address: StateAddress, field: tuple[Segment, ...], value: Any
    ) -> None:
        super().__init__(document, address, field, value)
        self.key = (address.machine, address.segments, field)

    def id(self) -> int:
        return TYPED_FIELD_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TypedFieldCommand) or other.key != self.key:
            return False
        self.changes = [*self.changes, *other.changes]
        return True


def list_section_change(document: ProjectDocument, section: str, values: list[dict[str, Any]]) -> Change:
    """Replace the project's subscriptions or consumers with `values`, refused (with where and
    why) when the project model would refuse one of them."""
    model = LIST_SECTIONS[section]
    try:
        checked = [json.loads(model.model_validate(v).model_dump_json(by_alias=True)) for v in values]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"]) or section
        raise EditRefused(f"{where}: {first['msg']}") from None
    old = [json.loads(item.model_dump_json(by_alias=True)) for item in getattr(document.project, section)]
    return Change("resource", "", (section,), old, checked)


class SetListSectionCommand(EditCommand):
    """Replace the project's subscriptions or consumers (a list, edited as a whole)."""

    def __init__(
        self, document: ProjectDocument, section: str, values: list[dict[str, Any]], text: str
    ) -> None:
        super().__init__(document, text, [list_section_change(document, section, values)])
