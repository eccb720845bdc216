"""Tasks waiting for a callback (`.waitForTaskToken`): answer them from here with
SendTaskSuccess (a JSON output), SendTaskFailure (error and cause) or SendTaskHeartbeat."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.panels.execution_common import JsonEdit, error_label


class CallbacksPanel(QWidget):
    success_requested = Signal(str, object)  # token, output
    failure_requested = Signal(str, str, str)  # token, error, cause
    heartbeat_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tasks = QTreeWidget()
        self.tasks.setHeaderLabels(["State", "Execution", "Heartbeats", "Token"])
        self.tasks.setRootIsDecorated(False)
        layout.addWidget(self.tasks, 1)
        self.empty = QLabel("No task is waiting for a callback.")
        layout.addWidget(self.empty)
        layout.addWidget(QLabel("Output (SendTaskSuccess)"))
        self.output = JsonEdit({})
        self.output.setMaximumHeight(110)
        layout.addWidget(self.output)
        form = QFormLayout()
        self.error_field = QLineEdit()
        self.error_field.setPlaceholderText("e.g. OrderLost")
        self.cause_field = QLineEdit()
        form.addRow("Error", self.error_field)
        form.addRow("Cause", self.cause_field)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.success = QPushButton("Send success")
        self.failure = QPushButton("Send failure")
        self.heartbeat = QPushButton("Send heartbeat")
        for button in (self.success, self.failure, self.heartbeat):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.message = error_label()
        layout.addWidget(self.message)
        self.success.clicked.connect(self._success)
        self.failure.clicked.connect(
            lambda: self._with_token(
                lambda t: self.failure_requested.emit(t, self.error_field.text(), self.cause_field.text())
            )
        )
        self.heartbeat.clicked.connect(lambda: self._with_token(self.heartbeat_requested.emit))
        self.set_tasks([])

    def set_tasks(self, pending: list[Any]) -> None:
        current = self.current_token()
        self.tasks.clear()
        for task in pending:
            item = QTreeWidgetItem(
                self.tasks,
                [
                    task.state_name,
                    task.execution_arn.rsplit(":", 2)[-2],
                    str(task.heartbeats),
                    task.token[:16] + "…",
                ],
            )
            item.setData(0, 256, task.token)
            if task.token == current or current is None:
                self.tasks.setCurrentItem(item)
                current = task.token
        has = bool(pending)
        self.empty.setVisible(not has)
        for button in (self.success, self.failure, self.heartbeat):
            button.setEnabled(has)

    def current_token(self) -> str | None:
        item = self.tasks.currentItem()
        return item.data(0, 256) if item is not None else None

    def _with_token(self, action: Any) -> None:
        token = self.current_token()
        if token is None:
            self.message.setText("Choose a waiting task first.")
            return
        self.message.setText("")
        action(token)

    def _success(self) -> None:
        try:
            value = self.output.value()
        except ValueError as exc:
            self.message.setText(f"Output: {exc}")
            return
        self._with_token(lambda token: self.success_requested.emit(token, value))
