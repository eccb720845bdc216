"""A project's seed of the emulated AWS account: saved with the project only when there is one,
loaded into every run's account before the run starts, and read back after it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli

from engine.project.loader import ProjectError, load_project, save_project
from engine.project.model import Project
from engine.project.runtime import ProjectRuntime

READ_AND_WRITE = {
    "StartAt": "Threshold",
    "States": {
        "Threshold": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:ssm:getParameter",
            "Parameters": {"Name": "/shop/threshold"},
            "ResultSelector": {"value.$": "$.Parameter.Value"},
            "ResultPath": "$.threshold",
            "Next": "Read",
        },
        "Read": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "Orders", "Key": {"id": {"S.$": "$.id"}}},
            "ResultSelector": {"total.$": "$.Item.total.N"},
            "ResultPath": "$.order",
            "Next": "Copy",
        },
        "Copy": {
            "Type": "Task",
            "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
            "Parameters": {"Bucket": "rates", "Key": "rates.json"},
            "ResultSelector": {"body.$": "States.StringToJson($.Body)"},
            "ResultPath": "$.rates",
            "End": True,
        },
    },
}
SEED = {
    "dynamodb": {"Orders": {"items": [{"id": "o-1", "total": 42}]}},
    "s3": {"rates": {"rates.json": {"eur": 1.1}}},
    "ssm": {"/shop/threshold": "10"},
}


def _write(tmp_path: Path, seed: dict[str, Any] | None) -> Path:
    body: dict[str, Any] = {"name": "shop", "stateMachines": {"Shop": {"definition": READ_AND_WRITE}}}
    if seed is not None:
        body["seed"] = seed
    path = tmp_path / "shop.statecanvas.json"
    path.write_text(json.dumps(body))
    return path


def test_a_run_starts_from_the_seed_and_the_account_reads_back_after_it(tmp_path: Path) -> None:
    async def main() -> tuple[Any, dict[str, Any]]:
        runtime = ProjectRuntime(load_project(_write(tmp_path, SEED)))
        try:
            running = runtime.start_execution("Shop", {"id": "o-1"})
            await runtime.settle()
            return await running.task, runtime.emulated_state()
        finally:
            await runtime.close()

    execution, state = asyncio.run(main())
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["threshold"] == {"value": "10"}
    assert execution.output["order"] == {"total": "42"}
    assert execution.output["rates"] == {"body": {"eur": 1.1}}
    assert state["dynamodb"]["Orders"] == {"key": "id", "items": [{"id": "o-1", "total": 42}]}
    assert state["ssm"] == {"/shop/threshold": "10"}


def test_the_command_line_runs_a_seeded_project(tmp_path: Path) -> None:
    path = _write(tmp_path, SEED)
    done = run_cli(["run", str(path), "--input", '{"id": "o-1"}', "--json"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["output"]["order"] == {"total": "42"}


def test_a_seed_the_account_refuses_stops_the_run_before_it_starts_saying_what(tmp_path: Path) -> None:
    seed = {"dynamodb": {"Orders": {"key": ["id", "at"], "items": [{"id": "o-1"}]}}}  # no "at"
    path = _write(tmp_path, seed)
    with pytest.raises(
        ProjectError, match=r": /seed: the emulated account refuses the seed: DynamoDb.Validation"
    ):
        ProjectRuntime(load_project(path))
    done = run_cli(["run", str(path), "--json"])
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert "/seed: the emulated account refuses the seed" in done.stderr
    with pytest.raises(ValueError, match=r"\[partition, sort\]"):
        Project.model_validate({"seed": {"dynamodb": {"T": {"key": ["a", "b", "c"]}}}})


def test_projects_without_a_seed_save_as_before(tmp_path: Path) -> None:
    path = _write(tmp_path, None)
    before = json.loads(path.read_text())
    loaded = load_project(path)
    assert loaded.project.seed.is_empty() and loaded.project.api_routes == {}
    save_project(loaded.project, path, backup=False)
    after = json.loads(path.read_text())
    assert "seed" not in after and "apiRoutes" not in after
    assert after["stateMachines"] == before["stateMachines"]
    assert Project.model_validate({"seed": SEED}).to_json()["seed"]["dynamodb"] == SEED["dynamodb"]


def test_every_run_starts_from_the_seed_again_even_with_the_same_bucket_names(tmp_path: Path) -> None:
    path = _write(tmp_path, SEED)

    async def once() -> Any:
        runtime = ProjectRuntime(load_project(path))
        try:
            running = runtime.start_execution("Shop", {"id": "o-1"})
            await runtime.settle()
            return await running.task
        finally:
            await runtime.close()

    for _ in range(2):  # bucket names are one namespace across emulated accounts
        execution = asyncio.run(once())
        assert execution.status == "SUCCEEDED", execution.cause
