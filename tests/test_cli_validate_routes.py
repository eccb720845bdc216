"""`statecanvas validate PROJECT`: each machine and the project's routes, in one run, located."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from subprocess import CompletedProcess

from cli_runner import run_cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = REPO / "resources" / "examples" / "order-pipeline"
NAME = "order-pipeline.statecanvas.json"


def validate(*args: str) -> CompletedProcess[str]:
    return run_cli(["validate", *args])


def broken_copy(tmp_path: Path, edit: object) -> Path:
    folder = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / NAME
    value = json.loads(path.read_text(encoding="utf-8"))
    edit(value)  # type: ignore[operator]
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return folder


def test_the_example_validates_every_machine_and_its_routes() -> None:
    done = validate(str(EXAMPLE_DIR))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.rsplit(" ", 2)[-2:] for line in lines[:3]] == [
        ["(Fulfillment):", "valid"],
        ["(RetailOrder):", "valid"],
        ["(Returns):", "valid"],
    ]
    assert lines[3].endswith(
        "(routes: 3 rules, 6 queues, 1 topic, 1 subscription, 2 consumers, 7 functions): valid"
    )
    value = json.loads(validate(str(EXAMPLE_DIR), "--json").stdout)
    assert value["result"] == "OK"
    assert value["routes"] == {
        "result": "OK",
        "diagnostics": [],
        "checked": {"rules": 3, "queues": 6, "topics": 1, "subscriptions": 1, "consumers": 2, "functions": 7},
    }
    assert set(value["stateMachines"]) == {"Fulfillment", "RetailOrder", "Returns"}


def test_route_problems_and_machine_problems_are_reported_together_and_located(tmp_path: Path) -> None:
    def edit(value: dict) -> None:
        rule = value["rules"]["OrderCreatedToFulfillment"]
        rule["eventPattern"] = {"source": "retail.orders"}  # a value must be an array or an object
        rule["targets"][0]["target"] = "queue:nope"
        queue = next(q for q in value["queues"].values() if "redrivePolicy" in q)
        queue["redrivePolicy"]["deadLetterQueue"] = "missing-dlq"
        returns = value["stateMachines"]["Returns"]
        returns.pop("definitionFile")
        returns["definition"] = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}

    folder = broken_copy(tmp_path, edit)
    done = validate(str(folder))
    assert done.returncode == 1
    out = done.stdout
    assert "(Fulfillment): valid" in out and "(RetailOrder): valid" in out
    assert "(Returns): invalid (2 errors)" in out
    assert "ERROR MISSING_TRANSITION_TARGET /States/A/Next" in out
    assert "invalid (3 errors)" in out.split("(routes", 1)[1].splitlines()[0]
    assert (
        "ERROR INVALID_REFERENCE /rules/OrderCreatedToFulfillment/targets/0/target: "
        "no queue named 'nope' in this project"
    ) in out
    assert "missing-dlq" in out and "/redrivePolicy/deadLetterQueue" in out
    assert (
        "ERROR INVALID_ROUTE /rules/OrderCreatedToFulfillment/eventPattern: Event pattern is not valid."
    ) in out
    assert "Traceback" not in out + done.stderr
    value = json.loads(validate(str(folder), "--json").stdout)
    assert value["result"] == "FAIL"
    assert value["stateMachines"]["Returns"]["result"] == "FAIL"
    assert value["stateMachines"]["Fulfillment"]["result"] == "OK"
    locations = {d["location"] for d in value["routes"]["diagnostics"]}
    assert "/rules/OrderCreatedToFulfillment/eventPattern" in locations
    assert "/rules/OrderCreatedToFulfillment/targets/0/target" in locations


def test_a_project_whose_fields_are_wrong_says_where_and_one_that_cannot_be_read_is_a_usage_error(
    tmp_path: Path,
) -> None:
    folder = broken_copy(tmp_path, lambda value: value["rules"]["OrderCreatedToFulfillment"].update(colour=1))
    done = validate(str(folder))
    assert done.returncode == 1
    assert "(project): invalid (1 error)" in done.stdout
    assert "SCHEMA_VALIDATION_FAILED /rules/OrderCreatedToFulfillment/colour" in done.stdout
    (folder / NAME).write_text("{ not json", encoding="utf-8")
    unreadable = validate(str(folder))
    assert unreadable.returncode == 2
    assert unreadable.stderr.startswith("statecanvas: ") and "Traceback" not in unreadable.stderr
