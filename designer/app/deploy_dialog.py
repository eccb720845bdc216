"""File > Deploy to AWS… and File > Pull from AWS…: `engine.deploy` behind a small non-modal dialog.

Every boto3 call runs on a worker thread (a one-thread executor); the worker reports back through
Qt signals, which reach the dialog on the GUI thread, so the window keeps drawing while AWS
answers. Credentials come from boto3's usual sources (environment, profile, shared files); the
dialog never reads, shows or logs them. Without boto3 the dialog says how to install it.

Deploy mode: Plan shows what would change; Deploy (enabled once a plan is shown for the current
settings) plans afresh, applies, and ends with a report (created / updated / replaced / unchanged /
skipped, or the error). Pull mode writes a project file from what is deployed and offers to open it.
The steps and the report's words are `engine.deploy`'s (`run_deploy`, `run_pull`), the same as the
command line's; this module only shows them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.deploy import (
    INSTALL_HINT,
    AwsSettings,
    DeployReport,
    PullReport,
    applying_line,
    boto3_available,
    explain_failure,
    output_problem,
    run_deploy,
    run_pull,
    settings_clients,
)

OVERWRITE = "choose another file or tick Overwrite"  # how this dialog allows writing over a file

# -- the dialog --------------------------------------------------------------------------------


class DeployDialog(QDialog):
    """Deploy (mode "deploy") or pull (mode "pull") the window's project; never modal, never blocking."""

    # Emitted from the worker thread; queued to the dialog's (GUI) thread.
    plan_ready = Signal(str)  # plan text
    change_applied = Signal(str)  # "created queue orders"
    deploy_finished = Signal(object)  # DeployReport
    pull_finished = Signal(object)  # PullReport
    busy_changed = Signal(bool)

    def __init__(self, window: Any, mode: str = "deploy", parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window_ = window
        self.mode = mode
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statecanvas-aws")
        self.future: Future[Any] | None = None
        self.planned_for: AwsSettings | None = None
        self.last_report: DeployReport | PullReport | None = None
        self.pulled_path: Path | None = None
        self._pending: tuple[AwsSettings, bool] | None = None  # the running deploy's settings, dry run
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setWindowTitle("Deploy to AWS" if mode == "deploy" else "Pull from AWS")
        self.resize(640, 480)
        self._build()
        self.plan_ready.connect(self._show_plan)
        self.change_applied.connect(self._on_change)
        self.deploy_finished.connect(self._on_deploy_finished)
        self.pull_finished.connect(self._on_pull_finished)
        document = window.document  # an edit or another file makes the plan shown stale
        document.undo_stack.indexChanged.connect(self._invalidate_plan)
        document.document_reset.connect(self._invalidate_plan)
        self._set_busy(False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.missing = QLabel(INSTALL_HINT)
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.missing.setVisible(not boto3_available())
        layout.addWidget(self.missing)
        form = QFormLayout()
        self.region = QLineEdit(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "")
        self.region.setPlaceholderText("e.g. eu-west-1 (default: the profile's)")
        self.profile = QLineEdit()
        self.profile.setPlaceholderText("default credentials")
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText("optional: LocalStack or moto_server URL")
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText("optional, e.g. dev-")
        self.through = QComboBox()
        self.through.addItems(["Service APIs (only what changed)", "CloudFormation stack (change set)"])
        self.stack = QLineEdit(_stack_name(self.window_))
        self.stack.setPlaceholderText("the stack to create or update")
        if self.mode == "deploy":
            form.addRow("Deploy &through:", self.through)
            form.addRow("S&tack name:", self.stack)
        self.through.currentIndexChanged.connect(self._through_changed)
        self._through_changed()
        form.addRow("&Region:", self.region)
        form.addRow("Pro&file:", self.profile)
        form.addRow("&Endpoint URL:", self.endpoint)
        form.addRow("Name p&refix:", self.prefix)
        self.output = QLineEdit()
        self.output.setPlaceholderText("where to write the pulled project (.statecanvas.json)")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self._browse)
        self.overwrite = QCheckBox("&Overwrite if it exists")
        if self.mode == "pull":
            row = QHBoxLayout()
            row.addWidget(self.output, 1)
            row.addWidget(self.browse)
            form.addRow("Project &file:", row)
            form.addRow("", self.overwrite)
        layout.addLayout(form)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.log, 1)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton("&Plan")
        self.deploy_button = QPushButton("&Deploy")
        self.pull_button = QPushButton("P&ull")
        self.open_button = QPushButton("&Open Pulled Project")
        self.close_button = QPushButton("Close")
        self.plan_button.clicked.connect(self.start_plan)
        self.deploy_button.clicked.connect(self.start_deploy)
        self.pull_button.clicked.connect(self.start_pull)
        self.open_button.clicked.connect(self.open_pulled)
        self.close_button.clicked.connect(self.close)
        self.plan_button.setVisible(self.mode == "deploy")
        self.deploy_button.setVisible(self.mode == "deploy")
        self.pull_button.setVisible(self.mode == "pull")
        self.open_button.setVisible(False)
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.deploy_button)
        buttons.addWidget(self.pull_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        for edit in (self.region, self.profile, self.endpoint, self.prefix, self.stack):
            edit.textChanged.connect(self._settings_changed)

    # -- state ------------------------------------------------------------------------------

    def settings(self) -> AwsSettings:
        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        stack = text(self.stack) if self.mode == "deploy" and self.through.currentIndex() == 1 else None
        return AwsSettings(
            text(self.region), text(self.profile), text(self.endpoint), self.prefix.text().strip(), stack
        )

    def _through_changed(self) -> None:
        """A stack names its own resources: the prefix is for the service-API path only."""
        stack = self.through.currentIndex() == 1
        self.stack.setEnabled(stack)
        self.prefix.setEnabled(not stack)
        self._settings_changed()

    @property
    def busy(self) -> bool:
        return self.future is not None and not self.future.done()

    def _set_busy(self, busy: bool) -> None:
        ready = boto3_available() and not busy
        self.plan_button.setEnabled(ready)
        self.deploy_button.setEnabled(ready and self.planned_for == self.settings())
        self.pull_button.setEnabled(ready)
        for widget in (self.region, self.profile, self.endpoint, self.output, self.browse, self.through):
            widget.setEnabled(not busy)
        stack = self.through.currentIndex() == 1
        self.stack.setEnabled(not busy and stack)
        self.prefix.setEnabled(not busy and not stack)
        self.progress.setVisible(busy or (self.progress.maximum() > 0 and self.progress.value() > 0))
        self.busy_changed.emit(busy)

    def _settings_changed(self) -> None:
        if self.planned_for is not None and self.planned_for != self.settings():
            self._invalidate_plan("The settings changed")

    def _invalidate_plan(self, why: object = "The project changed") -> None:
        if self.planned_for is None:
            return
        self.planned_for = None
        self.deploy_button.setEnabled(False)
        reason = why if isinstance(why, str) else "The project changed"
        self.status.setText(f"{reason}: plan again before deploying.")

    def _submit(self, work: Callable[[], Any]) -> bool:
        if self.busy:
            return False
        self.open_button.setVisible(False)
        self.future = self.executor.submit(work)
        self._set_busy(True)
        return True

    # -- deploy -----------------------------------------------------------------------------

    def start_plan(self) -> bool:
        """Plan on the worker; the plan text appears in the log. False if busy or boto3 is missing."""
        return self._start(dry_run=True)

    def start_deploy(self) -> bool:
        """Plan afresh and apply it on the worker, with progress; the report ends the log."""
        return self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> bool:
        if not boto3_available():
            self.status.setText(INSTALL_HINT)
            return False
        if self.busy:
            return False
        settings = self.settings()
        loaded = self.window_.document.loaded_project()  # a snapshot: edits during the run do not leak in
        self.log.clear()
        self.progress.setRange(0, 0)  # busy until the plan says how many changes there are
        self.progress.setValue(0)
        self.status.setText("Planning…" if dry_run else "Deploying…")
        self._pending = (settings, dry_run)

        def work() -> None:
            explain = partial(explain_failure, endpoint_url=settings.endpoint_url)
            report = DeployReport(dry_run=dry_run, stack=settings.stack)
            try:
                report = run_deploy(
                    loaded,
                    settings,
                    dry_run=dry_run,
                    clients=settings_clients,  # looked up here at run time, so tests can replace it
                    on_plan=lambda plan: self.plan_ready.emit(plan.text()),
                    progress=self.change_applied.emit,
                    explain=explain,
                )
            except Exception as exc:  # making the clients failed (or worse): never let a worker die silently
                report.error = explain(exc)
            self.deploy_finished.emit(report)

        return self._submit(work)

    def _show_plan(self, text: str) -> None:
        self.log.appendPlainText(text.rstrip("\n"))
        pending = sum(1 for line in text.splitlines() if line.lstrip().startswith(("+", "~", "!", "x ")))
        self.progress.setRange(0, max(pending, 1))
        self.progress.setValue(0)
        if pending and self._pending is not None and not self._pending[1]:
            self.log.appendPlainText(applying_line(self._pending[0].stack))

    def _on_change(self, line: str) -> None:
        self.log.appendPlainText(f"  {line}")
        self.progress.setValue(min(self.progress.value() + 1, self.progress.maximum()))

    def _on_deploy_finished(self, report: DeployReport) -> None:
        self.last_report = report
        self.future = None
        if report.error is None and report.dry_run and self._pending is not None:
            self.planned_for = self._pending[0]
        elif report.error is None:
            self.planned_for = None  # what is deployed changed: plan again before another deploy
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if report.error is None else 0)
        self.log.appendPlainText("")
        self.log.appendPlainText(report.summary())
        self.status.setText(status_line(report.summary()))
        self._set_busy(False)
        if report.error is None and not report.dry_run:
            self.window_.statusBar().showMessage(report.summary(), 10000)

    # -- pull -------------------------------------------------------------------------------

    def _browse(self) -> None:
        start = self.output.text() or str(Path.cwd() / "pulled.statecanvas.json")
        path, _ = QFileDialog.getSaveFileName(self, "Pull into", start, "Projects (*.statecanvas.json)")
        if path:
            self.output.setText(path)
            self.overwrite.setChecked(True)  # the file dialog already asked

    def start_pull(self) -> bool:
        if not boto3_available():
            self.status.setText(INSTALL_HINT)
            return False
        if self.busy:
            return False
        text = self.output.text().strip()
        if not text:
            self.status.setText("Choose the project file to write first.")
            return False
        output = Path(text).expanduser()
        if not output.name.endswith(".json"):
            output = output.with_name(output.name + ".statecanvas.json")
        settings, overwrite = self.settings(), self.overwrite.isChecked()
        self.log.clear()
        self.progress.setRange(0, 0)
        self.status.setText("Pulling…")

        def work() -> None:
            explain = partial(explain_failure, endpoint_url=settings.endpoint_url)
            report = PullReport(error=output_problem(output, overwrite=overwrite, to_overwrite=OVERWRITE))
            if report.error is None:
                try:
                    report = run_pull(settings, output, clients=settings_clients, explain=explain)
                except Exception as exc:  # making the clients failed (or worse)
                    report = PullReport(error=explain(exc))
            self.pull_finished.emit(report)

        return self._submit(work)

    def _on_pull_finished(self, report: PullReport) -> None:
        self.last_report = report
        self.future = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0 if report.error else 1)
        for note in report.notes:
            self.log.appendPlainText(f"note: {note}")
        if report.error is not None:
            self.log.appendPlainText(f"Pull failed: {report.error}")
            self.status.setText(status_line(f"Pull failed: {report.error}"))
        else:
            self.pulled_path = report.path
            summary = report.summary[:1].upper() + report.summary[1:]  # a sentence here, a line in a terminal
            self.log.appendPlainText(summary)
            self.status.setText(summary)
            self.open_button.setVisible(True)
        self._set_busy(False)

    def open_pulled(self) -> bool:
        if self.pulled_path is None:
            return False
        opened = self.window_.open_file(self.pulled_path)  # asks first when there are unsaved changes
        if opened:
            self.close()
        return opened

    # -- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            # boto3 calls cannot be interrupted; the worker finishes and its report goes nowhere.
            self.status.setText("Still working: close again once it finishes.")
            event.ignore()
            return
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop taking work and wait for the worker (tests; the app's exit)."""
        self.executor.shutdown(wait=True)


def status_line(summary: str) -> str:
    """The summary's first line for the status label; the rest is in the log above it."""
    first, _, rest = summary.partition("\n")
    if rest and not rest.startswith("Applied before the failure"):
        first = first.rstrip(":") + " (details above)"
    return first


def _stack_name(window: Any) -> str:
    """A stack name from the project's name: letters, digits and hyphens, starting with a letter."""
    document = getattr(window, "document", None)
    project = getattr(document, "project", None)
    raw = str(getattr(project, "name", "") or "statecanvas")
    name = "".join(c if c.isascii() and c.isalnum() else "-" for c in raw).strip("-")
    return name if name[:1].isalpha() else f"statecanvas-{name}".rstrip("-")


def open_dialog(window: Any, mode: str = "deploy") -> DeployDialog:
    """Show (or raise) the window's deploy or pull dialog; never modal."""
    for dialog in window.findChildren(DeployDialog):
        if dialog.mode == mode:
            break
    else:
        dialog = DeployDialog(window, mode)
    if mode == "pull" and not dialog.output.text() and window.document.path is not None:
        dialog.output.setText(str(Path(window.document.path).parent / "pulled.statecanvas.json"))
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
