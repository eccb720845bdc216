"""`statecanvas deploy FOLDER` deploys the project file in the folder, as `deploy FILE` does."""

from __future__ import annotations

import io
from pathlib import Path

from engine.cli import main

from .conftest import EXAMPLE_DIR


def test_deploy_of_a_folder_plans_the_project_in_it(aws_env: str, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["deploy", str(EXAMPLE_DIR), "--endpoint-url", aws_env, "--prefix", "folder-", "--dry-run"],
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    plan = out.getvalue()
    assert "+ " in plan and "folder-Fulfillment" in plan, plan
