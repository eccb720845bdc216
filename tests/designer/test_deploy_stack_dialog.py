"""The Deploy dialog's choice between the service APIs and a CloudFormation stack, against moto."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import REPO
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.app.deploy_dialog import DeployDialog, open_dialog
from engine.deploy import DeployReport

PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
REGION = "eu-west-3"
TIMEOUT_MS = 60_000


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Dummy credentials, no real config files, and moto answering every boto3 call in this process."""
    pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    with moto.mock_aws():
        yield


def _click_and_finish(qtbot: Any, dialog: DeployDialog, button: Any) -> DeployReport:
    dialog.last_report = None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.last_report is not None, timeout=TIMEOUT_MS)
    report = dialog.last_report
    assert isinstance(report, DeployReport)
    return report


def test_deploy_as_a_stack_plans_with_a_change_set_then_follows_the_stack(
    qtbot: Any, aws: None, window: Any
) -> None:
    assert window.open_path(PIPELINE)
    dialog = open_dialog(window, "deploy")
    assert dialog.through.currentIndex() == 0 and not dialog.stack.isEnabled()
    assert dialog.settings().stack is None

    dialog.through.setFocus()
    QTest.keyClick(dialog.through, Qt.Key.Key_Down)  # the closed combo steps to the next choice
    assert dialog.through.currentIndex() == 1
    assert dialog.stack.isEnabled() and not dialog.prefix.isEnabled()
    dialog.stack.selectAll()
    QTest.keyClicks(dialog.stack, "shop-stack")
    assert dialog.settings().stack == "shop-stack"

    plan = _click_and_finish(qtbot, dialog, dialog.plan_button)
    assert plan.error is None, plan.error
    log = dialog.log.toPlainText()
    assert "+ create    state machine RetailOrder" in log and "note: stack shop-stack: new" in log
    assert plan.counts["to create"] == 37
    assert dialog.deploy_button.isEnabled()

    report = _click_and_finish(qtbot, dialog, dialog.deploy_button)
    assert report.error is None, report.error
    assert "CREATE_COMPLETE" in dialog.log.toPlainText()
    assert dialog.status.text().startswith("Deployed: 37 created")

    again = _click_and_finish(qtbot, dialog, dialog.plan_button)
    assert again.error is None and dialog.status.text() == "Plan: 0 to change"
    assert "no changes" in dialog.log.toPlainText()

    # Back to the service APIs: the stack name no longer applies, the prefix does.
    dialog.through.setFocus()
    QTest.keyClick(dialog.through, Qt.Key.Key_Up)
    assert dialog.settings().stack is None and dialog.prefix.isEnabled() and not dialog.stack.isEnabled()
    dialog.shutdown()


def test_a_stack_cloudformation_refuses_is_explained_before_any_call(
    qtbot: Any, aws: None, window: Any, tmp_path: Path
) -> None:
    assert window.open_path(PIPELINE)
    dialog = open_dialog(window, "deploy")
    dialog.through.setCurrentIndex(1)
    dialog.stack.selectAll()
    QTest.keyClicks(dialog.stack, "1 bad name")
    report = _click_and_finish(qtbot, dialog, dialog.plan_button)
    assert report.error is not None and "stack name '1 bad name'" in report.error
    assert "Plan failed" in dialog.status.text() and "Traceback" not in dialog.log.toPlainText()
    dialog.shutdown()
