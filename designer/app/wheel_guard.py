"""The mouse wheel scrolls; it never edits a value the user is not editing.

Qt lets combo boxes, spin boxes (and date/time edits) and sliders take a wheel event whenever
the pointer is over them, so scrolling down a form silently rewrote whatever field passed under
the pointer (a Task's Resource went from Lambda to EventBridge). One application-wide event
filter stops that everywhere, including in panels added later: such a widget gets the wheel only
while it has keyboard focus; otherwise the event goes to the scroll area around it, so the form
scrolls as the user meant. The widgets also stop taking focus from the wheel (StrongFocus), or
the first wheel turn would focus them and the second would edit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def is_guarded(widget: QObject) -> bool:
    """Value widgets the wheel must not change unless focused (a scroll bar is not one: it scrolls)."""
    return isinstance(widget, GUARDED) and not isinstance(widget, QScrollBar)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and is_guarded(watched):
            _no_wheel_focus(watched)  # type: ignore[arg-type]
        elif kind == QEvent.Type.Wheel and is_guarded(watched):
            widget: QWidget = watched  # type: ignore[assignment]
            _no_wheel_focus(widget)
            if not widget.hasFocus():
                _scroll_enclosing_area(widget, event)  # type: ignore[arg-type]
                return True
        return False


def _no_wheel_focus(widget: QWidget) -> None:
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def _scroll_enclosing_area(widget: QWidget, event: QWheelEvent) -> None:
    """Give the wheel to the nearest scroll area around `widget`, as if the widget were not there."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is None:
        return
    viewport = parent.viewport()
    position = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
    forwarded = QWheelEvent(
        position,
        event.globalPosition(),
        event.pixelDelta(),
        event.angleDelta(),
        event.buttons(),
        event.modifiers(),
        event.phase(),
        event.inverted(),
        event.source(),
    )
    QApplication.sendEvent(viewport, forwarded)


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on `app` once; later calls return the installed one."""
    existing = app.findChild(WheelGuard)
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    for widget in app.allWidgets():  # polished before the guard was there
        if is_guarded(widget):
            _no_wheel_focus(widget)
    return guard
