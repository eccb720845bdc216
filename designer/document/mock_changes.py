"""What a state's mocked results do when the state is renamed or deleted, and the one change of
a machine's project settings that sets them.

Mocks are saved in the project under the state's name, beside the definition, so renaming or
deleting a state changes them too, in the same undo step. Kept apart from `task_behaviour`
(which builds commands) so that the state commands can use it.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from designer.document.edits import EditRefused
from designer.document.patch import Change
from designer.document.project_document import ProjectDocument
from engine.asl import StateAddress
from engine.project import StateMachineSpec


def mocks_of(document: ProjectDocument, address: StateAddress) -> list[dict[str, Any]]:
    """A copy of the mocked results saved for the state (none: an empty list)."""
    spec = document.project.state_machines.get(address.machine)
    return copy.deepcopy(spec.mocks.get(address.name, [])) if spec is not None else []


def mock_spec_changes(
    document: ProjectDocument, machine: str, mocks: dict[str, list[dict[str, Any]] | None]
) -> list[Change]:
    """The change of a machine's project settings that sets (or with None removes) state mocks."""
    spec = document.project.state_machines.get(machine)
    if spec is None:
        raise EditRefused(f"no state machine named {machine!r} in this project")
    old = spec.to_json()
    new = copy.deepcopy(old)
    saved = dict(new.get("mocks") or {})
    for state, outcomes in mocks.items():
        if outcomes:
            saved[state] = outcomes
        else:
            saved.pop(state, None)
    if saved:
        new["mocks"] = saved
    else:
        new.pop("mocks", None)
    try:
        new = StateMachineSpec.model_validate(new).to_json()
    except ValidationError as exc:
        raise EditRefused(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    return [Change("spec", machine, (machine,), old, new)] if new != old else []


def mock_changes_for_rename(document: ProjectDocument, address: StateAddress, new_name: str) -> list[Change]:
    """A renamed state keeps its mocked results (they are saved under its name)."""
    outcomes = mocks_of(document, address)
    if not outcomes or new_name == address.name:
        return []
    return mock_spec_changes(document, address.machine, {address.name: None, new_name: outcomes})


def mock_changes_for_removal(document: ProjectDocument, address: StateAddress) -> list[Change]:
    """A deleted state takes its mocked results with it (undo brings both back)."""
    if not mocks_of(document, address):
        return []
    return mock_spec_changes(document, address.machine, {address.name: None})
