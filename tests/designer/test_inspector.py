"""The inspector's generated forms: each section edits its field through one undo command."""

from __future__ import annotations

from typing import Any

import pytest
from designer_helpers import document_for, example_definition

from designer.document.project_document import ProjectDocument
from designer.panels.inspector import InspectorPanel
from designer.panels.inspector.fields import ComboField, LineField
from designer.panels.inspector.schema import state_fields
from designer.panels.json_field import JsonField

M = "Orders"


@pytest.fixture
def doc(qapp: Any) -> ProjectDocument:
    return document_for(example_definition())


@pytest.fixture
def panel(qtbot: Any, doc: ProjectDocument) -> InspectorPanel:
    widget = InspectorPanel(doc)
    qtbot.addWidget(widget)
    return widget


def state(doc: ProjectDocument, name: str) -> dict[str, Any]:
    return doc.definition(M)["States"][name]


def type_line(field: LineField, text: str) -> None:
    field.line.setText(text)
    field.line.setModified(True)
    field.commit()


def test_fields_come_from_the_model_and_the_query_language(
    panel: InspectorPanel, doc: ProjectDocument
) -> None:
    assert {"Resource", "Parameters", "Arguments", "Retry", "Catch"} <= {f.name for f in state_fields("Task")}
    panel.show_state(M, "/States/ValidateOrder")
    editors = panel.form.editors
    assert {"Resource", "InputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch"} <= set(
        editors
    )
    assert "Arguments" not in editors and "Output" not in editors  # JSONata-only fields hidden
    sections = list(panel.form.sections)
    assert sections == ["Configuration", "Input", "Output", "Error handling", "Variables"]
    panel.language.setCurrentText("JSONata")
    panel._set_language()
    assert state(doc, "ValidateOrder")["QueryLanguage"] == "JSONata"
    editors = panel.form.editors
    assert "Arguments" in editors and "Output" in editors
    assert "Parameters" in editors  # still shown: the state has it, and the engine says why it is wrong
    doc.revalidate_now()
    assert panel.form.editors["Parameters"].diagnostics.text()


def test_each_section_edits_its_field_undoably(panel: InspectorPanel, doc: ProjectDocument) -> None:
    panel.show_state(M, "/States/ValidateOrder")
    form = panel.form
    stack = doc.undo_stack
    # Configuration: Resource (picker, free text allowed)
    form.editors["Resource"].choose("arn:aws:states:::sqs:sendMessage")
    assert state(doc, "ValidateOrder")["Resource"] == "arn:aws:states:::sqs:sendMessage"
    stack.undo()
    assert state(doc, "ValidateOrder")["Resource"] == "arn:aws:states:::lambda:invoke"
    # Input: InputPath
    type_line(form.editors["InputPath"], "$.order")
    assert state(doc, "ValidateOrder")["InputPath"] == "$.order"
    stack.undo()
    assert "InputPath" not in state(doc, "ValidateOrder")
    # Output: ResultPath and a JSON field
    type_line(form.editors["ResultPath"], "$.checked")
    assert state(doc, "ValidateOrder")["ResultPath"] == "$.checked"
    selector: JsonField = form.editors["ResultSelector"]
    selector.set_text('{"ok.$": "$.Payload.valid"}')
    assert selector.commit()
    assert state(doc, "ValidateOrder")["ResultSelector"] == {"ok.$": "$.Payload.valid"}
    stack.undo()
    stack.undo()
    assert state(doc, "ValidateOrder")["ResultPath"] == "$.validation"
    # Error handling: TimeoutSeconds takes a number or a path, one field
    timeout = form.editors["TimeoutSeconds"]
    type_line(timeout, "30")
    assert state(doc, "ValidateOrder")["TimeoutSeconds"] == 30
    type_line(timeout, "$.timeout")
    assert state(doc, "ValidateOrder")["TimeoutSecondsPath"] == "$.timeout"
    assert "TimeoutSeconds" not in state(doc, "ValidateOrder")
    stack.undo()
    stack.undo()
    assert "TimeoutSeconds" not in state(doc, "ValidateOrder")
    # Variables: Assign
    assign: JsonField = form.editors["Assign"]
    assign.set_text('{"orderId.$": "$.id"}')
    assert assign.commit()
    assert state(doc, "ValidateOrder")["Assign"] == {"orderId.$": "$.id"}
    assert "orderId" in panel.form.flow.text()
    stack.undo()
    assert "Assign" not in state(doc, "ValidateOrder")


