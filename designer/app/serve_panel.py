"""File > Serve Locally: the AWS endpoints of `statecanvas serve`, inside the designer.

The server runs on the designer's own loop (Qt and asyncio share it), answering for the project
as it is now, unsaved edits included. Every execution a client starts is listed as it runs, so
code under test can be watched from the window that designed the machines it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("statecanvas.designer.serve")
DEFAULT_PORT = 8083
COLUMNS = ("Execution", "State machine", "Status", "Started")


class ServePanel(QWidget):
    """Where the server says where it listens, and the executions its clients started."""

    def __init__(self, window: Any) -> None:
        super().__init__()
        self.window = window
        self.app: Any = None
        self.session: Any = None  # the ServedSession the execution views read served executions from
        self.starting = False
        self._tasks: set[asyncio.Future[None]] = set()
        self.address = QLabel("Not serving.")
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stop_button = QPushButton("Stop Serving")
        self.stop_button.clicked.connect(lambda: self.run(self.stop()))
        self.stop_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.address, 1)
        top.addWidget(self.stop_button)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.timer = QTimer(self)
        self.timer.setInterval(300)
        self.timer.timeout.connect(self.refresh)

    def run(self, work: Any) -> None:
        """Start or stop on the loop, holding the task until it is done (the loop keeps only weak
        references to tasks)."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def serving(self) -> bool:
        return self.app is not None

    async def start(self, port: int = DEFAULT_PORT) -> None:
        """Serve the document's project on `port` (another free port when that one is taken)."""
        # Imported here for start-up time: the HTTP server and served runtime load on first start.
        from designer.debug.live_store import LiveStore
        from designer.debug.served_session import ServedSession
        from engine.serve import ServeApp, build_context

        if self.app is not None or self.starting:
            return
        self.starting = True
        try:
            app = ServeApp(build_context(self.window.document.loaded_project(), store=LiveStore()))
            try:
                chosen = await app.start("127.0.0.1", port)
            except OSError:
                chosen = await app.start("127.0.0.1", 0)  # 8083 is taken (a `statecanvas serve`?)
        except Exception as exc:
            log.exception("could not start serving")
            self.address.setText(f"Could not serve: {exc}")
            return
        finally:
            self.starting = False
        self.app = app
        debug = self.window.debug
        self.session = ServedSession(
            app.context, lambda: debug.breakpoints, parent=self, flags=debug.break_flags
        )
        self.session.paused.connect(self._paused)
        debug.debugging_listeners.append(self.session.debugging_changed)
        self.address.setText(
            f"Serving AWS APIs at {app.context.base_url} (local use only: any credentials are accepted)"
        )
        self.window.statusBar().showMessage(f"Serving AWS APIs at {app.context.base_url}", 8000)
        self.stop_button.setEnabled(True)
        del chosen
        self.timer.start()
        self.refresh()

    async def stop(self) -> None:
        app, self.app = self.app, None
        # the window may be closing with the server still up: the server stops all the same
        alive = shiboken6.isValid(self)
        if alive:
            self.timer.stop()
            self.stop_button.setEnabled(False)
        if app is not None:
            # Imported here for start-up time, as in start().
            from engine.serve import stop_executions

            with contextlib.suppress(Exception):
                await stop_executions(app.context)  # shown ABORTED, as clients will read them
            if shiboken6.isValid(self):
                self.refresh_from(app)
            with contextlib.suppress(Exception):
                await app.stop()
        if self.session is not None:
            listeners = self.window.debug.debugging_listeners
            if self.session.debugging_changed in listeners:
                listeners.remove(self.session.debugging_changed)
            self.session.close()
        if shiboken6.isValid(self):
            self.address.setText("Not serving.")

    def refresh(self) -> None:
        if self.app is not None:
            self.refresh_from(self.app)

    def refresh_from(self, app: Any) -> None:
        try:
            records = app.context.store.list_executions(limit=500)
        except Exception:  # the store closed under us while stopping: keep what is shown
            return
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            machine = record.state_machine_arn.rsplit(":", 1)[-1]
            started = (
                record.start_date.astimezone().strftime("%H:%M:%S")
                if isinstance(record.start_date, datetime)
                else str(record.start_date)
            )
            for column, text in enumerate((record.name, machine, str(record.status), started)):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, column, item)
                if item.text() != text:
                    item.setText(text)
            self.table.item(row, 0).setToolTip(record.execution_arn)

    def _selected(self) -> None:
        """A served execution chosen in the list is shown as a designer run is: overlay, Events,
        State Data, timeline."""
        rows = {index.row() for index in self.table.selectedIndexes()}
        if not rows or self.session is None:
            return
        item = self.table.item(min(rows), 0)
        if item is not None and item.toolTip():
            self.window.debug.show_served(self.session, item.toolTip())

    def _paused(self, pause: Any) -> None:
        """A client's execution paused at a breakpoint: the designer shows it even when another
        run was on show."""
        if self.session is not None and self.window.debug.session is not self.session:
            self.window.debug.show_served(self.session, self.session.main_arn, pause)

    def statuses(self) -> dict[str, str]:
        """Execution name -> the status shown."""
        return {
            self.table.item(row, 0).text(): self.table.item(row, 2).text()
            for row in range(self.table.rowCount())
        }


def panel(window: Any) -> ServePanel:
    """The window's serve panel, in a bottom dock made the first time it is asked for."""
    existing = getattr(window, "serve_panel", None)
    if existing is not None:
        return existing
    widget = ServePanel(window)
    dock = QDockWidget("Served Executions", window)
    dock.setObjectName("dock-served-executions")
    dock.setWidget(widget)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    problems = getattr(window, "problems_dock", None)
    if problems is not None:  # a tab among the bottom panels: the canvas keeps its room
        window.tabifyDockWidget(problems, dock)
    panels_menu = getattr(window.actions_, "panels_menu", None) if hasattr(window, "actions_") else None
    if panels_menu is not None:
        panels_menu.addAction(dock.toggleViewAction())
    window.serve_panel = widget
    window.serve_dock = dock
    return widget


def toggle(window: Any) -> None:
    """File > Serve Locally: start serving (showing the panel), or stop when already serving."""
    widget = panel(window)
    window.serve_dock.show()
    window.serve_dock.raise_()
    widget.run(widget.stop() if widget.serving else widget.start())
