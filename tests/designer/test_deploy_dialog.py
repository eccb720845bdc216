"""File > Deploy to AWS… and Pull from AWS… (designer/app/deploy_dialog.py) against an in-process moto.

The dialog is shown (never exec()'d); its boto3 work runs on a worker thread, so the tests wait
for the reports with qtbot while the event loop delivers the worker's signals.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import REPO
from PySide6.QtGui import QUndoCommand

from designer.app import deploy_dialog
from designer.app.deploy_dialog import DeployDialog, open_dialog
from engine.deploy import INSTALL_HINT, DeployReport, PullReport

PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
REGION = "eu-west-1"
TIMEOUT_MS = 60_000


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Dummy credentials, no real config files, and moto answering every boto3 call in this process."""
    pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    with moto.mock_aws():
        yield


@pytest.fixture
def pipeline_window(window: Any) -> Any:
    assert window.open_path(PIPELINE)
    return window


def _finish(qtbot: Any, dialog: DeployDialog) -> Any:
    qtbot.waitUntil(lambda: not dialog.busy and dialog.last_report is not None, timeout=TIMEOUT_MS)
    report = dialog.last_report
    dialog.last_report = None
    return report


def test_plan_then_deploy_then_nothing_to_change(qtbot: Any, aws: None, pipeline_window: Any) -> None:
    dialog = open_dialog(pipeline_window, "deploy")
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.region.text() == REGION
    assert not dialog.deploy_button.isEnabled()  # plan first

    gui = threading.get_ident()
    seen: list[int] = []
    dialog.plan_ready.connect(lambda _text: seen.append(threading.get_ident()))
    assert dialog.start_plan()
    assert not dialog.plan_button.isEnabled()  # busy: one run at a time
    assert not dialog.start_deploy()
    plan = _finish(qtbot, dialog)
    assert isinstance(plan, DeployReport) and plan.error is None and plan.dry_run
    assert seen == [gui]  # the worker's signal arrived on the GUI thread
    assert "+ create    state machine RetailOrder" in dialog.log.toPlainText()
    assert plan.counts["to create"] == 29
    assert dialog.deploy_button.isEnabled()

    progress_values: list[int] = []
    dialog.change_applied.connect(lambda _line: progress_values.append(dialog.progress.value()))
    assert dialog.start_deploy()
    report = _finish(qtbot, dialog)
    assert report.error is None and not report.dry_run
    assert report.counts == {"created": 29, "updated": 0, "replaced": 0, "unchanged": 0, "skipped": 0}
    assert dialog.progress.maximum() == 1 and dialog.progress.value() == 1
    assert len(progress_values) == 29 and progress_values == sorted(progress_values)
    text = dialog.log.toPlainText()
    assert "applying:" in text and "  created state machine Fulfillment" in text
    assert text.rstrip().endswith("Deployed: 29 created, 0 updated, 0 replaced, 0 unchanged, 0 skipped")
    assert "testing" not in text  # no secrets
    assert not dialog.deploy_button.isEnabled()  # what is deployed changed: plan again

    assert dialog.start_plan()
    again = _finish(qtbot, dialog)
    assert again.error is None and "no changes (29 unchanged, 0 skipped)" in again.plan_text
    assert dialog.status.text().startswith("Plan: 29 unchanged")
    assert dialog.deploy_button.isEnabled()
    pipeline_window.document.undo_stack.push(QUndoCommand("an edit"))  # the project changed
    assert not dialog.deploy_button.isEnabled() and "plan again" in dialog.status.text()
    assert dialog.start_plan()
    assert _finish(qtbot, dialog).error is None and dialog.deploy_button.isEnabled()
    dialog.prefix.setText("dev-")  # other settings: the plan shown no longer applies
    assert not dialog.deploy_button.isEnabled()
    dialog.close()
    dialog.shutdown()


def test_pull_writes_a_project_and_offers_to_open_it(
    qtbot: Any, aws: None, pipeline_window: Any, tmp_path: Path
) -> None:
    from engine.deploy import deploy, make_clients
    from engine.project import load_project

    deploy(load_project(PIPELINE), make_clients(region=REGION), prefix="dev-")
    dialog = open_dialog(pipeline_window, "pull")
    assert dialog.pull_button.isVisible() and not dialog.plan_button.isVisible()
    dialog.prefix.setText("dev-")
    target = tmp_path / "pulled.statecanvas.json"
    dialog.output.setText(str(target))
    assert dialog.start_pull()
    report = _finish(qtbot, dialog)
    assert isinstance(report, PullReport) and report.error is None, report.error
    assert report.path == target and target.is_file()
    assert set(load_project(target).project.state_machines) == {"Fulfillment", "RetailOrder", "Returns"}
    assert "3 state machines, 3 rules" in dialog.status.text()
    assert dialog.open_button.isVisible()

    # A second pull into the same file needs Overwrite.
    assert dialog.start_pull()
    refused = _finish(qtbot, dialog)
    assert "exists" in refused.error and "Pull failed" in dialog.status.text()
    assert not dialog.open_button.isVisible()

    dialog.pulled_path = target
    assert dialog.open_pulled()
    assert pipeline_window.document.path == target
    assert not dialog.isVisible()
    dialog.shutdown()


