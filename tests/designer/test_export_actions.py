"""File > Export's text formats (designer/app/export_actions.py), called directly: no file dialogs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from designer_helpers import REPO, document_for, example_definition

from designer.app.export_actions import (
    FORMATS,
    ExportError,
    export_asl_yaml,
    export_cloudformation,
    export_document,
    export_mermaid,
    export_mermaid_routes,
    export_rules,
    export_sam,
    export_to_path,
)
from designer.document.project_document import ProjectDocument

PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
MACHINES = {"Fulfillment", "RetailOrder", "Returns"}
RULES = {"OrderCreatedToFulfillment", "OrderShippedToRetail", "ReturnRequestedToReturns"}


@pytest.fixture
def pipeline(qapp: Any) -> ProjectDocument:
    return ProjectDocument.from_file(PIPELINE)


def test_asl_yaml_round_trips_to_the_definition(pipeline: ProjectDocument, tmp_path: Path) -> None:
    written = export_asl_yaml(pipeline, tmp_path / "retail.asl.yaml", "RetailOrder")
    assert written == tmp_path / "retail.asl.yaml"
    assert yaml.safe_load(written.read_text(encoding="utf-8")) == pipeline.definition("RetailOrder")


def test_rules_are_put_rule_and_put_targets_requests(pipeline: ProjectDocument, tmp_path: Path) -> None:
    value = json.loads(export_rules(pipeline, tmp_path / "rules.json").read_text(encoding="utf-8"))
    assert set(value) == RULES
    for name, requests in value.items():
        assert requests["PutRule"]["Name"] == name
        assert json.loads(requests["PutRule"]["EventPattern"])
        assert requests["PutTargets"]["Rule"] == name
        assert requests["PutTargets"]["Targets"]


def test_cloudformation_template_holds_every_machine_and_rule(
    pipeline: ProjectDocument, tmp_path: Path
) -> None:
    template = yaml.safe_load(
        export_cloudformation(pipeline, tmp_path / "t.yaml").read_text(encoding="utf-8")
    )
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    types = [r["Type"] for r in template["Resources"].values()]
    assert types.count("AWS::StepFunctions::StateMachine") == len(MACHINES)
    assert types.count("AWS::Events::Rule") == len(RULES)


def test_sam_writes_the_template_and_its_definition_files(pipeline: ProjectDocument, tmp_path: Path) -> None:
    written = export_sam(pipeline, tmp_path / "app")
    assert written == tmp_path / "app" / "template.yaml"
    template = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    machines = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::StateMachine"]
    assert len(machines) == len(MACHINES)
    for machine in machines:
        uri = machine["Properties"]["DefinitionUri"]
        assert json.loads((tmp_path / "app" / uri).read_text(encoding="utf-8"))["States"]
    # The handlers' code goes with it, where each function's CodeUri says.
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert functions
    for function in functions:
        code = tmp_path / "app" / function["Properties"]["CodeUri"]
        assert code.is_dir() and any(code.glob("*.py"))


def test_mermaid_charts(pipeline: ProjectDocument, tmp_path: Path) -> None:
    machine = export_mermaid(pipeline, tmp_path / "m.mmd", "Fulfillment").read_text(encoding="utf-8")
    assert machine.startswith("flowchart") and "PickItems" in machine
    routes = export_mermaid_routes(pipeline, tmp_path / "r.mmd").read_text(encoding="utf-8")
    assert routes.startswith("flowchart") and all(rule in routes for rule in RULES)


@pytest.mark.parametrize("kind", list(FORMATS))
def test_every_format_writes_through_export_document(
    kind: str, pipeline: ProjectDocument, tmp_path: Path
) -> None:
    written = export_document(kind, pipeline, tmp_path / f"out-{kind}", "Returns")
    assert written.is_file() and written.stat().st_size > 0


def test_unsaved_edits_are_exported_and_the_document_is_untouched(
    pipeline: ProjectDocument, tmp_path: Path
) -> None:
    pipeline.definitions["Returns"]["Comment"] = "edited, not saved"
    before = json.dumps(pipeline.definitions, sort_keys=True)
    text = export_cloudformation(pipeline, tmp_path / "t.yaml").read_text(encoding="utf-8")
    assert "edited, not saved" in text
    assert json.dumps(pipeline.definitions, sort_keys=True) == before


def test_failures_are_export_errors_with_a_message(qapp: Any, tmp_path: Path) -> None:
    single = document_for(example_definition())  # one machine, no rules
    with pytest.raises(ExportError, match="no rules"):
        export_document("rules", single, tmp_path / "rules.json")
    with pytest.raises(ExportError, match="no state machine named 'Nope'"):
        export_document("asl-yaml", single, tmp_path / "x.yaml", "Nope")
    with pytest.raises(ExportError, match="could not write"):
        export_document("asl-yaml", single, tmp_path / "missing-dir" / "x.yaml")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="SAM exports to a directory"):
        export_document("sam", single, tmp_path / "file")


def test_failure_from_the_engine_becomes_a_message(
    pipeline: ProjectDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import designer.app.export_actions

    def boom(*_: Any, **__: Any) -> Any:
        raise KeyError("no such queue")

    monkeypatch.setattr(designer.app.export_actions, "cloudformation_template", boom)
    with pytest.raises(ExportError, match="CloudFormation template export failed: 'no such queue'"):
        export_document("cloudformation", pipeline, tmp_path / "t.yaml")


def test_window_menu_and_messages(window: Any, tmp_path: Path) -> None:
    export_menu = next(
        a.menu() for a in window.menuBar().actions()[0].menu().actions() if a.text() == "&Export"
    )
    labels = [a.text() for a in export_menu.actions()]
    for fmt in FORMATS.values():
        assert f"{fmt.label}…" in labels
    file_labels = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Deploy to AWS…" in file_labels and "P&ull from AWS…" in file_labels

    written = export_to_path(window, "mermaid", tmp_path / "chart.mmd")
    assert written is not None and written.read_text(encoding="utf-8").startswith("flowchart")
    assert "Exported" in window.statusBar().currentMessage()

    assert export_to_path(window, "mermaid-routes", tmp_path / "routes.mmd") is None
    assert window.message_box is not None and "no event rules" in window.message_box.text()