def test_typing_the_same_field_twice_merges_into_one_undo(
    panel: InspectorPanel, doc: ProjectDocument
) -> None:
    panel.show_state(M, "/States/ValidateOrder")
    field = panel.form.editors["InputPath"]
    count = doc.undo_stack.count()
    type_line(field, "$.a")
    type_line(field, "$.ab")
    assert doc.undo_stack.count() == count + 1
    doc.undo_stack.undo()
    assert "InputPath" not in state(doc, "ValidateOrder")


def test_retry_and_catch_lists(panel: InspectorPanel, doc: ProjectDocument) -> None:
    panel.show_state(M, "/States/ValidateOrder")
    retry = panel.form.editors["Retry"]
    assert "3 attempts" in retry.cards[0].detail.text()
    type_line(retry.editors[0]["MaxAttempts"], "6")
    assert state(doc, "ValidateOrder")["Retry"][0]["MaxAttempts"] == 6
    type_line(retry.editors[0]["BackoffRate"], "1.5")
    assert state(doc, "ValidateOrder")["Retry"][0]["BackoffRate"] == 1.5
    type_line(retry.editors[0]["IntervalSeconds"], "soon")
    assert "whole number" in retry.editors[0]["IntervalSeconds"].error_text()
    assert state(doc, "ValidateOrder")["Retry"][0]["IntervalSeconds"] == 1
    retry.add_item()
    assert len(state(doc, "ValidateOrder")["Retry"]) == 2 and len(retry.cards) == 2
    retry.editors[1]["JitterStrategy"].choose("FULL")
    assert state(doc, "ValidateOrder")["Retry"][1]["JitterStrategy"] == "FULL"
    retry.remove_item(1)
    assert len(state(doc, "ValidateOrder")["Retry"]) == 1
    catch = panel.form.editors["Catch"]
    catch.editors[0]["Next"].choose("OrderAccepted")
    assert state(doc, "ValidateOrder")["Catch"][0]["Next"] == "OrderAccepted"
    type_line(catch.editors[0]["ErrorEquals"], "States.Timeout, Custom.Error")
    assert state(doc, "ValidateOrder")["Catch"][0]["ErrorEquals"] == ["States.Timeout", "Custom.Error"]
    for _ in range(7):  # seven edits, seven undo steps
        doc.undo_stack.undo()
    assert state(doc, "ValidateOrder") == example_definition()["States"]["ValidateOrder"]


def test_invalid_json_is_refused_with_a_message_and_changes_nothing(
    panel: InspectorPanel, doc: ProjectDocument
) -> None:
    panel.show_state(M, "/States/ValidateOrder")
    field: JsonField = panel.form.editors["Parameters"]
    before = doc.canonical_text(M)
    count = doc.undo_stack.count()
    field.set_text('{"FunctionName": "x",, }')
    assert not field.commit()
    assert field.error_text().startswith("✗ Line 1, column 22")
    assert field.editor.extraSelections(), "the bad spot is underlined"
    assert doc.canonical_text(M) == before and doc.undo_stack.count() == count
    field.set_text('{"FunctionName": "x"}')
    assert field.commit() and not field.error_text()


def test_engine_diagnostics_show_under_their_field(panel: InspectorPanel, doc: ProjectDocument) -> None:
    panel.show_state(M, "/States/ValidateOrder")
    retry = panel.form.editors["Retry"]
    type_line(retry.editors[0]["MaxAttempts"], "-1")
    doc.revalidate_now()
    assert "Minimum value is 0" in panel.form.editors["Retry"].editors[0]["MaxAttempts"].diagnostics.text()


def test_choice_rules_in_short_form(panel: InspectorPanel, doc: ProjectDocument) -> None:
    panel.show_state(M, "/States/IsOrderValid")
    rules = panel.form.editors["Choices"]
    assert "$.validation.valid == true and $.validation.total > 0" in rules.cards[0].heading.text()
    rules.add_rule()
    added = state(doc, "IsOrderValid")["Choices"][1]
    assert added["Variable"] == "$.type"
    editors = rules.editors[1]
    editors["Operator"].choose("NumericGreaterThan")
    assert state(doc, "IsOrderValid")["Choices"][1]["NumericGreaterThan"] == 0
    type_line(editors["Value"], "100")
    type_line(editors["Variable"], "$.total")
    assert state(doc, "IsOrderValid")["Choices"][1] == {
        "Variable": "$.total",
        "NumericGreaterThan": 100,
        "Next": "ValidateOrder",  # a new rule points at the first other state until chosen
    }
    assert "$.total > 100" in rules.cards[1].heading.text()
    default: ComboField = panel.form.editors["Default"]
    default.choose("OrderAccepted")
    assert state(doc, "IsOrderValid")["Default"] == "OrderAccepted"


