"""What each part of the debugger needs of what is around it, and nothing more.

The debugger is a few objects the controller owns (`run_menu.RunMenu`: docks, actions, menu and
toolbar; `execution_views.ExecutionViews`: every view of the run shown; `rerun.Rerunning`:
TestState and Run from here; `threads.ThreadSwitching`: the paused threads). None of them gets
the window: each is handed the panels it fills and one of the protocols below, which the
controller implements. A part can then be read (and tested) by what it asks for, and the
window can change without the parts following it.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, Protocol

from PySide6.QtWidgets import QGraphicsItem

from designer.canvas.items.state_item import StateItem
from designer.debug.session import RunSession
from engine.runtime import Pause
from engine.runtime.history_view import Thread


class Canvas(Protocol):
    """The scene's answers the debugger's views use."""

    def state_item(self, machine: str, path: str) -> StateItem | None: ...

    def selected_states(self) -> list[StateItem]: ...

    def item_for_key(self, key: str) -> QGraphicsItem | None: ...


class RunCommands(Protocol):
    """The slots of the Run menu's actions."""

    def run(self) -> None: ...

    def debug(self) -> None: ...

    def resume(self) -> None: ...

    def pause_now(self) -> None: ...

    def step(self) -> None: ...

    def step_into(self) -> None: ...

    def step_out(self) -> None: ...

    def next_thread(self) -> None: ...

    def run_to_selected(self) -> None: ...

    def stop(self) -> None: ...

    def toggle_breakpoint(self) -> None: ...

    def edit_condition(self) -> object: ...

    def clear_breakpoints(self) -> None: ...

    def break_flags_changed(self) -> None: ...

    def test_selected_state(self) -> None: ...

    def show_choreography(self) -> None: ...


class Tasks(Protocol):
    """Work the views start on the running loop (the data-flow replay, TestState)."""

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None: ...


class ViewsHost(Tasks, Protocol):
    """What the execution views need of the controller: the actions' state follows every
    refresh, the pause's iteration chain, and the editor's selection."""

    def update_actions(self) -> None: ...

    def pause_thread(self, pause: Pause) -> Thread: ...

    def select_item(self, item: StateItem) -> None: ...


class RerunHost(Tasks, Protocol):
    """What TestState and Run from here need: a new run, the selection and the status bar."""

    def start(
        self,
        *,
        debug: bool,
        machine: str | None = None,
        data: Any = ...,
        definitions: dict[str, dict[str, Any]] | None = None,
        first: str | None = None,
    ) -> RunSession | None: ...

    def selected_item(self) -> StateItem | None: ...

    def say(self, text: str) -> None: ...


class ThreadsHost(Protocol):
    """What switching threads needs: showing a pause, where a pause is, the status bar."""

    def on_pause(self, pause: Pause) -> None: ...

    def pause_path(self, pause: Pause) -> str | None: ...

    def say(self, text: str) -> None: ...
