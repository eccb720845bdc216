"""The first sight reads: at first open on a 1600x1000 window the canvas owns most of the window,
the bottom panels start small and the splitter makes them smaller still, every name is legible
at the zoom the app chose, the minimap covers nothing and no palette entry is cut short."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from designer.canvas.items.base import NodeItem
from designer.canvas.items.card_text import LEGIBLE_PX
from designer.canvas.items.frame_item import StartMarkerItem

WIDTH, HEIGHT = 1600, 1000
REPO = Path(__file__).resolve().parents[2]
ORDER_PIPELINE = REPO / "resources" / "examples" / "order-pipeline" / "order-pipeline.statecanvas.json"


def first_open(window: Any, qtbot: Any) -> Any:
    window.resize(WIDTH, HEIGHT)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


def open_shown(window: Any, qtbot: Any, path: Path = ORDER_PIPELINE) -> Any:
    """`statecanvas design FILE` on a 1600x1000 screen: open, show, then fit readably."""
    first_open(window, qtbot)
    assert window.open_path(path)
    window.view.fit(readable=True)  # what the app does once the window shows (designer/app/launch.py)
    QApplication.processEvents()
    return window


def bottom_docks(window: Any) -> list[Any]:
    return [window.problems_dock, *window.debug.ui.docks.values()]


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
        window.debug.ui.docks[title].raise_()
        QApplication.processEvents()
        assert window.debug.ui.docks[title].height() < before - 30, title


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


REALWORLD = REPO.parent / "shared" / "realworld" / "asl"
LARGE_REALWORLD = (  # the largest machines of the corpus (35, 35 and 33 states, nested maps)
    "serverless-video__backend__pluginManager-extensionService__statemachine__workflow.asl.json",
    "sfwc__bedrock-evaluations-sam__statemachine__statemachine.asl.json",
    "sfwc__quorum-with-parallel-pattern__statemachine__statemachine.asl.json",
)


def painted(window: Any) -> QImage:
    """The canvas as the user sees it (painting is what records each node's painted name)."""
    return window.view.viewport().grab().toImage()


def names_on_screen(window: Any) -> list[Any]:
    view = window.view
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    return [
        item
        for item in window.scene.items()
        if isinstance(item, NodeItem) and item.label() and visible.contains(item.sceneBoundingRect())
    ]


def assert_every_name_reads(window: Any) -> None:
    image = painted(window)
    assert not image.isNull()
    items = names_on_screen(window)
    assert items
    for item in items:
        label = item.painted_label
        assert label is not None and label.lines, f"{item.label()!r} is an empty box"
        assert label.pixels >= LEGIBLE_PX, (item.label(), label.pixels)
        assert label.complete, (item.label(), label.lines)
        assert "".join(label.lines).replace(" ", "") == item.label().replace(" ", "")


def test_every_name_reads_at_the_zoom_chosen_at_open(window: Any, qtbot: Any) -> None:
    open_shown(window, qtbot)
    view = window.view
    scale = view.scale_factor()
    for item in window.scene.items():  # at this zoom every name fits, on screen or scrolled to
        if isinstance(item, NodeItem) and item.label():
            assert item.legible_scale() <= scale + 1e-9, item.label()
    assert scale >= 0.4  # a card at this zoom is large enough for its name: the floor is not hit by accident
    assert_every_name_reads(window)
    named = [i for i in window.scene.items() if isinstance(i, NodeItem) and i.label()]
    starts = [i for i in window.scene.items() if isinstance(i, StartMarkerItem)]
    assert starts and all(s.painted_label and s.painted_label.complete for s in starts)  # "Start" reads too
    # A newcomer reads every name of the example without touching anything: all are in sight.
    assert {i.label() for i in names_on_screen(window)} == {i.label() for i in named}


def test_fit_to_window_never_draws_empty_boxes(window: Any, qtbot: Any) -> None:
    open_shown(window, qtbot)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F)  # View > Fit to Window
    window.view.fit()  # the same, whether or not the shortcut reached the focused viewport
    items = names_on_screen(window)
    assert len(items) == len([i for i in window.scene.items() if isinstance(i, NodeItem) and i.label()])
    painted(window)
    for item in items:
        label = item.painted_label
        assert label is not None and label.lines and label.lines[0].strip("…"), item.label()
        assert label.pixels >= LEGIBLE_PX, (item.label(), label.pixels)


@pytest.mark.parametrize("name", LARGE_REALWORLD)
def test_large_real_world_machines_open_readable(window: Any, qtbot: Any, name: str) -> None:
    path = REALWORLD / name
    if not path.exists():
        pytest.skip("the real-world corpus is not checked out beside this repository")
    open_shown(window, qtbot, path)
    assert_every_name_reads(window)


