"""Compound edits planned by the document: each is one command, one undo step, and undo gives
back the exact JSON text (key order included); no canvas or widget is involved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from designer_helpers import document_for, example_definition
from PySide6.QtGui import QUndoCommand

import engine
from designer.canvas.patterns import PATTERNS
from designer.document.compound_commands import AddAfterCommand, InsertGroupCommand, InsertStateCommand
from designer.document.compound_edits import (
    After,
    OnTransition,
    Placement,
    action_target,
    insert_state,
    rename_inner,
)
from designer.document.edits import EditRefused
from designer.document.groups import Namer, PatternGroup
from designer.document.patch import write
from designer.document.project_document import RESOURCE_SECTIONS, ProjectDocument
from engine.asl import StateAddress, all_state_names

M = "Orders"
FLOW = {
    "StartAt": "Fetch",
    "States": {
        "Fetch": {"Type": "Pass", "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Store"}],
            "Default": "Fetch",
        },
        "Store": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "store"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}],
            "End": True,
        },
        "Oops": {"Type": "Fail"},
    },
}
DYNAMO_PUT = "arn:aws:states:::dynamodb:putItem"


def text(doc: ProjectDocument) -> str:
    """Everything a save writes: definitions, resources, subscriptions and the layout."""
    return json.dumps(doc.snapshot().definitions) + doc.project.model_dump_json()


def one_step(doc: ProjectDocument, command: QUndoCommand) -> str:
    """Push `command`; it is one undo step, undo restores the exact text and redo the edit."""
    before, count = text(doc), doc.undo_stack.count()
    doc.push(command)
    after = text(doc)
    assert after != before
    assert doc.undo_stack.count() == count + 1, "one command, one undo step"
    doc.undo_stack.undo()
    assert text(doc) == before, "undo restores the exact JSON, key order included"
    doc.undo_stack.redo()
    assert text(doc) == after
    return after


@pytest.fixture
def flow(qapp: Any) -> ProjectDocument:
    return document_for(FLOW)


def states(doc: ProjectDocument) -> dict[str, Any]:
    return doc.definition(M)["States"]


TRANSITIONS = [
    (OnTransition("Fetch", ("Next",)), ("Fetch", "Next"), "Check"),
    (OnTransition("Check", ("Choices", 0, "Next")), ("Check", "Choices", 0, "Next"), "Store"),
    (OnTransition("Check", ("Default",)), ("Check", "Default"), "Fetch"),
    (OnTransition("Store", ("Catch", 0, "Next")), ("Store", "Catch", 0, "Next"), "Oops"),
]


@pytest.mark.parametrize("kind", ["Pass", "Wait", "Task", "Map", "Parallel"])
@pytest.mark.parametrize(("placement", "field", "target"), TRANSITIONS)
def test_a_state_into_a_transition_is_one_step(
    flow: ProjectDocument, kind: str, placement: OnTransition, field: tuple[Any, ...], target: str
) -> None:
    command = InsertStateCommand(flow, M, (), kind, placement)
    one_step(flow, command)
    name = command.address.name
    assert name == kind
    value: Any = states(flow)
    for segment in field:
        value = value[segment]
    assert value == name, "the transition now leads to the new state"
    assert states(flow)[name]["Next"] == target and "End" not in states(flow)[name]
    assert list(states(flow))[-1] == name


def test_a_state_into_the_start_becomes_the_first(flow: ProjectDocument) -> None:
    one_step(flow, InsertStateCommand(flow, M, (), "Pass", OnTransition(None)))
    assert flow.definition(M)["StartAt"] == "Pass" and states(flow)["Pass"] == {
        "Type": "Pass",
        "Next": "Fetch",
    }


def test_a_choice_into_a_transition_keeps_the_flow_by_its_rule_and_default(flow: ProjectDocument) -> None:
    one_step(flow, InsertStateCommand(flow, M, (), "Choice", OnTransition("Fetch", ("Next",))))
    choice = states(flow)["Choice"]
    assert choice["Default"] == "Check" and [rule["Next"] for rule in choice["Choices"]] == ["Check"]


@pytest.mark.parametrize("kind", ["Succeed", "Fail"])
def test_a_terminal_state_never_goes_between_two(flow: ProjectDocument, kind: str) -> None:
    before = text(flow)
    with pytest.raises(EditRefused, match="ends the execution"):
        InsertStateCommand(flow, M, (), kind, OnTransition("Fetch", ("Next",)))
    assert text(flow) == before and flow.undo_stack.count() == 0


def test_a_transition_that_leads_nowhere_is_refused(flow: ProjectDocument) -> None:
    for placement in (OnTransition("Nope", ("Next",)), OnTransition("Oops", ("Next",))):
        with pytest.raises(EditRefused, match="does not lead to a state"):
            InsertStateCommand(flow, M, (), "Pass", placement)
    assert flow.undo_stack.count() == 0


def test_a_state_after_an_ending_one_takes_its_place(flow: ProjectDocument) -> None:
    one_step(flow, InsertStateCommand(flow, M, (), "Succeed", After("Store")))
    assert states(flow)["Store"]["Next"] == "Succeed" and "End" not in states(flow)["Store"]
    assert states(flow)["Succeed"] == {"Type": "Succeed"}


def test_a_free_state_is_placed_where_the_canvas_says(flow: ProjectDocument) -> None:
    asked: list[tuple[StateAddress, dict[str, Any]]] = []

    def place(address: StateAddress, value: dict[str, Any]) -> tuple[float, float]:
        asked.append((address, value))
        return (12.5, 40.0)

    one_step(flow, InsertStateCommand(flow, M, (), "Wait", None, place))
    assert asked == [(StateAddress(M, (), "Wait"), {"Type": "Wait", "Seconds": 5, "End": True})]
    assert flow.position("stateMachine:Orders/States/Wait") == (12.5, 40.0)
    flow.undo_stack.undo()
    assert flow.position("stateMachine:Orders/States/Wait") is None


def test_containers_get_machine_wide_unique_inner_names(qapp: Any) -> None:
    doc = document_for(example_definition())
    one_step(doc, InsertStateCommand(doc, M, (), "Parallel", None))
    one_step(doc, InsertStateCommand(doc, M, (), "Parallel", None))
    second = states(doc)["Parallel 2"]
    assert [b["StartAt"] for b in second["Branches"]] == ["Branch A 2", "Branch B 2"]
    assert rename_inner({"Type": "Pass", "End": True}, {"Pass"}) == {"Type": "Pass", "End": True}


def test_a_state_in_a_branch_scope(qapp: Any) -> None:
    doc = document_for(example_definition())
    scope = ("States", "ReserveAndCharge", "Branches", 1)
    command = InsertStateCommand(doc, M, scope, "Pass", After("ChargeCustomer"))
    one_step(doc, command)
    branch = states(doc)["ReserveAndCharge"]["Branches"][1]["States"]
    assert branch["ChargeCustomer"]["Next"] == "Pass" and branch["Pass"] == {"Type": "Pass", "End": True}


@pytest.mark.parametrize(
    ("placement", "key_order"),
    [
        (None, ["Type", "Resource", "End", "Parameters"]),
        (After("Store"), ["Type", "Resource", "End", "Parameters"]),
        (OnTransition("Fetch", ("Next",)), ["Type", "Resource", "Next", "Parameters"]),
    ],
)
def test_an_action_task_is_named_for_its_action_and_filled(
    flow: ProjectDocument, placement: Placement, key_order: list[str]
) -> None:
    action = (DYNAMO_PUT, action_target(DYNAMO_PUT))
    command = InsertStateCommand(flow, M, (), "Task", placement, action=action)
    assert command.text() == "Add Amazon DynamoDB PutItem"
    one_step(flow, command)
    task = states(flow)["DynamoDB PutItem"]
    assert list(task) == key_order
    assert task["Resource"] == DYNAMO_PUT and task["Parameters"] == {"TableName": "", "Item": {}}
    again = InsertStateCommand(flow, M, (), "Task", None, action=action)
    assert again.address.name == "DynamoDB PutItem 2"


def test_an_action_task_in_a_jsonata_machine_gets_arguments(qapp: Any) -> None:
    doc = document_for(
        {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    )
    resource = "arn:aws:states:::aws-sdk:sfn:startSyncExecution"
    one_step(
        doc, InsertStateCommand(doc, M, (), "Task", After("A"), action=(resource, action_target(resource)))
    )
    task = states(doc)["Step Functions StartSyncExecution"]
    assert task["Arguments"] == {"StateMachineArn": ""} and "Parameters" not in task


def test_an_action_that_is_no_integration_is_refused() -> None:
    with pytest.raises(EditRefused, match="is not a Step Functions service integration"):
        action_target("arn:aws:lambda:us-east-1:123456789012:function:f")


def test_quick_add_after_a_state_goes_between_it_and_its_next(flow: ProjectDocument) -> None:
    command = AddAfterCommand(flow, StateAddress(M, (), "Fetch"), lambda a, v: (0.0, 110.0))
    assert command.text() == "Add Pass after Fetch"
    one_step(flow, command)
    assert states(flow)["Fetch"]["Next"] == "Pass" and states(flow)["Pass"] == {
        "Type": "Pass",
        "Next": "Check",
    }
    assert flow.position("stateMachine:Orders/States/Pass") == (0.0, 110.0)


def test_quick_add_after_a_choice_adds_a_rule_or_the_default(qapp: Any) -> None:
    with_default = document_for(FLOW)
    one_step(with_default, AddAfterCommand(with_default, StateAddress(M, (), "Check")))
    check = states(with_default)["Check"]
    assert [r["Next"] for r in check["Choices"]] == ["Store", "Pass"] and check["Default"] == "Fetch"
    definition = json.loads(json.dumps(FLOW))
    del definition["States"]["Check"]["Default"]
    without = document_for(definition)
    one_step(without, AddAfterCommand(without, StateAddress(M, (), "Check")))
    assert states(without)["Check"]["Default"] == "Pass"
    assert states(without)["Pass"] == {"Type": "Pass", "End": True}


def test_quick_add_after_an_end_is_refused_with_the_reason(flow: ProjectDocument) -> None:
    with pytest.raises(EditRefused, match=r"A Fail state ends the execution: nothing can come after it\."):
        AddAfterCommand(flow, StateAddress(M, (), "Oops"))
    assert flow.undo_stack.count() == 0


def _group(doc: ProjectDocument, pattern: str) -> PatternGroup:
    resources = {kind: set(doc.resource_names(kind)) for kind in RESOURCE_SECTIONS}
    return PATTERNS[pattern].build(Namer(all_state_names(doc.definition(M)), resources, doc.project))


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_each_pattern_is_one_step_into_a_transition(flow: ProjectDocument, pattern: str) -> None:
    group = _group(flow, pattern)
    errors_before = engine.validate(flow.definition(M))
    positions = {name: (float(i), 0.0) for i, name in enumerate(group.states)}
    positions.update({f"{kind}:{name}": (500.0, 0.0) for kind, name, _ in group.resources})
    placement = OnTransition("Fetch", ("Next",))
    one_step(flow, InsertGroupCommand(flow, "Insert", group, (M, ()), placement, positions))
    if group.states:
        assert states(flow)["Fetch"]["Next"] == group.entry
        assert states(flow)[group.exit]["Next"] == "Check"
        assert [d for d in engine.validate(flow.definition(M)) if d not in errors_before] == []
    for kind, name, _ in group.resources:
        assert name in flow.resource_names(kind) and flow.position(f"{kind}:{name}") == (500.0, 0.0)


def test_a_pattern_after_a_state_and_in_a_jsonata_machine(qapp: Any) -> None:
    doc = document_for(
        {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    )
    group = _group(doc, "try-catch")
    one_step(doc, InsertGroupCommand(doc, "Insert", group, (M, ()), After("A"), {}))
    assert states(doc)["A"]["Next"] == "Try"
    assert "Arguments" in states(doc)["Try"] and "Parameters" not in states(doc)["Try"]
    assert engine.validate(doc.definition(M)) == []


def test_a_pattern_with_subscriptions_is_one_step(flow: ProjectDocument) -> None:
    group = _group(flow, "topic-fan-out")
    one_step(flow, InsertGroupCommand(flow, "Insert", group, None, None, {}))
    assert [s.endpoint for s in flow.project.subscriptions] == ["queue:subscriber-a", "queue:subscriber-b"]


def test_a_refused_part_refuses_the_whole_group(flow: ProjectDocument) -> None:
    before = text(flow)
    group = PatternGroup(
        {"Extra": {"Type": "Pass", "End": True}},
        "Extra",
        "Extra",
        resources=[("queue", "jobs", {"visibilityTimeout": "soon"})],
    )
    with pytest.raises(EditRefused):
        InsertGroupCommand(flow, "Insert", group, (M, ()), OnTransition("Fetch", ("Next",)), {})
    assert text(flow) == before and flow.undo_stack.count() == 0


def test_the_plan_is_the_single_edits_chained(flow: ProjectDocument) -> None:
    """The plan's changes, applied one after another to the old definition, give the new one."""
    definition = flow.definition(M)
    address = StateAddress(M, (), "Extra")
    changes = insert_state(
        definition, address, {"Type": "Pass", "Next": "Check"}, OnTransition("Fetch", ("Next",))
    )
    work = json.loads(json.dumps(definition))
    for change in changes:
        write(work, change.path, change.new, change.index)
    assert work["States"]["Fetch"]["Next"] == "Extra" and work["States"]["Extra"]["Next"] == "Check"
    assert flow.definition(M) == definition, "planning never touches the document"
