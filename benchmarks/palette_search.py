"""How instant the palette's AWS actions are: opening it, the first search, and typing.

1. Catalog index: building it from botocore's ~450 service models (what the first StateCanvas
   start on a machine pays, once per botocore version, in a background thread) and reading the
   cached index back (every later start).
2. Opening the palette: constructing the panel (no model is read on the UI thread).
3. First search: from typing "dynamo put" to the list showing the actions, the index built in
   its thread meanwhile (cold and warm cache).
4. Typing: each keystroke of "start job run" typed into the search box, the list refilled
   with the states and the matching actions: median and worst per keystroke. Target: under
   50 ms a keystroke.

    QT_QPA_PLATFORM=offscreen python benchmarks/palette_search.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _fresh_catalog() -> None:
    """Forget every in-process cache, as a new StateCanvas process starts."""
    from engine.services import action_search, catalog

    catalog._state.clear()
    action_search.action_index.cache_clear()


def _first_search(app: object, text: str) -> tuple[float, float]:
    """(open ms, first-search ms): the palette made, then `text` typed until actions are listed."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtTest import QTest

    from designer.canvas.theme import LIGHT
    from designer.panels.palette import PalettePanel

    start = time.perf_counter()
    palette = PalettePanel(LIGHT)
    palette.show()
    opened = time.perf_counter()
    QTest.keyClicks(palette.search, text)
    while not any(e.startswith("action:") for e in palette.visible_entries()):
        QCoreApplication.processEvents()
        time.sleep(0.001)
    done = time.perf_counter()
    palette.close()
    return (opened - start) * 1000, (done - opened) * 1000


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from engine.services import catalog

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as cache:
        os.environ["STATECANVAS_CACHE_DIR"] = cache
        _fresh_catalog()
        start = time.perf_counter()
        services = catalog.services()
        build = (time.perf_counter() - start) * 1000
        _fresh_catalog()
        start = time.perf_counter()
        catalog.services()
        read = (time.perf_counter() - start) * 1000
        operations = sum(len(s.operations) for s in services.values())
        print(
            f"catalog: {len(services)} services, {operations} operations",
            f"(botocore {catalog.botocore_version()})",
        )
        print(f"  index built from the models: {build:.0f} ms (once per botocore version, off the UI thread)")
        print(f"  index read from the cache:   {read:.0f} ms")

        for label, clear_cache in (("cold cache", True), ("warm cache", False)):
            if clear_cache:
                for path in Path(cache).glob("*.json"):
                    path.unlink()
            _fresh_catalog()
            opened, first = _first_search(app, "dynamo put")
            print(
                f"palette ({label}): opened in {opened:.0f} ms;",
                f"first search 'dynamo put' listed in {first:.0f} ms",
            )

        from designer.canvas.theme import LIGHT
        from designer.panels.palette import PalettePanel

        palette = PalettePanel(LIGHT)
        palette.actions.wait()
        keystrokes: list[float] = []
        for _ in range(5):
            palette.search.clear()
            for char in "start job run":
                start = time.perf_counter()
                QTest.keyClicks(palette.search, char)
                keystrokes.append((time.perf_counter() - start) * 1000)
        median, worst = statistics.median(keystrokes), max(keystrokes)
        print(f"typing 'start job run' (5 times): median {median:.1f} ms, worst {worst:.1f} ms a keystroke")
        print(f"  target under 50 ms: {'met' if worst < 50 else 'NOT met'}")
        found = [e for e in palette.visible_entries() if e.startswith("action:")]
        print(f"  'start job run' lists {len(found)} actions, first {found[0] if found else None}")


if __name__ == "__main__":
    main()
