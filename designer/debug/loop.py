"""Running the application on qasync's event loop: asyncio coroutines (the engine) and Qt events
share one loop, so a run never blocks the window and nothing spins a nested loop."""

from __future__ import annotations

import asyncio
from typing import Any


def exec_with_asyncio(app: Any) -> int:
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closing = asyncio.Event()
    app.aboutToQuit.connect(closing.set)
    with loop:
        loop.run_until_complete(closing.wait())
    return 0
