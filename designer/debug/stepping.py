"""The debugger's commands and how a pause is shown (a part DebugController owns): continue,
step over, into and out, pause, run to a state, and the edited input a paused state runs on.

A pause is shown in two beats: the canvas at once (the paused state's outline, scrolled into
view), then a moment later the selection, which fills the panels through the inspector (which
must not stand between the pause and the canvas).
"""

from __future__ import annotations

from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QGraphicsView

from designer.canvas.items.state_item import StateItem
from designer.debug.hop_view import HopView
from designer.debug.host import Canvas, RerunHost
from designer.debug.run_state import RunState
from designer.panels.execution_run import ExecutionRunPanel
from engine.runtime import Pause
from engine.runtime.history_view import ExecutionPicture, Thread

AFTER_PAUSE_MS = 30  # the canvas paints the pause first; panels and selection follow


class SteppingHost(RerunHost, Protocol):
    """What the commands need of the controller: a new run, the views and the actions."""

    def schedule(self) -> None: ...

    def refresh(self, canvas_only: bool = False) -> None: ...

    def update_actions(self) -> None: ...

    def select_item(self, item: StateItem) -> None: ...


class Stepping:
    def __init__(
        self,
        run: RunState,
        canvas: Canvas,
        view: QGraphicsView,
        run_panel: ExecutionRunPanel,
        hop_view: HopView,
        host: SteppingHost,
        parent: QObject,
    ) -> None:
        """`parent`: the object whose life the delayed half of a pause's showing depends on."""
        self.run, self.canvas, self.view, self.run_panel = run, canvas, view, run_panel
        self.hop_view, self.host, self.parent = hop_view, host, parent

    def _go(self, command: str) -> None:
        run = self.run
        if run.debugger is None or run.session is None or run.session.done:
            if command in ("step", "into"):
                self.host.start(debug=True, first="pause")
            elif command == "run":
                self.host.start(debug=True)
            return
        if self.hop_view.command(command):  # paused at a hop: the command moves the event on
            self.host.update_actions()
            self.host.schedule()
            return
        run.pause = None
        getattr(run.debugger, command)()
        self.host.update_actions()
        self.host.schedule()

    def resume(self) -> None:
        run = self.run
        self._go("resume" if run.session is not None and not run.session.done and run.debugger else "run")

    def step(self) -> None:
        self._go("step")

    def step_into(self) -> None:
        self._go("step_into" if self.run.live else "into")

    def step_out(self) -> None:
        if self.run.live:
            self._go("step_out")

    def pause_now(self) -> None:
        run = self.run
        if run.live and run.debugger is not None and run.session is not None:
            run.debugger.pause()
            if run.session.hops is not None:
                run.session.hops.pause()  # or at the next hop of any story, whichever comes first

    def run_to_selected(self) -> None:
        item = self.host.selected_item()
        if item is None:
            self.host.say("Select the state to run to.")
            return
        run = self.run
        if run.live and run.debugger is not None:
            run.pause = None
            run.debugger.run_to(item.address.name)
            self.host.update_actions()
        else:
            self.host.start(debug=True, machine=item.address.machine, first=item.address.name)

    def on_pause(self, pause: Pause) -> None:
        """The canvas shows the pause at once; the panels and the selection follow a moment later
        (selecting runs the inspector, which must not stand between the pause and the canvas)."""
        run = self.run
        run.pause = pause
        run.cursor = None
        session = run.session
        if session is not None and session.main_arn:
            run.shown_arn = session.main_arn
        self._focus_on_pause(pause)
        self.host.refresh(canvas_only=True)
        machine = session.main_machine if session is not None else None
        path = self.pause_path(pause)
        item = self.canvas.state_item(machine, path) if machine and path else None
        if item is not None:
            self.view.ensureVisible(item, 60, 60)
        QTimer.singleShot(AFTER_PAUSE_MS, lambda: self._after_pause(pause, item))

    def _after_pause(self, pause: Pause, item: StateItem | None) -> None:
        if self.run.pause is not pause or not shiboken6.isValid(self.parent):
            return
        self.host.update_actions()
        if item is not None and shiboken6.isValid(item):
            self.host.select_item(item)  # refreshes the panels through the selection
        self.host.refresh()

    def pause_thread(self, pause: Pause) -> Thread:
        pairs = list(zip(pause.path[0::2], pause.path[1::2], strict=False))
        picture = self.run.picture
        types = {}
        if picture is not None:
            for path, kind in picture.state_types().items():
                types[path.rsplit("/States/", 1)[-1]] = kind
        return tuple(
            (name, int(index)) for name, index in pairs if types.get(name, "Map") == "Map" and index.isdigit()
        )

    def pause_path(self, pause: Pause) -> str | None:
        session = self.run.session
        if session is None or session.main_machine is None:
            return None
        picture = ExecutionPicture([], session.definition_of(session.main_arn or ""))
        return picture.resolve(pause.state, self.pause_thread(pause))

    def _focus_on_pause(self, pause: Pause) -> None:
        session = self.run.session
        if session is None:
            return
        picture = ExecutionPicture([], session.definition_of(session.main_arn or ""))
        for name, index in zip(pause.path[0::2], pause.path[1::2], strict=False):
            container = picture.resolve(name)
            if container is not None and index.isdigit():
                self.run.focus[container] = int(index)
                self.run_panel.select_focus(container, int(index))

    def apply_input(self, value: Any) -> None:
        run = self.run
        if run.debugger is not None and run.pause is not None:
            run.debugger.set_input(value)
            self.host.say(f"{run.pause.state} will run on the edited input")
