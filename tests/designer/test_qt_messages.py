"""The designer tests' Qt message check (conftest.fail_on_qt_warnings) records what it should."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import qCritical, qDebug, qWarning


def test_warnings_and_criticals_are_recorded_and_offscreen_notices_are_not(
    fail_on_qt_warnings: list[str], qapp: Any
) -> None:
    qDebug("a debug line is not a problem")
    qWarning("This plugin does not support raise()")  # the offscreen platform's own notice
    qWarning("QObject::connect: No such signal Foo::bar()")
    qCritical("something critical")
    assert [line.split(" (")[0] for line in fail_on_qt_warnings] == [
        "QtWarningMsg: QObject::connect: No such signal Foo::bar()",
        "QtCriticalMsg: something critical",
    ]
    fail_on_qt_warnings.clear()  # recorded on purpose here: this test must not fail for them
