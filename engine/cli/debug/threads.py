"""The terminal debugger's thread commands: `branches` lists the execution's threads (its top
level, each Parallel branch, each Map iteration) and `switch N` makes thread N the one that
`step`, `into`, `out`, `print` and the pause line speak of.

With all-stop (the default) a pause in one branch holds every other branch and iteration at its
next state, so each of them can be switched to and stepped; `continue` lets them all go.
"""

from __future__ import annotations

import json
from typing import TextIO

from engine.runtime import Debugger, Pause


def pause_line(pause: Pause) -> str:
    """`paused at STATE`, and inside a branch or an iteration which thread it is."""
    where = f" [thread {pause.thread}: {pause.label}]" if pause.thread != 1 else ""
    return f"paused at {pause.state}{where}"


def print_pause(pause: Pause, out: TextIO) -> None:
    print(pause_line(pause), file=out)
    print(json.dumps(pause.input, ensure_ascii=False), file=out)


async def list_threads(debugger: Debugger, out: TextIO) -> None:
    """One line a thread, the selected one marked `*`: number, label, where it is."""
    await debugger.settle()
    threads = debugger.thread_list()
    if not threads:
        print("no threads: the execution has not started a state yet", file=out)
        return
    width = max(len(t.label) for t in threads)
    selected = debugger.selected
    for thread in threads:
        mark = "*" if thread is selected and thread.pause is not None else " "
        print(f"{mark} {thread.number:>3}  {thread.label:<{width}}  {thread.describe()}", file=out)


async def switch_thread(debugger: Debugger, argument: str, out: TextIO) -> Pause | None:
    """Select thread `argument`; print its pause as any pause is printed. None: refused (said why)."""
    if not argument.isdigit():
        print("usage: switch N   (N from `branches`)", file=out)
        return None
    await debugger.settle()
    try:
        pause = debugger.select(int(argument))
    except LookupError as exc:
        print(exc, file=out)
        return None
    print_pause(pause, out)
    return pause
