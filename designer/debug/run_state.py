"""The run the debugger shows and where the user is looking in it, shared by its parts.

The controller changes the run (start, pause, stop); the views decide what is shown from it and
keep their answer here (`picture`, `shown`) for the commands that act on it (TestState on the
selected state's last run, Run from here, a breakpoint condition's sample input).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.debug.session import RunSession
from designer.debug.shown import Shown
from engine.runtime import Debugger, Pause
from engine.runtime.history_view import ExecutionPicture, PictureCache


@dataclass
class RunState:
    session: RunSession | None = None
    debugger: Debugger | None = None
    pause: Pause | None = None
    picture: ExecutionPicture | None = None  # the execution shown, as `shown` has it
    shown: Shown | None = None  # what every execution view shows (see designer.debug.shown)
    pictures: PictureCache = field(default_factory=PictureCache)
    shown_arn: str | None = None
    cursor: int | None = None  # events shown (time travel); None: the live end
    focus: dict[str, int | None] = field(default_factory=dict)  # Map/Parallel path -> iteration shown
    selected: tuple[str, str] | None = None  # (machine, state path)
    selected_visit: int | None = None

    def forget_shown(self) -> None:
        """Nothing of a previous run is shown any more."""
        self.pause, self.picture, self.shown, self.cursor, self.shown_arn = None, None, None, None, None
        self.pictures.clear()

    @property
    def live(self) -> bool:
        """A debugger is attached to a run that has not ended."""
        return self.debugger is not None and self.session is not None and not self.session.done
