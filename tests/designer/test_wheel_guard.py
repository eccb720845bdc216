"""No input field, combo box, spin box or slider changes its value on a mouse wheel unless it has
keyboard focus: the wheel scrolls the form instead, anywhere in the app."""

from __future__ import annotations

from typing import Any

from designer_helpers import activate, click_state
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

M = "order-processing"


def wheel_over(widget: Any, steps: int = -1) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_wheel_over_the_resource_combo_changes_nothing(qtbot: Any, window: Any) -> None:
    activate(qtbot, window)
    click_state(window, "ValidateOrder")
    window.inspector_dock.show()
    window.inspector_dock.raise_()
    qtbot.waitUntil(lambda: window.inspector.isVisible(), timeout=2000)
    combo = window.inspector.form.editors["Resource"].combo
    assert combo.currentData() == "arn:aws:states:::lambda:invoke"
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus, "the wheel does not focus it"
    area = combo.parentWidget()
    while not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    window.resize(1200, 420)  # a short inspector: the form scrolls
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=2000)
    scroll = area.verticalScrollBar()
    scroll.setValue(0)
    for _ in range(3):
        wheel_over(combo)
    assert combo.currentData() == "arn:aws:states:::lambda:invoke"
    assert window.document.definition(M)["States"]["ValidateOrder"]["Resource"] == (
        "arn:aws:states:::lambda:invoke"
    )
    assert not window.document.modified
    assert scroll.value() > 0, "the wheel scrolled the form instead"
    # With keyboard focus the wheel is the user's choice again.
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus, timeout=2000)
    wheel_over(combo)
    assert combo.currentData() != "arn:aws:states:::lambda:invoke"


def test_every_value_widget_in_the_window_is_guarded(window: Any) -> None:
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QScrollBar, QSpinBox

    spin = QSpinBox(window.inspector)
    spin.setRange(0, 10)
    spin.setValue(5)
    spin.show()
    wheel_over(spin, steps=1)
    assert spin.value() == 5 and spin.focusPolicy() == Qt.FocusPolicy.StrongFocus
    found = [
        w
        for w in window.findChildren(object)
        if isinstance(w, (QComboBox, QAbstractSpinBox, QAbstractSlider)) and not isinstance(w, QScrollBar)
    ]
    assert found and all(w.focusPolicy() != Qt.FocusPolicy.WheelFocus for w in found)
