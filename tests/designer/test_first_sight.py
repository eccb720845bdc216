"""The first sight reads: at first open on a 1600x1000 window the canvas owns most of the window,
the bottom panels start small and the splitter makes them smaller still, every name is legible
at the zoom the app chose, the minimap covers nothing and no palette entry is cut short."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

WIDTH, HEIGHT = 1600, 1000


def first_open(window: Any, qtbot: Any) -> Any:
    window.resize(WIDTH, HEIGHT)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


def bottom_docks(window: Any) -> list[Any]:
    return [window.problems_dock, *window.debug.docks.values()]


def test_the_canvas_gets_most_of_the_window_and_the_bottom_panels_shrink(window: Any, qtbot: Any) -> None:
    first_open(window, qtbot)
    assert window.view.height() >= 0.6 * window.height()
    assert window.view.width() >= 0.6 * window.width()
    problems = window.problems_dock
    assert problems.height() <= window.height() / 4
    for dock in bottom_docks(window):  # every panel, even the tall Test State form, lets itself shrink
        assert dock.minimumSizeHint().height() <= 100, dock.windowTitle()
    # Drag the separator between the canvas and the bottom panels down by 50 pixels.
    centre = window.centralWidget().geometry()
    top = problems.geometry().top()
    grip = QPoint(centre.center().x(), (centre.bottom() + top) // 2 + 1)
    before = problems.height()
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grip)
    for step in range(1, 6):
        QTest.mouseMove(window, grip + QPoint(0, 10 * step))
        qtbot.wait(5)  # the main window applies a separator move on its next timer tick
    release = grip + QPoint(0, 50)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, release)
    QApplication.processEvents()
    assert problems.height() < before - 30
    assert window.view.height() > 0.6 * window.height() + 30
    for title in ("Test State", "Run", "Callbacks"):  # the tall ones stay small when brought forward
        window.debug.docks[title].raise_()
        QApplication.processEvents()
        assert window.debug.docks[title].height() < before - 30, title


def test_no_palette_entry_is_cut_short(window: Any, qtbot: Any) -> None:
    first_open(window, qtbot)
    palette = window.palette.list
    assert palette.horizontalScrollBar().maximum() == 0
    visible = palette.viewport().width()
    metrics = palette.fontMetrics()
    assert palette.count() > 20
    for row in range(palette.count()):
        item = palette.item(row)
        needed = metrics.horizontalAdvance(item.text()) + (
            palette.iconSize().width() + 8 if item.data(Qt.ItemDataRole.DecorationRole) is not None else 0
        )
        assert needed <= visible, item.text()
        assert palette.sizeHintForIndex(palette.indexFromItem(item)).width() <= visible, item.text()
