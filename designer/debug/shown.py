"""What the execution views show, decided once per refresh: one execution, one point in its
history, one iteration or branch per Map and Parallel, and the pause when it lies in what is
shown. The status line, the canvas overlay, the state data and the data-flow tabs all read this
one `Shown`, so they cannot describe different moments or different iterations.

Pictures of live histories are kept and grown by the new events only (the engine's
`PictureCache`), so a pause is shown at the same cost whether the history holds a thousand
events or twenty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.runtime import Pause
from engine.runtime.history_view import ExecutionPicture, Thread, Visit


@dataclass
class Shown:
    arn: str
    machine: str
    picture: ExecutionPicture
    cursor: int | None  # events shown (time travel); None: the live end
    iterations: dict[str, int | None] = field(default_factory=dict)  # Map name -> iteration shown
    dimmed: set[str] = field(default_factory=set)  # state paths of the Parallel branches not shown
    pause: Pause | None = (
        None  # the debugger's Pause, when this execution is paused and the live end is shown
    )
    pause_thread: Thread = ()
    paused_path: str | None = None  # the paused state, when the pause lies in the iteration shown
    focus: dict[str, int | None] = field(default_factory=dict)  # Map/Parallel path -> index chosen

    @property
    def paused(self) -> bool:
        return self.pause is not None

    @property
    def pause_elsewhere(self) -> bool:
        """Paused, but in an iteration or branch other than the one shown."""
        return self.pause is not None and self.paused_path is None

    def visits_of(self, path: str) -> list[Visit]:
        """The runs of a state in what is shown: the chosen iteration of each Map, and, in a
        Parallel showing one branch, nothing of the others."""
        if path in self.dimmed:
            return []
        return self.picture.visits_of(path, self.iterations)

    def where(self, thread: Thread) -> str:
        """'iteration 2 of PickItems' for the innermost Map iteration of a thread ('' outside Maps)."""
        if not thread:
            return ""
        name, index = thread[-1]
        return f"iteration {index} of {name}"

    def shown_choice(self) -> str:
        """What the pickers choose, in words ('' when every iteration and branch is shown)."""
        types = self.picture.state_types()
        parts = []
        for container, index in self.focus.items():
            if index is None:
                continue
            name = container.rsplit("/States/", 1)[-1]
            kind = types.get(container)
            parts.append(f"iteration {index} of {name}" if kind == "Map" else f"branch {index + 1} of {name}")
        return ", ".join(parts)
