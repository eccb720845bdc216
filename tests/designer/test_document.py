"""The document: every kind of edit is one undo step that undoes exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from designer_helpers import document_for

import engine
from designer.document.commands import (
    AddResourceCommand,
    AddStateCommand,
    ConnectCommand,
    DisconnectCommand,
    MoveCommand,
    RemoveResourceCommand,
    RemoveStateCommand,
    RenameStateCommand,
    ReplaceDefinitionCommand,
    SetFieldCommand,
    SetResourceCommand,
)
from designer.document.edits import EditRefused
from designer.document.patch import MISSING
from designer.document.project_document import ProjectDocument
from engine.asl import StateAddress, owning_state

M = "Orders"


def at(path: str) -> StateAddress:
    return StateAddress.parse(M, path)


def text(doc: ProjectDocument) -> str:
    return json.dumps(doc.definition(M))


def check_undo_redo(doc: ProjectDocument, command: Any) -> tuple[str, str]:
    before = text(doc)
    doc.push(command)
    after = text(doc)
    assert after != before
    doc.undo_stack.undo()
    assert text(doc) == before, "undo restores the definition exactly, key order included"
    doc.undo_stack.redo()
    assert text(doc) == after
    return before, after


def test_add_state_undo_redo(document: ProjectDocument) -> None:
    added: list[str] = []
    document.state_added.connect(lambda m, p: added.append(p))
    check_undo_redo(
        document, AddStateCommand(document, at("/States/Audit"), {"Type": "Pass", "End": True}, (10, 20))
    )
    assert document.definition(M)["States"]["Audit"] == {"Type": "Pass", "End": True}
    assert document.position("stateMachine:Orders/States/Audit") == (10, 20)
    assert added == ["/States/Audit", "/States/Audit"]


def test_add_state_refuses_duplicate_names_machine_wide(document: ProjectDocument) -> None:
    with pytest.raises(EditRefused):
        AddStateCommand(document, at("/States/ReserveItem"), {"Type": "Pass", "End": True})


def test_remove_state_relinks_and_undo_restores_incoming(document: ProjectDocument) -> None:
    before, _ = check_undo_redo(document, RemoveStateCommand(document, at("/States/OrderRejected")))
    states = document.definition(M)["States"]
    assert "OrderRejected" not in states
    assert "Catch" not in states["ValidateOrder"] and "Default" not in states["IsOrderValid"]
    document.undo_stack.undo()
    assert text(document) == before
    assert document.definition(M)["States"]["ValidateOrder"]["Catch"][0]["Next"] == "OrderRejected"


def test_remove_state_splices_predecessor_to_successor(document: ProjectDocument) -> None:
    document.push(RemoveStateCommand(document, at("/States/PublishOrderCreated")))
    assert document.definition(M)["States"]["ReserveAndCharge"]["Next"] == "OrderAccepted"


def test_remove_start_state_moves_start_at(document: ProjectDocument) -> None:
    document.push(RemoveStateCommand(document, at("/States/ValidateOrder")))
    assert document.definition(M)["StartAt"] == "IsOrderValid"


def test_rename_updates_every_reference(document: ProjectDocument) -> None:
    check_undo_redo(document, RenameStateCommand(document, at("/States/OrderRejected"), "Rejected"))
    states = document.definition(M)["States"]
    assert list(states).index("Rejected") == 5, "a renamed state keeps its place"
    assert states["ValidateOrder"]["Catch"][0]["Next"] == "Rejected"
    assert states["IsOrderValid"]["Default"] == "Rejected"
    assert states["ReserveAndCharge"]["Catch"][0]["Next"] == "Rejected"


def test_rename_start_and_nested(document: ProjectDocument) -> None:
    document.push(RenameStateCommand(document, at("/States/ValidateOrder"), "Validate"))
    assert document.definition(M)["StartAt"] == "Validate"
    nested = at("/States/ReserveAndCharge/Branches[1]/States/ChargeCustomer")
    document.push(RenameStateCommand(document, nested, "Charge"))
    branch = document.definition(M)["States"]["ReserveAndCharge"]["Branches"][1]
    assert branch["StartAt"] == "Charge" and "Charge" in branch["States"]


def test_rename_refuses_taken_name(document: ProjectDocument) -> None:
    with pytest.raises(EditRefused):
        RenameStateCommand(document, at("/States/OrderRejected"), "OrderAccepted")


def test_set_field_and_delete_field(document: ProjectDocument) -> None:
    check_undo_redo(document, SetFieldCommand(document, at("/States/OrderAccepted"), ("Comment",), "Done"))
    assert document.definition(M)["States"]["OrderAccepted"]["Comment"] == "Done"
    check_undo_redo(document, SetFieldCommand(document, at("/States/ValidateOrder"), ("Retry",), MISSING))


def test_set_next_clears_end(document: ProjectDocument) -> None:
    document.push(AddStateCommand(document, at("/States/Audit"), {"Type": "Pass", "End": True}))
    document.push(SetFieldCommand(document, at("/States/Audit"), ("Next",), "OrderAccepted"))
    assert document.definition(M)["States"]["Audit"] == {"Type": "Pass", "Next": "OrderAccepted"}


def test_connect_next_choice_and_catch(document: ProjectDocument) -> None:
    document.push(AddStateCommand(document, at("/States/Audit"), {"Type": "Pass", "End": True}))
    check_undo_redo(document, ConnectCommand(document, at("/States/Audit"), "OrderAccepted"))
    assert document.definition(M)["States"]["Audit"] == {"Type": "Pass", "Next": "OrderAccepted"}
    check_undo_redo(document, ConnectCommand(document, at("/States/IsOrderValid"), "Audit"))
    rules = document.definition(M)["States"]["IsOrderValid"]["Choices"]
    assert len(rules) == 2 and rules[-1]["Next"] == "Audit"
    check_undo_redo(
        document, ConnectCommand(document, at("/States/PublishOrderCreated"), "OrderRejected", "catch")
    )
    catch = document.definition(M)["States"]["PublishOrderCreated"]["Catch"]
    assert catch == [{"ErrorEquals": ["States.ALL"], "Next": "OrderRejected"}]


def test_connect_refuses_across_scopes_and_from_terminal(document: ProjectDocument) -> None:
    with pytest.raises(EditRefused):
        ConnectCommand(document, at("/States/ValidateOrder"), "ChargeCustomer")
    with pytest.raises(EditRefused):
        ConnectCommand(document, at("/States/OrderAccepted"), "ValidateOrder")


def test_disconnect(document: ProjectDocument) -> None:
    check_undo_redo(document, DisconnectCommand(document, at("/States/IsOrderValid"), ("Default",)))
    check_undo_redo(document, DisconnectCommand(document, at("/States/PublishOrderCreated"), ("Next",)))
    assert document.definition(M)["States"]["PublishOrderCreated"]["End"] is True


def test_move_merges_successive_moves(document: ProjectDocument) -> None:
    key = "stateMachine:Orders/States/ValidateOrder"
    document.push(MoveCommand(document, {key: (None, (1.0, 2.0))}))
    document.push(MoveCommand(document, {key: ((1.0, 2.0), (5.0, 6.0))}))
    assert document.undo_stack.count() == 1
    assert document.position(key) == (5.0, 6.0)
    document.undo_stack.undo()
    assert document.position(key) is None


def test_replace_definition(document: ProjectDocument) -> None:
    replaced: list[str] = []
    document.definition_replaced.connect(replaced.append)
    value = {"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}}
    check_undo_redo(document, ReplaceDefinitionCommand(document, M, value))
    assert document.definition(M) == value
    assert replaced == [M, M, M]


def test_macro_is_one_undo_step(document: ProjectDocument) -> None:
    before = text(document)
    with document.macro("Two edits"):
        document.push(AddStateCommand(document, at("/States/A1"), {"Type": "Pass", "End": True}))
        document.push(AddStateCommand(document, at("/States/A2"), {"Type": "Pass", "End": True}))
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert text(document) == before


def test_macro_closes_on_error(document: ProjectDocument) -> None:
    with pytest.raises(EditRefused), document.macro("Broken"):
        document.push(AddStateCommand(document, at("/States/A1"), {"Type": "Pass", "End": True}))
        AddStateCommand(document, at("/States/A1"), {"Type": "Pass", "End": True})
    document.push(AddStateCommand(document, at("/States/A3"), {"Type": "Pass", "End": True}))
    assert document.undo_stack.count() == 2


def test_resources_add_edit_remove(document: ProjectDocument) -> None:
    document.push(AddResourceCommand(document, "queue", "orders", {"visibilityTimeout": 60}, (0, 0)))
    assert document.resource("queue", "orders").visibility_timeout == 60
    document.push(SetResourceCommand(document, "queue", "orders", {"visibilityTimeout": 90}))
    assert document.resource("queue", "orders").visibility_timeout == 90
    with pytest.raises(EditRefused):
        SetResourceCommand(document, "queue", "orders", {"visibilityTimeout": -1})
    document.push(RemoveResourceCommand(document, "queue", "orders"))
    assert document.resource("queue", "orders") is None
    document.undo_stack.undo()
    assert document.resource("queue", "orders").visibility_timeout == 90
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.resource("queue", "orders") is None


def test_diagnostics_follow_edits_and_map_to_nested_states(qapp: Any) -> None:
    doc = document_for(
        {
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [{"StartAt": "Y", "States": {"Y": {"Type": "Pass", "Next": "Nowhere"}}}],
                }
            },
        }
    )
    assert doc.diagnostics[M], "the engine finds the missing target"
    by_state = doc.problems_by_state(M)
    assert "/States/P/Branches[0]/States/Y" in by_state
    changed: list[str] = []
    doc.diagnostics_changed.connect(changed.append)
    doc.push(SetFieldCommand(doc, StateAddress(M, ("States", "P", "Branches", 0), "Y"), ("End",), True))
    doc.revalidate_now()
    assert changed == [M] and doc.diagnostics[M] == engine.validate(doc.definition(M))


def test_owning_state_locations() -> None:
    assert owning_state("/States/Check/Next") == "/States/Check"
    assert owning_state("/States/P/Branches[0]/States/Y/Type") == "/States/P/Branches[0]/States/Y"
    assert owning_state("/States/M/ItemProcessor/States/Z") == "/States/M/ItemProcessor/States/Z"
    assert owning_state("/StartAt") is None and owning_state(None) is None