def test_setup_problems_and_invalid_machines_are_reported(
    qtbot: Any, aws: None, pipeline_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    dialog = DeployDialog(pipeline_window, "deploy")
    dialog.show()
    assert dialog.region.text() == ""
    assert dialog.start_plan()
    report = _finish(qtbot, dialog)
    assert report.error is not None and "no AWS region" in report.error
    assert dialog.status.text().startswith("Plan failed: no AWS region: type one in Region")
    assert not dialog.deploy_button.isEnabled()

    dialog.region.setText(REGION)
    pipeline_window.document.definitions["Returns"]["StartAt"] = "NoSuchState"
    assert dialog.start_plan()
    report = _finish(qtbot, dialog)
    assert "fix the state machines first" in report.error and "state machine Returns" in report.error
    dialog.close()
    dialog.shutdown()


def test_aws_failures_are_a_message_not_a_traceback(
    qtbot: Any, pipeline_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.deploy import DeployError

    def refused(*_: Any, **__: Any) -> Any:
        raise DeployError("create queue orders failed: CreateQueue: AccessDenied: not allowed")

    monkeypatch.setattr(deploy_dialog, "boto3_available", lambda: True)
    monkeypatch.setattr(deploy_dialog, "settings_clients", lambda settings: object())
    monkeypatch.setattr("engine.deploy.session.deploy", refused)
    dialog = DeployDialog(pipeline_window, "deploy")
    dialog.show()
    dialog.region.setText(REGION)
    assert dialog.start_deploy()
    report = _finish(qtbot, dialog)
    assert report.error.startswith("create queue orders failed")
    assert "AccessDenied" in dialog.status.text()
    assert dialog.plan_button.isEnabled() and dialog.region.isEnabled()
    dialog.close()
    dialog.shutdown()


def test_without_boto3_the_dialog_says_how_to_install_it(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deploy_dialog, "boto3_available", lambda: False)
    window.actions_.deploy.trigger()  # File > Deploy to AWS…
    dialog = window.findChild(DeployDialog)
    assert dialog is not None and dialog.mode == "deploy"
    assert dialog.missing.isVisible() and "pip install 'statecanvas[aws]'" in INSTALL_HINT
    assert not dialog.plan_button.isEnabled() and not dialog.deploy_button.isEnabled()
    assert not dialog.start_plan() and dialog.status.text() == INSTALL_HINT
    assert open_dialog(window, "deploy") is dialog  # one per mode, raised again
    dialog.close()
    dialog.shutdown()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def dummy_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials that only a local endpoint would take, no config files, one attempt per call."""
    pytest.importorskip("boto3")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


def _plan_by_click(qtbot: Any, dialog: DeployDialog) -> DeployReport:
    from PySide6.QtCore import Qt

    qtbot.mouseClick(dialog.plan_button, Qt.MouseButton.LeftButton)
    return _finish(qtbot, dialog)


def test_plan_says_why_it_failed_and_what_to_do(
    qtbot: Any, dummy_credentials: None, pipeline_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plan shows the reason in the dialog, not just that it failed: no credentials, an endpoint
    that does not answer, a profile that does not exist, an address that is not one."""
    dialog = open_dialog(pipeline_window, "deploy")
    dialog.region.setText(REGION)

    port = _free_port()  # nothing listens here
    qtbot.keyClicks(dialog.endpoint, f"http://127.0.0.1:{port}")
    report = _plan_by_click(qtbot, dialog)
    assert report.dry_run and report.error is not None
    status = dialog.status.text()
    assert status.startswith("Plan failed: ") and "Deploy failed" not in status
    assert "Could not connect" in status
    assert f"could not reach the Endpoint URL http://127.0.0.1:{port}" in status
    assert status in dialog.log.toPlainText()

    dialog.endpoint.clear()
    qtbot.keyClicks(dialog.endpoint, "not an address")
    _plan_by_click(qtbot, dialog)
    assert dialog.status.text().startswith("Plan failed: Endpoint URL: ")

    dialog.endpoint.clear()
    qtbot.keyClicks(dialog.profile, "no-such-profile")
    _plan_by_click(qtbot, dialog)
    assert (
        dialog.status.text()
        == "Plan failed: Profile: The config profile (no-such-profile) could not be found"
    )

    dialog.profile.clear()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    _plan_by_click(qtbot, dialog)
    assert dialog.status.text().startswith("Plan failed: no AWS credentials found: choose a Profile")
    assert not dialog.deploy_button.isEnabled()
    dialog.close()
    dialog.shutdown()


def test_a_missing_aws_library_during_a_plan_says_how_to_install_it(
    qtbot: Any, pipeline_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(settings: Any) -> Any:
        raise ModuleNotFoundError("No module named 'botocore'")

    monkeypatch.setattr(deploy_dialog, "boto3_available", lambda: True)
    monkeypatch.setattr(deploy_dialog, "settings_clients", missing)
    dialog = open_dialog(pipeline_window, "deploy")
    dialog.region.setText(REGION)
    _plan_by_click(qtbot, dialog)
    assert "pip install 'statecanvas[aws]'" in dialog.status.text()
    assert dialog.status.text().startswith("Plan failed: ")
    dialog.close()
    dialog.shutdown()
