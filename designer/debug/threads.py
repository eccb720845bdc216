"""Switching between the threads of a paused execution (a part of DebugController).

With all-stop (the engine's default) a pause in one Parallel branch or Map iteration holds every
other one at its next state. The Run panel's thread picker lists them; choosing a paused one
makes it the debugger's selected thread, so F10, F11 and Shift+F11 step it, and shows its pause
as any pause is shown (the canvas, the iteration or branch pickers, the state data). Non-Stop
Debugging in the Run menu lets the other branches and iterations run on instead.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QTimer

from designer.panels.execution_threads import ThreadPicker, ThreadRow
from engine.runtime.debug_threads import PAUSED

THREADS_MS = 30  # the engine reports every thread that starts or stops: the picker follows in batches


class ThreadSwitching:
    window: Any
    session: Any
    debugger: Any

    def _build_threads(self) -> None:
        self.thread_picker = ThreadPicker()
        layout = self.run_panel.layout()
        layout.insertWidget(layout.indexOf(self.run_panel.status) + 1, self.thread_picker)
        self.thread_picker.thread_chosen.connect(self.switch_thread)
        self._threads_timer = QTimer(self)
        self._threads_timer.setSingleShot(True)
        self._threads_timer.setInterval(THREADS_MS)
        self._threads_timer.timeout.connect(self.refresh_threads)
        self.non_stop_action = self._action(
            "&Non-Stop Debugging",
            lambda: None,
            None,
            "A pause stops only its own branch or iteration; the others run on (from the next run)",
        )
        self.non_stop_action.setCheckable(True)
        self.next_thread_action = self._action(
            "Next Paused &Thread",
            self.next_thread,
            "Ctrl+F11",
            "Switch to the next paused branch or iteration: the one the steps act on",
        )
        self.next_thread_action.setEnabled(False)
        self._insert_after(self.out_action, self.next_thread_action)
        self._insert_after(self.break_caught_action, self.non_stop_action)

    def _insert_after(self, anchor: Any, action: Any) -> None:
        actions = self.menu.actions()
        after = actions.index(anchor) + 1
        self.menu.insertAction(actions[after] if after < len(actions) else None, action)

    def _watch_threads(self, session: Any, debugger: Any) -> None:
        """Follow `debugger`'s threads for the picker while `session` runs."""
        if debugger is not None:
            debugger.on_threads.append(self._threads_changed)
        session.finished.connect(self.refresh_threads)
        self.refresh_threads()

    def _threads_changed(self) -> None:
        if shiboken6.isValid(self) and not self._threads_timer.isActive():
            self._threads_timer.start()

    def refresh_threads(self) -> None:
        debugger, session = self.debugger, self.session
        if debugger is None or session is None or session.done:
            self.thread_picker.set_threads([], None)
            self.next_thread_action.setEnabled(False)
            return
        threads = debugger.thread_list()
        rows = [ThreadRow(t.number, t.label, t.describe(), t.status == PAUSED) for t in threads]
        selected = debugger.selected
        self.thread_picker.set_threads(rows, selected.number if selected is not None else None)
        self.next_thread_action.setEnabled(sum(row.paused for row in rows) > 1)

    def switch_thread(self, number: int) -> None:
        """Make thread `number` the one stepped and shown (the picker's choice)."""
        if not self._live_debugger():
            return
        try:
            pause = self.debugger.select(number)
        except LookupError as exc:
            self._say(str(exc)[:1].upper() + str(exc)[1:])
            self.refresh_threads()
            return
        self._say(f"Switched to {pause.label}: paused at {pause.state}")
        self._on_pause(pause)
        self.refresh_threads()

    def next_thread(self) -> None:
        """Switch to the paused thread after the selected one (in the picker's order), round."""
        if not self._live_debugger():
            return
        paused = [t.number for t in self.debugger.thread_list() if t.pause is not None]
        current = self.debugger.selected
        later = [n for n in paused if current is None or n > current.number]
        if len(paused) > 1 or (paused and current is None):
            self.switch_thread((later or paused)[0])

    def thread_actions(self, menu: Any, item: Any) -> None:
        """For the state's right-click menu: "Switch to ..." each other thread paused at it."""
        debugger, session = self.debugger, self.session
        if not self._live_debugger() or session.main_machine != item.address.machine:
            return
        for thread in debugger.thread_list():
            if thread.pause is None or thread is debugger.selected:
                continue
            if self._pause_path(thread.pause) == item.address.path:
                action = menu.addAction(f"Switch to {thread.label}")
                action.triggered.connect(lambda _checked=False, n=thread.number: self.switch_thread(n))
