"""The Task inspector's Request form, made from the API's input shape, driven by key and mouse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from designer_helpers import document_for
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLabel, QToolButton

from designer.document.project_document import ProjectDocument
from designer.panels.inspector import InspectorPanel
from designer.panels.inspector.service_request import MemberEditor, NestedMembers, RequestSection
from designer.panels.problems import ProblemsPanel

M = "Orders"


def _doc(states: dict[str, Any], language: str | None = None) -> ProjectDocument:
    definition: dict[str, Any] = {"StartAt": next(iter(states)), "States": states}
    if language:
        definition["QueryLanguage"] = language
    return document_for(definition)


def _task(resource: str, request: dict[str, Any] | None = None, field: str = "Parameters") -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": resource, "End": True}
    if request is not None:
        state[field] = request
    return state


def _panel(qtbot: Any, doc: ProjectDocument, name: str) -> tuple[InspectorPanel, RequestSection]:
    panel = InspectorPanel(doc)
    qtbot.addWidget(panel)
    panel.resize(520, 900)
    panel.show()
    panel.show_state(M, f"/States/{name}")
    section = panel.findChild(RequestSection)
    assert section is not None and section.isVisible()
    return panel, section


def _type_into(editor: MemberEditor, text: str) -> None:
    line = editor.line
    line.setFocus()
    QTest.keySequence(line, "Ctrl+A")
    QTest.keyClick(line, Qt.Key.Key_Delete)
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_Return)


def _labels(section: RequestSection) -> list[str]:
    return [label.text() for label in section.body.findChildren(QLabel) if label.text()]


def test_members_come_from_the_model_required_marked_docs_as_tooltips(qtbot: Any) -> None:
    doc = _doc({"Put": _task("arn:aws:states:::aws-sdk:dynamodb:putItem", {"TableName": "orders"})})
    _shown, section = _panel(qtbot, doc, "Put")
    assert "DynamoDB PutItem" in section.heading.text()
    labels = _labels(section)
    assert labels[:2] == ["TableName *", "Item *"]  # required first, marked
    assert "ConditionExpression" in labels
    table = section.editors[("TableName",)]
    assert table.line.text() == "orders"
    assert "name of the table" in table.toolTip().lower()


def test_typing_values_paths_and_enum_choices_edits_the_request(qtbot: Any) -> None:
    doc = _doc({"Put": _task("arn:aws:states:::aws-sdk:dynamodb:putItem", {"TableName": "orders"})})
    _shown, section = _panel(qtbot, doc, "Put")
    _type_into(section.editors[("TableName",)], "$.table")
    assert doc.definition(M)["States"]["Put"]["Parameters"] == {"TableName.$": "$.table"}
    returns = section.editors[("ReturnValues",)]
    combo = returns.widget
    assert isinstance(combo, QComboBox)
    assert "ALL_OLD" in [combo.itemText(i) for i in range(combo.count())]
    _type_into(returns, "ALL_OLD")
    assert doc.definition(M)["States"]["Put"]["Parameters"]["ReturnValues"] == "ALL_OLD"
    _type_into(section.editors[("Item",)], '{"id": {"S.$": "$.id"}}')
    assert doc.definition(M)["States"]["Put"]["Parameters"]["Item"] == {"id": {"S.$": "$.id"}}
    doc.undo_stack.undo()
    assert "Item" not in doc.definition(M)["States"]["Put"]["Parameters"]
    _type_into(returns, "")  # emptied: the member goes
    assert "ReturnValues" not in doc.definition(M)["States"]["Put"]["Parameters"]


def test_nested_structures_open_in_place(qtbot: Any) -> None:
    doc = _doc({"Run": _task("arn:aws:states:::ecs:runTask.sync", {"TaskDefinition": "web"})})
    _shown, section = _panel(qtbot, doc, "Run")
    network = next(n for n in section.findChildren(NestedMembers) if n.path == ("NetworkConfiguration",))
    QTest.mouseClick(network.findChild(QToolButton), Qt.MouseButton.LeftButton)
    vpc = next(n for n in section.findChildren(NestedMembers) if n.path[-1] == "AwsvpcConfiguration")
    QTest.mouseClick(vpc.findChild(QToolButton), Qt.MouseButton.LeftButton)
    subnets = section.editors[("NetworkConfiguration", "AwsvpcConfiguration", "Subnets")]
    _type_into(subnets, '["subnet-1"]')
    request = doc.definition(M)["States"]["Run"]["Parameters"]
    assert request["NetworkConfiguration"] == {"AwsvpcConfiguration": {"Subnets": ["subnet-1"]}}
    _type_into(subnets, "not json")
    assert not subnets.error.isHidden() and "JSON" in subnets.error.text()


def test_jsonata_state_writes_arguments_and_keeps_expressions(qtbot: Any) -> None:
    doc = _doc({"Get": _task("arn:aws:states:::aws-sdk:s3:getObject", {}, "Arguments")}, "JSONata")
    _shown, section = _panel(qtbot, doc, "Get")
    _type_into(section.editors[("Bucket",)], "{% $states.input.bucket %}")
    _type_into(section.editors[("Key",)], "report.csv")
    assert doc.definition(M)["States"]["Get"]["Arguments"] == {
        "Bucket": "{% $states.input.bucket %}",
        "Key": "report.csv",
    }


def test_pattern_choice_sets_the_resource(qtbot: Any) -> None:
    doc = _doc({"Call": _task("arn:aws:states:::lambda:invoke", {"FunctionName": "f"})})
    _shown, section = _panel(qtbot, doc, "Call")
    combo = section.pattern
    assert combo.isVisible()
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)  # request response -> wait for callback
    assert (
        doc.definition(M)["States"]["Call"]["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    )


def test_warnings_show_located_in_the_form_and_the_problems_panel(qtbot: Any) -> None:
    doc = _doc({"Put": _task("arn:aws:states:::aws-sdk:dynamodb:putItem", {"TableNme": "orders"})})
    problems = ProblemsPanel(doc)
    qtbot.addWidget(problems)
    doc.revalidate_now()
    # The catalog's index may still be loading in its thread: the document validates again then.
    qtbot.waitUntil(lambda: any(d.code.startswith("SC_") for d in doc.diagnostics.get(M, [])), timeout=30_000)
    _shown, section = _panel(qtbot, doc, "Put")
    assert "TableNme" in section.problems.text() and section.problems.isVisible()
    rows = [problems.tree.topLevelItem(i) for i in range(problems.tree.topLevelItemCount())]
    found = {(r.text(1), r.text(3), r.toolTip(0)) for r in rows}
    assert ("SC_UNKNOWN_PARAMETER", "/States/Put/Parameters/TableNme", "Warning") in found
    assert ("SC_MISSING_REQUIRED_PARAMETER", "/States/Put/Parameters", "Warning") in found
    assert not [d for d in doc.diagnostics[M] if d.severity == "ERROR"]


@pytest.mark.parametrize("resource", ["arn:aws:lambda:us-east-1:123456789012:function:f", "${Fn}"])
def test_tasks_calling_no_aws_api_have_no_request_form(qtbot: Any, resource: str) -> None:
    doc = _doc({"T": _task(resource)})
    panel = InspectorPanel(doc)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_state(M, "/States/T")
    section = panel.findChild(RequestSection)
    assert section is None or not section.isVisible()


def test_sdk_checks_wait_for_the_catalog_without_blocking(qtbot: Any, monkeypatch: Any) -> None:
    from engine.services import catalog

    monkeypatch.setattr(catalog, "_state", {"loader": catalog._loader()})  # as a fresh start
    doc = _doc({"Get": _task("arn:aws:states:::aws-sdk:s3:getObject", {"Bucket": "b", "Kee": "k"})})
    doc.revalidate_now()
    # The first validation returns at once, without the SDK checks; they follow on the UI thread.
    assert not [d for d in doc.diagnostics.get(M, []) if d.code.startswith("SC_")]
    qtbot.waitUntil(
        lambda: any(d.code == "SC_UNKNOWN_PARAMETER" for d in doc.diagnostics.get(M, [])), timeout=30_000
    )
    assert [d.location for d in doc.diagnostics[M] if d.code == "SC_UNKNOWN_PARAMETER"] == [
        "/States/Get/Parameters/Kee"
    ]


def test_a_list_grows_by_an_item_with_its_required_members(qtbot: Any) -> None:
    doc = _doc({"Send": _task("arn:aws:states:::aws-sdk:sqs:sendMessageBatch", {"QueueUrl": "q"})})
    _shown, section = _panel(qtbot, doc, "Send")
    entries = section.editors[("Entries",)]
    QTest.mouseClick(entries.add_item, Qt.MouseButton.LeftButton)
    QTest.mouseClick(entries.add_item, Qt.MouseButton.LeftButton)
    item = {"Id": "", "MessageBody": ""}
    assert doc.definition(M)["States"]["Send"]["Parameters"]["Entries"] == [item, item]
    assert entries.line.text() == json.dumps([item, item])


def test_a_state_with_only_design_time_warnings_gets_a_warning_badge_not_an_error_one(qtbot: Any) -> None:
    from designer.canvas.scene import DesignerScene

    put_state = _task("arn:aws:states:::aws-sdk:dynamodb:putItem", {"TableNme": "orders"})
    del put_state["End"]
    doc = _doc({"Put": {**put_state, "Next": "Gone"}})
    scene = DesignerScene(doc)
    doc.revalidate_now()
    qtbot.waitUntil(lambda: any(d.code.startswith("SC_") for d in doc.diagnostics.get(M, [])), timeout=30_000)
    put = scene.state_item(M, "/States/Put")
    errors = [d for d in doc.diagnostics[M] if d.severity == "ERROR"]
    assert errors and put.problems and not put.warnings_only  # an error (Next: Gone) and warnings: red
    definition = json.loads(json.dumps(doc.definition(M)))
    del definition["States"]["Put"]["Next"]
    definition["States"]["Put"]["End"] = True
    from designer.document.commands import ReplaceDefinitionCommand

    doc.push(ReplaceDefinitionCommand(doc, M, definition))
    doc.revalidate_now()
    qtbot.waitUntil(lambda: not [d for d in doc.diagnostics[M] if d.severity == "ERROR"], timeout=10_000)
    put = scene.state_item(M, "/States/Put")
    qtbot.waitUntil(lambda: put.problems and put.warnings_only, timeout=10_000)
    scene.detach()
