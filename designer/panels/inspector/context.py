"""What every form editor of a state needs: the state, where to send edits, what the engine says.

Editors never touch the document directly; they call `set` (one undo command), `replace`
(one command that rewrites the whole state, for edits that move a value between fields) or
open a macro. Refusals come back as a message for the panel to show.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from designer.canvas.theme import LIGHT, Theme
from designer.document.commands import SetFieldCommand
from designer.document.edits import EditRefused
from designer.document.field_commands import TypedFieldCommand
from designer.document.project_document import ProjectDocument
from engine.asl import Segment, StateAddress, parse_location, pointer, scope_states

_NAMED_FIELD = re.compile(r"field '(\w+)'")


@dataclass
class StateContext:
    document: ProjectDocument
    address: StateAddress
    theme: Theme = LIGHT
    report: Callable[[str], None] = print
    language: str = "JSONPath"
    _diagnostics: dict[str, list[str]] = field(default_factory=dict)

    @property
    def state(self) -> dict[str, Any]:
        value = self.document.state(self.address)
        return value if isinstance(value, dict) else {}

    def siblings(self) -> list[str]:
        definition = self.document.definition(self.address.machine)
        return [n for n in scope_states(definition, self.address.scope) if n != self.address.name]

    # edits ---------------------------------------------------------------------------------------

    def set(self, path: tuple[Segment, ...], value: Any, *, typed: bool = False) -> bool:
        """Set one field (or a part of one) of the state; `typed` edits merge with the next."""
        command = TypedFieldCommand if typed else SetFieldCommand
        try:
            self.document.push(command(self.document, self.address, path, value))
        except EditRefused as exc:
            self.report(str(exc))
            return False
        return True

    def replace(self, change: Callable[[dict[str, Any]], None], text: str | None = None) -> bool:
        """Rewrite the state with `change` applied to a copy of it, as one undo step."""
        value = copy.deepcopy(self.state)
        change(value)
        if value == self.state:
            return True
        return self.set((), value)

    # diagnostics ---------------------------------------------------------------------------------

    def load_diagnostics(self) -> None:
        """Index the engine's diagnostics under this state by the field path below the state."""
        self._diagnostics = {}
        base = self.address.path
        for diagnostic in self.document.diagnostics.get(self.address.machine, []):
            location = diagnostic.location or ""
            if location == base or location.startswith(base + "/"):
                rest = location[len(base) :]
                # AWS puts "field 'Parameters' is only supported for JSONPath" on the state; show it
                # under the field it names, where the user can act on it.
                named = _NAMED_FIELD.search(diagnostic.message) if not rest else None
                if named:
                    rest = "/" + named.group(1)
                self._diagnostics.setdefault(rest, []).append(diagnostic.message)

    def diagnostics(self, *path: Segment, below: bool = False) -> list[str]:
        """Messages located exactly at `path` below the state (or anywhere under it with `below`)."""
        key = pointer(*path) if path else ""
        if not below:
            return list(self._diagnostics.get(key, []))
        out: list[str] = []
        for location, messages in self._diagnostics.items():
            if location == key or location.startswith(key + "/"):
                out.extend(messages)
        return out

    def unplaced_diagnostics(self, shown: set[str]) -> list[str]:
        """Messages that no field of the form shows: about the state as a whole, or a field
        the form has no editor for (`shown` holds the names of the fields it has)."""
        out: list[str] = []
        for location, messages in self._diagnostics.items():
            segments = parse_location(location) if location else []
            if not segments or segments[0] not in shown:
                out.extend(messages)
        return out
