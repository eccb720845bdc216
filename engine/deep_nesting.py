"""Room on the stack for documents nested as deeply as AWS accepts them.

AWS reads definitions and payloads up to 1,000 levels deep. A few library walkers that
StateCanvas relies on (PyYAML's emitter, some template walks) recurse in Python several frames
a level, so at that depth they pass the interpreter's default limit of 1,000 frames. They run
inside `nesting_headroom()`, which lifts the limit while any thread needs it and restores it
when the last one leaves; the rest of the process keeps the default guard against runaway code.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Enough for PyYAML's emitter and representer at 1,000 levels, with room for the caller's frames.
DEEP_RECURSION_LIMIT = 12_000

_lock = threading.Lock()
_users = 0
_saved = 0


@contextmanager
def nesting_headroom() -> Iterator[None]:
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = sys.getrecursionlimit()
            if _saved < DEEP_RECURSION_LIMIT:
                sys.setrecursionlimit(DEEP_RECURSION_LIMIT)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                sys.setrecursionlimit(_saved)
