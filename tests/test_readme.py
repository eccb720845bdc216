"""Every command in README.md's shell blocks runs and gives the outcome the README describes.

Commands are taken from the README itself, so an edited or added command fails here until the
table below says what it must do. `.venv/bin/statecanvas` runs as this interpreter's
`-m designer.cli`; the README's placeholder files (machine.asl.json, my-machine.asl.yaml,
handlers.py) are made from the tables below in a scratch folder that also holds a copy of
resources/, so the commands run exactly as written.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from designer import cli as designer_cli
from engine.export import asl_yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Placeholder files the README's commands name, and what stands in for them.
CHARGE_MACHINE = {
    "Comment": "Charge an order through a Lambda function.",
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}
PLACEHOLDERS: dict[str, str] = {
    "machine.asl.json": json.dumps(CHARGE_MACHINE, indent=2),
    "handlers.py": "def charge(event, context):\n    return {'paymentId': 'pay-' + event['orderId']}\n",
    # the example Retail machine as SAM keeps it: YAML, with a ${...} substitution left in
    "my-machine.asl.yaml": asl_yaml(
        json.loads(
            (ROOT / "resources/examples/order-processing.asl.json")
            .read_text(encoding="utf-8")
            .replace("arn:aws:lambda:us-east-1:123456789012:function:validate-order", "${ValidateOrderArn}")
        )
    ),
}

# README command (whitespace collapsed) -> (exit status, texts the output must hold).
OUTCOMES: dict[str, tuple[int, list[str]]] = {
    "scripts/dev run": (-1, []),  # checked by test_the_setup_scripts_exist, not run
    "scripts/dev test": (-1, []),
    '.venv/bin/statecanvas put-events resources/examples/order-pipeline --entries \'{"EventBusName": '
    '"orders", "Source": "retail.orders", "DetailType": "OrderCreated", "Detail": {"orderId": "o-9", '
    '"customer": {"id": "c-9", "email": "li@example.com"}, "items": [{"sku": "MUG-7", "quantity": 1, '
    '"price": 8}], "total": 8, "poison": true}}\'': (
        0,
        [
            "rule OrderCreatedToFulfillment: matched",
            "execution of Fulfillment SUCCEEDED",
            "topic order-updates: queue:customer-notifications delivered",
            "queue warehouse-dlq: message dead-lettered",
            "  warehouse-dlq: 1 / 0 / 0",
            "  customer-notifications: 1 / 0 / 0",
        ],
    ),
    ".venv/bin/statecanvas run resources/examples/order-pipeline --state-machine RetailOrder": (
        0,
        ["SUCCEEDED", '"trackingNumber": "TRK-o-1001"'],
    ),
    ".venv/bin/statecanvas validate resources/examples/order-processing.asl.json": (
        0,
        ["resources/examples/order-processing.asl.json: valid"],
    ),
    ".venv/bin/statecanvas validate my-machine.asl.yaml --json": (
        0,
        ['"result": "OK"', '"truncated": false'],
    ),
    '.venv/bin/statecanvas run machine.asl.json --input \'{"orderId": "o-1"}\' --json --history': (
        1,  # no handler serves the Lambda: the task fails with AWS's error
        ['"status": "FAILED"', '"error": "Lambda.ResourceNotFoundException"', '"history": ['],
    ),
    '.venv/bin/statecanvas run machine.asl.json --input \'{"orderId": "o-1"}\' '
    "--handler charge=handlers.py:charge --store default": (0, ["SUCCEEDED", '"paymentId": "pay-o-1"']),
    ".venv/bin/statecanvas test-state machine.asl.json --state Charge --input '{}' "
    "--inspection-level DEBUG": (
        0,
        ['"inspectionData"', '"status": "FAILED"'],
    ),
    "printf 'continue\\nstep\\nprint\\nquit\\n' | "
    ".venv/bin/statecanvas debug machine.asl.json --break Charge": (
        1,
        ["paused at Charge", '"status": "FAILED"'],
    ),
}


def readme_commands() -> list[str]:
    """The commands in README.md's ```sh blocks: continuation lines and lines inside an open quote
    joined as the shell joins them, whitespace collapsed."""
    text = README.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        pending = ""
        for line in block.replace("\\\n", " ").splitlines():
            pending = f"{pending} {line}" if pending else line
            try:
                shlex.split(pending)
            except ValueError:  # an open quote: the command goes on on the next line
                continue
            command = " ".join(pending.split())
            pending = ""
            if command and not command.startswith("#"):
                commands.append(command)
        assert not pending, f"README command with an unclosed quote: {pending}"
    return commands


def test_the_readme_has_commands_and_each_has_an_outcome() -> None:
    commands = readme_commands()
    assert len(commands) >= 10
    missing = [c for c in commands if c not in OUTCOMES]
    assert not missing, f"README commands this test does not know the outcome of: {missing}"
    stale = [c for c in OUTCOMES if c not in commands]
    assert not stale, f"outcomes for commands no longer in the README: {stale}"


def test_the_setup_scripts_exist() -> None:
    for script in ("scripts/dev", ".ci/run"):
        path = ROOT / script
        assert path.is_file() and os.access(path, os.X_OK), f"{script} is missing or not executable"
    text = (ROOT / "scripts/dev").read_text(encoding="utf-8")
    assert "run)" in text and "test)" in text


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "resources", folder / "resources", ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in PLACEHOLDERS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [c for c in readme_commands() if OUTCOMES.get(c, (0,))[0] >= 0])
def test_a_readme_command_gives_the_outcome_the_readme_describes(command: str, scratch: Path) -> None:
    status, texts = OUTCOMES[command]
    statecanvas = f"{shlex.quote(sys.executable)} -m designer.cli"
    runnable = command.replace(".venv/bin/statecanvas", statecanvas)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(scratch / "data"),  # --store default writes here, not in the user's home
    }
    done = subprocess.run(
        ["bash", "-c", runnable], cwd=scratch, env=env, capture_output=True, text=True, timeout=180
    )
    output = done.stdout + done.stderr
    assert done.returncode == status, output
    assert "Traceback" not in output
    for text in texts:
        assert text in output, f"{text!r} not in:\n{output}"


def test_the_validate_output_shown_in_the_readme_is_what_validate_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README shows validate's answer for a machine whose Charge goes to a missing Ship."""
    shown = re.search(r"```\n(bad\.asl\.json: invalid.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert shown is not None
    charge = {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
        "Next": "Ship",
    }
    bad = {"StartAt": "Charge", "States": {"Charge": charge, "Done": {"Type": "Succeed"}}}
    (tmp_path / "bad.asl.json").write_text(json.dumps(bad), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the README's command names the file as given, relative
    assert designer_cli.main(["validate", "bad.asl.json"]) == 1
    assert capsys.readouterr().out == shown.group(1)
