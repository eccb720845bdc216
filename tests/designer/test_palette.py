"""The palette's patterns group."""

from __future__ import annotations

from typing import Any

from designer.canvas.patterns import PATTERNS
from designer.canvas.theme import LIGHT
from designer.panels.palette import PalettePanel


def test_palette_offers_every_pattern_between_states_and_resources(qtbot: Any) -> None:
    palette = PalettePanel(LIGHT)
    qtbot.addWidget(palette)
    entries = palette.visible_entries()
    patterns = [e for e in entries if e.startswith("pattern:")]
    assert patterns == [f"pattern:{p}" for p in PATTERNS]
    assert entries.index(patterns[0]) > entries.index("state:Fail")
    assert entries.index(patterns[-1]) < entries.index("resource:bus")
    palette.search.setText("callback")
    assert palette.visible_entries() == ["pattern:callback"]
    palette.search.setText("correlation")
    assert palette.visible_entries() == ["pattern:request-reply"]