def wheel(view: Any, pos: QPoint, steps: int) -> None:
    event = QWheelEvent(
        QPointF(pos),
        QPointF(view.viewport().mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
    QApplication.processEvents()


def under_minimap(window: Any) -> list[Any]:
    """The scene items drawn under the minimap (a machine frame's inside is empty canvas)."""
    view, minimap = window.view, window.view.minimap
    area = minimap.geometry().translated(-view.viewport().geometry().topLeft())
    items = window.scene.items(view.mapToScene(area), Qt.ItemSelectionMode.IntersectsItemShape)
    return [item for item in items if item.isVisible()]


def test_the_minimap_never_covers_content(window: Any, qtbot: Any) -> None:
    open_shown(window, qtbot)
    view, minimap = window.view, window.view.minimap
    # The whole example is in sight at first: there is nothing to navigate to, no overview.
    assert minimap.everything_visible()
    assert not minimap.isVisible() and not minimap.toggle.isVisible()
    # Zoomed in, wherever the user looks, the overview sits on empty canvas or folds into its button.
    centre = view.viewport().rect().center()
    wheel(view, QPoint(300, 300), 1)
    assert not minimap.everything_visible()
    assert minimap.isVisible() or minimap.toggle.isVisible()
    assert not minimap.isVisible() or not under_minimap(window)
    for pos, steps in ((centre, 3), (QPoint(200, 200), 2), (QPoint(700, 500), -1), (centre, 4)):
        wheel(view, pos, steps)
        if minimap.isVisible():
            assert not under_minimap(window), minimap.corner
        else:
            assert minimap.toggle.isVisible()
    # Folded and opened by its button.
    wheel(view, centre, -6)
    if not minimap.isVisible():
        QTest.mouseClick(minimap.toggle, Qt.MouseButton.LeftButton)
    assert minimap.isVisible()
    QTest.mouseClick(minimap.toggle, Qt.MouseButton.LeftButton)
    assert not minimap.isVisible() and minimap.toggle.isVisible()
    QTest.mouseClick(minimap.toggle, Qt.MouseButton.LeftButton)
    assert minimap.isVisible()
    # Back to the whole scene: no overview again.
    QTest.keyClick(view.viewport(), Qt.Key.Key_F)
    view.fit()
    assert minimap.everything_visible()
    assert not minimap.isVisible() and not minimap.toggle.isVisible()


def test_card_names_break_between_words(qapp: Any) -> None:
    from PySide6.QtGui import QFont, QFontMetricsF

    from designer.canvas.items.card_text import pieces, wrap

    assert pieces("PublishOrderCreated") == ["Publish", "Order", "Created"]
    assert pieces("fulfillment-orders-dlq") == ["fulfillment-", "orders-", "dlq"]
    assert pieces("Wait 60 Seconds") == ["Wait ", "60 ", "Seconds"]
    assert pieces("SQSQueue") == ["SQS", "Queue"]
    metrics = QFontMetricsF(QFont())
    narrow = metrics.horizontalAdvance("PublishOrder") + 1
    assert wrap("PublishOrderCreated", metrics, narrow, 2) == ["PublishOrder", "Created"]
    assert wrap("PublishOrderCreated", metrics, narrow, 1) is None
    assert wrap("Supercalifragilistic", metrics, 10, 5) is None  # no break point: cannot be made to fit


def test_a_problem_badge_keeps_its_count_legible_zoomed_out(window: Any, qtbot: Any) -> None:
    open_shown(window, qtbot)
    view = window.view
    item = next(i for i in window.scene.items() if isinstance(i, NodeItem) and i.label() == "ChargePayment")
    item.set_problems(["first problem", "second problem"])
    QApplication.processEvents()
    assert view.scale_factor() < 0.7  # zoomed out: the badge's digits would be under 6 px
    corner = item.mapToScene(item.rect().topRight())
    centre = view.mapFromScene(corner)
    image = painted(window)
    fill = QColor(window.scene.theme.color("badge_fill"))
    ink = QColor(window.scene.theme.color("badge_text"))
    red = [
        (x, y)
        for x in range(centre.x() - 12, centre.x() + 12)
        for y in range(centre.y() - 12, centre.y() + 12)
        if image.pixelColor(x, y) == fill
    ]
    xs, ys = [x for x, _ in red], [y for _, y in red]
    assert red and max(ys) - min(ys) >= 9  # a badge about 12 screen pixels across (9 at full size)
    digits = [
        (x, y)
        for x in range(min(xs), max(xs) + 1)
        for y in range(min(ys), max(ys) + 1)
        if _close(image.pixelColor(x, y), ink)
    ]
    assert digits, "the count is drawn, not a bare red dot"
    height = max(y for _, y in digits) - min(y for _, y in digits) + 1
    assert height >= 6  # a 9-pixel font's digit, where the full-size font would be under 5 pixels


def _close(a: QColor, b: QColor) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 90