def test_wait_and_fail_configuration(qtbot: Any, qapp: Any) -> None:
    definition = {
        "StartAt": "Pause",
        "States": {"Pause": {"Type": "Wait", "Seconds": 5, "Next": "Stop"}, "Stop": {"Type": "Fail"}},
    }
    doc = document_for(definition, "W")
    panel = InspectorPanel(doc)
    qtbot.addWidget(panel)
    panel.show_state("W", "/States/Pause")
    wait = panel.form.editors["Wait"]
    wait.mode.choose("TimestampPath")
    assert doc.definition("W")["States"]["Pause"] == {
        "Type": "Wait",
        "TimestampPath": "$.until",
        "Next": "Stop",
    }
    doc.undo_stack.undo()
    assert doc.definition("W")["States"]["Pause"]["Seconds"] == 5
    panel.show_state("W", "/States/Stop")
    type_line(panel.form.editors["Error"], "Order.Invalid")
    type_line(panel.form.editors["Cause"], "bad order")
    assert doc.definition("W")["States"]["Stop"] == {
        "Type": "Fail",
        "Error": "Order.Invalid",
        "Cause": "bad order",
    }


def test_resource_forms(qtbot: Any, qapp: Any) -> None:
    from designer.document.commands import AddResourceCommand

    doc = document_for(example_definition())
    doc.push(AddResourceCommand(doc, "queue", "jobs", {}))
    doc.push(AddResourceCommand(doc, "queue", "jobs-dlq", {}))
    doc.push(AddResourceCommand(doc, "topic", "news", {}))
    doc.push(AddResourceCommand(doc, "function", "fn", {"handler": "f.py:h"}))
    panel = InspectorPanel(doc)
    qtbot.addWidget(panel)
    panel.show_resource("queue", "jobs")
    form = panel.form
    type_line(form.editors["visibilityTimeout"], "90")
    assert doc.resource("queue", "jobs").visibility_timeout == 90
    type_line(form.editors["visibilityTimeout"], "99999")
    assert "43200" in panel.error.text() and doc.resource("queue", "jobs").visibility_timeout == 90
    form.redrive.queue.choose("jobs-dlq")
    assert doc.resource("queue", "jobs").redrive_policy.dead_letter_queue == "jobs-dlq"
    doc.undo_stack.undo()
    assert doc.resource("queue", "jobs").redrive_policy is None
    panel.show_resource("topic", "news")
    subs = panel.form.subscriptions
    subs.add()
    assert [s.endpoint for s in doc.project.subscriptions] == ["queue:jobs"]
    policy: JsonField = subs.editors[0]["filterPolicy"]
    policy.set_text('{"type": [{"bogus": 1}]}')
    assert not policy.commit() and "Unrecognized match type" in policy.error_text()
    policy.set_text('{"type": ["order"]}')
    assert policy.commit()
    assert doc.project.subscriptions[0].filter_policy == {"type": ["order"]}
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.project.subscriptions == []
    panel.show_resource("function", "fn")
    type_line(panel.form.editors["handler"], "g.py:main")
    assert doc.resource("function", "fn").handler == "g.py:main"


def test_rule_pattern_and_targets(qtbot: Any, qapp: Any) -> None:
    from designer.document.commands import AddResourceCommand

    doc = document_for(example_definition())
    doc.push(AddResourceCommand(doc, "queue", "orders", {}))
    doc.push(AddResourceCommand(doc, "rule", "r", {"eventPattern": {"source": ["shop"]}}))
    panel = InspectorPanel(doc)
    qtbot.addWidget(panel)
    panel.show_resource("rule", "r")
    sandbox = panel.form.sandbox
    sandbox.pattern.set_text('{"source": "shop"}')
    assert not sandbox.pattern.commit()
    assert '"source" must be an object or an array' in sandbox.pattern.error_text()
    assert doc.resource("rule", "r").event_pattern == {"source": ["shop"]}
    sandbox.pattern.set_text('{"source": ["shop"], "detail-type": ["OrderCreated"]}')
    assert sandbox.pattern.commit()
    assert doc.resource("rule", "r").event_pattern["detail-type"] == ["OrderCreated"]
    targets = panel.form.targets
    targets.add()
    assert doc.resource("rule", "r").targets[0].target == "queue:orders"
    type_line(targets.editors[0]["inputPath"], "$.detail")
    assert doc.resource("rule", "r").targets[0].input_path == "$.detail"
    targets.remove(0)
    assert doc.resource("rule", "r").targets == []
