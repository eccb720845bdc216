"""Small things a newcomer sees in the first run: status glyphs drawn as shapes (a font may draw
U+23F8 "pause" as an empty box), a queue gauge whose parts never overlap, and a timeline with a
time axis and each bar's duration."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from designer_helpers import until
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontMetricsF, QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from designer.canvas.items import base
from designer.debug.status_glyphs import glyph_pixmap
from designer.panels.execution_timeline import Bar, TimelineCanvas, duration_text, event_times

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"
FONT_CHARACTERS = "▶⏸✓✗■⧗"


@pytest.fixture
async def win(qtbot: Any, tmp_path: Path) -> AsyncIterator[Any]:
    from designer.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(PIPELINE, settings=settings, recovery_dir=tmp_path / "recovery", offer_recovery=False)
    window.ask_before_close = False
    qtbot.addWidget(window)
    window.show()
    yield window
    session = window.debug.session
    if session is not None and not session.done:
        session.stop()
        await asyncio.wait_for(session.wait(), 10)
    if window.message_box is not None:
        window.message_box.close()


def ink_columns(icon: str) -> list[int]:
    """The pixel columns of a drawn glyph that hold ink."""
    image = glyph_pixmap(icon, "#0072B2", 12, 2.0).toImage()
    return [
        x
        for x in range(image.width())
        if any(image.pixelColor(x, y).alpha() > 128 for y in range(image.height()))
    ]


def test_status_glyphs_are_shapes(qapp: Any) -> None:
    for icon in ("play", "pause", "check", "cross", "stop", "timeout"):
        assert ink_columns(icon), icon
    pause = ink_columns("pause")  # two bars with a gap between them, not one box
    gaps = [b for a, b in itertools.pairwise(pause) if b - a > 1]
    assert len(gaps) == 1


async def test_the_run_panel_shows_a_drawn_pause_glyph(win: Any) -> None:
    d = win.debug
    d.ui.run_panel.machine.setCurrentText("RetailOrder")
    charge = win.scene.state_item("RetailOrder", "/States/ChargePayment")
    win.view.centerOn(charge)
    point = win.view.mapFromScene(charge.mapToScene(charge.rect().center()))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert charge.isSelected()
    QTest.keyClick(win.view.viewport(), Qt.Key.Key_F9)  # Run > Toggle Breakpoint
    assert d.breakpoints["RetailOrder"] == {"/States/ChargePayment": None}
    d.debug()
    await until(lambda: d.pause is not None, what="the pause at the breakpoint")
    await until(lambda: "Paused" in d.ui.run_panel.status.text(), what="the Run panel's status")
    text = d.ui.run_panel.status.text()
    assert "Paused" in text and "data:image/png" in text and "alt='pause'" in text
    assert not any(character in text for character in FONT_CHARACTERS)
    d.resume()
    await until(lambda: d.session.done, what="the end of the run")
    await until(lambda: "alt='check'" in d.ui.run_panel.status.text(), what="the succeeded glyph")
    # The timeline of that run: an axis above the bars, and each bar's duration.
    canvas = d.ui.timeline.canvas
    await until(lambda: canvas.bars, what="the timeline")
    assert canvas.ticks()
    assert all(canvas.duration(bar) is not None for bar in canvas.bars)
    assert "took" in canvas.tooltip_for(0)
    # Trace rows and problem rows carry drawn icons, not typed marks.
    for i in range(d.ui.choreography.trace.topLevelItemCount()):
        row = d.ui.choreography.trace.topLevelItem(i)
        assert not row.icon(0).isNull() and not any(c in row.text(0) for c in FONT_CHARACTERS)
    row = win.problems.tree.topLevelItem(0)
    assert not row.icon(0).isNull() and row.text(0) == ""


def test_the_timeline_has_a_time_axis_and_durations(qtbot: Any) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        {"id": 1, "timestamp": start},
        {"id": 2, "timestamp": start},
        {"id": 3, "timestamp": (start + timedelta(milliseconds=250)).isoformat()},
        {"id": 4, "timestamp": start + timedelta(seconds=60, milliseconds=250)},
        {"id": 5, "timestamp": start + timedelta(seconds=61)},
    ]
    times = event_times(events)
    assert times == {1: 0.0, 2: 0.0, 3: 0.25, 4: 60.25, 5: 61.0}
    canvas = TimelineCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(900, 200)
    bars = [
        Bar("Validate", "/States/Validate", 2, 3, "succeeded"),
        Bar("Wait", "/States/Wait", 3, 4, "succeeded"),
    ]
    canvas.set_bars(bars, 5, None, times)
    canvas.show()
    qtbot.waitExposed(canvas)
    assert canvas.timed
    labels = [label for _x, label in canvas.ticks()]
    assert (labels[0] == "0" and "min" in labels[-1]) or "s" in labels[-1]
    xs = [x for x, _label in canvas.ticks()]
    assert xs == sorted(xs) and xs[-1] <= canvas.width()
    assert [duration_text(canvas.duration(b)) for b in bars] == ["250 ms", "1 min"]
    assert (
        canvas.bar_rect(1).width() > 100 * canvas.bar_rect(0).width() / 100
    )  # the Wait's bar is the long one
    # Hovering a bar tells its duration.
    centre = canvas.bar_rect(1).center().toPoint()
    QApplication.sendEvent(canvas, QHelpEvent(QHelpEvent.Type.ToolTip, centre, canvas.mapToGlobal(centre)))
    assert "took 1 min" in QToolTip.text()
    image = canvas.grab().toImage()
    assert not image.isNull()


def test_the_queue_gauge_parts_never_overlap(window: Any) -> None:
    from designer.debug.queue_gauge import QueueGauge

    assert window.open_path(PIPELINE)
    item = window.scene.item_for_key("queue:fulfillment-orders")
    gauge = QueueGauge(item)
    gauge.set_depth(12, 3, 4, [0, 3, 12, 7, 2])
    label = base.font("label")
    size = label.pointSizeF()
    try:
        for points in (size, size * 1.5, size * 2.2):  # larger fonts, denser screens
            label.setPointSizeF(points)
            parts = gauge.layout()
            assert parts.badge is not None
            assert not parts.counts.intersects(parts.badge)
            assert parts.counts.bottom() < parts.spark.top() and parts.badge.bottom() < parts.spark.top()
            assert gauge.boundingRect().contains(parts.badge) and gauge.boundingRect().contains(parts.spark)
            if points <= size * 1.5:  # inside the queue's own box: it covers no neighbour, edge or label
                assert item.rect().contains(gauge.boundingRect())
                assert parts.counts.top() >= item.rect().top() + 22  # below the queue's name
    finally:
        label.setPointSizeF(size)
    assert "12 visible · 3 in flight" in gauge.toolTip()
    assert gauge.counts_fitting(10_000) == "12 visible · 3 in flight"
    assert gauge.counts_fitting(QFontMetricsF(base.font("label")).horizontalAdvance("12 · 3")) == "12 · 3"
