"""Switching between the threads of a paused execution (a part DebugController owns).

With all-stop (the engine's default) a pause in one Parallel branch or Map iteration holds every
other one at its next state. The Run panel's thread picker lists them; choosing a paused one
makes it the debugger's selected thread, so F10, F11 and Shift+F11 step it, and shows its pause
as any pause is shown (the canvas, the iteration or branch pickers, the state data). Non-Stop
Debugging in the Run menu lets the other branches and iterations run on instead.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMenu

from designer.canvas.items.state_item import StateItem
from designer.debug.host import ThreadsHost
from designer.debug.run_menu import RunMenu
from designer.debug.run_state import RunState
from designer.debug.session import RunSession
from designer.panels.execution_threads import ThreadPicker, ThreadRow
from engine.runtime import Debugger
from engine.runtime.debug import PAUSED

THREADS_MS = 30  # the engine reports every thread that starts or stops: the picker follows in batches


class ThreadSwitching:
    """The Run panel's thread picker, and the commands that choose the thread stepped."""

    def __init__(self, run: RunState, ui: RunMenu, host: ThreadsHost, parent: QObject) -> None:
        self.run, self.ui, self.host = run, ui, host
        self.thread_picker = ThreadPicker()
        panel = ui.run_panel
        layout = panel.layout()
        layout.insertWidget(layout.indexOf(panel.status) + 1, self.thread_picker)
        self.thread_picker.thread_chosen.connect(self.switch_thread)
        self._threads_timer = QTimer(parent)
        self._threads_timer.setSingleShot(True)
        self._threads_timer.setInterval(THREADS_MS)
        self._threads_timer.timeout.connect(self.refresh_threads)

    def watch(self, session: RunSession, debugger: Debugger | None) -> None:
        """Follow `debugger`'s threads for the picker while `session` runs."""
        if debugger is not None:
            debugger.on_threads.append(self._threads_changed)
        session.finished.connect(self.refresh_threads)
        self.refresh_threads()

    def _threads_changed(self) -> None:
        if shiboken6.isValid(self._threads_timer) and not self._threads_timer.isActive():
            self._threads_timer.start()

    def refresh_threads(self) -> None:
        debugger, session = self.run.debugger, self.run.session
        if debugger is None or session is None or session.done:
            self.thread_picker.set_threads([], None)
            self.ui.next_thread_action.setEnabled(False)
            return
        threads = debugger.thread_list()
        rows = [ThreadRow(t.number, t.label, t.describe(), t.status == PAUSED) for t in threads]
        selected = debugger.selected
        self.thread_picker.set_threads(rows, selected.number if selected is not None else None)
        self.ui.next_thread_action.setEnabled(sum(row.paused for row in rows) > 1)

    def switch_thread(self, number: int) -> None:
        """Make thread `number` the one stepped and shown (the picker's choice)."""
        debugger = self.run.debugger
        if not self.run.live or debugger is None:
            return
        try:
            pause = debugger.select(number)
        except LookupError as exc:
            self.host.say(str(exc)[:1].upper() + str(exc)[1:])
            self.refresh_threads()
            return
        self.host.say(f"Switched to {pause.label}: paused at {pause.state}")
        self.host.on_pause(pause)
        self.refresh_threads()

    def next_thread(self) -> None:
        """Switch to the paused thread after the selected one (in the picker's order), round."""
        debugger = self.run.debugger
        if not self.run.live or debugger is None:
            return
        paused = [t.number for t in debugger.thread_list() if t.pause is not None]
        current = debugger.selected
        later = [n for n in paused if current is None or n > current.number]
        if len(paused) > 1 or (paused and current is None):
            self.switch_thread((later or paused)[0])

    def thread_actions(self, menu: QMenu, item: StateItem) -> None:
        """For the state's right-click menu: "Switch to ..." each other thread paused at it."""
        debugger, session = self.run.debugger, self.run.session
        if (
            not self.run.live
            or session is None
            or debugger is None
            or session.main_machine != item.address.machine
        ):
            return
        for thread in debugger.thread_list():
            if thread.pause is None or thread is debugger.selected:
                continue
            if self.host.pause_path(thread.pause) == item.address.path:
                action = menu.addAction(f"Switch to {thread.label}")
                action.triggered.connect(lambda _checked=False, n=thread.number: self.switch_thread(n))
