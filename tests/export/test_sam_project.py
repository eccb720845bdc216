"""`export --format sam -o DIR`: a SAM application folder; `-o FILE`: one template, inline."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.cli import main
from engine.export import import_template
from engine.export.cloudformation import sam_project
from engine.project import load_project, project_from_value

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "order-pipeline"


def _export(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["export", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _template(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("spelling", ["app", "app/", "app.d"])
def test_sam_to_a_folder_writes_a_sam_application(tmp_path: Path, spelling: str) -> None:
    if spelling == "app.d":
        (tmp_path / "app.d").mkdir()  # an existing folder, whatever its name looks like
    out_dir = tmp_path / spelling
    code, out, err = _export(str(EXAMPLE), "--format", "sam", "-o", str(out_dir))
    assert (code, err) == (0, ""), err
    assert "wrote" in out
    root = out_dir
    template = _template(root / "template.yaml")
    machines = {
        k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::StateMachine"
    }
    assert len(machines) == 3
    for resource in machines.values():
        uri = resource["Properties"]["DefinitionUri"]
        assert uri.startswith("statemachine/") and uri.endswith(".asl.json")
        definition = json.loads((root / uri).read_text(encoding="utf-8"))
        assert "States" in definition and "Definition" not in resource["Properties"]
    # The project's ARNs are bound through DefinitionSubstitutions, not written into the files.
    assert any("DefinitionSubstitutions" in r["Properties"] for r in machines.values())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert functions and {f["Properties"]["CodeUri"] for f in functions} == {"functions/handlers/"}
    for name in ("retail.py", "fulfillment.py"):
        assert (root / "functions" / "handlers" / name).read_bytes() == (
            EXAMPLE / "handlers" / name
        ).read_bytes()
    assert not list(root.rglob("__pycache__")) and not list(root.rglob("*.statecanvas.json"))

    # The folder opens again as the same machines and functions, handlers found in functions/.
    again = import_template(root / "template.yaml")
    assert not again.errors
    original = load_project(EXAMPLE / "order-pipeline.statecanvas.json")
    assert set(again.project.state_machines) == set(original.project.state_machines)
    for name, spec in again.project.functions.items():
        assert spec.handler.startswith("functions/handlers/")
        assert (root / spec.handler.partition(":")[0]).is_file(), name


def test_sam_to_a_file_keeps_one_template_with_inline_definitions(tmp_path: Path) -> None:
    code, _, err = _export(str(EXAMPLE), "--format", "sam", "-o", str(tmp_path / "template.yaml"))
    assert (code, err) == (0, "")
    template = _template(tmp_path / "template.yaml")
    machines = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::StateMachine"]
    assert machines and all("Definition" in m["Properties"] for m in machines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["template.yaml"]


def test_cloudformation_to_a_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    code, _, err = _export(str(EXAMPLE), "--format", "cloudformation", "-o", str(tmp_path))
    assert code == 2 and "is a folder" in err and "Traceback" not in err and "IsADirectory" not in err


def test_top_level_handler_gets_a_code_folder_of_its_own(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handle(event, context):\n    return event\n", encoding="utf-8")
    (tmp_path / "secrets.txt").write_text("not for Lambda", encoding="utf-8")
    project = tmp_path / "p.statecanvas.json"
    project.write_text(
        json.dumps({"formatVersion": 1, "name": "p", "functions": {"echo": {"handler": "app.py:handle"}}}),
        encoding="utf-8",
    )
    written = sam_project(load_project(project)).write(tmp_path / "out")
    (function,) = _template(written)["Resources"].values()
    assert function["Properties"]["CodeUri"] == "functions/Echo/"
    assert sorted(p.name for p in (tmp_path / "out" / "functions" / "Echo").iterdir()) == ["app.py"]


def test_handler_outside_the_project_keeps_its_code_uri_with_a_note() -> None:
    loaded = project_from_value(
        {"formatVersion": 1, "name": "p", "functions": {"f": {"handler": "src/f.py:h"}}}
    )
    export = sam_project(loaded)
    assert export.code == {}
    assert any("src/f.py" in note for note in export.notes)


@pytest.mark.skipif(shutil.which("sam") is None, reason="the AWS SAM CLI (`sam`) is not installed")
def test_sam_build_builds_the_exported_application(tmp_path: Path) -> None:
    assert _export(str(EXAMPLE), "--format", "sam", "-o", str(tmp_path / "app"))[0] == 0
    proc = subprocess.run(
        ["sam", "build", "--template-file", "template.yaml"],
        cwd=tmp_path / "app",
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "SAM_CLI_TELEMETRY": "0"},
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    built = _template(tmp_path / "app" / ".aws-sam" / "build" / "template.yaml")
    assert any(r["Type"] == "AWS::Serverless::StateMachine" for r in built["Resources"].values())
